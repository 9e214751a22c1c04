/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Mounting an image file onto a directory, both held as descriptors, so
 * that no path is looked up again between the checks and the mount: a
 * symlink planted at the image or the mountpoint after poof opened them
 * changes nothing (SPEC section 10).
 */

#include <stddef.h>

/*
 * Attach the image open at imgfd to a free loop device, marked autoclear so
 * that it detaches itself once the last user (the mount) lets go. Returns
 * the loop device's fd, to be closed once it is mounted (or not), and its
 * path in dev; -errno on failure.
 */
int loop_attach_fd(int imgfd, char *dev, size_t len);

/*
 * Mount the filesystem of type fstype on the block device source over the
 * directory open at target_dirfd (an O_PATH fd will do), with the mount API
 * of fsopen(2) and move_mount(2). 0 or -errno.
 */
int mount_device_at_fd(const char *fstype, const char *source, int target_dirfd);
