// SPDX-License-Identifier: LGPL-2.1-or-later
/* Parsers for values people type: each accepted form, and the typos refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shared/macro.h"
#include "shared/parse.h"

#define SENTINEL 0xdeadbeefULL

struct u64_case {
	const char *in;
	int r;
	uint64_t out;
};

static void check_u64(int (*fn)(const char *, uint64_t *), const struct u64_case *c)
{
	uint64_t v = SENTINEL;
	int r = fn(c->in, &v);

	if (r != c->r || (r == 0 && v != c->out))
		print_message("case \"%s\"\n", c->in ? c->in : "(null)");
	assert_int_equal(r, c->r);
	/* parsers never touch *ret on failure */
	assert_true(v == (r == 0 ? c->out : SENTINEL));
}

static const struct u64_case size_cases[] = {
	{ "0", 0, 0 },
	{ "4096", 0, 4096 },
	{ "4K", 0, 4096 },
	{ "4k", 0, 4096 },
	{ "4KB", 0, 4096 },
	{ "4KiB", 0, 4096 },
	{ "64K", 0, 64 << 10 },
	{ "32M", 0, 32ULL << 20 },
	{ "1G", 0, 1ULL << 30 },
	{ "2T", 0, 2ULL << 40 },
	{ "1B", 0, 1 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "16777215T", 0, 16777215ULL << 40 },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "16777216T", -ERANGE, 0 },
	{ "17179869184G", -ERANGE, 0 },
	{ "12Q", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ " 4K", -EINVAL, 0 },
	{ "4K ", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "K", -EINVAL, 0 },
	{ "1.5K", -EINVAL, 0 },
	{ "+4K", -EINVAL, 0 },
	{ "0x10", -EINVAL, 0 },
	{ "4 K", -EINVAL, 0 },
	{ NULL, -EINVAL, 0 },
};

static void test_parse_size(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(size_cases); i++)
		check_u64(parse_size, &size_cases[i]);
}

static const struct u64_case duration_cases[] = {
	{ "0", 0, 0 },
	{ "10", 0, 10 * NSEC_PER_SEC },
	{ "1.5s", 0, 1500 * NSEC_PER_MSEC },
	{ ".5s", 0, 500 * NSEC_PER_MSEC },
	{ "3sec", 0, 3 * NSEC_PER_SEC },
	{ "500ms", 0, 500 * NSEC_PER_MSEC },
	{ "100us", 0, 100 * NSEC_PER_USEC },
	{ "7ns", 0, 7 },
	{ "2m", 0, 120 * NSEC_PER_SEC },
	{ "2min", 0, 120 * NSEC_PER_SEC },
	{ "1h", 0, 3600 * NSEC_PER_SEC },
	{ "", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ " 1s", -EINVAL, 0 },
	{ "5 s", -EINVAL, 0 },
	{ "1d", -EINVAL, 0 },
	{ "ms", -EINVAL, 0 },
	{ "banana", -EINVAL, 0 },
	{ "1e400", -ERANGE, 0 },
	{ "1e300h", -ERANGE, 0 },
	{ NULL, -EINVAL, 0 },
};

static void test_parse_duration(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(duration_cases); i++)
		check_u64(parse_duration, &duration_cases[i]);
}

static void test_parse_bool(void **state)
{
	static const struct {
		const char *in;
		int r;
		bool out;
	} cases[] = {
		{ "yes", 0, true },	{ "no", 0, false },	 { "true", 0, true },
		{ "false", 0, false },	{ "on", 0, true },	 { "off", 0, false },
		{ "1", 0, true },	{ "0", 0, false },	 { "YES", 0, true },
		{ "Off", 0, false },	{ "maybe", -EINVAL, 0 }, { "", -EINVAL, 0 },
		{ " yes", -EINVAL, 0 }, { "2", -EINVAL, 0 },	 { NULL, -EINVAL, 0 },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		bool v = !cases[i].out;
		int r = parse_bool(cases[i].in, &v);

		if (r != cases[i].r)
			print_message("case \"%s\"\n", cases[i].in ? cases[i].in : "(null)");
		assert_int_equal(r, cases[i].r);
		if (r == 0)
			assert_int_equal(v, cases[i].out);
	}
}

static void test_parse_uint(void **state)
{
	static const struct {
		const char *in;
		uint64_t min, max;
		int r;
		uint64_t out;
	} cases[] = {
		{ "5", 1, 10, 0, 5 },
		{ "1", 1, 10, 0, 1 },
		{ "10", 1, 10, 0, 10 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "11", 1, 10, -ERANGE, 0 },
		{ "0", 0, 0, 0, 0 },
		{ "007", 0, 10, 0, 7 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "1x", 0, 10, -EINVAL, 0 },
		{ "4K", 0, 10000, -EINVAL, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "-1", 0, 10, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
		{ "1 ", 0, 10, -EINVAL, 0 },
		{ NULL, 0, 10, -EINVAL, 0 },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = SENTINEL;
		int r = parse_uint(cases[i].in, cases[i].min, cases[i].max, &v);

		if (r != cases[i].r)
			print_message("case \"%s\" in [%llu, %llu]\n",
				      cases[i].in ? cases[i].in : "(null)",
				      (unsigned long long)cases[i].min,
				      (unsigned long long)cases[i].max);
		assert_int_equal(r, cases[i].r);
		assert_true(v == (r == 0 ? cases[i].out : SENTINEL));
	}
}

static void test_parse_percent(void **state)
{
	static const struct {
		const char *in;
		uint32_t max;
		int r;
		uint32_t out;
	} cases[] = {
		{ "90%", 100, 0, 90 },	      { "1%", 100, 0, 1 },
		{ "100%", 100, 0, 100 },      { "150%", 1000, 0, 150 },
		{ "0%", 100, -ERANGE, 0 },    { "101%", 100, -ERANGE, 0 },
		{ "12.5%", 100, -EINVAL, 0 }, { "%", 100, -EINVAL, 0 },
		{ "90", 100, -EINVAL, 0 },    { " 90%", 100, -EINVAL, 0 },
		{ "90 %", 100, -EINVAL, 0 },  { "-5%", 100, -EINVAL, 0 },
		{ "90%%", 100, -EINVAL, 0 },  { "", 100, -EINVAL, 0 },
		{ NULL, 100, -EINVAL, 0 },    { "99999999999999999999%", 100, -ERANGE, 0 },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t v = 7;
		int r = parse_percent(cases[i].in, 1, cases[i].max, &v);

		if (r != cases[i].r)
			print_message("case \"%s\"\n", cases[i].in ? cases[i].in : "(null)");
		assert_int_equal(r, cases[i].r);
		assert_int_equal(v, r == 0 ? cases[i].out : 7);
	}
}

static void test_percent_of(void **state)
{
	static const struct {
		uint64_t whole;
		uint32_t pct;
		uint64_t out;
	} cases[] = {
		{ 32ULL << 20, 90, 30198988 },
		{ 1000, 50, 500 },
		{ 3, 50, 1 },
		{ 199, 1, 1 },
		{ 0, 100, 0 },
		{ UINT64_MAX - 1, 100, UINT64_MAX - 1 },
		{ UINT64_MAX - 1, 1000, UINT64_MAX }, /* would overflow */
		{ 1ULL << 62, 150, (1ULL << 62) + (1ULL << 61) },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		assert_true(percent_of(cases[i].whole, cases[i].pct) == cases[i].out);
}

static void test_parse_size_or_percent(void **state)
{
	static const struct {
		const char *in;
		uint64_t whole;
		int r;
		uint64_t out;
	} cases[] = {
		{ "25%", 1000, 0, 250 },      { "100%", 4096, 0, 4096 },
		{ "0%", 4096, 0, 0 },	      { "50%", 3, 0, 1 },
		{ "4K", 0, 0, 4096 },	      { "4K", 1000, 0, 4096 },
		{ "101%", 1000, -ERANGE, 0 }, { "5%", 0, -ERANGE, 0 },
		{ "%", 1000, -EINVAL, 0 },    { "5 %", 1000, -EINVAL, 0 },
		{ "5%%", 1000, -EINVAL, 0 },  { "-5%", 1000, -EINVAL, 0 },
		{ "12Q", 1000, -EINVAL, 0 },  { "", 1000, -EINVAL, 0 },
		{ NULL, 1000, -EINVAL, 0 },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = SENTINEL;
		int r = parse_size_or_percent(cases[i].in, cases[i].whole, &v);

		if (r != cases[i].r)
			print_message("case \"%s\" of %llu\n", cases[i].in ? cases[i].in : "(null)",
				      (unsigned long long)cases[i].whole);
		assert_int_equal(r, cases[i].r);
		assert_true(v == (r == 0 ? cases[i].out : SENTINEL));
	}
}

static void test_format_size(void **state)
{
	static const struct {
		uint64_t in;
		const char *out;
	} cases[] = {
		{ 0, "0B" },	      { 512, "512B" },	    { 4096, "4K" },
		{ 1536, "1.5K" },     { 1ULL << 20, "1M" }, { 3ULL << 19, "1.5M" },
		{ 3ULL << 30, "3G" }, { 1ULL << 40, "1T" }, { (1ULL << 20) + 1, "1.0M" },
	};
	char buf[32];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(format_size(cases[i].in, buf, sizeof(buf)), cases[i].out);
}

/* Whole multiples of a unit render exactly, as parse_size reads them back. */
static void test_format_size_round_trip(void **state)
{
	static const uint64_t sizes[] = { 1024, 4096, 65536, 1ULL << 20, 3ULL << 20, 5ULL << 30 };
	char buf[32];
	uint64_t v;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_int_equal(parse_size(format_size(sizes[i], buf, sizeof(buf)), &v), 0);
		assert_true(v == sizes[i]);
	}
}

static void test_format_duration(void **state)
{
	static const struct {
		uint64_t in;
		const char *out;
	} cases[] = {
		{ 0, "0ms" },
		{ 500 * NSEC_PER_MSEC, "500ms" },
		{ 1500 * NSEC_PER_MSEC, "1.5s" },
		{ 90 * NSEC_PER_SEC, "1m30s" },
		{ 3661 * NSEC_PER_SEC, "1h01m" },
	};
	char buf[32];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(format_duration(cases[i].in, buf, sizeof(buf)), cases[i].out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_bool),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_percent),
		cmocka_unit_test(test_percent_of),
		cmocka_unit_test(test_parse_size_or_percent),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_size_round_trip),
		cmocka_unit_test(test_format_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
