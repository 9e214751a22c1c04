// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "reports/report.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/fs.h"

int parse_common_option(int c, void (*usage)(FILE *out), bool *quiet)
{
	switch (c) {
	case 'q':
		if (quiet)
			*quiet = true;
		log_set_level(LOG_WARN);
		return 0;
	case 'v':
		log_set_level(LOG_DEBUG);
		return 0;
	case 'h':
		usage(stdout);
		return 1;
	default:
		return 0;
	}
}

void log_profile_error(const struct profile_error *err)
{
	if (err->line && err->key[0])
		log_error("%s:%u: %s: %s", err->file, err->line, err->key, err->message);
	else if (err->line)
		log_error("%s:%u: %s", err->file, err->line, err->message);
	else if (err->key[0])
		log_error("%s %s: %s", err->file, err->key, err->message);
	else
		log_error("%s: %s", err->file, err->message);
}

int check_output_path(const char *path, const char *option)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	struct stat st;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0) {
		log_error("%s %s: the directory %s does not exist: give a file in an existing "
			  "directory",
			  option, path, dir);
		return -EINVAL;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("%s %s: %s is not a directory: give a file in an existing directory",
			  option, path, dir);
		return -EINVAL;
	}
	return 0;
}

int check_target_dir(const char *dir)
{
	struct stat st;
	int r;

	if (stat(dir, &st) < 0) {
		log_error("--dir %s: %s", dir, strerror(errno));
		return -EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("--dir %s: not a directory", dir);
		return -EXIT_USAGE;
	}
	r = fs_check_writeback(dir);
	if (r == -EMEDIUMTYPE) {
		log_error("--dir %s is on tmpfs or ramfs: those have no writeback, so there is "
			  "nothing to lose and nothing to verify.\n  Fix: give a directory on a "
			  "disk-backed filesystem, or omit --dir for a scratch filesystem.",
			  dir);
		return -EXIT_UNSUPPORTED;
	}
	if (access(dir, W_OK) < 0) {
		log_error("--dir %s: not writable (%s).\n  Fix: run as a user who can write "
			  "there, or choose another directory.",
			  dir, strerror(errno));
		return -EXIT_UNSUPPORTED;
	}
	return 0;
}

static bool executable_in(const char *dir, size_t len, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%.*s/%s", (int)len, dir, name) >= (int)sizeof(path))
		return false;
	return access(path, X_OK) == 0;
}

bool find_program(const char *name)
{
	const char *path = getenv("PATH");

	if (executable_in("/usr/sbin", 9, name) || executable_in("/sbin", 5, name))
		return true;
	while (path && *path) {
		const char *colon = strchrnul(path, ':');

		if (colon > path && executable_in(path, (size_t)(colon - path), name))
			return true;
		path = *colon ? colon + 1 : colon;
	}
	return false;
}
