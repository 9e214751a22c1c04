// SPDX-License-Identifier: LGPL-2.1-or-later
/* The respawn rules of a slot: at once after a long life, steps after young deaths, a start limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "shared/macro.h"
#include "stress/respawn.h"

#define MS NSEC_PER_MSEC
#define T0 (1000 * NSEC_PER_SEC) /* any moment well after boot */

static void test_long_life_restarts_at_once(void **state)
{
	struct respawn r = { 0 };

	(void)state;
	respawn_started(&r, T0);
	assert_int_equal(respawn_schedule(&r, T0 + 2000 * MS), T0 + 2000 * MS);
	assert_true(respawn_due(&r, T0 + 2000 * MS));
}

/* Each young death in a row doubles the wait: 0.1, 0.2, 0.4 ... 3.2 s, and no further. */
static void test_young_deaths_step_up(void **state)
{
	static const uint64_t want[] = { 100, 200, 400, 800, 1600, 3200, 3200, 3200 };
	struct respawn r = { 0 };
	uint64_t now = T0;

	(void)state;
	respawn_started(&r, now);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		uint64_t due;

		now += 10 * MS; /* dies 10 ms after its start */
		due = respawn_schedule(&r, now);
		assert_int_equal(due - now, want[i] * MS);
		assert_false(respawn_due(&r, due - 1));
		assert_true(respawn_due(&r, due));
		now = due;
		respawn_started(&r, now);
	}
}

static void test_long_life_resets_the_steps(void **state)
{
	struct respawn r = { 0 };

	(void)state;
	respawn_started(&r, T0);
	assert_int_equal(respawn_schedule(&r, T0 + 10 * MS), T0 + 110 * MS);
	respawn_started(&r, T0 + 110 * MS);
	assert_int_equal(respawn_schedule(&r, T0 + 120 * MS), T0 + 320 * MS);
	respawn_started(&r, T0 + 320 * MS);
	/* This one lived 1 s: at once again. */
	assert_int_equal(respawn_schedule(&r, T0 + 1320 * MS), T0 + 1320 * MS);
}

/*
 * Ten starts 0.4 s apart; the last child lives 0.5 s, long enough to start
 * again at once but for the limit: the eleventh start waits until the first
 * is 5 s old.
 */
static void test_start_limit(void **state)
{
	struct respawn r = { 0 };
	uint64_t died = T0 + (RESPAWN_BURST - 1) * 400 * MS + RESPAWN_YOUNG_NS;

	(void)state;
	for (unsigned i = 0; i < RESPAWN_BURST; i++)
		respawn_started(&r, T0 + i * 400 * MS);
	assert_int_equal(respawn_schedule(&r, died), T0 + RESPAWN_INTERVAL_NS);
	assert_false(respawn_due(&r, T0 + RESPAWN_INTERVAL_NS - 1));
	assert_true(respawn_due(&r, T0 + RESPAWN_INTERVAL_NS));
	/* Started then, the next death after a long life waits for the second start only. */
	respawn_started(&r, T0 + RESPAWN_INTERVAL_NS);
	assert_int_equal(respawn_schedule(&r, T0 + RESPAWN_INTERVAL_NS + NSEC_PER_SEC),
			 T0 + RESPAWN_INTERVAL_NS + NSEC_PER_SEC);
}

static void test_cancel(void **state)
{
	struct respawn r = { 0 };

	(void)state;
	assert_false(respawn_cancel(&r));
	respawn_started(&r, T0);
	respawn_schedule(&r, T0 + 10 * MS);
	assert_true(respawn_cancel(&r));
	assert_false(respawn_due(&r, T0 + 10 * NSEC_PER_SEC));
	assert_false(respawn_cancel(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_life_restarts_at_once),
		cmocka_unit_test(test_young_deaths_step_up),
		cmocka_unit_test(test_long_life_resets_the_steps),
		cmocka_unit_test(test_start_limit),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
