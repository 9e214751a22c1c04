// SPDX-License-Identifier: LGPL-2.1-or-later
/* The write phase's event record: every event kept in order up to the cap, the rest counted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stress/events.h"

static struct event respawn_of(uint32_t slot)
{
	return (struct event){
		.at_ns = 1000 + slot, .slot = slot, .pid = 100 + (pid_t)slot, .kind = EVENT_RESPAWN
	};
}

/* More than one growth step: every event kept, in the order it came. */
static void test_keeps_every_event_in_order(void **state)
{
	_cleanup_event_log_ struct event_log log = { .max = 5000 };

	(void)state;
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(event_log_add(&log, &(struct event){ .slot = i, .at_ns = i }), 0);
	assert_int_equal(log.n, 3000);
	assert_int_equal(log.dropped, 0);
	for (uint32_t i = 0; i < 3000; i++) {
		assert_int_equal(log.e[i].slot, i);
		assert_int_equal(log.e[i].at_ns, i);
	}
}

/* Past the cap: the first ones stay, each later one is counted as dropped. */
static void test_cap_counts_the_dropped(void **state)
{
	_cleanup_event_log_ struct event_log log = { .max = 4 };

	(void)state;
	for (uint32_t i = 0; i < 10; i++) {
		struct event ev = respawn_of(i);

		assert_int_equal(event_log_add(&log, &ev), i < 4 ? 0 : -ENOBUFS);
	}
	assert_int_equal(log.n, 4);
	assert_int_equal(log.dropped, 6);
	assert_int_equal(log.e[3].slot, 3);
	assert_int_equal(log.e[3].pid, 103);
	assert_int_equal(log.e[3].kind, EVENT_RESPAWN);
}

/* Without a max of its own the record holds EVENT_LOG_MAX events, and not one more. */
static void test_default_cap(void **state)
{
	_cleanup_event_log_ struct event_log log = { 0 };
	struct event ev = respawn_of(7);

	(void)state;
	for (size_t i = 0; i < EVENT_LOG_MAX; i++)
		assert_int_equal(event_log_add(&log, &ev), 0);
	assert_int_equal(event_log_add(&log, &ev), -ENOBUFS);
	assert_int_equal(log.n, EVENT_LOG_MAX);
	assert_int_equal(log.dropped, 1);
	assert_true(log.cap <= EVENT_LOG_MAX);
}

static void test_free_empties(void **state)
{
	struct event_log log = { .max = 2 };
	struct event ev = respawn_of(1);

	(void)state;
	event_log_add(&log, &ev);
	event_log_add(&log, &ev);
	event_log_add(&log, &ev);
	event_log_free(&log);
	assert_null(log.e);
	assert_int_equal(log.n, 0);
	assert_int_equal(log.dropped, 0);
	assert_int_equal(log.max, 2);
	event_log_free(&log); /* twice is harmless */
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(event_kind_name(EVENT_RESPAWN), "respawn");
	assert_string_equal(event_kind_name(EVENT_STALL), "stall");
	assert_string_equal(event_kind_name(EVENT_WRITER_STOPPED), "writer-stopped");
	assert_null(event_kind_name(_EVENT_KIND_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_every_event_in_order),
		cmocka_unit_test(test_cap_counts_the_dropped),
		cmocka_unit_test(test_default_cap),
		cmocka_unit_test(test_free_empties),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
