// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount-fd.h"
#include "shared/macro.h"

/* Another process may take the free device first: ask again this many times. */
#define LOOP_ATTEMPTS 16

/* Before LOOP_CONFIGURE (Linux 5.8): the file, then its flags. */
static int loop_set_fd_legacy(int loopfd, int imgfd)
{
	struct loop_info64 info = { .lo_flags = LO_FLAGS_AUTOCLEAR };

	if (ioctl(loopfd, LOOP_SET_FD, imgfd) < 0)
		return -errno;
	if (ioctl(loopfd, LOOP_SET_STATUS64, &info) < 0) {
		int r = -errno;

		(void)ioctl(loopfd, LOOP_CLR_FD, 0);
		return r;
	}
	return 0;
}

static int loop_configure(int loopfd, int imgfd)
{
	struct loop_config cfg = {
		.fd = (__u32)imgfd,
		.info = { .lo_flags = LO_FLAGS_AUTOCLEAR },
	};

	if (ioctl(loopfd, LOOP_CONFIGURE, &cfg) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOTTY)
		return loop_set_fd_legacy(loopfd, imgfd);
	return -errno;
}

int loop_attach_fd(int imgfd, char *dev, size_t len)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	int r = -EBUSY;

	if (ctl < 0)
		return -errno;
	for (unsigned i = 0; i < LOOP_ATTEMPTS && r == -EBUSY; i++) {
		_cleanup_close_ int loopfd = -1;
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0)
			return -errno;
		if (snprintf(dev, len, "/dev/loop%d", n) >= (int)len)
			return -ENAMETOOLONG;
		loopfd = open(dev, O_RDWR | O_CLOEXEC);
		if (loopfd < 0)
			return -errno;
		r = loop_configure(loopfd, imgfd);
		if (r == 0)
			return steal_fd(&loopfd);
	}
	return r;
}

int mount_device_at_fd(const char *fstype, const char *source, int target_dirfd)
{
	_cleanup_close_ int fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
	_cleanup_close_ int mntfd = -1;

	if (fsfd < 0)
		return -errno;
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mntfd < 0)
		return -errno;
	if (move_mount(mntfd, "", target_dirfd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}
