// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <linux/magic.h>
#include <sys/statfs.h>

#include "fs.h"

static int check_type(const struct statfs *sfs)
{
	if (sfs->f_type == TMPFS_MAGIC || sfs->f_type == RAMFS_MAGIC)
		return -EMEDIUMTYPE;
	return 0;
}

int fs_check_writeback(const char *path)
{
	struct statfs sfs;

	if (statfs(path, &sfs) < 0)
		return -errno;
	return check_type(&sfs);
}

int fs_check_writeback_fd(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	return check_type(&sfs);
}
