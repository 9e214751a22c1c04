// SPDX-License-Identifier: LGPL-2.1-or-later
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/macro.h"
#include "xfer.h"

#define XFER_CONFIG "config.sh"

char *shell_quote(const char *s)
{
	size_t n = 3;
	char *q, *p;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	q = p = malloc(n);
	if (!q)
		return NULL;
	*p++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *c;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

static int write_config_tar(int fd, const char *config)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	size_t len = strlen(config);
	int r = 0;

	if (!a || !ae) {
		r = -ENOMEM;
		goto out;
	}
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		r = -EIO;
		goto out;
	}
	archive_entry_set_pathname(ae, XFER_CONFIG);
	archive_entry_set_mode(ae, S_IFREG | 0644);
	archive_entry_set_size(ae, (la_int64_t)len);
	if (archive_write_header(a, ae) != ARCHIVE_OK ||
	    archive_write_data(a, config, len) != (la_ssize_t)len ||
	    archive_write_close(a) != ARCHIVE_OK)
		r = -EIO;
out:
	if (ae)
		archive_entry_free(ae);
	if (a)
		archive_write_free(a);
	return r;
}

int xfer_create(const char *path, uint64_t size, const char *config)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		return -errno;
	r = write_config_tar(fd, config);
	if (r < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

/* Entries the host accepts from a guest: plain relative paths, files and directories. */
static bool entry_acceptable(struct archive_entry *ae)
{
	const char *p = archive_entry_pathname(ae);
	mode_t type = archive_entry_filetype(ae);

	if (!p || p[0] == '/' || strstr(p, "..") || archive_entry_hardlink(ae))
		return false;
	return type == AE_IFREG || type == AE_IFDIR;
}

static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int k;

	while ((k = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, len, off) != ARCHIVE_OK)
			return -EIO;
	return k == ARCHIVE_EOF ? 0 : -EIO;
}

static int extract_entries(struct archive *in, struct archive *out, const char *dir,
			   bool *ret_results)
{
	struct archive_entry *ae;
	int k, r;

	while ((k = archive_read_next_header(in, &ae)) == ARCHIVE_OK) {
		char path[PATH_MAX];
		const char *name = archive_entry_pathname(ae);

		if (streq(name, XFER_CONFIG) || streq(name, "./" XFER_CONFIG) ||
		    !entry_acceptable(ae))
			continue;
		*ret_results = true;
		if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
			continue;
		archive_entry_set_pathname(ae, path);
		archive_entry_set_perm(ae, archive_entry_perm(ae) & 0755);
		if (archive_write_header(out, ae) != ARCHIVE_OK)
			return -EIO;
		r = copy_data(in, out);
		if (r < 0)
			return r;
		if (archive_write_finish_entry(out) != ARCHIVE_OK)
			return -EIO;
	}
	return k == ARCHIVE_EOF ? 0 : -EIO;
}

int xfer_extract(const char *path, const char *dir)
{
	struct archive *in = archive_read_new();
	struct archive *out = archive_write_disk_new();
	bool results = false;
	int r = -ENOMEM;

	if (!in || !out)
		goto done;
	archive_read_support_format_tar(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						    ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	r = -EIO;
	if (archive_read_open_filename(in, path, 1 << 16) != ARCHIVE_OK)
		goto done;
	r = extract_entries(in, out, dir, &results);
	if (r >= 0 && !results)
		r = -ENODATA;
done:
	if (out)
		archive_write_free(out);
	if (in)
		archive_read_free(in);
	return r;
}
