/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What kind of filesystem a path lives on, as far as poof's verdict cares. */

/*
 * 0, or -EMEDIUMTYPE when path is on a filesystem without writeback (tmpfs,
 * ramfs): nothing there is ever written to a device, so nothing can be
 * verified from one. -errno when statfs(2) fails.
 */
int fs_check_writeback(const char *path);

/* fs_check_writeback() of the filesystem an open fd is on. */
int fs_check_writeback_fd(int fd);
