/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Write engines: how a writer puts a block into the page cache. One file per
 * engine, listed in the table in engine.c (io_uring and mmap join later).
 * Engines issue one syscall per call and return its result; the writer
 * handles short writes, EINTR and errors, and owns the ledger.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profiles/profile.h"

struct engine_file {
	int fd;
	uint64_t pos; /* file position, for engines that use one */
};

struct engine_ops {
	const char *name;
	/* Write up to len bytes at off: bytes written, or -errno. */
	ssize_t (*write)(struct engine_file *f, const void *buf, size_t len, uint64_t off);
};

extern const struct engine_ops engine_pwrite_ops;
extern const struct engine_ops engine_write_ops;

const struct engine_ops *engine_get(enum engine_kind kind);
