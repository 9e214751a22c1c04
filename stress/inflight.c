// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inflight.h"
#include "shared/macro.h"

#define BUFFER_ALIGN 4096

int inflight_init(struct inflight *q, uint32_t depth, size_t block_size)
{
	*q = (struct inflight){ .depth = depth, .nfree = depth };
	q->buf_size = ALIGN_UP(block_size, (size_t)BUFFER_ALIGN);
	q->reqs = calloc(depth, sizeof(*q->reqs));
	q->free_ids = calloc(depth, sizeof(*q->free_ids));
	q->bufs = aligned_alloc(BUFFER_ALIGN, depth * q->buf_size);
	if (!q->reqs || !q->free_ids || !q->bufs) {
		inflight_free(q);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < depth; i++) {
		q->reqs[i].base = q->bufs + i * q->buf_size;
		q->reqs[i].io.buf_index = i;
		/* Handed out from the top: request 0 first. */
		q->free_ids[i] = depth - 1 - i;
	}
	return 0;
}

void inflight_free(struct inflight *q)
{
	free(q->reqs);
	free(q->free_ids);
	free(q->bufs);
	*q = (struct inflight){ 0 };
}

struct inflight_req *inflight_get(struct inflight *q)
{
	struct inflight_req *req;

	if (q->nfree == 0)
		return NULL;
	req = &q->reqs[q->free_ids[--q->nfree]];
	req->busy = true;
	return req;
}

void inflight_put(struct inflight *q, struct inflight_req *req)
{
	req->busy = false;
	q->free_ids[q->nfree++] = (uint32_t)(req - q->reqs);
}

uint32_t inflight_pass_begin(struct ledger_file *lf)
{
	if (lf->cur_gen == 0 || lf->cur_pos >= lf->nblocks) {
		__atomic_store_n(&lf->cur_pos, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&lf->cur_gen, lf->cur_gen + 1, __ATOMIC_RELEASE);
	}
	return lf->cur_gen;
}

void inflight_start_write(struct inflight_req *req, struct ledger_file *lf,
			  struct ledger_block *blocks, struct engine_file *file, uint32_t pos,
			  uint32_t index, uint32_t gen)
{
	uint64_t off = (uint64_t)index * lf->block_size;

	*req = (struct inflight_req){
		.io = { .op = ENGINE_OP_WRITE,
			.file = file,
			.buf = req->base,
			.len = lf->block_size,
			.off = off,
			.buf_index = req->io.buf_index },
		.lf = lf,
		.blocks = blocks,
		.base = req->base,
		.index = index,
		.pos = pos,
		.gen = gen,
		.busy = true,
	};
	ledger_intend(&blocks[index], gen);
	__atomic_store_n(&lf->cur_pos, pos + 1, __ATOMIC_RELEASE);
}

uint32_t inflight_watermark(const struct inflight *q, const struct ledger_file *lf)
{
	uint32_t low = lf->cur_pos;

	for (uint32_t i = 0; i < q->depth; i++) {
		const struct inflight_req *r = &q->reqs[i];

		if (r->busy && r->io.op == ENGINE_OP_WRITE && r->lf == lf && r->pos < low)
			low = r->pos;
	}
	return low;
}

void inflight_start_sync(const struct inflight *q, struct inflight_req *req, struct ledger_file *lf,
			 struct engine_file *file, enum sync_kind kind, uint64_t off, uint64_t len)
{
	uint32_t pos;

	/* Not a write any more before the scan, so it does not count itself. */
	req->io.op = ENGINE_OP_SYNC;
	pos = inflight_watermark(q, lf);
	*req = (struct inflight_req){
		.io = { .op = ENGINE_OP_SYNC,
			.file = file,
			.off = off,
			.len = len,
			.sync = kind,
			.buf_index = req->io.buf_index },
		.lf = lf,
		.base = req->base,
		.pos = pos,
		.gen = lf->cur_gen,
		.busy = true,
	};
}

/* The rest of a short write goes out again from where it stopped. */
static enum inflight_verdict write_progress(struct inflight_req *req, uint32_t n)
{
	uint32_t len = req->lf->block_size;

	req->done = MIN(req->done + n, len);
	if (req->done == len) {
		ledger_ack(&req->blocks[req->index], req->gen);
		req->lf->writes_ok++;
		return INFLIGHT_DONE;
	}
	req->lf->short_writes++;
	req->io.buf = req->base + req->done;
	req->io.off = (uint64_t)req->index * len + req->done;
	req->io.len = len - req->done;
	return INFLIGHT_RETRY;
}

static enum inflight_verdict write_complete(struct inflight_req *req)
{
	int res = req->io.res;

	if (res == -EINTR) {
		req->lf->eintr++;
		return INFLIGHT_RETRY;
	}
	if (res == -EAGAIN) {
		req->lf->eagain++;
		return INFLIGHT_RETRY;
	}
	/* A write that makes no progress would be retried forever: an I/O error. */
	if (res == 0)
		res = -EIO;
	if (res < 0) {
		req->error = res;
		ledger_write_failed(req->lf, res);
		return INFLIGHT_FAILED;
	}
	return write_progress(req, (uint32_t)res);
}

static enum inflight_verdict sync_complete(struct inflight_req *req, uint64_t now_ns)
{
	int res = req->io.res;

	if (res == -EINTR || res == -EAGAIN)
		return INFLIGHT_RETRY;
	ledger_sync_result(req->lf, req->io.sync, res, req->gen, req->pos, now_ns);
	if (res < 0) {
		req->error = res;
		return INFLIGHT_FAILED;
	}
	return INFLIGHT_DONE;
}

enum inflight_verdict inflight_complete(struct inflight_req *req, uint64_t now_ns)
{
	if (req->io.op == ENGINE_OP_SYNC)
		return sync_complete(req, now_ns);
	return write_complete(req);
}
