// SPDX-License-Identifier: LGPL-2.1-or-later
/* The verdict for one block, over every case SPEC section 4 names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "judge/verify.h"

#define RUN 0xabcULL
#define FILE_ID 4
#define INDEX 10

struct classify_case {
	const char *what;
	uint32_t acked, intended;
	bool durable, reported;
	enum found_kind kind;
	uint32_t gen; /* found generation, for blocks */
	int other;    /* 1: another file's block, 2: another offset, 3: another run */
	enum verdict_class want;
};

static const struct classify_case cases[] = {
	{ "acked generation found", 3, 3, false, false, FOUND_BLOCK, 3, 0, CLASS_OK },
	{ "older generation, no error", 3, 3, false, false, FOUND_BLOCK, 2, 0, CLASS_LOST_SILENT },
	{ "older generation, fsynced", 3, 3, true, false, FOUND_BLOCK, 2, 0, CLASS_LOST_DURABLE },
	{ "older generation, error seen", 3, 3, true, true, FOUND_BLOCK, 2, 0,
	  CLASS_LOST_REPORTED },
	{ "zeros", 3, 3, false, false, FOUND_ZEROS, 0, 0, CLASS_LOST_SILENT },
	{ "hole", 3, 3, true, false, FOUND_HOLE, 0, 0, CLASS_LOST_DURABLE },
	{ "short file", 1, 1, false, false, FOUND_SHORT, 0, 0, CLASS_LOST_SILENT },
	{ "missing file", 1, 1, false, true, FOUND_MISSING, 0, 0, CLASS_LOST_REPORTED },
	/* A read error at verification is the loss found, not a report to a writer. */
	{ "unreadable, no error while writing", 2, 2, false, false, FOUND_UNREADABLE, 0, 0,
	  CLASS_LOST_SILENT },
	{ "unreadable, fsynced", 2, 2, true, false, FOUND_UNREADABLE, 0, 0, CLASS_LOST_DURABLE },
	{ "unreadable, error seen", 2, 2, true, true, FOUND_UNREADABLE, 0, 0, CLASS_LOST_REPORTED },
	{ "first write in flight: unreadable", 0, 1, false, false, FOUND_UNREADABLE, 0, 0,
	  CLASS_IN_FLIGHT },
	{ "in flight: old generation", 3, 4, false, false, FOUND_BLOCK, 3, 0, CLASS_IN_FLIGHT },
	{ "in flight: new generation", 3, 4, false, false, FOUND_BLOCK, 4, 0, CLASS_IN_FLIGHT },
	{ "in flight: torn mix", 3, 4, false, false, FOUND_TORN, 4, 0, CLASS_IN_FLIGHT },
	{ "in flight across a skipped pass", 3, 5, false, false, FOUND_BLOCK, 4, 0,
	  CLASS_IN_FLIGHT },
	{ "in flight but older than acked", 3, 4, false, false, FOUND_BLOCK, 2, 0,
	  CLASS_LOST_SILENT },
	{ "first write in flight: zeros", 0, 1, false, false, FOUND_ZEROS, 0, 0, CLASS_IN_FLIGHT },
	{ "first write in flight: short", 0, 1, false, false, FOUND_SHORT, 0, 0, CLASS_IN_FLIGHT },
	{ "first write in flight: garbage", 0, 1, false, false, FOUND_CORRUPT, 0, 0,
	  CLASS_IN_FLIGHT },
	{ "in flight over data: zeros", 2, 3, false, false, FOUND_ZEROS, 0, 0, CLASS_LOST_SILENT },
	{ "torn, not in flight", 3, 3, false, false, FOUND_TORN, 3, 0, CLASS_TORN },
	{ "another file's block", 3, 3, false, false, FOUND_BLOCK, 3, 1, CLASS_MISDIRECTED },
	{ "another offset's block", 3, 3, false, false, FOUND_BLOCK, 3, 2, CLASS_MISDIRECTED },
	{ "another run's block", 3, 3, false, false, FOUND_BLOCK, 3, 3, CLASS_MISDIRECTED },
	{ "torn block of another file", 3, 3, false, false, FOUND_TORN, 3, 1, CLASS_CORRUPT },
	{ "garbage", 3, 3, false, false, FOUND_CORRUPT, 0, 0, CLASS_CORRUPT },
	{ "newer than ever written", 3, 3, false, false, FOUND_BLOCK, 7, 0, CLASS_CORRUPT },
	{ "never written", 0, 0, false, false, FOUND_HOLE, 0, 0, CLASS_UNWRITTEN },
	{ "never written, short", 0, 0, false, false, FOUND_SHORT, 0, 0, CLASS_UNWRITTEN },
};

static void test_table(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct classify_case *c = &cases[i];
		struct block_expect e = {
			.run_id = RUN,
			.file_id = FILE_ID,
			.index = INDEX,
			.acked = c->acked,
			.intended = c->intended,
			.durable = c->durable,
			.reported = c->reported,
		};
		struct block_found f = {
			.kind = c->kind,
			.id = { .run_id = c->other == 3 ? RUN + 1 : RUN,
				.file_id = c->other == 1 ? FILE_ID + 1 : FILE_ID,
				.index = c->other == 2 ? INDEX + 1 : INDEX,
				.generation = c->gen },
		};
		enum verdict_class got = verify_classify(&e, &f);

		if (got != c->want)
			fail_msg("case \"%s\": got %s, want %s", c->what, verdict_class_name(got),
				 verdict_class_name(c->want));
	}
}

static void test_failure_classes(void **state)
{
	(void)state;
	assert_false(verdict_class_is_failure(CLASS_OK, false));
	assert_false(verdict_class_is_failure(CLASS_IN_FLIGHT, false));
	assert_true(verdict_class_is_failure(CLASS_LOST_SILENT, true));
	assert_true(verdict_class_is_failure(CLASS_LOST_DURABLE, true));
	/* lost-reported passes only when the run's own device fault excuses it. */
	assert_true(verdict_class_is_failure(CLASS_LOST_REPORTED, false));
	assert_false(verdict_class_is_failure(CLASS_LOST_REPORTED, true));
	assert_true(verdict_class_is_failure(CLASS_TORN, true));
	assert_true(verdict_class_is_failure(CLASS_MISDIRECTED, true));
	assert_true(verdict_class_is_failure(CLASS_CORRUPT, true));
	assert_false(verdict_class_is_failure(CLASS_UNWRITTEN, false));
}

/* The excuse needs the run's own error fault, and strict-errors takes it away. */
static void test_reported_excused(void **state)
{
	(void)state;
	assert_false(verify_reported_excused(&(struct verify_options){ 0 }));
	assert_false(verify_reported_excused(&(struct verify_options){ .strict_errors = true }));
	assert_true(verify_reported_excused(&(struct verify_options){ .error_fault = true }));
	assert_false(verify_reported_excused(
		&(struct verify_options){ .error_fault = true, .strict_errors = true }));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_failure_classes),
		cmocka_unit_test(test_reported_excused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
