// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * io_uring (liburing): buffered writes of whole blocks through one ring per
 * writer process, up to queue-depth of them in flight, completed in any
 * order. Writes come from the writer's request buffers, registered with the
 * ring where the kernel allows it (RLIMIT_MEMLOCK bounds them), and go to
 * the writer's files, registered too; either falls back to plain addresses
 * and descriptors when registration is refused.
 *
 * Blocks queued one after the other in a file go out as one vectored write
 * (IORING_OP_WRITEV), up to half the queue depth of them (stress/ring-batch.h
 * says how its answer is split): the other half is being filled meanwhile.
 * A ring request costs about as much as the copy of a 4 KiB block, on the
 * submitter's side and on the io-wq worker's, so one per block made the
 * engine slower than pwrite(2); every block is still a request of the
 * writer's of its own, in flight from its queueing to its answer.
 *
 * Syncs are ring operations: IORING_OP_FSYNC (with IORING_FSYNC_DATASYNC
 * for fdatasync) and IORING_OP_SYNC_FILE_RANGE, each with IOSQE_IO_DRAIN so
 * that the kernel starts it only after every write queued before it. Not a
 * link: a short write breaks an IOSQE_IO_LINK chain and the fsync would
 * complete -ECANCELED. What a sync covers in the ledger is decided when it is
 * queued (stress/inflight.h), not by the drain.
 *
 * Buffered writes that cannot complete inline run in io-wq worker threads
 * (iou-wrk-*): on ext4 every buffered write does (measured on Linux 6.18:
 * it has no non-blocking buffered write). They are threads of the writer,
 * so they sit in its container, are charged to it and count against its
 * pids.max; they die with it. Rings bypass seccomp: a filter never sees
 * these writes, so injected errors are decided by the writer on their
 * completions (stress/inject.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "engine.h"
#include "ring-batch.h"
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
	unsigned batch_max;	    /* writes in one vectored write at most */
	struct ring_batch *batches; /* depth of them: every request is in one at most */
	struct ring_batch **free;   /* a stack of the batches not in use */
	unsigned nfree;
	struct ring_batch *open; /* writes queued, not yet in a submission entry */
	struct engine_io **done; /* answered, not yet reaped: a ring of depth */
	unsigned done_head, ndone, depth;
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

/* Half the queue goes out as one write while the writer fills the other half. */
static unsigned batch_max(uint32_t depth)
{
	return MAX(MIN(depth / 2, (uint32_t)RING_BATCH_MAX), 1u);
}

static int alloc_batches(struct uring *u, uint32_t depth)
{
	u->batches = calloc(depth, sizeof(*u->batches));
	u->free = calloc(depth, sizeof(*u->free));
	u->done = calloc(depth, sizeof(*u->done));
	if (!u->batches || !u->free || !u->done)
		return -ENOMEM;
	for (uint32_t i = 0; i < depth; i++)
		u->free[i] = &u->batches[i];
	u->nfree = u->depth = depth;
	u->batch_max = batch_max(depth);
	return 0;
}

/* Everything but the ring, which is set up last and torn down first. */
static void uring_free(struct uring *u)
{
	free(u->batches);
	free(u->free);
	free(u->done);
	free(u);
}

static void uring_freep(struct uring **u)
{
	if (*u)
		uring_free(*u);
}

static int uring_init(struct engine *e)
{
	_cleanup_(uring_freep) struct uring *u = calloc(1, sizeof(*u));
	int r;

	if (!u)
		return -ENOMEM;
	r = alloc_batches(u, e->p.depth);
	if (r < 0)
		return r;
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
	uring_free(u);
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

static void prep_batch(const struct uring *u, struct io_uring_sqe *sqe, struct ring_batch *b)
{
	const struct engine_io *io = b->ios[0];
	int fd = u->fixed_files ? io->file->index : io->file->fd;

	if (io->op == ENGINE_OP_SYNC)
		prep_sync(sqe, fd, io);
	else if (b->n == 1)
		prep_write(u, sqe, fd, io);
	else
		io_uring_prep_writev(sqe, fd, b->iov, b->n, io->off);
	if (u->fixed_files)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data(sqe, b);
}

/* The open batch into a submission entry: it takes no more writes. */
static int close_open(struct uring *u)
{
	struct io_uring_sqe *sqe;

	if (!u->open)
		return 0;
	/* The ring has depth entries and there are never more batches. */
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe)
		return -EBUSY;
	prep_batch(u, sqe, u->open);
	u->open = NULL;
	return 0;
}

static void batch_put(struct uring *u, struct ring_batch *b)
{
	b->n = 0;
	u->free[u->nfree++] = b;
}

/* A write joins the open batch or opens one; a sync goes out alone, after them. */
static int queue_io(struct uring *u, struct engine_io *io)
{
	struct ring_batch *b;
	int r;

	if (u->open && ring_batch_extends(u->open, io, u->batch_max)) {
		ring_batch_add(u->open, io);
		return ENGINE_QUEUED;
	}
	r = close_open(u);
	if (r < 0)
		return r;
	if (u->nfree == 0)
		return -EBUSY;
	b = u->free[--u->nfree];
	ring_batch_add(b, io);
	u->open = b;
	if (io->op == ENGINE_OP_SYNC || u->batch_max == 1) {
		r = close_open(u);
		if (r < 0) {
			u->open = NULL;
			batch_put(u, b);
			return r;
		}
	}
	return ENGINE_QUEUED;
}

static int uring_queue(struct engine *e, struct engine_io *io)
{
	return queue_io(e->priv, io);
}

static int uring_commit(struct engine *e)
{
	struct uring *u = e->priv;
	int r = close_open(u);

	if (r < 0)
		return r;
	do
		r = io_uring_submit(&u->ring);
	while (r == -EINTR);
	return MIN(r, 0);
}

static void done_push(struct uring *u, struct engine_io *io)
{
	u->done[(u->done_head + u->ndone++) % u->depth] = io;
}

static unsigned done_pop(struct uring *u, struct engine_io **ret, unsigned max)
{
	unsigned n = MIN(max, u->ndone);

	for (unsigned i = 0; i < n; i++)
		ret[i] = u->done[(u->done_head + i) % u->depth];
	u->done_head = (u->done_head + n) % u->depth;
	u->ndone -= n;
	return n;
}

/* A batch's answer: its writes answered, and those the kernel did not reach queued again. */
static void answer_batch(struct uring *u, struct ring_batch *b, int res)
{
	struct engine_io *done[RING_BATCH_MAX], *rest[RING_BATCH_MAX];
	unsigned ndone, nrest;

	ring_batch_split(b, res, done, &ndone, rest, &nrest);
	batch_put(u, b);
	for (unsigned i = 0; i < ndone; i++)
		done_push(u, done[i]);
	for (unsigned i = 0; i < nrest; i++) {
		int r = queue_io(u, rest[i]);

		/* Cannot happen (a batch and an entry were just freed); an answer if it did. */
		if (r < 0) {
			rest[i]->res = r;
			done_push(u, rest[i]);
		}
	}
}

static int uring_reap(struct engine *e, unsigned min, struct engine_io **ret, unsigned max)
{
	struct uring *u = e->priv;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0, n = done_pop(u, ret, max);

	if (n == 0 && min > 0) {
		int r = io_uring_wait_cqe(&u->ring, &cqe);

		if (r == -EINTR)
			return 0;
		if (r < 0)
			return r;
	}
	io_uring_for_each_cqe(&u->ring, head, cqe)
	{
		answer_batch(u, io_uring_cqe_get_data(cqe), cqe->res);
		seen++;
	}
	io_uring_cq_advance(&u->ring, seen);
	return (int)(n + done_pop(u, ret + n, max - n));
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
