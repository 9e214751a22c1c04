// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nofollow.h"

int open_nofollow(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		/* openat2 refuses a mode that open would ignore */
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int refuse_symlink(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISLNK(st.st_mode) ? -ELOOP : 0;
}

int open_dir_nofollow(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (fd >= 0)
		return fd;
	r = -errno;
	/* O_DIRECTORY on a link says ENOTDIR, O_NOFOLLOW alone ELOOP: say which it is. */
	if (r == -ENOTDIR || r == -ELOOP)
		return refuse_symlink(dirfd, name) < 0 ? -ELOOP : -ENOTDIR;
	return r;
}

int mkdir_open_nofollow(int dirfd, const char *name, mode_t mode)
{
	int fd;

	if (mkdirat(dirfd, name, mode) < 0) {
		int r = -errno;

		return r == -EEXIST && refuse_symlink(dirfd, name) < 0 ? -ELOOP : r;
	}
	fd = open_dir_nofollow(dirfd, name, O_RDONLY);
	if (fd < 0)
		(void)unlinkat(dirfd, name, AT_REMOVEDIR);
	return fd;
}
