// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error injection: the inject value as people type it (every accepted form,
 * the typos refused, exact round trips), and the key in a plan.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "profiles/inject.h"
#include "profiles/profile.h"
#include "shared/macro.h"

struct rate_case {
	const char *in;
	int r;
	uint32_t num, den;
	const char *out; /* written back; NULL: the input */
};

static const struct rate_case rate_cases[] = {
	{ "1/16", 0, 1, 16, NULL },
	{ "1/1000", 0, 1, 1000, NULL },
	{ "0/7", 0, 0, 7, NULL },
	{ "2/32", 0, 2, 32, NULL }, /* kept as given, not reduced */
	{ "1/1", 0, 1, 1, NULL },
	{ "0", 0, 0, 1, "0/1" },
	{ "4294967295/4294967295", 0, UINT32_MAX, UINT32_MAX, NULL },
	{ "1%", 0, 10000, INJECT_PERCENT_DEN, NULL },
	{ "100%", 0, INJECT_PERCENT_DEN, INJECT_PERCENT_DEN, NULL },
	{ "0%", 0, 0, INJECT_PERCENT_DEN, NULL },
	{ "0.25%", 0, 2500, INJECT_PERCENT_DEN, NULL },
	{ "12.3456%", 0, 123456, INJECT_PERCENT_DEN, NULL },
	{ "1.50%", 0, 15000, INJECT_PERCENT_DEN, "1.5%" },
	{ "0.0001%", 0, 1, INJECT_PERCENT_DEN, NULL },
	{ "", -EINVAL },
	{ "1", -EINVAL }, /* a share or a percentage? */
	{ "16", -EINVAL },
	{ "2/1", -ERANGE },
	{ "1/0", -ERANGE },
	{ "1/", -EINVAL },
	{ "/16", -EINVAL },
	{ "-1/16", -EINVAL },
	{ "1/-16", -EINVAL },
	{ " 1/16", -EINVAL },
	{ "1/16x", -EINVAL },
	{ "1/4294967296", -ERANGE },
	{ "0.5", -EINVAL },
	{ "101%", -ERANGE },
	{ "100.0001%", -ERANGE },
	{ "0.00001%", -EINVAL },
	{ "%", -EINVAL },
	{ ".5%", -EINVAL },
	{ "5.%", -EINVAL },
	{ "1%%", -EINVAL },
	{ "1e2%", -EINVAL },
};

static void test_rate_parse(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(rate_cases); i++) {
		const struct rate_case *c = &rate_cases[i];
		struct inject_rate rate = { .num = 77, .den = 78 };
		char back[64];
		int r = inject_rate_parse(c->in, &rate);

		if (r != c->r)
			print_message("case \"%s\": %d\n", c->in, r);
		assert_int_equal(r, c->r);
		if (r < 0) {
			/* untouched on failure */
			assert_int_equal(rate.num, 77);
			assert_int_equal(rate.den, 78);
			continue;
		}
		assert_int_equal(rate.num, c->num);
		assert_int_equal(rate.den, c->den);
		inject_rate_format(&rate, back, sizeof(back));
		assert_string_equal(back, c->out ? c->out : c->in);
	}
}

struct spec_case {
	const char *in;
	int r;
	const char *out; /* written back, rules in call order; NULL: the input */
};

static const struct spec_case spec_cases[] = {
	{ "none", 0, NULL },
	{ " none ", 0, "none" },
	{ "fsync:ENOMEM:1/16", 0, NULL },
	{ "write:EIO:1/1000", 0, NULL },
	{ "pwrite:ENOSPC:1%", 0, "pwrite64:ENOSPC:1%" },
	{ "fsync:ENOMEM:1/8, write:EIO:1/50", 0, "write:EIO:1/50,fsync:ENOMEM:1/8" },
	{ "msync:EIO:1/2,sync_file_range:EINTR:0,fdatasync:EDQUOT:100%", 0,
	  "fdatasync:EDQUOT:100%,sync_file_range:EINTR:0/1,msync:EIO:1/2" },
	{ "write:EIO:1/2,pwrite64:EIO:1/2,fsync:EIO:1/2,fdatasync:EIO:1/2,"
	  "sync_file_range:EIO:1/2,msync:EIO:1/2",
	  0, NULL },
	{ "", -EINVAL },
	{ ",", -EINVAL },
	{ "fsync", -EINVAL },
	{ "fsync:ENOMEM", -EINVAL },
	{ "fsync:ENOMEM:", -EINVAL },
	{ "fsync::1/8", -EINVAL },
	{ ":ENOMEM:1/8", -EINVAL },
	{ "fsnyc:ENOMEM:1/8", -EINVAL },
	{ "read:EIO:1/8", -EINVAL },
	{ "fsync:enomem:1/8", -EINVAL }, /* names are case-sensitive */
	{ "fsync:ENOMEMORY:1/8", -EINVAL },
	{ "fsync:12:1/8", -EINVAL },
	{ "fsync:ENOMEM:2/1", -ERANGE },
	{ "fsync:ENOMEM:1/8:x", -EINVAL },
	{ "fsync:ENOMEM:1/8,fsync:EIO:1/2", -EINVAL }, /* a syscall at most once */
	{ "pwrite:EIO:1/8,pwrite64:EIO:1/8", -EINVAL },
	{ "none,fsync:EIO:1/8", -EINVAL },
};

static void test_spec_parse(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(spec_cases); i++) {
		const struct spec_case *c = &spec_cases[i];
		struct inject_spec spec = { .rules[INJECT_MSYNC] = { .error = 99 } }, again;
		char back[512];
		int r = inject_spec_parse(c->in, &spec);

		if (r != c->r)
			print_message("case \"%s\": %d\n", c->in, r);
		assert_int_equal(r, c->r);
		if (r < 0) {
			assert_int_equal(spec.rules[INJECT_MSYNC].error, 99);
			continue;
		}
		inject_spec_format(&spec, back, sizeof(back));
		assert_string_equal(back, c->out ? c->out : c->in);
		/* what is written back reads back to the same rules */
		assert_int_equal(inject_spec_parse(back, &again), 0);
		for (unsigned k = 0; k < _INJECT_CALL_MAX; k++) {
			assert_int_equal(again.rules[k].error, spec.rules[k].error);
			assert_int_equal(again.rules[k].rate.num, spec.rules[k].rate.num);
			assert_int_equal(again.rules[k].rate.den, spec.rules[k].rate.den);
			assert_int_equal(again.rules[k].rate.percent, spec.rules[k].rate.percent);
		}
	}
}

static void test_spec_values(void **state)
{
	struct inject_spec spec;

	(void)state;
	assert_int_equal(inject_spec_parse("fsync:ENOMEM:1/8,pwrite:EIO:3%", &spec), 0);
	assert_true(inject_spec_any(&spec));
	assert_int_equal(spec.rules[INJECT_FSYNC].error, ENOMEM);
	assert_int_equal(spec.rules[INJECT_FSYNC].rate.num, 1);
	assert_int_equal(spec.rules[INJECT_FSYNC].rate.den, 8);
	assert_int_equal(spec.rules[INJECT_PWRITE64].error, EIO);
	assert_int_equal(spec.rules[INJECT_PWRITE64].rate.num, 30000);
	assert_int_equal(spec.rules[INJECT_WRITE].error, 0);
	assert_int_equal(inject_spec_parse("none", &spec), 0);
	assert_false(inject_spec_any(&spec));
	assert_int_equal(errno_from_name("EIO"), EIO);
	assert_int_equal(errno_from_name("EHWPOISON"), EHWPOISON);
	assert_int_equal(errno_from_name("EIOX"), -EINVAL);
	assert_int_equal(inject_call_from_name("pwrite"), INJECT_PWRITE64);
	assert_int_equal(inject_call_from_name("sync_file_range"), INJECT_SYNC_FILE_RANGE);
	assert_int_equal(inject_call_from_name("pread"), -EINVAL);
	assert_string_equal(inject_call_name(INJECT_MSYNC), "msync");
}

/* The keys in a plan: defaults, overrides, and a syscall no writer calls refused. */
static void test_plan_keys(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(profile_load("smoke", &plan, &err), 0);
	assert_true(plan.sandbox);
	assert_false(inject_spec_any(&plan.inject));
	assert_int_equal(plan.inject_seed, 0);
	assert_int_equal(profile_override(&plan, "sandbox=no", &err), 0);
	assert_false(plan.sandbox);
	assert_int_equal(profile_override(&plan, "inject-seed=42", &err), 0);
	assert_int_equal(plan.inject_seed, 42);
	assert_int_equal(profile_override(&plan, "inject=fsync:ENOMEM:1/8", &err), 0);
	assert_int_equal(plan.inject.rules[INJECT_FSYNC].error, ENOMEM);
	assert_int_equal(plan_validate(&plan, &err), 0);

	assert_int_equal(profile_override(&plan, "inject=fsync:ENOMEM:1/8:", &err), -EINVAL);
	assert_non_null(strstr(err.message, "SYSCALL:ERRNO:RATE"));
	assert_int_equal(profile_override(&plan, "inject-seed=-1", &err), -EINVAL);

	/* smoke's writers use pwrite and fsync: nobody calls write or fdatasync */
	assert_int_equal(profile_override(&plan, "inject=write:EIO:1/50", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_string_equal(err.key, "run.inject");
	assert_non_null(strstr(err.message, "no writer calls write"));
	assert_int_equal(profile_override(&plan, "engine=write", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), 0);
	assert_int_equal(profile_override(&plan, "inject=fdatasync:EIO:1/2", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_int_equal(profile_override(&plan, "fsync=fdatasync=4", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), 0);
	assert_int_equal(profile_override(&plan, "inject=msync:EIO:1/2", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_parse),
		cmocka_unit_test(test_spec_parse),
		cmocka_unit_test(test_spec_values),
		cmocka_unit_test(test_plan_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
