/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Paths that poof creates or opens below a directory it holds (the run
 * directory, the target) must never lead through a symlink someone planted
 * there (SPEC section 10). These open relative to a directory fd and refuse
 * links; a planted link is always -ELOOP, whatever the kernel said, so the
 * caller can name it.
 */

#include <sys/types.h>

/*
 * openat2(dirfd, path, RESOLVE_NO_SYMLINKS): no component of path may be a
 * symlink (nor a /proc magic link). O_CLOEXEC is added. Returns the fd, or
 * -ELOOP for a link on the way, or another -errno.
 */
int open_nofollow(int dirfd, const char *path, int flags, mode_t mode);

/*
 * Make the directory dirfd/name (exclusively: one that exists is -EEXIST,
 * a symlink in its place -ELOOP) and open it O_DIRECTORY. Returns the fd,
 * or -errno; on failure after mkdir the directory is removed again.
 */
int mkdir_open_nofollow(int dirfd, const char *name, mode_t mode);

/*
 * Is dirfd/name a symlink? -ELOOP when it is, 0 when it is anything else
 * or does not exist, another -errno when it cannot be told.
 */
int refuse_symlink(int dirfd, const char *name);

/*
 * The fd of dirfd/name, a directory that may already exist but must not be
 * a symlink: -ELOOP for one, -ENOTDIR for anything else that is not a
 * directory. flags are added to O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC.
 */
int open_dir_nofollow(int dirfd, const char *name, int flags);
