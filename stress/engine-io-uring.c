// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * io_uring (liburing): buffered writes of whole blocks through one ring per
 * writer process, up to queue-depth of them in flight, completed in any
 * order. Writes come from the writer's request buffers, registered with the
 * ring where the kernel allows it (RLIMIT_MEMLOCK bounds them), and go to
 * the writer's files, registered too; either falls back to plain addresses
 * and descriptors when registration is refused.
 *
 * Syncs are ring operations: IORING_OP_FSYNC (with IORING_FSYNC_DATASYNC
 * for fdatasync) and IORING_OP_SYNC_FILE_RANGE, each with IOSQE_IO_DRAIN so
 * that the kernel starts it only after every write queued before it. Not a
 * link: a short write breaks an IOSQE_IO_LINK chain and the fsync would
 * complete -ECANCELED. What a sync covers in the ledger is decided when it is
 * queued (stress/inflight.h), not by the drain.
 *
 * Buffered writes that cannot complete inline run in io-wq worker threads
 * (iou-wrk-*). They are threads of the writer, so they sit in its container,
 * are charged to it and count against its pids.max; they die with it. Rings
 * bypass seccomp: a filter never sees these writes, so injected errors are
 * decided by the writer on their completions (stress/inject.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "engine.h"
#include "shared/macro.h"

#if HAVE_URING
#include <liburing.h>

/*
 * io-wq workers per writer, bounded (regular files) and unbounded: io-wq
 * runs buffered writes to one file one at a time (hashed by inode), and a
 * writer writes one file at a time, so a second worker only serves a sync.
 */
#define IOWQ_WORKERS_MAX 2

struct uring {
	struct io_uring ring;
	bool fixed_files;
	bool fixed_bufs;
};

static int register_buffers(struct uring *u, const struct engine_params *p)
{
	_cleanup_free_ struct iovec *iov = calloc(p->depth, sizeof(*iov));

	if (!iov)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->depth; i++)
		iov[i] = (struct iovec){ .iov_base = p->bufs + i * p->buf_size,
					 .iov_len = p->buf_size };
	return io_uring_register_buffers(&u->ring, iov, p->depth);
}

static int register_files(struct uring *u, const struct engine_params *p)
{
	_cleanup_free_ int *fds = calloc(p->nfiles, sizeof(*fds));
	int r;

	if (!fds)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->nfiles; i++)
		fds[i] = p->files[i].fd;
	r = io_uring_register_files(&u->ring, fds, p->nfiles);
	for (uint32_t i = 0; r >= 0 && i < p->nfiles; i++)
		p->files[i].index = (int)i;
	return r;
}

static int cap_workers(struct io_uring *ring)
{
	unsigned workers[2] = { IOWQ_WORKERS_MAX, IOWQ_WORKERS_MAX };

	return io_uring_register_iowq_max_workers(ring, workers);
}

static int uring_init(struct engine *e)
{
	_cleanup_free_ struct uring *u = calloc(1, sizeof(*u));
	int r;

	if (!u)
		return -ENOMEM;
	r = io_uring_queue_init(e->p.depth, &u->ring, 0);
	if (r < 0)
		return r;
	r = cap_workers(&u->ring);
	if (r < 0) {
		io_uring_queue_exit(&u->ring);
		return r;
	}
	u->fixed_bufs = register_buffers(u, &e->p) >= 0;
	u->fixed_files = register_files(u, &e->p) >= 0;
	e->priv = steal_pointer(&u);
	return 0;
}

static void uring_exit(struct engine *e)
{
	struct uring *u = e->priv;

	io_uring_queue_exit(&u->ring);
	free(u);
}

static void prep_write(const struct uring *u, struct io_uring_sqe *sqe, int fd,
		       const struct engine_io *io)
{
	if (u->fixed_bufs)
		io_uring_prep_write_fixed(sqe, fd, io->buf, (unsigned)io->len, io->off,
					  (int)io->buf_index);
	else
		io_uring_prep_write(sqe, fd, io->buf, (unsigned)io->len, io->off);
}

static void prep_sync(struct io_uring_sqe *sqe, int fd, const struct engine_io *io)
{
	if (io->sync == SYNC_RANGE)
		io_uring_prep_sync_file_range(sqe, fd, 0, 0,
					      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
						      SYNC_FILE_RANGE_WAIT_AFTER);
	else
		io_uring_prep_fsync(sqe, fd,
				    io->sync == SYNC_FDATASYNC ? IORING_FSYNC_DATASYNC : 0);
	sqe->flags |= IOSQE_IO_DRAIN;
}

static int uring_queue(struct engine *e, struct engine_io *io)
{
	struct uring *u = e->priv;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	int fd = u->fixed_files ? io->file->index : io->file->fd;

	/* The ring has depth entries and the writer never has more requests. */
	if (!sqe)
		return -EBUSY;
	if (io->op == ENGINE_OP_WRITE)
		prep_write(u, sqe, fd, io);
	else
		prep_sync(sqe, fd, io);
	if (u->fixed_files)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data(sqe, io);
	return ENGINE_QUEUED;
}

static int uring_commit(struct engine *e)
{
	struct uring *u = e->priv;
	int r;

	do
		r = io_uring_submit(&u->ring);
	while (r == -EINTR);
	return MIN(r, 0);
}

static int uring_reap(struct engine *e, unsigned min, struct engine_io **ret, unsigned max)
{
	struct uring *u = e->priv;
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	if (min > 0) {
		int r = io_uring_wait_cqe(&u->ring, &cqe);

		if (r == -EINTR)
			return 0;
		if (r < 0)
			return r;
	}
	io_uring_for_each_cqe(&u->ring, head, cqe)
	{
		if (n == max)
			break;
		ret[n] = io_uring_cqe_get_data(cqe);
		ret[n++]->res = cqe->res;
	}
	io_uring_cq_advance(&u->ring, n);
	return (int)n;
}

int engine_io_uring_probe(void)
{
	struct io_uring ring;
	int r = io_uring_queue_init(2, &ring, 0);

	if (r < 0)
		return r;
	r = cap_workers(&ring);
	io_uring_queue_exit(&ring);
	return MIN(r, 0);
}

#else /* !HAVE_URING: built without liburing */

static int uring_init(struct engine *e)
{
	(void)e;
	return -ENOTSUP;
}

static void uring_exit(struct engine *e)
{
	(void)e;
}

static int uring_queue(struct engine *e, struct engine_io *io)
{
	(void)e, (void)io;
	return -ENOTSUP;
}

static int uring_commit(struct engine *e)
{
	(void)e;
	return -ENOTSUP;
}

static int uring_reap(struct engine *e, unsigned min, struct engine_io **ret, unsigned max)
{
	(void)e, (void)min, (void)ret, (void)max;
	return -ENOTSUP;
}

int engine_io_uring_probe(void)
{
	return -ENOTSUP;
}
#endif

const struct engine_ops engine_io_uring_ops = {
	.name = "io_uring",
	.async = true,
	.unseen_by_seccomp = true,
	.init = uring_init,
	.exit = uring_exit,
	.queue = uring_queue,
	.commit = uring_commit,
	.reap = uring_reap,
};
