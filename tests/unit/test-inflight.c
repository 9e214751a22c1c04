// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Many writes in flight, and what their completions mean for the ledger:
 * short writes resubmitted, EINTR and EAGAIN retried, errors in any order,
 * the fsync watermark at the lowest position still in flight, a writer that
 * dies with N writes in flight and the writer that resumes after it.
 *
 * First the completion logic alone (stress/inflight.c), fed synthetic
 * answers; then the real writer loop driven by a scripted engine that
 * answers out of order, as a ring does, without a ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "judge/verify.h"
#include "shared/macro.h"
#include "stress/inflight.h"
#include "stress/writer.h"

#define BS 4096u
#define NBLOCKS 16u

/* ---- The completion logic alone ---- */

struct bench {
	struct inflight q;
	struct ledger_file lf;
	struct ledger_block blocks[NBLOCKS];
	struct engine_file file;
};

static struct bench *bench_new(uint32_t depth)
{
	struct bench *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	assert_int_equal(inflight_init(&b->q, depth, BS), 0);
	b->lf = (struct ledger_file){ .nblocks = NBLOCKS, .block_size = BS };
	b->file = (struct engine_file){ .fd = -1, .size = NBLOCKS * BS, .index = -1 };
	return b;
}

static void bench_free(struct bench *b)
{
	inflight_free(&b->q);
	free(b);
}

/* Submit the next position of the pass (sequential order: position = index). */
static struct inflight_req *start(struct bench *b, uint32_t gen)
{
	struct inflight_req *req = inflight_get(&b->q);
	uint32_t pos = b->lf.cur_pos;

	assert_non_null(req);
	inflight_start_write(req, &b->lf, b->blocks, &b->file, pos, pos, gen);
	return req;
}

static enum inflight_verdict answer(struct bench *b, struct inflight_req *req, int res)
{
	enum inflight_verdict v;

	req->io.res = res;
	v = inflight_complete(req, 1);
	if (v != INFLIGHT_RETRY)
		inflight_put(&b->q, req);
	return v;
}

static void test_short_write_resubmitted(void **state)
{
	struct bench *b = bench_new(4);
	struct inflight_req *req;

	(void)state;
	assert_int_equal(inflight_pass_begin(&b->lf), 1);
	req = start(b, 1);
	assert_int_equal(b->blocks[0].intended, 1);
	assert_int_equal(b->lf.cur_pos, 1);
	assert_int_equal(answer(b, req, 1000), INFLIGHT_RETRY);
	/* Not acknowledged; the rest goes out from where it stopped. */
	assert_int_equal(b->blocks[0].acked, 0);
	assert_int_equal(b->lf.short_writes, 1);
	assert_ptr_equal(req->io.buf, req->base + 1000);
	assert_int_equal(req->io.off, 1000);
	assert_int_equal(req->io.len, BS - 1000);
	assert_int_equal(answer(b, req, 96), INFLIGHT_RETRY);
	assert_int_equal(req->io.off, 1096);
	assert_int_equal(answer(b, req, (int)(BS - 1096)), INFLIGHT_DONE);
	assert_int_equal(b->blocks[0].acked, 1);
	assert_int_equal(b->lf.short_writes, 2);
	assert_int_equal(b->lf.writes_ok, 1);
	assert_int_equal(b->lf.write_errors, 0);
	bench_free(b);
}

static void test_eagain_and_eintr_retried(void **state)
{
	struct bench *b = bench_new(2);
	struct inflight_req *req;

	(void)state;
	inflight_pass_begin(&b->lf);
	req = start(b, 1);
	assert_int_equal(answer(b, req, -EAGAIN), INFLIGHT_RETRY);
	assert_int_equal(answer(b, req, -EINTR), INFLIGHT_RETRY);
	assert_int_equal(b->blocks[0].acked, 0);
	/* The whole block is still to be written. */
	assert_int_equal(req->io.len, BS);
	assert_int_equal(req->io.off, 0);
	assert_int_equal(answer(b, req, BS), INFLIGHT_DONE);
	assert_int_equal(b->blocks[0].acked, 1);
	assert_int_equal(b->lf.eagain, 1);
	assert_int_equal(b->lf.eintr, 1);
	assert_int_equal(b->lf.write_errors, 0);
	bench_free(b);
}

static void test_errors_out_of_order(void **state)
{
	struct bench *b = bench_new(4);
	struct inflight_req *r[5];

	(void)state;
	inflight_pass_begin(&b->lf);
	for (unsigned i = 0; i < 4; i++)
		r[i] = start(b, 1);
	assert_null(inflight_get(&b->q));
	assert_int_equal(inflight_busy(&b->q), 4);
	assert_int_equal(answer(b, r[2], BS), INFLIGHT_DONE);
	assert_int_equal(answer(b, r[0], -ENOMEM), INFLIGHT_FAILED);
	assert_int_equal(answer(b, r[3], BS), INFLIGHT_DONE);
	assert_int_equal(answer(b, r[1], -EIO), INFLIGHT_FAILED);
	/* A write that makes no progress is an I/O error, not a retry forever. */
	r[4] = start(b, 1);
	assert_int_equal(answer(b, r[4], 0), INFLIGHT_FAILED);
	assert_int_equal(r[4]->error, -EIO);
	assert_int_equal(b->blocks[0].acked, 0);
	assert_int_equal(b->blocks[1].acked, 0);
	assert_int_equal(b->blocks[2].acked, 1);
	assert_int_equal(b->blocks[3].acked, 1);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(b->blocks[i].intended, 1);
	assert_int_equal(b->lf.writes_ok, 2);
	assert_int_equal(b->lf.write_errors, 3);
	assert_int_equal(b->lf.err_enomem, 1);
	assert_int_equal(b->lf.err_eio, 2);
	assert_int_equal(b->lf.first_write_errno, -ENOMEM);
	assert_int_equal(b->lf.last_write_errno, -EIO);
	assert_true(ledger_file_error_reported(&b->lf));
	assert_int_equal(inflight_busy(&b->q), 0);
	bench_free(b);
}

static struct inflight_req *start_sync(struct bench *b, enum sync_kind kind)
{
	struct inflight_req *req = inflight_get(&b->q);

	assert_non_null(req);
	inflight_start_sync(&b->q, req, &b->lf, &b->file, kind, 0, b->file.size);
	return req;
}

static void test_watermark_lowest_in_flight(void **state)
{
	struct bench *b = bench_new(8);
	struct inflight_req *r[4], *s;

	(void)state;
	inflight_pass_begin(&b->lf);
	for (unsigned i = 0; i < 4; i++)
		r[i] = start(b, 1);
	answer(b, r[0], BS);
	answer(b, r[2], BS);
	/* Position 1 is in flight: the fsync covers position 0 only, not 2. */
	assert_int_equal(inflight_watermark(&b->q, &b->lf), 1);
	s = start_sync(b, SYNC_FSYNC);
	assert_int_equal(s->pos, 1);
	assert_int_equal(s->gen, 1);
	/* Completions after it was issued change nothing it claims. */
	answer(b, r[1], BS);
	answer(b, r[3], BS);
	assert_int_equal(answer(b, s, 0), INFLIGHT_DONE);
	assert_int_equal(b->lf.fsync_ok, 1);
	assert_true(ledger_covered(&b->lf, 1, 0));
	assert_false(ledger_covered(&b->lf, 1, 1));
	assert_false(ledger_covered(&b->lf, 1, 2));
	/* Nothing in flight: the watermark is the next position to submit. */
	assert_int_equal(inflight_watermark(&b->q, &b->lf), 4);
	s = start_sync(b, SYNC_FDATASYNC);
	assert_int_equal(answer(b, s, -EINTR), INFLIGHT_RETRY);
	assert_int_equal(answer(b, s, 0), INFLIGHT_DONE);
	assert_true(ledger_covered(&b->lf, 1, 3));
	assert_false(ledger_covered(&b->lf, 1, 4));
	/* A failed fsync moves nothing and is reported; a range flush promises nothing. */
	s = start_sync(b, SYNC_FSYNC);
	assert_int_equal(answer(b, s, -EIO), INFLIGHT_FAILED);
	assert_int_equal(b->lf.fsync_errors, 1);
	assert_int_equal(b->lf.durable_pos, 4);
	s = start_sync(b, SYNC_RANGE);
	assert_int_equal(answer(b, s, 0), INFLIGHT_DONE);
	assert_int_equal(b->lf.range_ok, 1);
	bench_free(b);
}

static enum verdict_class classify(const struct ledger_block *e, uint32_t index, uint32_t found)
{
	struct block_expect x = { .index = index, .acked = e->acked, .intended = e->intended };
	struct block_found f = { .kind = FOUND_BLOCK,
				 .id = { .index = index, .generation = found } };

	return verify_classify(&x, &f);
}

/*
 * A writer killed with writes in flight: exactly those blocks are in flight
 * for the verifier, whichever generation the media holds, and the writer
 * that resumes goes on after them and never writes them twice in a pass.
 */
static void test_death_and_resume(void **state)
{
	struct bench *b = bench_new(8);
	struct inflight_req *r[8];
	uint32_t gen;

	(void)state;
	/* Pass 1 complete and acknowledged; pass 2 dies with 5 of 8 writes in flight. */
	inflight_pass_begin(&b->lf);
	for (unsigned i = 0; i < NBLOCKS; i++)
		answer(b, start(b, 1), BS);
	assert_int_equal(inflight_pass_begin(&b->lf), 2);
	for (unsigned i = 0; i < 8; i++)
		r[i] = start(b, 2);
	answer(b, r[6], BS);
	answer(b, r[1], BS);
	answer(b, r[4], BS);
	/* ... killed here: the process and its requests are gone, the ledger is not. */
	for (unsigned i = 0; i < 8; i++) {
		bool acked = i == 1 || i == 4 || i == 6;

		assert_int_equal(b->blocks[i].intended, 2);
		assert_int_equal(b->blocks[i].acked, acked ? 2 : 1);
		assert_int_equal(classify(&b->blocks[i], i, 1),
				 acked ? CLASS_LOST_SILENT : CLASS_IN_FLIGHT);
		assert_int_equal(classify(&b->blocks[i], i, 2), acked ? CLASS_OK : CLASS_IN_FLIGHT);
	}
	assert_int_equal(classify(&b->blocks[8], 8, 1), CLASS_OK);
	inflight_free(&b->q);
	assert_int_equal(inflight_init(&b->q, 8, BS), 0);

	/* The respawned writer: the same pass, after every submitted block. */
	gen = inflight_pass_begin(&b->lf);
	assert_int_equal(gen, 2);
	assert_int_equal(b->lf.cur_pos, 8);
	while (b->lf.cur_pos < NBLOCKS)
		answer(b, start(b, gen), BS);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(b->blocks[i].intended, 2);
	assert_int_equal(b->blocks[0].acked, 1);
	assert_int_equal(b->blocks[15].acked, 2);
	/* The next pass overwrites the uncertain blocks and ends their uncertainty. */
	assert_int_equal(inflight_pass_begin(&b->lf), 3);
	answer(b, start(b, 3), BS);
	assert_int_equal(b->blocks[0].acked, 3);
	assert_int_equal(classify(&b->blocks[0], 0, 3), CLASS_OK);
	bench_free(b);
}

/* ---- The writer loop, driven by a scripted engine ---- */

/*
 * Answers like a ring: holds what was queued until reap, then answers the
 * newest first, one at a time. The first write of every third block comes
 * back short, every fifth is answered EAGAIN, commit refuses once, and
 * die_after > 0 kills the process after that many writes were queued.
 */
struct script {
	struct engine_io *held[64];
	unsigned nheld;
	unsigned writes, commits;
	unsigned die_after;
	unsigned syncs, syncs_behind;
	unsigned bad_watermarks;
};

/* Shared with the parent, which reads the counters after the writer exits. */
static struct script *script;

/* No write still in flight lies below a sync's watermark. */
static void check_watermark(const struct inflight_req *sync)
{
	for (unsigned i = 0; i < script->nheld; i++) {
		const struct inflight_req *w = inflight_req_of(script->held[i]);

		script->bad_watermarks += w->io.op == ENGINE_OP_WRITE && w->pos < sync->pos;
	}
	script->syncs_behind += sync->pos < sync->lf->cur_pos;
	script->syncs++;
}

static int script_queue(struct engine *e, struct engine_io *io)
{
	(void)e;
	assert_true(script->nheld < ARRAY_SIZE(script->held));
	/* A block's first submission: nothing answered yet. */
	if (io->op == ENGINE_OP_WRITE && io->res == 0 && ++script->writes == script->die_after)
		_exit(99);
	if (io->op == ENGINE_OP_SYNC)
		check_watermark(inflight_req_of(io));
	script->held[script->nheld++] = io;
	return ENGINE_QUEUED;
}

static int script_commit(struct engine *e)
{
	(void)e;
	return ++script->commits == 2 ? -EAGAIN : 0;
}

static int script_answer(struct engine_io *io)
{
	unsigned index = (unsigned)(io->off / BS);

	if (io->op == ENGINE_OP_SYNC)
		return 0;
	if (io->len == BS && index % 3 == 0)
		return (int)(BS / 2);
	if (io->len == BS && index % 4 == 1 && io->res != -EAGAIN)
		return -EAGAIN;
	return (int)io->len;
}

static int script_reap(struct engine *e, unsigned min, struct engine_io **ret, unsigned max)
{
	(void)e;
	if (script->nheld == 0 || max == 0 || min == 0)
		return 0;
	ret[0] = script->held[--script->nheld];
	ret[0]->res = script_answer(ret[0]);
	return 1;
}

static const struct engine_ops script_ops = {
	.name = "script",
	.async = true,
	.queue = script_queue,
	.commit = script_commit,
	.reap = script_reap,
};

static char tmpdir[64];
static int dirfd_ = -1;

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/var/tmp/poof-test-inflight-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	dirfd_ = open(tmpdir, O_RDONLY | O_DIRECTORY);
	script = mmap(NULL, sizeof(*script), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	return dirfd_ < 0 || script == MAP_FAILED ? -1 : 0;
}

static void wipe(void)
{
	unlinkat(dirfd_, "ledger.live", 0);
	unlinkat(dirfd_, "w0000-f000000.dat", 0);
}

static int teardown(void **state)
{
	(void)state;
	wipe();
	close(dirfd_);
	rmdir(tmpdir);
	munmap(script, sizeof(*script));
	return 0;
}

static struct ledger *make_ledger(void)
{
	struct ledger_params p = {
		.run_id = 0xbeef, .seed = 7, .nwriters = 1, .nfiles = 1, .nblocks = NBLOCKS
	};
	struct ledger *l = NULL;

	wipe();
	assert_int_equal(ledger_create(dirfd_, &p, &l), 0);
	l->writers[0] = (struct ledger_writer){ .nfiles = 1 };
	l->files[0] = (struct ledger_file){ .nblocks = NBLOCKS, .block_size = BS };
	return l;
}

/* Run one writer process with the scripted engine; its exit status. */
static int run_writer(struct ledger *l, const struct writer_group *g, unsigned die_after)
{
	struct writer_ctx ctx = {
		.ledger = l, .group = g, .data_dirfd = dirfd_, .seed = 1, .engine = &script_ops
	};
	int status;
	pid_t pid;

	*script = (struct script){ .die_after = die_after };
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(writer_main(&ctx));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(script->bad_watermarks, 0);
	return WEXITSTATUS(status);
}

static const struct writer_group scripted_group = {
	.name = "t",
	.count = 1,
	.files = 1,
	.file_size = NBLOCKS * BS,
	.block_size = BS,
	.engine = ENGINE_PWRITE,
	.fsync = FSYNC_EVERY,
	.fsync_every = 4,
	.queue_depth = 6,
	.passes = 2,
};

/*
 * Two passes through the writer loop with answers out of order, short
 * writes, EAGAIN and a refused commit: every block acknowledged, every
 * fsync's watermark behind the writes still in flight.
 */
static void test_writer_out_of_order(void **state)
{
	struct ledger *l = make_ledger();
	const struct ledger_file *f = &l->files[0];

	(void)state;
	assert_int_equal(run_writer(l, &scripted_group, 0), WRITER_EXIT_DONE);
	assert_int_equal(script->syncs, 2 * NBLOCKS / 4);
	assert_true(script->syncs_behind > 0);
	for (unsigned i = 0; i < NBLOCKS; i++) {
		assert_int_equal(l->blocks[i].intended, 2);
		assert_int_equal(l->blocks[i].acked, 2);
	}
	assert_int_equal(f->passes_done, 2);
	assert_int_equal(f->writes_ok, 2 * NBLOCKS);
	assert_int_equal(f->write_errors, 0);
	assert_int_equal(f->short_writes, 2 * 6);
	assert_int_equal(f->eagain, 2 * 3);
	assert_int_equal(script->commits > 2, true);
	assert_int_equal(f->fsync_ok, 2 * NBLOCKS / 4);
	assert_int_equal(f->durable_gen, 2);
	assert_true(f->durable_pos < NBLOCKS);
	assert_int_equal(l->writers[0].bytes, 2 * NBLOCKS * BS);
	ledger_free(l);
}

/*
 * A writer dies (as if SIGKILLed) with writes in flight; the one spawned
 * after it finishes the pass. The blocks the first had in flight, and only
 * they, are left intended > acked.
 */
static void test_writer_dies_in_flight(void **state)
{
	struct ledger *l = make_ledger();
	struct writer_group g = scripted_group;
	unsigned in_flight = 0;

	(void)state;
	g.passes = 1;
	g.fsync = FSYNC_NONE;
	assert_int_equal(run_writer(l, &g, 9), 99);
	/* Queued 8 and died queueing the 9th: the newest answered first, one at a time. */
	assert_int_equal(l->files[0].cur_pos, 9);
	for (unsigned i = 0; i < NBLOCKS; i++)
		in_flight += l->blocks[i].intended > l->blocks[i].acked;
	assert_int_equal(in_flight, 6);
	assert_int_equal(l->blocks[8].intended, 1);
	assert_int_equal(l->blocks[8].acked, 0);
	assert_int_equal(l->blocks[9].intended, 0);

	g.fsync = FSYNC_END;
	assert_int_equal(run_writer(l, &g, 0), WRITER_EXIT_DONE);
	in_flight = 0;
	for (unsigned i = 0; i < NBLOCKS; i++)
		in_flight += l->blocks[i].intended > l->blocks[i].acked;
	assert_int_equal(in_flight, 6);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(l->blocks[i].acked, 0);
	for (unsigned i = 9; i < NBLOCKS; i++)
		assert_int_equal(l->blocks[i].acked, 1);
	assert_int_equal(l->files[0].passes_done, 1);
	assert_int_equal(l->files[0].durable_pos, NBLOCKS);
	ledger_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_write_resubmitted),
		cmocka_unit_test(test_eagain_and_eintr_retried),
		cmocka_unit_test(test_errors_out_of_order),
		cmocka_unit_test(test_watermark_lowest_in_flight),
		cmocka_unit_test(test_death_and_resume),
		cmocka_unit_test(test_writer_out_of_order),
		cmocka_unit_test(test_writer_dies_in_flight),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
