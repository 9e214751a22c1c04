// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "inflight.h"
#include "judge/block.h"
#include "judge/order.h"
#include "judge/verify.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "writer.h"

#define BACKOFF_MIN_NS (1 * NSEC_PER_MSEC)
#define BACKOFF_MAX_NS (100 * NSEC_PER_MSEC)
#define REAP_BATCH 32 /* completions taken from the engine at once */

struct writer {
	const struct writer_ctx *ctx;
	const struct engine_ops *ops;
	struct ledger_writer *self;
	struct block_pattern pattern;
	uint32_t *perm;
	uint64_t backoff_ns;
	struct writer_file *files;
	struct engine_file *efs; /* the files as the engine sees them, in the same order */
	struct inflight q;
	struct engine engine;
	int stop; /* a fatal error came back: queue nothing more */
};

struct writer_file {
	struct ledger_file *lf;
	struct ledger_block *blocks;
	struct engine_file *ef;
	uint32_t since_sync;
	/* Bytes written since the last successful sync: what a range flush (msync) covers. */
	uint64_t dirty_lo, dirty_hi;
};

/* Errors that say the writer itself is broken, not the kernel under stress. */
static bool error_is_fatal(int r)
{
	return r == -EBADF || r == -EFAULT || r == -EINVAL || r == -EROFS;
}

static void heartbeat(struct writer *w, uint64_t now)
{
	__atomic_store_n(&w->self->heartbeat, w->self->heartbeat + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&w->self->progress_ns, now, __ATOMIC_RELAXED);
}

static void backoff(struct writer *w, bool failed)
{
	if (!failed) {
		w->backoff_ns = 0;
		return;
	}
	w->backoff_ns = w->backoff_ns ? MIN(w->backoff_ns * 2, BACKOFF_MAX_NS) : BACKOFF_MIN_NS;
	sleep_ns(w->backoff_ns);
}

static void dirty_add(struct writer_file *f, uint64_t off, uint64_t len)
{
	f->dirty_lo = MIN(f->dirty_lo, off);
	f->dirty_hi = MAX(f->dirty_hi, off + len);
}

static struct writer_file *file_of(const struct writer *w, const struct inflight_req *req)
{
	return &w->files[req->io.file - w->efs];
}

/*
 * A request came back: the ledger is updated; true when it must go out again.
 * One clock read serves the ledger and the heartbeat: a block's clock reads
 * were a sixth of the writer's time in user space.
 */
static bool finished(struct writer *w, struct inflight_req *req)
{
	uint64_t now = now_monotonic_ns();
	enum inflight_verdict v = inflight_complete(req, now);

	if (v == INFLIGHT_RETRY) {
		if (req->io.res == -EAGAIN)
			backoff(w, true);
		return true;
	}
	if (req->io.op == ENGINE_OP_WRITE) {
		heartbeat(w, now);
		if (v == INFLIGHT_DONE)
			w->self->bytes += req->lf->block_size;
		backoff(w, v == INFLIGHT_FAILED);
	} else if (v == INFLIGHT_FAILED) {
		/* The next flush covers what this one failed to. */
		dirty_add(file_of(w, req), req->io.off, req->io.len);
	}
	if (v == INFLIGHT_FAILED && error_is_fatal(req->error) && !w->stop)
		w->stop = req->error;
	inflight_put(&w->q, req);
	return false;
}

/* Hand a request to the engine; a synchronous engine answers at once. */
static void issue(struct writer *w, struct inflight_req *req)
{
	int r;

	do {
		r = engine_queue(&w->engine, &req->io);
		if (r == ENGINE_QUEUED)
			return;
		if (r < 0)
			req->io.res = r;
	} while (finished(w, req));
}

/* The syscall an injection rule names a request by. */
static enum inject_call request_call(const struct engine_io *io)
{
	static const enum inject_call syncs[] = {
		[SYNC_FSYNC] = INJECT_FSYNC,
		[SYNC_FDATASYNC] = INJECT_FDATASYNC,
		[SYNC_RANGE] = INJECT_SYNC_FILE_RANGE,
	};

	if (io->op == ENGINE_OP_WRITE)
		return INJECT_WRITE;
	return (unsigned)io->sync < ARRAY_SIZE(syncs) ? syncs[io->sync] : _INJECT_CALL_MAX;
}

/*
 * An engine whose operations seccomp never sees: the same seeded decision
 * the notification thread would take, on the completion. The operation did
 * happen; the writer treats the error as the kernel's (stress/inject.h).
 */
static void inject_on_completion(const struct writer *w, struct engine_io *io)
{
	const struct sandbox_params *sp = w->ctx->sandbox;

	if (w->ops->unseen_by_seccomp && sp && sp->inject)
		io->res = inject_completion(sp->inject, sp->id, request_call(io), io->res);
}

/* The completions the engine has, waiting for at least min of them. */
static int reap(struct writer *w, unsigned min)
{
	struct engine_io *done[REAP_BATCH];
	int n = engine_reap(&w->engine, min, done, REAP_BATCH);

	for (int i = 0; i < n; i++) {
		struct inflight_req *req = inflight_req_of(done[i]);

		inject_on_completion(w, done[i]);
		if (finished(w, req))
			issue(w, req);
	}
	return MIN(n, 0);
}

static int commit(struct writer *w)
{
	int r;

	/* The kernel could not take them now (no memory, a full completion queue). */
	while ((r = engine_commit(&w->engine)) == -EAGAIN || r == -EBUSY) {
		backoff(w, true);
		r = reap(w, 0);
		if (r < 0)
			return r;
	}
	return MIN(r, 0);
}

/* Wait until at most `left` requests are in flight. */
static int wait_busy(struct writer *w, uint32_t left)
{
	while (inflight_busy(&w->q) > left) {
		int r = commit(w);

		if (r >= 0)
			r = reap(w, 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int get_req(struct writer *w, struct inflight_req **ret)
{
	int r = wait_busy(w, w->q.depth - 1);

	*ret = r < 0 ? NULL : inflight_get(&w->q);
	return r;
}

static int submit_block(struct writer *w, struct writer_file *f, uint32_t gen, uint32_t pos)
{
	uint32_t index = w->perm[pos];
	struct inflight_req *req;
	struct block_id id = {
		.run_id = w->ctx->ledger->hdr->run_id,
		.file_id = f->lf->file_id,
		.writer_id = w->ctx->writer_id,
		.index = index,
		.generation = gen,
		.time_ns = now_realtime_ns(),
	};
	int r = get_req(w, &req);

	if (r < 0 || w->stop) {
		if (req)
			inflight_put(&w->q, req);
		return r;
	}
	block_encode(&w->pattern, &id, req->base);
	inflight_start_write(req, f->lf, f->blocks, f->ef, pos, index, gen);
	dirty_add(f, req->io.off, req->io.len);
	f->since_sync++;
	issue(w, req);
	return 0;
}

static int submit_sync(struct writer *w, struct writer_file *f, enum sync_kind kind, uint64_t off,
		       uint64_t len)
{
	struct inflight_req *req;
	int r = get_req(w, &req);

	if (r < 0)
		return r;
	inflight_start_sync(&w->q, req, f->lf, f->ef, kind, off, len);
	f->dirty_lo = UINT64_MAX;
	f->dirty_hi = 0;
	f->since_sync = 0;
	issue(w, req);
	return 0;
}

static int sync_after_block(struct writer *w, struct writer_file *f)
{
	static const enum sync_kind kinds[] = {
		[FSYNC_EVERY] = SYNC_FSYNC,
		[FSYNC_FDATASYNC] = SYNC_FDATASYNC,
		[FSYNC_SYNC_RANGE] = SYNC_RANGE,
	};
	const struct writer_group *g = w->ctx->group;

	if (g->fsync == FSYNC_NONE || g->fsync == FSYNC_END || f->since_sync < g->fsync_every)
		return 0;
	if (f->dirty_lo >= f->dirty_hi)
		return submit_sync(w, f, kinds[g->fsync], 0, 0);
	return submit_sync(w, f, kinds[g->fsync], f->dirty_lo, f->dirty_hi - f->dirty_lo);
}

/* The pass to write and its order; a respawned writer goes on after every submitted block. */
static uint32_t pass_begin(struct writer *w, struct writer_file *f)
{
	struct ledger_file *lf = f->lf;
	uint32_t gen = inflight_pass_begin(lf);

	write_order_fill(lf->order, w->ctx->seed, lf->file_id, gen, lf->nblocks, w->perm);
	engine_pass(&w->engine, f->ef);
	return gen;
}

static int write_pass(struct writer *w, struct writer_file *f)
{
	uint32_t gen = pass_begin(w, f);
	int r = 0;

	if (gen > BLOCK_GENERATION_MAX)
		return -EOVERFLOW;
	for (uint32_t pos = f->lf->cur_pos; pos < f->lf->nblocks && r >= 0 && !w->stop; pos++) {
		r = submit_block(w, f, gen, pos);
		if (r >= 0)
			r = sync_after_block(w, f);
	}
	/* A pass ends with nothing in flight, so no block is ever in flight twice. */
	if (r >= 0)
		r = wait_busy(w, 0);
	if (r >= 0 && !w->stop && w->ctx->group->fsync == FSYNC_END) {
		r = submit_sync(w, f, SYNC_FSYNC, 0, f->ef->size);
		if (r >= 0)
			r = wait_busy(w, 0);
	}
	if (r < 0 || w->stop)
		return r < 0 ? r : w->stop;
	f->lf->passes_done++;
	return 0;
}

static bool file_finished(const struct writer_group *g, const struct ledger_file *lf)
{
	return g->passes && lf->passes_done >= g->passes;
}

static int open_file(const struct writer *w, struct writer_file *f)
{
	char name[64];

	verify_file_name(f->lf->writer_id, f->lf->file_id, name, sizeof(name));
	/* Read and write: a MAP_SHARED mapping that can be written needs both. */
	*f->ef = (struct engine_file){
		.fd = openat(w->ctx->data_dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			     0644),
		.size = (uint64_t)f->lf->nblocks * f->lf->block_size,
		.pos = UINT64_MAX,
		.index = -1,
	};
	f->dirty_lo = UINT64_MAX;
	return f->ef->fd < 0 ? -errno : 0;
}

static int writer_loop(struct writer *w, struct writer_file *files, uint32_t nfiles)
{
	bool more = true;

	while (more) {
		more = false;
		for (uint32_t i = 0; i < nfiles; i++) {
			int r;

			if (file_finished(w->ctx->group, files[i].lf))
				continue;
			r = write_pass(w, &files[i]);
			if (r < 0)
				return r;
			more = more || !file_finished(w->ctx->group, files[i].lf);
		}
	}
	return 0;
}

static int open_files(struct writer *w, uint32_t *ret_maxblocks)
{
	struct ledger *l = w->ctx->ledger;

	*ret_maxblocks = 1;
	for (uint32_t i = 0; i < w->self->nfiles; i++) {
		struct writer_file *f = &w->files[i];
		int r;

		f->lf = &l->files[w->self->first_file + i];
		f->blocks = ledger_file_blocks(l, f->lf);
		f->ef = &w->efs[i];
		*ret_maxblocks = MAX(*ret_maxblocks, f->lf->nblocks);
		r = open_file(w, f);
		if (r < 0)
			return r;
	}
	return 0;
}

static int engine_setup(struct writer *w)
{
	struct engine_params p;
	int r;

	r = inflight_init(&w->q, engine_depth(w->ops, w->ctx->group->queue_depth),
			  w->ctx->group->block_size);
	if (r < 0)
		return r;
	p = (struct engine_params){
		.depth = w->q.depth,
		.bufs = w->q.bufs,
		.buf_size = w->q.buf_size,
		.files = w->efs,
		.nfiles = w->self->nfiles,
		.mmap_flush = w->ctx->group->mmap_flush,
	};
	return engine_open(w->ops, &p, &w->engine);
}

static int writer_setup(struct writer *w)
{
	uint32_t maxblocks;
	int r;

	w->files = calloc(w->self->nfiles, sizeof(*w->files));
	w->efs = calloc(w->self->nfiles, sizeof(*w->efs));
	if (!w->files || !w->efs)
		return -ENOMEM;
	for (uint32_t i = 0; i < w->self->nfiles; i++)
		w->efs[i].fd = -1;
	r = open_files(w, &maxblocks);
	if (r >= 0)
		r = block_pattern_init(&w->pattern, w->ctx->ledger->hdr->run_id,
				       w->ctx->group->block_size);
	if (r < 0)
		return r;
	w->perm = calloc(maxblocks, sizeof(uint32_t));
	if (!w->perm)
		return -ENOMEM;
	return engine_setup(w);
}

static void writer_cleanup(struct writer *w)
{
	engine_close(&w->engine);
	inflight_free(&w->q);
	for (uint32_t i = 0; w->efs && i < w->self->nfiles; i++)
		if (w->efs[i].fd >= 0)
			close(w->efs[i].fd);
	free(w->efs);
	free(w->files);
	free(w->perm);
}

static int enter_sandbox(const struct writer *w)
{
	struct sandbox_params p = *w->ctx->sandbox;

	/* Nothing of its to notify: the writer decides on the completions instead. */
	if (w->ops->unseen_by_seccomp)
		p.handover_fd = -1;
	return sandbox_enter_writer(&p, w->ctx->group);
}

int writer_main(const struct writer_ctx *ctx)
{
	struct writer w = {
		.ctx = ctx,
		.ops = ctx->engine ? ctx->engine : engine_get(ctx->group->engine),
		.self = &ctx->ledger->writers[ctx->writer_id],
	};
	int r;

	r = writer_setup(&w);
	if (r == 0 && ctx->sandbox)
		r = enter_sandbox(&w);
	if (r == 0)
		r = writer_loop(&w, w.files, w.self->nfiles);
	writer_cleanup(&w);
	if (r < 0) {
		w.self->error = r;
		return WRITER_EXIT_FATAL;
	}
	return WRITER_EXIT_DONE;
}
