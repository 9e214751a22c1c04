// SPDX-License-Identifier: LGPL-2.1-or-later
/* Pressure stall information: the totals of memory.pressure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "watch/psi.h"

static void test_parse(void **state)
{
	struct psi_totals p;

	(void)state;
	assert_int_equal(psi_parse("some avg10=12.50 avg60=3.10 avg300=0.70 total=8123456\n"
				   "full avg10=10.00 avg60=2.00 avg300=0.50 total=7000000\n",
				   &p),
			 0);
	assert_int_equal(p.some_us, 8123456);
	assert_int_equal(p.full_us, 7000000);
	/* No full line (cpu pressure on old kernels): full is 0. */
	assert_int_equal(psi_parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n", &p), 0);
	assert_int_equal(p.some_us, 5);
	assert_int_equal(p.full_us, 0);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "garbage\n", "some avg10=0.00\n", "some total=\n", "xsome total=1\n",
	};
	struct psi_totals p;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (psi_parse(bad[i], &p) != -EINVAL)
			fail_msg("\"%s\" parsed", bad[i]);
}

static void test_real_file(void **state)
{
	struct psi_totals p;
	int r;

	(void)state;
	r = psi_read("/proc/pressure/memory", &p);
	assert_true(r == 0 || r == -ENOENT || r == -EOPNOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_real_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
