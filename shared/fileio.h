/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Write all of buf, retrying short writes and EINTR: 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* pread until len bytes or EOF: bytes read, or -errno. */
ssize_t pread_full(int fd, void *buf, size_t len, off_t off);

/*
 * Replace dirfd/name atomically with data: a temporary file in the same
 * directory, fsync, rename, fsync of the directory. Never follows a symlink
 * planted at name (rename replaces the link itself).
 */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

/*
 * Read a whole regular file into a malloc'ed buffer. Never through a symlink
 * (-ELOOP) nor blocked by a FIFO: anything but a regular file is -EINVAL.
 */
int read_file_full(int dirfd, const char *name, size_t max, void **ret_data, size_t *ret_len);

/* mkdir -p for an absolute or relative path; 0 or -errno. */
int mkdir_parents(const char *path, mode_t mode);

/* write_file_atomic() for a path: the temporary file goes beside it. */
int write_path_atomic(const char *path, const void *data, size_t len, mode_t mode);
