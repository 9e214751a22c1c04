// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error injection: the inject value as people type it (every accepted form,
 * the typos refused, exact round trips), the key in a plan, and the
 * decisions: reproducible from the seed alone, at the asked-for rate,
 * different for another seed, writer or syscall, and counted in the ledger.
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
#include <math.h>

#include "profiles/inject.h"
#include "profiles/profile.h"
#include "shared/macro.h"
#include "stress/inject.h"

#define DRAWS 200000
/* The first fsync calls of writer 0 that fail at 1/8 with seed 42: pinned. */
#define PIN0 3
#define PIN1 10
#define PIN2 14
#define PIN3 19

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

/* Which syscalls each engine and sync policy makes, so which rules a plan accepts. */
struct engine_case {
	const char *engine, *fsync, *flush, *inject;
	int r; /* plan_validate() */
};

static const struct engine_case engine_cases[] = {
	{ "io_uring", "every=4", "msync", "write:EIO:1/50", 0 },
	{ "io_uring", "every=4", "msync", "fsync:ENOMEM:1/8", 0 },
	{ "io_uring", "fdatasync=8", "msync", "fdatasync:EIO:1/8", 0 },
	{ "io_uring", "sync_file_range=8", "msync", "sync_file_range:EIO:1/8", 0 },
	{ "io_uring", "every=4", "msync", "pwrite64:EIO:1/50", -EINVAL },
	{ "io_uring", "every=4", "msync", "msync:EIO:1/8", -EINVAL },
	{ "mmap", "every=4", "msync", "msync:EIO:1/8", 0 },
	{ "mmap", "end", "msync", "msync:ENOMEM:1/2", 0 },
	{ "mmap", "fdatasync=8", "msync", "msync:EIO:1/8", 0 },
	{ "mmap", "every=4", "msync", "fsync:EIO:1/8", -EINVAL },
	{ "mmap", "every=4", "msync", "write:EIO:1/8", -EINVAL },
	{ "mmap", "every=4", "fsync", "fsync:EIO:1/8", 0 },
	{ "mmap", "fdatasync=8", "fsync", "fdatasync:EIO:1/8", 0 },
	{ "mmap", "every=4", "fsync", "msync:EIO:1/8", -EINVAL },
	{ "mmap", "sync_file_range=8", "msync", "sync_file_range:EIO:1/8", 0 },
	{ "mmap", "sync_file_range=8", "msync", "msync:EIO:1/8", -EINVAL },
	{ "mmap", "none", "msync", "msync:EIO:1/8", -EINVAL },
	{ "pwrite", "none", "msync", "fsync:EIO:1/8", -EINVAL },
};

static void test_engine_calls(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(engine_cases); i++) {
		const struct engine_case *t = &engine_cases[i];
		struct profile_error err;
		struct plan plan;
		char o[4][64];

		snprintf(o[0], sizeof(o[0]), "engine=%s", t->engine);
		snprintf(o[1], sizeof(o[1]), "fsync=%s", t->fsync);
		snprintf(o[2], sizeof(o[2]), "mmap-flush=%s", t->flush);
		snprintf(o[3], sizeof(o[3]), "inject=%s", t->inject);
		assert_int_equal(profile_load("smoke", &plan, &err), 0);
		for (unsigned k = 0; k < ARRAY_SIZE(o); k++)
			assert_int_equal(profile_override(&plan, o[k], &err), 0);
		if (plan_validate(&plan, &err) != t->r)
			fail_msg("%s, %s, %s, %s: %s", t->engine, t->fsync, t->flush, t->inject,
				 t->r ? "accepted" : err.message);
		if (t->r)
			assert_non_null(strstr(err.message, "no writer calls"));
	}
}

static struct inject_rule rule_of(const char *rate)
{
	struct inject_rule rule = { .error = ENOMEM };

	assert_int_equal(inject_rate_parse(rate, &rule.rate), 0);
	return rule;
}

static unsigned count_hits(const struct inject_rule *rule, uint64_t seed, uint32_t writer,
			   enum inject_call call, uint64_t from, uint64_t n)
{
	unsigned hits = 0;

	for (uint64_t i = from; i < from + n; i++)
		hits += inject_decide(rule, seed, writer, call, i);
	return hits;
}

/* Each rate within 5 standard deviations of its expectation over DRAWS calls. */
static void test_decide_rate(void **state)
{
	static const char *const rates[] = { "1/2", "1/8",   "1/16", "1/50", "1/1000",
					     "1%",  "0.25%", "3/7",  "99%" };

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(rates); i++) {
		struct inject_rule rule = rule_of(rates[i]);
		double p = (double)rule.rate.num / rule.rate.den, want = p * DRAWS;
		double sigma = sqrt(DRAWS * p * (1 - p));
		unsigned got = count_hits(&rule, 12345 + i, i, INJECT_FSYNC, 0, DRAWS);

		if (fabs(got - want) > 5 * sigma)
			print_message("rate %s: %u hits, expected %.0f +- %.0f\n", rates[i], got,
				      want, 5 * sigma);
		assert_true(fabs(got - want) <= 5 * sigma);
	}
}

static void test_decide_edges(void **state)
{
	struct inject_rule never = rule_of("0"), none = rule_of("0%"), always = rule_of("1/1");
	struct inject_rule all = rule_of("100%"), off = rule_of("1/1");

	(void)state;
	off.error = 0; /* no rule for this syscall: never, whatever the rate */
	assert_int_equal(count_hits(&never, 1, 0, INJECT_WRITE, 0, 10000), 0);
	assert_int_equal(count_hits(&none, 1, 0, INJECT_WRITE, 0, 10000), 0);
	assert_int_equal(count_hits(&off, 1, 0, INJECT_WRITE, 0, 10000), 0);
	assert_int_equal(count_hits(&always, 1, 0, INJECT_WRITE, 0, 10000), 10000);
	assert_int_equal(count_hits(&all, 1, 0, INJECT_WRITE, UINT64_MAX - 10000, 10000), 10000);
}

/* The first `max` injected indices below `calls`. */
static unsigned hit_indices(const struct inject_rule *rule, uint64_t seed, uint32_t writer,
			    enum inject_call call, uint64_t *ret, unsigned max)
{
	unsigned n = 0;

	for (uint64_t i = 0; n < max; i++)
		if (inject_decide(rule, seed, writer, call, i))
			ret[n++] = i;
	return n;
}

/*
 * The same inputs give the same indices (here: pinned, so that a change of
 * the function, which would break reproducing an old run, is noticed);
 * another seed, writer or syscall gives others.
 */
static void test_decide_reproducible(void **state)
{
	struct inject_rule rule = rule_of("1/8");
	uint64_t a[16], b[16];

	(void)state;
	hit_indices(&rule, 42, 0, INJECT_FSYNC, a, 16);
	hit_indices(&rule, 42, 0, INJECT_FSYNC, b, 16);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(a[0], PIN0);
	assert_int_equal(a[1], PIN1);
	assert_int_equal(a[2], PIN2);
	assert_int_equal(a[3], PIN3);
	hit_indices(&rule, 43, 0, INJECT_FSYNC, b, 16);
	assert_memory_not_equal(a, b, sizeof(a));
	hit_indices(&rule, 42, 1, INJECT_FSYNC, b, 16);
	assert_memory_not_equal(a, b, sizeof(a));
	hit_indices(&rule, 42, 0, INJECT_FDATASYNC, b, 16);
	assert_memory_not_equal(a, b, sizeof(a));
	/* the rate only moves the threshold: a lower rate fails a subset of the calls */
	for (unsigned i = 0; i < 1000; i++)
		if (inject_decide(&rule, 42, 3, INJECT_WRITE, i))
			assert_true(inject_decide(&(struct inject_rule){ .error = EIO,
									 .rate = { 1, 4 } },
						  42, 3, INJECT_WRITE, i));
}

/* Counted in the writer's ledger record, logged up to INJECT_LOG_MAX, across "respawns". */
static void test_next_and_log(void **state)
{
	struct ledger_writer writers[2] = { 0 };
	struct ledger_header hdr = { .nwriters = 2 };
	struct ledger ledger = { .hdr = &hdr, .writers = writers };
	struct inject_spec spec = { 0 };
	struct inject_log *log;
	struct inject_ctx c = { .spec = &spec, .seed = 7, .ledger = &ledger };
	unsigned errors = 0;

	(void)state;
	assert_int_equal(inject_spec_parse("pwrite64:EIO:1/4", &spec), 0);
	assert_int_equal(inject_log_map(2, &log), 0);
	c.log = log;
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t index;
		int r = inject_next(&c, 1, INJECT_PWRITE64, &index);

		assert_int_equal(index, i);
		assert_int_equal(r, inject_decide(&spec.rules[INJECT_PWRITE64], 7, 1,
						  INJECT_PWRITE64, i) ?
					    -EIO :
					    0);
		if (r < 0) {
			inject_delivered(&c, 1, INJECT_PWRITE64, index);
			errors++;
		}
	}
	assert_int_equal(writers[1].inject_calls[INJECT_PWRITE64], 1000);
	assert_int_equal(writers[1].inject_errors[INJECT_PWRITE64], errors);
	assert_int_equal(writers[0].inject_calls[INJECT_PWRITE64], 0);
	assert_true(errors > INJECT_LOG_MAX);
	assert_int_equal(inject_log_of(log, 1, INJECT_PWRITE64)->n, INJECT_LOG_MAX);
	assert_int_equal(inject_log_of(log, 1, INJECT_FSYNC)->n, 0);
	assert_int_equal(inject_log_of(log, 0, INJECT_PWRITE64)->n, 0);
	for (unsigned i = 1; i < INJECT_LOG_MAX; i++)
		assert_true(inject_log_of(log, 1, INJECT_PWRITE64)->index[i] >
			    inject_log_of(log, 1, INJECT_PWRITE64)->index[i - 1]);
	inject_log_unmap(log, 2);
	assert_string_equal(inject_call_syscalls(INJECT_SYNC_FILE_RANGE)[1], "sync_file_range2");
	assert_null(inject_call_syscalls(INJECT_WRITE)[1]);
}

/*
 * io_uring's path: a completion takes the same decision as the notified
 * call with the same index, replaces the kernel's answer only then, and is
 * counted only for a syscall that has a rule.
 */
static void test_completion(void **state)
{
	struct ledger_writer writers[1] = { 0 };
	struct ledger_header hdr = { .nwriters = 1 };
	struct ledger ledger = { .hdr = &hdr, .writers = writers };
	struct inject_spec spec = { 0 };
	struct inject_log *log;
	struct inject_ctx c = { .spec = &spec, .seed = 99, .ledger = &ledger };
	unsigned errors = 0;

	(void)state;
	assert_int_equal(inject_spec_parse("write:EIO:1/50,fdatasync:ENOMEM:1/8", &spec), 0);
	assert_int_equal(inject_log_map(1, &log), 0);
	c.log = log;
	for (uint64_t i = 0; i < 5000; i++) {
		bool hit = inject_decide(&spec.rules[INJECT_WRITE], 99, 0, INJECT_WRITE, i);
		int kernel = i % 7 ? 4096 : -EAGAIN; /* the kernel's answer, kept unless hit */

		assert_int_equal(inject_completion(&c, 0, INJECT_WRITE, kernel),
				 hit ? -EIO : kernel);
		errors += hit;
	}
	assert_int_equal(writers[0].inject_calls[INJECT_WRITE], 5000);
	assert_int_equal(writers[0].inject_errors[INJECT_WRITE], errors);
	assert_int_equal(inject_log_of(log, 0, INJECT_WRITE)->n, MIN(errors, INJECT_LOG_MAX));
	assert_true(inject_decide(&spec.rules[INJECT_WRITE], 99, 0, INJECT_WRITE,
				  inject_log_of(log, 0, INJECT_WRITE)->index[0]));
	/* no rule for fsync: the answer as it was, nothing counted */
	assert_int_equal(inject_completion(&c, 0, INJECT_FSYNC, -EIO), -EIO);
	assert_int_equal(inject_completion(&c, 0, INJECT_FSYNC, 0), 0);
	assert_int_equal(writers[0].inject_calls[INJECT_FSYNC], 0);
	assert_int_equal(inject_completion(&c, 0, _INJECT_CALL_MAX, 7), 7);
	for (unsigned i = 0; i < 200; i++)
		(void)inject_completion(&c, 0, INJECT_FDATASYNC, 0);
	assert_int_equal(writers[0].inject_calls[INJECT_FDATASYNC], 200);
	assert_in_range(writers[0].inject_errors[INJECT_FDATASYNC], 1, 199);
	inject_log_unmap(log, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_parse),	    cmocka_unit_test(test_spec_parse),
		cmocka_unit_test(test_spec_values),	    cmocka_unit_test(test_plan_keys),
		cmocka_unit_test(test_decide_rate),	    cmocka_unit_test(test_decide_edges),
		cmocka_unit_test(test_decide_reproducible), cmocka_unit_test(test_next_and_log),
		cmocka_unit_test(test_engine_calls),	    cmocka_unit_test(test_completion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
