// SPDX-License-Identifier: LGPL-2.1-or-later
/* Leftover runs: which group, scope and process names are poof's. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stress/leftovers.h"

#define HEX_ID "0123456789abcdef"

struct name_case {
	const char *name;
	bool all;
	const char *id; /* NULL: not one of poof's */
};

static void check_cases(const struct name_case *cases, size_t n,
			int (*parse)(const char *name, bool all, char *buf, size_t len))
{
	for (size_t i = 0; i < n; i++) {
		char id[128] = "";
		int r = parse(cases[i].name, cases[i].all, id, sizeof(id));

		if (!cases[i].id && r >= 0)
			fail_msg("\"%s\" (all=%d) gave run id \"%s\"", cases[i].name, cases[i].all,
				 id);
		if (cases[i].id && (r < 0 || strcmp(id, cases[i].id) != 0))
			fail_msg("\"%s\" (all=%d): %d \"%s\", expected \"%s\"", cases[i].name,
				 cases[i].all, r, id, cases[i].id);
	}
}

static void test_group_run_id(void **state)
{
	static const struct name_case cases[] = {
		{ "poof-" HEX_ID, false, HEX_ID },
		{ "poof-" HEX_ID "-supervisor", false, HEX_ID },
		{ "poof-" HEX_ID, true, HEX_ID },
		{ "poof-" HEX_ID "-supervisor", true, HEX_ID },
		/* Not a run id: only with --all. */
		{ "poof-test", false, NULL },
		{ "poof-test", true, "test" },
		{ "poof-test-supervisor", false, NULL },
		{ "poof-test-supervisor", true, "test" },
		{ "poof-0123456789ABCDEF", false, NULL },
		{ "poof-0123456789abcde", false, NULL },
		{ "poof-0123456789abcdef0", false, NULL },
		{ "poof-" HEX_ID ".scope", false, NULL },
		/* The suffix alone is the id, not an empty one. */
		{ "poof--supervisor", true, "-supervisor" },
		{ "poof-", false, NULL },
		{ "other-" HEX_ID, false, NULL },
		{ "other-" HEX_ID, true, NULL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]), leftover_group_run_id);
}

static void test_scope_run_id(void **state)
{
	static const struct name_case cases[] = {
		{ "poof-" HEX_ID ".scope", false, HEX_ID },
		{ "poof-" HEX_ID ".scope", true, HEX_ID },
		{ "poof-test.scope", false, NULL },
		{ "poof-test.scope", true, "test" },
		{ "poof-" HEX_ID, false, NULL },
		{ "poof-" HEX_ID, true, NULL },
		{ "poof-" HEX_ID ".service", true, NULL },
		{ "poof-.scope", true, NULL },
		{ "session-" HEX_ID ".scope", true, NULL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]), leftover_scope_run_id);
}

static void test_id_too_long(void **state)
{
	char id[8];

	(void)state;
	assert_int_equal(leftover_group_run_id("poof-" HEX_ID, true, id, sizeof(id)),
			 -ENAMETOOLONG);
	assert_int_equal(leftover_scope_run_id("poof-" HEX_ID ".scope", true, id, sizeof(id)),
			 -ENAMETOOLONG);
	assert_int_equal(leftover_group_run_id("poof-1234567", true, id, sizeof(id)), 0);
	assert_string_equal(id, "1234567");
}

static void test_is_worker(void **state)
{
	static const char *const workers[] = { "poof-w3", "poof-h12", "poof-w0", "poof-h9999" };
	static const char *const others[] = { "poof-x1", "poof-w",  "poof-w1a", "poof-h",
					      "poof",	 "poof-",   "poof-w-1", "bash",
					      "poof-W1", "xpoof-w1" };

	(void)state;
	for (size_t i = 0; i < sizeof(workers) / sizeof(workers[0]); i++)
		if (!leftover_is_worker(workers[i]))
			fail_msg("\"%s\" is a worker", workers[i]);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (leftover_is_worker(others[i]))
			fail_msg("\"%s\" is no worker", others[i]);
}

static void test_supervisor_leaf(void **state)
{
	(void)state;
	assert_true(leftover_is_supervisor_leaf("/sys/fs/cgroup/poof/poof-" HEX_ID "-supervisor"));
	assert_false(leftover_is_supervisor_leaf("/sys/fs/cgroup/poof/poof-" HEX_ID));
	assert_false(leftover_is_supervisor_leaf("-supervisor"));
	assert_false(leftover_is_supervisor_leaf(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_run_id),	cmocka_unit_test(test_scope_run_id),
		cmocka_unit_test(test_id_too_long),	cmocka_unit_test(test_is_worker),
		cmocka_unit_test(test_supervisor_leaf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
