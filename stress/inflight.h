/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A writer's requests in flight, and what their completions mean for the
 * ledger: the one place where an engine's answer becomes an acknowledgement.
 * It knows no engine and no ring, so a test can feed it any answer in any
 * order (tests/unit/test-inflight.c).
 *
 * The ledger's promise with up to `depth` blocks in flight per writer (the
 * layout and its readers are in judge/ledger.h):
 *   - inflight_start_write() stores block.intended = gen and then moves the
 *     file's resume point cur_pos past the block, both before the engine
 *     sees the write. A writer killed with N writes in flight leaves exactly
 *     those N blocks with intended > acked, and a respawned writer starts
 *     after all of them.
 *   - inflight_complete() acknowledges a block only when every byte of it
 *     was reported written: the rest of a short write, and a write answered
 *     EINTR or EAGAIN, are queued again (INFLIGHT_RETRY); any other error is
 *     recorded in the file's counters as a failed pwrite is, and the block
 *     stays in flight.
 *   - A sync takes its durability watermark when it is queued: the lowest
 *     position of the pass still in flight, or cur_pos when none is. Only
 *     writes whose completions came back before the sync was issued are
 *     covered; a success moves the file's watermark there when it completes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "judge/ledger.h"

struct inflight_req {
	struct engine_io io; /* what the engine sees; first, see inflight_req_of() */
	struct ledger_file *lf;
	struct ledger_block *blocks;
	uint8_t *base;	/* the request's buffer, block_size bytes */
	uint32_t index; /* write: the block's index in its file */
	uint32_t pos;	/* write: its position in the pass; sync: the watermark's */
	uint32_t gen;	/* write: the generation; sync: the watermark's */
	uint32_t done;	/* write: bytes reported written so far */
	int error;	/* the error a failed request ended with */
	bool busy;
};

struct inflight {
	struct inflight_req *reqs;
	uint32_t *free_ids; /* a stack of the requests not in use */
	uint32_t nfree;
	uint32_t depth;
	uint8_t *bufs; /* depth buffers of buf_size bytes, page-aligned */
	size_t buf_size;
};

enum inflight_verdict {
	INFLIGHT_DONE,	 /* a write acknowledged, or a sync's success recorded */
	INFLIGHT_FAILED, /* an error, recorded; a write's block stays in flight */
	INFLIGHT_RETRY,	 /* queue io again: the rest of a short write, or after EINTR/EAGAIN */
};

static inline struct inflight_req *inflight_req_of(struct engine_io *io)
{
	return (struct inflight_req *)io;
}

/* depth requests, each with a buffer of block_size bytes; -ENOMEM. */
int inflight_init(struct inflight *q, uint32_t depth, size_t block_size);
void inflight_free(struct inflight *q);

static inline uint32_t inflight_busy(const struct inflight *q)
{
	return q->depth - q->nfree;
}

/* A request not in use, or NULL when all are in flight. */
struct inflight_req *inflight_get(struct inflight *q);
void inflight_put(struct inflight *q, struct inflight_req *req);

/*
 * Where a (re)spawned writer goes on with a file: the pass being written,
 * or the next one when every block of this pass was submitted. Stores
 * cur_pos before cur_gen, so a writer killed in between repeats work.
 */
uint32_t inflight_pass_begin(struct ledger_file *lf);

/* Intend gen for the block at pos, move cur_pos past it, and fill req->io for the write. */
void inflight_start_write(struct inflight_req *req, struct ledger_file *lf,
			  struct ledger_block *blocks, struct engine_file *file, uint32_t pos,
			  uint32_t index, uint32_t gen);

/* The lowest position of lf's pass still in flight, or cur_pos when nothing is. */
uint32_t inflight_watermark(const struct inflight *q, const struct ledger_file *lf);

/* A sync of kind over [off, off + len) of file, with the watermark as it stands now. */
void inflight_start_sync(const struct inflight *q, struct inflight_req *req, struct ledger_file *lf,
			 struct engine_file *file, enum sync_kind kind, uint64_t off, uint64_t len);

/* What req->io.res means: the ledger updated, and the verdict. now_ns is CLOCK_MONOTONIC. */
enum inflight_verdict inflight_complete(struct inflight_req *req, uint64_t now_ns);
