// SPDX-License-Identifier: LGPL-2.1-or-later
/* The fault log: what a harness switched on, and which of it may excuse a loss. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "shared/macro.h"
#include "judge/device-faults.h"

#define S(x) ((uint64_t)((x)*1e9 + 0.5))

/* As poof vm's guest writes it: on before the run, off after. */
static void test_parse_windows(void **state)
{
	struct device_faults f;
	unsigned line = 0;

	(void)state;
	assert_int_equal(device_faults_parse("12.34 on error-writes\n"
					     "20.00 off error-writes\n"
					     "\n"
					     "25.5 on drop-writes\n",
					     &f, &line),
			 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.w[0].kind, DEVICE_FAULT_ERROR_WRITES);
	assert_int_equal(f.w[0].on_ns, S(12.34));
	assert_int_equal(f.w[0].off_ns, S(20.0));
	assert_int_equal(f.w[1].kind, DEVICE_FAULT_DROP_WRITES);
	assert_int_equal(f.w[1].off_ns, DEVICE_FAULT_STILL_ON);
	assert_int_equal(device_faults_parse("", &f, &line), 0);
	assert_int_equal(f.n, 0);
}

struct bad_case {
	const char *text;
	unsigned line;
};

static const struct bad_case bad[] = {
	{ "1.0 on flip-bits\n", 1 },			      /* unknown kind */
	{ "1.0 on error-writes\n2.0 of error-writes\n", 2 },  /* neither on nor off */
	{ "1.0 off error-writes\n", 1 },		      /* off without on */
	{ "2.0 on error-writes\n1.0 off error-writes\n", 2 }, /* time going backwards */
	{ "x on error-writes\n", 1 },
	{ "1.0 on\n", 1 },
	{ "1.0 on error-writes extra\n", 1 },
};

static void test_parse_bad(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct device_faults f;
		unsigned line = 0;

		if (device_faults_parse(bad[i].text, &f, &line) != -EINVAL || line != bad[i].line)
			fail_msg("\"%s\": want -EINVAL at line %u, got line %u", bad[i].text,
				 bad[i].line, line);
	}
}

static void test_too_many(void **state)
{
	char text[4096];
	size_t n = 0;
	struct device_faults f;
	unsigned line = 0;

	(void)state;
	for (unsigned i = 0; i <= DEVICE_FAULTS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%u on drop-writes\n%u.5 off drop-writes\n", i, i);
	assert_int_equal(device_faults_parse(text, &f, &line), -E2BIG);
	assert_int_equal(line, 2 * DEVICE_FAULTS_MAX + 1);
}

/* Only a fault on during the run counts; only an error fault explains errors. */
static void test_during(void **state)
{
	struct device_faults f;
	unsigned line;

	(void)state;
	assert_int_equal(device_faults_parse("5 on drop-writes\n6 off drop-writes\n"
					     "10 on error-writes\n",
					     &f, &line),
			 0);
	/* A run from 7 s to 9 s: the drop window ended before it, the error one starts after. */
	assert_null(device_faults_during(&f, S(7), S(9), false));
	/* From 5.5 s: the drop window overlaps, but it does not report errors. */
	assert_int_equal(device_faults_during(&f, S(5.5), S(9), false)->kind,
			 DEVICE_FAULT_DROP_WRITES);
	assert_null(device_faults_during(&f, S(5.5), S(9), true));
	/* An error fault still on at the end of the run. */
	assert_int_equal(device_faults_during(&f, S(8), S(30), true)->kind,
			 DEVICE_FAULT_ERROR_WRITES);
	assert_true(device_fault_reports_errors(DEVICE_FAULT_ERROR_WRITES));
	assert_false(device_fault_reports_errors(DEVICE_FAULT_DROP_WRITES));
	assert_false(device_fault_reports_errors(DEVICE_FAULT_SUSPEND));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_windows),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_during),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
