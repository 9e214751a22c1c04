// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manager-internal.h"
#include "shared/macro.h"

/*
 * libcgroup reads the real mount table, so it only serves real systems: a
 * test pointing the managers at a fake tree (non-empty root) goes through
 * plain files, like a build without libcgroup.
 */
static bool use_libcgroup(const char *root, const char *controller)
{
	return HAVE_LIBCGROUP && controller && !(root && root[0]);
}

static int create_plain(const char *path, const struct cg_setting *settings, size_t n)
{
	_cleanup_close_ int fd = -1;
	int r = 0;

	if (mkdir(path, 0755) < 0)
		return -errno;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		r = -errno;
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = cg_write_at(fd, settings[i].file, settings[i].value);
	if (r < 0)
		rmdir(path);
	return r;
}

int cg_group_create(const char *root, const char *path, const char *rel, const char *controller,
		    const struct cg_setting *settings, size_t nsettings)
{
	struct stat st;
	int r;

	/* libcgroup treats an existing group as success: a leftover must not be adopted. */
	if (lstat(path, &st) == 0)
		return -EEXIST;
	if (use_libcgroup(root, controller)) {
		r = cg_lib_create(rel, controller, settings, nsettings);
		if (r != -ENOTSUP)
			return r;
	}
	return create_plain(path, settings, nsettings);
}

int cg_group_remove(const char *root, const char *path, const char *rel, const char *controller,
		    uint64_t deadline_ns)
{
	int r;

	if (use_libcgroup(root, controller)) {
		r = cg_lib_delete_empty(rel, controller);
		if (r >= 0 || r == -ENOENT)
			return r;
		/* EBUSY right after the last task left: the retry loop below waits for it. */
		if (r != -EBUSY && r != -ENOTSUP)
			return r;
	}
	return cg_rmdir_deadline(path, deadline_ns);
}
