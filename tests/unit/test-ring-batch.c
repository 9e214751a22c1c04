// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The io_uring engine's vectored writes: which writes join a batch, and how
 * one answer for the batch becomes each write's own. A write is answered
 * with its length only when the answer covers it whole; the write the
 * kernel stopped in gets the bytes it got; the writes after it get no
 * answer at all and go out again.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stress/ring-batch.h"

#define BS 4096u
#define N 8u

struct rig {
	struct engine_file file, other;
	struct engine_io io[N];
	uint8_t buf[N][BS];
	struct ring_batch b;
};

/* N writes of whole blocks, one after the other from block 3, all in one batch. */
static void rig_fill(struct rig *r)
{
	*r = (struct rig){ .file = { .fd = 5, .index = -1 }, .other = { .fd = 6, .index = -1 } };
	for (unsigned i = 0; i < N; i++) {
		r->io[i] = (struct engine_io){ .op = ENGINE_OP_WRITE,
					       .file = &r->file,
					       .buf = r->buf[i],
					       .len = BS,
					       .off = (3 + i) * BS };
		if (i > 0)
			assert_true(ring_batch_extends(&r->b, &r->io[i], N));
		ring_batch_add(&r->b, &r->io[i]);
	}
}

static void test_what_joins(void **state)
{
	struct rig r;
	struct engine_io next;

	(void)state;
	rig_fill(&r);
	assert_int_equal(r.b.n, N);
	assert_int_equal(ring_batch_len(&r.b), N * BS);
	for (unsigned i = 0; i < N; i++) {
		assert_ptr_equal(r.b.iov[i].iov_base, r.buf[i]);
		assert_int_equal(r.b.iov[i].iov_len, BS);
	}
	next = r.io[N - 1];
	next.off += BS;
	/* Full at the cap; below it, only a write of the same file where the batch ends. */
	assert_false(ring_batch_extends(&r.b, &next, N));
	r.b.n = 2;
	next.off = 5 * BS;
	assert_true(ring_batch_extends(&r.b, &next, N));
	next.off = 6 * BS;
	assert_false(ring_batch_extends(&r.b, &next, N));
	next.off = 4 * BS;
	assert_false(ring_batch_extends(&r.b, &next, N));
	next.off = 5 * BS;
	next.file = &r.other;
	assert_false(ring_batch_extends(&r.b, &next, N));
	next.file = &r.file;
	next.op = ENGINE_OP_SYNC;
	assert_false(ring_batch_extends(&r.b, &next, N));
	/* A cap of 1 merges nothing. */
	r.b.n = 1;
	next.op = ENGINE_OP_WRITE;
	next.off = 4 * BS;
	assert_false(ring_batch_extends(&r.b, &next, 1));
	assert_true(ring_batch_extends(&r.b, &next, 2));
}

/* Split res; check the counts, and that done[] and rest[] are the batch in order. */
static void split(struct rig *r, int res, unsigned want_done)
{
	struct engine_io *done[RING_BATCH_MAX], *rest[RING_BATCH_MAX];
	unsigned ndone = 99, nrest = 99;

	for (unsigned i = 0; i < N; i++)
		r->io[i].res = 12345;
	ring_batch_split(&r->b, res, done, &ndone, rest, &nrest);
	assert_int_equal(ndone, want_done);
	assert_int_equal(nrest, N - want_done);
	for (unsigned i = 0; i < ndone; i++)
		assert_ptr_equal(done[i], &r->io[i]);
	for (unsigned i = 0; i < nrest; i++) {
		assert_ptr_equal(rest[i], &r->io[ndone + i]);
		/* Not answered: nothing for the writer to count or to inject into. */
		assert_int_equal(rest[i]->res, 12345);
	}
}

static void test_whole_answer(void **state)
{
	struct rig r;

	(void)state;
	rig_fill(&r);
	split(&r, (int)(N * BS), N);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(r.io[i].res, BS);
}

static void test_short_inside_a_block(void **state)
{
	struct rig r;

	(void)state;
	rig_fill(&r);
	split(&r, (int)(2 * BS + 100), 3);
	assert_int_equal(r.io[0].res, BS);
	assert_int_equal(r.io[1].res, BS);
	/* The writer writes the rest of this one again: a short write. */
	assert_int_equal(r.io[2].res, 100);
}

static void test_short_at_a_boundary(void **state)
{
	struct rig r;

	(void)state;
	rig_fill(&r);
	/* Block 3 was not reached: not a write that made no progress (EIO). */
	split(&r, (int)(3 * BS), 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(r.io[i].res, BS);
}

static void test_errors_answer_the_first(void **state)
{
	static const int answers[] = { -EIO, -ENOSPC, -EAGAIN, -EINTR, 0 };
	struct rig r;

	(void)state;
	for (unsigned k = 0; k < sizeof(answers) / sizeof(answers[0]); k++) {
		rig_fill(&r);
		split(&r, answers[k], 1);
		assert_int_equal(r.io[0].res, answers[k]);
	}
}

static void test_a_rest_of_a_block_leads(void **state)
{
	struct rig r;

	(void)state;
	rig_fill(&r);
	/* The rest of a short write, then the whole blocks after it. */
	r.io[0].buf = r.buf[0] + 1000;
	r.io[0].off += 1000;
	r.io[0].len = BS - 1000;
	r.b.iov[0].iov_len = BS - 1000;
	assert_int_equal(ring_batch_len(&r.b), N * BS - 1000);
	split(&r, (int)(BS - 1000 + BS + 10), 3);
	assert_int_equal(r.io[0].res, BS - 1000);
	assert_int_equal(r.io[1].res, BS);
	assert_int_equal(r.io[2].res, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_joins),
		cmocka_unit_test(test_whole_answer),
		cmocka_unit_test(test_short_inside_a_block),
		cmocka_unit_test(test_short_at_a_boundary),
		cmocka_unit_test(test_errors_answer_the_first),
		cmocka_unit_test(test_a_rest_of_a_block_leads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
