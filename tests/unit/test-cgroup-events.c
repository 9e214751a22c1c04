// SPDX-License-Identifier: LGPL-2.1-or-later
/* The cgroup file parsers, over text captured from real kernels. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cgroups/events.h"
#include "shared/macro.h"

#define U CG_UNSET

struct memory_events_case {
	const char *what;
	const char *text;
	int ret;
	struct cg_memory_events want;
};

static const struct memory_events_case memory_events_cases[] = {
	{ "6.1 VM after one OOM kill",
	  "low 0\nhigh 0\nmax 57\noom 1\noom_kill 1\noom_group_kill 0\n",
	  0,
	  { .max = 57, .oom = 1, .oom_kill = 1 } },
	{ "oom.group kill",
	  "low 0\nhigh 12\nmax 3\noom 2\noom_kill 3\noom_group_kill 1\n",
	  0,
	  { .high = 12, .max = 3, .oom = 2, .oom_kill = 3, .oom_group_kill = 1 } },
	{ "5.4: no oom_group_kill yet", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n", 0, { 0 } },
	{ "unknown future key ignored", "max 1\nsock_throttled 9\n", 0, { .max = 1 } },
	{ "no trailing newline", "oom_kill 4", 0, { .oom_kill = 4 } },
	{ "empty file", "", 0, { 0 } },
	{ "big counter", "max 18446744073709551615\n", 0, { .max = UINT64_MAX } },
	{ "overflow", "max 18446744073709551616\n", -EINVAL, { 0 } },
	{ "negative", "max -1\n", -EINVAL, { 0 } },
	{ "no value", "max\n", -EINVAL, { 0 } },
	{ "not a number", "oom banana\n", -EINVAL, { 0 } },
	{ "bad unknown key line", "whatever x\n", -EINVAL, { 0 } },
	{ "two spaces", "max  1\n", -EINVAL, { 0 } },
};

static void test_memory_events(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(memory_events_cases); i++) {
		const struct memory_events_case *c = &memory_events_cases[i];
		struct cg_memory_events e = { 99, 99, 99, 99, 99, 99 };
		int r = cg_parse_memory_events(c->text, &e);

		if (r != c->ret)
			fail_msg("%s: returned %d, want %d", c->what, r, c->ret);
		if (r < 0)
			continue;
		if (memcmp(&e, &c->want, sizeof(e)) != 0)
			fail_msg("%s: counters differ (max %llu oom %llu oom_kill %llu)", c->what,
				 (unsigned long long)e.max, (unsigned long long)e.oom,
				 (unsigned long long)e.oom_kill);
	}
}

struct oom_control_case {
	const char *what;
	const char *text;
	int ret;
	uint64_t oom_kill;
	bool under_oom;
};

static const struct oom_control_case oom_control_cases[] = {
	{ "hybrid host after a 64M toucher", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n", 0, 1,
	  false },
	{ "stuck at the limit", "oom_kill_disable 1\nunder_oom 1\noom_kill 0\n", 0, 0, true },
	{ "old kernel without oom_kill", "oom_kill_disable 0\nunder_oom 0\n", 0, 0, false },
	{ "garbage", "under_oom yes\n", -EINVAL, 0, false },
};

static void test_oom_control(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(oom_control_cases); i++) {
		const struct oom_control_case *c = &oom_control_cases[i];
		struct cg_events e = { 0 };
		int r = cg_parse_oom_control(c->text, &e);

		if (r != c->ret)
			fail_msg("%s: returned %d, want %d", c->what, r, c->ret);
		if (r < 0)
			continue;
		assert_int_equal(e.tree.oom_kill, c->oom_kill);
		assert_int_equal(e.under_oom, c->under_oom);
		assert_int_equal(e.tree.oom, 0); /* v1 has no such counter */
	}
}

struct stat_case {
	const char *what;
	int (*parse)(const char *, struct cg_memory_stat *);
	const char *text;
	int ret;
	struct cg_memory_stat want;
};

static const struct stat_case stat_cases[] = {
	{ "v2",
	  cg_parse_memory_stat_v2,
	  "anon 1048576\nfile 4096000\nkernel 300000\nkernel_stack 16384\nshmem 0\n"
	  "file_mapped 0\nfile_dirty 8192\nfile_writeback 4096\nswapcached 0\n"
	  "anon_thp 0\npgfault 1234\n",
	  0,
	  { 1048576, 4096000, 8192, 4096 } },
	{ "v2 old kernel: no file_dirty",
	  cg_parse_memory_stat_v2,
	  "anon 1\nfile 2\n",
	  0,
	  { 1, 2, U, U } },
	{ "v1 with hierarchy totals: totals win",
	  cg_parse_memory_stat_v1,
	  "cache 966656\nrss 1814528\nrss_huge 0\nshmem 0\nmapped_file 86016\ndirty 49152\n"
	  "writeback 0\nswap 0\nhierarchical_memory_limit 9223372036854771712\n"
	  "total_cache 1966656\ntotal_rss 2814528\ntotal_dirty 59152\ntotal_writeback 4096\n",
	  0,
	  { 2814528, 1966656, 59152, 4096 } },
	{ "v1 without totals",
	  cg_parse_memory_stat_v1,
	  "cache 10\nrss 20\ndirty 30\nwriteback 40\n",
	  0,
	  { 20, 10, 30, 40 } },
	{ "v1 malformed", cg_parse_memory_stat_v1, "cache ten\n", -EINVAL, { 0 } },
};

static void test_memory_stat(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(stat_cases); i++) {
		const struct stat_case *c = &stat_cases[i];
		struct cg_memory_stat s;
		int r = c->parse(c->text, &s);

		if (r != c->ret)
			fail_msg("%s: returned %d, want %d", c->what, r, c->ret);
		if (r < 0)
			continue;
		if (memcmp(&s, &c->want, sizeof(s)) != 0)
			fail_msg("%s: anon %llu file %llu dirty %llu writeback %llu", c->what,
				 (unsigned long long)s.anon, (unsigned long long)s.file,
				 (unsigned long long)s.file_dirty,
				 (unsigned long long)s.file_writeback);
	}
}

static void test_group_events(void **state)
{
	static const struct {
		const char *text;
		int ret;
		bool populated, frozen;
	} cases[] = {
		{ "populated 1\nfrozen 0\n", 0, true, false },
		{ "populated 0\nfrozen 1\n", 0, false, true },
		{ "populated 0\n", 0, false, false }, /* before 5.2: no frozen */
		{ "frozen 0\n", -EINVAL, false, false },
		{ "populated x\n", -EINVAL, false, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cg_group_events e;
		int r = cg_parse_group_events(cases[i].text, &e);

		assert_int_equal(r, cases[i].ret);
		if (r < 0)
			continue;
		assert_int_equal(e.populated, cases[i].populated);
		assert_int_equal(e.frozen, cases[i].frozen);
	}
}

static void test_limit(void **state)
{
	static const struct {
		const char *text;
		int ret;
		uint64_t want;
	} cases[] = {
		{ "max\n", 0, U },
		{ "16777216\n", 0, 16777216 },
		{ "9223372036854771712\n", 0, U }, /* v1 "unlimited" */
		{ "0\n", 0, 0 },
		{ "maximum\n", -EINVAL, 0 },
		{ "\n", -EINVAL, 0 },
		{ "-1\n", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 7;
		int r = cg_parse_limit(cases[i].text, &v);

		assert_int_equal(r, cases[i].ret);
		if (r == 0)
			assert_true(v == cases[i].want);
	}
}

static void test_procs(void **state)
{
	(void)state;
	assert_false(cg_procs_nonempty(""));
	assert_false(cg_procs_nonempty("\n"));
	assert_true(cg_procs_nonempty("1234\n"));
	assert_true(cg_procs_nonempty("1\n2\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_events), cmocka_unit_test(test_oom_control),
		cmocka_unit_test(test_memory_stat),   cmocka_unit_test(test_group_events),
		cmocka_unit_test(test_limit),	      cmocka_unit_test(test_procs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
