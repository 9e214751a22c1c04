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
#include "shared/random.h"

static int rundir_open_fd(struct rundir *r)
{
	r->fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return r->fd < 0 ? -errno : 0;
}

int rundir_create(const char *base, const char *path, struct rundir *ret)
{
	struct rundir r = { .fd = -1 };
	int n;

	if (random_u64(&r.run_id) < 0)
		return -EIO;
	snprintf(r.id, sizeof(r.id), "%016llx", (unsigned long long)r.run_id);
	if (path)
		n = snprintf(r.path, sizeof(r.path), "%s", path);
	else
		n = snprintf(r.path, sizeof(r.path), "%s/%s", base ? base : RUNDIR_BASE_DEFAULT,
			     r.id);
	if (n < 0 || (size_t)n >= sizeof(r.path))
		return -ENAMETOOLONG;
	if (!path) {
		int e = mkdir_parents(base ? base : RUNDIR_BASE_DEFAULT, 0755);

		if (e < 0)
			return e;
	}
	if (mkdir(r.path, 0755) < 0)
		return -errno;
	n = rundir_open_fd(&r);
	if (n < 0) {
		rmdir(r.path);
		return n;
	}
	*ret = r;
	return 0;
}

int rundir_open(const char *path, struct rundir *ret)
{
	struct rundir r = { .fd = -1 };

	if (snprintf(r.path, sizeof(r.path), "%s", path) >= (int)sizeof(r.path))
		return -ENAMETOOLONG;
	*ret = r;
	return rundir_open_fd(ret);
}

void rundir_close(struct rundir *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

bool rundir_shares_fs(const struct rundir *r, const char *path)
{
	struct stat a, b;

	if (fstat(r->fd, &a) < 0 || stat(path, &b) < 0)
		return false;
	return a.st_dev == b.st_dev;
}
