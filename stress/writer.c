// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "judge/block.h"
#include "engine.h"
#include "judge/order.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "judge/verify.h"
#include "writer.h"

#define BACKOFF_MIN_NS (1 * NSEC_PER_MSEC)
#define BACKOFF_MAX_NS (100 * NSEC_PER_MSEC)

struct writer {
	const struct writer_ctx *ctx;
	const struct engine_ops *ops;
	struct ledger_writer *self;
	struct block_pattern pattern;
	uint8_t *buf;
	uint32_t *perm;
	uint64_t backoff_ns;
};

struct writer_file {
	struct ledger_file *lf;
	struct ledger_block *blocks;
	struct engine_file ef;
	uint32_t since_sync;
	bool resumed; /* first pass after (re)spawn: skip a block left in flight */
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

/* The whole block or an error: short writes and EINTR are carried on and counted. */
static int write_block(struct writer *w, struct writer_file *f, uint64_t off)
{
	size_t len = f->lf->block_size, done = 0;

	while (done < len) {
		ssize_t n = w->ops->write(&f->ef, w->buf + done, len - done, off + done);

		if (n == -EINTR) {
			f->lf->eintr++;
			continue;
		}
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		if ((size_t)n < len - done)
			f->lf->short_writes++;
		done += (size_t)n;
	}
	return 0;
}

static int sync_file(struct writer_file *f, enum sync_kind kind)
{
	int r;

	do {
		if (kind == SYNC_FSYNC)
			r = fsync(f->ef.fd);
		else if (kind == SYNC_FDATASYNC)
			r = fdatasync(f->ef.fd);
		else
			r = sync_file_range(f->ef.fd, 0, 0,
					    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
						    SYNC_FILE_RANGE_WAIT_AFTER);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static void sync_record(struct writer_file *f, enum sync_kind kind)
{
	uint32_t gen = f->lf->cur_gen, pos = f->lf->cur_pos;
	int r = sync_file(f, kind);

	ledger_sync_result(f->lf, kind, r, gen, pos, now_monotonic_ns());
	f->since_sync = 0;
}

static void sync_after_block(const struct writer_group *g, struct writer_file *f)
{
	static const enum sync_kind kinds[] = {
		[FSYNC_EVERY] = SYNC_FSYNC,
		[FSYNC_FDATASYNC] = SYNC_FDATASYNC,
		[FSYNC_SYNC_RANGE] = SYNC_RANGE,
	};

	if (g->fsync == FSYNC_NONE || g->fsync == FSYNC_END)
		return;
	if (++f->since_sync >= g->fsync_every)
		sync_record(f, kinds[g->fsync]);
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

static int write_one(struct writer *w, struct writer_file *f, uint32_t gen, uint32_t index)
{
	struct ledger_block *entry = &f->blocks[index];
	uint64_t now = now_realtime_ns();
	struct block_id id = {
		.run_id = w->ctx->ledger->hdr->run_id,
		.file_id = f->lf->file_id,
		.writer_id = w->ctx->writer_id,
		.index = index,
		.generation = gen,
		.time_ns = now,
	};
	int r;

	block_encode(&w->pattern, &id, w->buf);
	ledger_intend(entry, gen);
	r = write_block(w, f, (uint64_t)index * f->lf->block_size);
	heartbeat(w, now_monotonic_ns());
	if (r < 0) {
		ledger_write_failed(f->lf, r);
		return r;
	}
	ledger_ack(entry, gen);
	f->lf->writes_ok++;
	w->self->bytes += f->lf->block_size;
	return 0;
}

/* Start the next pass unless one is unfinished; pos first so a crash only repeats work. */
static uint32_t pass_begin(struct writer *w, struct writer_file *f)
{
	struct ledger_file *lf = f->lf;

	if (lf->cur_gen == 0 || lf->cur_pos >= lf->nblocks) {
		__atomic_store_n(&lf->cur_pos, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&lf->cur_gen, lf->cur_gen + 1, __ATOMIC_RELEASE);
	}
	write_order_fill(lf->order, w->ctx->seed, lf->file_id, lf->cur_gen, lf->nblocks, w->perm);
	/*
	 * A block the previous process died writing keeps its uncertainty
	 * (either generation may be on the media) until the next pass.
	 */
	if (f->resumed && lf->cur_pos < lf->nblocks) {
		const struct ledger_block *b = &f->blocks[w->perm[lf->cur_pos]];

		if (b->intended > b->acked)
			lf->cur_pos++;
	}
	f->resumed = false;
	return lf->cur_gen;
}

static int write_pass(struct writer *w, struct writer_file *f)
{
	const struct writer_group *g = w->ctx->group;
	uint32_t gen = pass_begin(w, f);

	if (gen > BLOCK_GENERATION_MAX)
		return -EOVERFLOW;
	for (uint32_t pos = f->lf->cur_pos; pos < f->lf->nblocks; pos++) {
		int r = write_one(w, f, gen, w->perm[pos]);

		if (r < 0 && error_is_fatal(r))
			return r;
		backoff(w, r < 0);
		__atomic_store_n(&f->lf->cur_pos, pos + 1, __ATOMIC_RELEASE);
		sync_after_block(g, f);
	}
	if (g->fsync == FSYNC_END)
		sync_record(f, SYNC_FSYNC);
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
	f->ef.fd = openat(w->ctx->data_dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0644);
	f->ef.pos = UINT64_MAX;
	return f->ef.fd < 0 ? -errno : 0;
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

static int writer_setup(struct writer *w, struct writer_file **ret_files)
{
	struct ledger *l = w->ctx->ledger;
	uint32_t nfiles = w->self->nfiles, maxblocks = 0;
	_cleanup_free_ struct writer_file *files = calloc(nfiles, sizeof(*files));
	int r;

	if (!files)
		return -ENOMEM;
	for (uint32_t i = 0; i < nfiles; i++) {
		files[i].lf = &l->files[w->self->first_file + i];
		files[i].blocks = ledger_file_blocks(l, files[i].lf);
		files[i].resumed = true;
		maxblocks = MAX(maxblocks, files[i].lf->nblocks);
		r = open_file(w, &files[i]);
		if (r < 0)
			return r;
	}
	r = block_pattern_init(&w->pattern, l->hdr->run_id, w->ctx->group->block_size);
	if (r < 0)
		return r;
	w->buf = aligned_alloc(4096, ALIGN_UP((size_t)w->ctx->group->block_size, (size_t)4096));
	w->perm = calloc(MAX(maxblocks, 1u), sizeof(uint32_t));
	if (!w->buf || !w->perm)
		return -ENOMEM;
	*ret_files = steal_pointer(&files);
	return 0;
}

int writer_main(const struct writer_ctx *ctx)
{
	struct writer w = {
		.ctx = ctx,
		.ops = engine_get(ctx->group->engine),
		.self = &ctx->ledger->writers[ctx->writer_id],
	};
	_cleanup_free_ struct writer_file *files = NULL;
	int r;

	r = writer_setup(&w, &files);
	if (r == 0 && ctx->sandbox)
		r = sandbox_enter_writer(ctx->sandbox, ctx->group);
	if (r == 0)
		r = writer_loop(&w, files, w.self->nfiles);
	if (r < 0) {
		w.self->error = r;
		return WRITER_EXIT_FATAL;
	}
	return WRITER_EXIT_DONE;
}
