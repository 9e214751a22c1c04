// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rundir.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/nofollow.h"
#include "shared/random.h"

/*
 * The default base sits in a world-writable /var/tmp: anyone could have put
 * a symlink there (-ELOOP), or a directory of their own, in which they could
 * swap our run directory for a link later (-EPERM).
 */
static int open_default_base(const char *base)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r = mkdir_parents(base, 0755);

	if (r < 0)
		return r;
	fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOTDIR || r == -ELOOP)
			r = refuse_symlink(AT_FDCWD, base) < 0 ? -ELOOP : -ENOTDIR;
		return r;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return -EPERM;
	return steal_fd(&fd);
}

/* --run-dir PATH: its parent is the user's choice; PATH itself is made here. */
static int open_given_parent(char *dir, const char **ret_name)
{
	char *slash;
	int fd;

	/* "run/" names run itself: the slashes go, or "link/" would mean the link's target. */
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = '\0';
	slash = strrchr(dir, '/');
	*ret_name = slash ? slash + 1 : dir;
	if (!**ret_name || streq(*ret_name, ".") || streq(*ret_name, ".."))
		return -EINVAL;
	if (slash == dir)
		fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (slash) {
		*slash = '\0';
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		*slash = '/';
	} else
		fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int rundir_create(const char *base, const char *path, struct rundir *ret)
{
	struct rundir r = { .fd = -1 };
	_cleanup_close_ int parentfd = -1;
	char given[sizeof(r.path)];
	const char *name = r.id;
	int n;

	if (random_u64(&r.run_id) < 0)
		return -EIO;
	snprintf(r.id, sizeof(r.id), "%016llx", (unsigned long long)r.run_id);
	base = base ? base : RUNDIR_BASE_DEFAULT;
	if (path)
		n = snprintf(r.path, sizeof(r.path), "%s", path);
	else
		n = snprintf(r.path, sizeof(r.path), "%s/%s", base, r.id);
	if (n < 0 || (size_t)n >= sizeof(r.path))
		return -ENAMETOOLONG;
	snprintf(given, sizeof(given), "%s", r.path);
	parentfd = path ? open_given_parent(given, &name) : open_default_base(base);
	if (parentfd < 0)
		return parentfd;
	r.fd = mkdir_open_nofollow(parentfd, name, 0755);
	if (r.fd < 0)
		return r.fd;
	*ret = r;
	return 0;
}

int rundir_open(const char *path, struct rundir *ret)
{
	struct rundir r = { .fd = -1 };

	if (snprintf(r.path, sizeof(r.path), "%s", path) >= (int)sizeof(r.path))
		return -ENAMETOOLONG;
	/* A trailing slash would follow a symlink the name is. */
	for (size_t n = strlen(r.path); n > 1 && r.path[n - 1] == '/'; n--)
		r.path[n - 1] = '\0';
	r.fd = open_dir_nofollow(AT_FDCWD, r.path, O_RDONLY);
	if (r.fd < 0)
		return r.fd;
	*ret = r;
	return 0;
}

void rundir_close(struct rundir *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

bool rundir_shares_fs(const struct rundir *r, int fd)
{
	struct stat a, b;

	if (fstat(r->fd, &a) < 0 || fstat(fd, &b) < 0)
		return false;
	return a.st_dev == b.st_dev;
}
