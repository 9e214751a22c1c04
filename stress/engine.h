/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Write engines: how a writer puts a block into the page cache. One file per
 * engine, listed in the table in engine.c.
 *
 * The shape is fio's: the writer queues requests (a block write, or a sync
 * of a file) and reaps their completions. A synchronous engine (pwrite,
 * write, mmap) completes a request inside queue(); an asynchronous one
 * (io_uring) keeps up to `depth` requests in flight, hands them to the kernel
 * in commit() and returns them from reap() as they complete, in any order.
 * Engines only say what the kernel answered: the writer decides what an
 * answer means for the ledger (stress/inflight.h): the rest of a short write
 * is queued again, EINTR and EAGAIN are retried, any other error is recorded.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "judge/ledger.h"
#include "profiles/profile.h"

struct engine_file {
	int fd;
	uint64_t size; /* the file's blocks, in bytes */
	uint64_t pos;  /* write: the file position, UINT64_MAX when unknown */
	int index;     /* io_uring: its registered file, -1 for none */
	void *map;     /* mmap: its MAP_SHARED mapping, NULL while unmapped */
};

enum engine_op { ENGINE_OP_WRITE, ENGINE_OP_SYNC };

/* One request, owned by the writer; the engine fills in res when it completes. */
struct engine_io {
	enum engine_op op;
	struct engine_file *file;
	void *buf;	     /* write: the bytes */
	size_t len;	     /* write: how many; sync: the range's length */
	uint64_t off;	     /* write: file offset; sync: the range's start */
	uint32_t buf_index;  /* write: which of the engine's buffers buf lies in */
	enum sync_kind sync; /* sync: fsync, fdatasync or a range flush */
	int res;	     /* bytes written, 0 for a sync, or -errno */
};

struct engine_params {
	uint32_t depth; /* requests in flight at most */
	uint8_t *bufs;	/* depth buffers of buf_size bytes: writes come from these */
	size_t buf_size;
	struct engine_file *files; /* the writer's files, open */
	uint32_t nfiles;
	enum mmap_flush mmap_flush;
};

struct engine {
	const struct engine_ops *ops;
	struct engine_params p;
	void *priv; /* the engine's own state */
};

/* What queue() did with a request: a synchronous engine answers ENGINE_DONE. */
enum { ENGINE_DONE = 0, ENGINE_QUEUED = 1 };

struct engine_ops {
	const char *name;
	bool async; /* keeps requests in flight: depth is the profile's queue-depth */
	/*
	 * Its writes and syncs never reach a seccomp filter (ring operations):
	 * injected errors are decided on its completions (stress/inject.h).
	 */
	bool unseen_by_seccomp;
	/* Optional: set up for one writer process, and undo it. */
	int (*init)(struct engine *e);
	void (*exit)(struct engine *e);
	/* ENGINE_DONE with io->res set, ENGINE_QUEUED, or -errno when nothing was queued. */
	int (*queue)(struct engine *e, struct engine_io *io);
	/* Async only: hand the queued requests to the kernel; -EAGAIN/-EBUSY: reap, then again. */
	int (*commit)(struct engine *e);
	/* Async only: up to max completed requests into ret[], waiting for at least min. */
	int (*reap)(struct engine *e, unsigned min, struct engine_io **ret, unsigned max);
	/* Optional: the writer begins a pass over f, with nothing in flight. */
	void (*pass)(struct engine *e, struct engine_file *f);
};

extern const struct engine_ops engine_pwrite_ops;
extern const struct engine_ops engine_write_ops;
extern const struct engine_ops engine_io_uring_ops;
extern const struct engine_ops engine_mmap_ops;

const struct engine_ops *engine_get(enum engine_kind kind);

/* Requests in flight the engine keeps: queue_depth, or 1 when it is synchronous. */
uint32_t engine_depth(const struct engine_ops *ops, uint32_t queue_depth);

/* Set up e with ops for one writer process; on failure nothing is left to undo. */
int engine_open(const struct engine_ops *ops, const struct engine_params *p, struct engine *e);
void engine_close(struct engine *e);

int engine_queue(struct engine *e, struct engine_io *io);
int engine_commit(struct engine *e);
int engine_reap(struct engine *e, unsigned min, struct engine_io **ret, unsigned max);
void engine_pass(struct engine *e, struct engine_file *f);

/* The file-descriptor syncs of the synchronous engines: 0 or -errno, EINTR retried. */
int engine_sync_fd(int fd, enum sync_kind kind);

/*
 * Whether this kernel lets poof make the rings the io_uring engine needs,
 * asked in the command's own process before anything is created: 0, or
 * -EPERM (io_uring_disabled, a seccomp filter), -ENOSYS (no io_uring),
 * -EINVAL (no io-wq worker cap: before Linux 5.15), -ENOTSUP (built
 * without liburing), or another -errno.
 */
int engine_io_uring_probe(void);
