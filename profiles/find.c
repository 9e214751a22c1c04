// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding a profile: a bundled one by name, or a file by its path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profiles/profile-internal.h"

static bool is_path(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') || (len >= 4 && streq(s + len - 4, ".ini"));
}

static void list_bundled(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n_bundled_profiles && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 bundled_profiles[i].name);
}

static int load_bundled(const struct bundled_profile *b, struct plan *ret,
			struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	char file[PLAN_PATH_MAX];
	struct plan plan;
	int r;

	snprintf(file, sizeof(file), "bundled:%s", b->name);
	error_init(err, file);
	f = fmemopen((void *)b->text, strlen(b->text), "r");
	if (!f) {
		r = negative_errno();
		return error_set(err, r, 0, NULL, "cannot read the profile: %s", strerror(-r));
	}
	r = profile_read(f, &plan, err);
	if (r < 0)
		return r;
	snprintf(plan.profile, sizeof(plan.profile), "%s", b->name);
	*ret = plan;
	return 0;
}

static int load_name(const char *name, struct plan *ret, struct profile_error *err)
{
	char known[256];

	for (unsigned i = 0; i < n_bundled_profiles; i++)
		if (streq(bundled_profiles[i].name, name))
			return load_bundled(&bundled_profiles[i], ret, err);
	error_init(err, name);
	list_bundled(known, sizeof(known));
	return error_set(err, -ENOENT, 0, NULL,
			 "unknown profile \"%s\"; bundled profiles: %s (or give a file path)", name,
			 known);
}

/* "profiles/big-files.ini" is profile "big-files". */
static void profile_name_from_path(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n >= 4 && streq(base + n - 4, ".ini"))
		n -= 4;
	snprintf(buf, len, "%.*s", (int)MIN(n, len - 1), base);
}

/* A regular file only: a directory reads as empty, a FIFO would block. */
static int open_profile(const char *path, FILE **ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*ret = fdopen(fd, "r");
	if (!*ret)
		return -errno;
	steal_fd(&fd);
	return 0;
}

static int load_path(const char *path, struct plan *ret, struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	char known[256];
	struct plan plan;
	int r;

	error_init(err, path);
	if (strlen(path) >= sizeof(plan.profile_path))
		return error_set(err, -ENAMETOOLONG, 0, NULL, "profile path too long");
	r = open_profile(path, &f);
	if (r == -EISDIR || r == -EINVAL)
		return error_set(err, -EINVAL, 0, NULL, "%s, not a profile file",
				 r == -EISDIR ? "is a directory" : "is not a regular file");
	if (r < 0) {
		list_bundled(known, sizeof(known));
		return error_set(err, r, 0, NULL, "cannot open profile: %s (bundled profiles: %s)",
				 strerror(-r), known);
	}
	r = profile_read(f, &plan, err);
	if (r < 0)
		return r;
	profile_name_from_path(path, plan.profile, sizeof(plan.profile));
	snprintf(plan.profile_path, sizeof(plan.profile_path), "%s", path);
	*ret = plan;
	return 0;
}

int profile_load(const char *name_or_path, struct plan *ret, struct profile_error *err)
{
	struct profile_error ignored;

	if (!err)
		err = &ignored;
	if (!name_or_path || !*name_or_path) {
		error_init(err, "");
		return error_set(err, -EINVAL, 0, NULL, "empty profile name");
	}
	if (is_path(name_or_path))
		return load_path(name_or_path, ret, err);
	return load_name(name_or_path, ret, err);
}
