// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The HTML timeline's arithmetic: downsampling keeps every peak and trough
 * within a bounded number of points and breaks lines where nothing was
 * recorded; rates from cumulative counters; mark clusters drop nothing;
 * axis ticks are round. Table-driven, plus a long run of random samples.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "reports/series.h"
#include "shared/macro.h"

#define N NAN
#define MAXN 16

struct downsample_case {
	size_t n, buckets;
	double v[MAXN];
	size_t out_n;
	double out_t[MAXN], out_v[MAXN]; /* t is the sample index */
};

static const struct downsample_case downsample_cases[] = {
	/* Short enough: every sample kept, gaps too. */
	{ 3, 2, { 1, N, 3 }, 3, { 0, 1, 2 }, { 1, N, 3 } },
	{ 0, 4, { 0 }, 0, { 0 }, { 0 } },
	/* Eight samples into two buckets: min and max of each, in time order. */
	{ 8, 2, { 5, 1, 9, 5, 5, 7, 2, 5 }, 4, { 1, 2, 5, 6 }, { 1, 9, 7, 2 } },
	/* A one-sample spike survives. */
	{ 9, 3, { 0, 0, 0, 0, 100, 0, 0, 0, 0 }, 4, { 0, 3, 4, 6 }, { 0, 0, 100, 0 } },
	/* A flat bucket gives one point. */
	{ 6, 2, { 4, 4, 4, 1, 2, 3 }, 3, { 0, 3, 5 }, { 4, 1, 3 } },
	/* A bucket with nothing recorded is one gap; partly recorded ones ignore the gaps. */
	{ 9, 3, { N, N, N, 1, N, 2, 7, N, N }, 4, { 0, 3, 5, 6 }, { N, 1, 2, 7 } },
	/* Uneven split: 7 samples in 3 buckets [0,2) [2,4) [4,7). */
	{ 7, 3, { 1, 2, 3, 4, 9, 5, 6 }, 6, { 0, 1, 2, 3, 4, 5 }, { 1, 2, 3, 4, 9, 5 } },
};

static bool same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void check_downsample(const struct downsample_case *c)
{
	double t[MAXN];
	_cleanup_free_ struct series_point *p = NULL;
	size_t n = 0;

	for (size_t i = 0; i < MAXN; i++)
		t[i] = (double)i;
	assert_int_equal(series_downsample(t, c->v, c->n, c->buckets, &p, &n), 0);
	assert_int_equal(n, c->out_n);
	for (size_t i = 0; i < n; i++) {
		if (!same(p[i].t, c->out_t[i]) || !same(p[i].v, c->out_v[i]))
			print_message("point %zu: got (%g, %g), expected (%g, %g)\n", i, p[i].t,
				      p[i].v, c->out_t[i], c->out_v[i]);
		assert_true(same(p[i].t, c->out_t[i]) && same(p[i].v, c->out_v[i]));
	}
}

static void test_downsample_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(downsample_cases); i++)
		check_downsample(&downsample_cases[i]);
}

static void test_downsample_no_buckets(void **state)
{
	double t = 0, v = 0;
	struct series_point *p = NULL;
	size_t n;

	(void)state;
	assert_int_equal(series_downsample(&t, &v, 1, 0, &p, &n), -EINVAL);
	assert_null(p);
}

/* An hour of samples: bounded points, the global extremes kept, time never goes back. */
static void test_downsample_long_run(void **state)
{
	enum { SAMPLES = 3600 * 4, BUCKETS = 240 };
	_cleanup_free_ double *t = calloc(SAMPLES, sizeof(*t));
	_cleanup_free_ double *v = calloc(SAMPLES, sizeof(*v));
	_cleanup_free_ struct series_point *p = NULL;
	double lo = INFINITY, hi = -INFINITY, plo = INFINITY, phi = -INFINITY;
	size_t n;

	(void)state;
	srand(4711);
	for (size_t i = 0; i < SAMPLES; i++) {
		t[i] = (double)i * 0.25;
		v[i] = (i % 997 == 0) ? NAN : (double)(rand() % 100000);
		if (i == 7777)
			v[i] = 1e9; /* one spike */
		if (!isnan(v[i]))
			lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
	}
	assert_int_equal(series_downsample(t, v, SAMPLES, BUCKETS, &p, &n), 0);
	assert_true(n <= 2 * BUCKETS);
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(p[i].t > p[i - 1].t);
		if (!isnan(p[i].v))
			plo = fmin(plo, p[i].v), phi = fmax(phi, p[i].v);
	}
	assert_true(plo == lo && phi == hi);
}

struct rate_case {
	size_t n;
	double t[MAXN], c[MAXN], rate[MAXN];
};

static const struct rate_case rate_cases[] = {
	{ 3, { 1, 2, 4 }, { 100, 300, 700 }, { 100, 200, 200 } },
	{ 3, { 0.5, 1.5, 2.5 }, { 10, 10, 40 }, { 20, 0, 30 } },
	/* A missing sample, time standing still, a counter going back: no rate. */
	{ 4, { 1, 2, 2, 3 }, { 10, N, 30, 20 }, { 10, N, N, N } },
	{ 1, { 0 }, { 5 }, { N } },
};

static void test_rate_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rate_cases); i++) {
		const struct rate_case *c = &rate_cases[i];
		double rate[MAXN];

		series_rate(c->t, c->c, c->n, rate);
		for (size_t k = 0; k < c->n; k++) {
			if (!same(rate[k], c->rate[k]))
				print_message("case %zu sample %zu: got %g, expected %g\n", i, k,
					      rate[k], c->rate[k]);
			assert_true(same(rate[k], c->rate[k]));
		}
	}
}

struct cluster_case {
	size_t n;
	double x[MAXN], width;
	size_t clusters;
	size_t first[MAXN];
};

static const struct cluster_case cluster_cases[] = {
	{ 0, { 0 }, 10, 0, { 0 } },
	{ 1, { 5 }, 10, 1, { 0 } },
	{ 4, { 0, 50, 100, 150 }, 10, 4, { 0, 1, 2, 3 } },
	/* Within width of the cluster's first mark: one cluster, however many. */
	{ 5, { 0, 1, 2, 3, 10 }, 10, 1, { 0 } },
	/* A chain of close marks does not grow one cluster across the axis. */
	{ 6, { 0, 6, 12, 18, 24, 30 }, 10, 3, { 0, 2, 4 } },
	{ 5, { 0, 0, 0, 100, 100 }, 10, 2, { 0, 3 } },
};

static void test_cluster_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cluster_cases); i++) {
		const struct cluster_case *c = &cluster_cases[i];
		size_t first[MAXN], k = series_cluster(c->x, c->n, c->width, first);

		assert_int_equal(k, c->clusters);
		for (size_t j = 0; j < k; j++)
			assert_int_equal(first[j], c->first[j]);
	}
}

/* Clusters cover every mark exactly once, in order: nothing is dropped. */
static void test_cluster_keeps_all(void **state)
{
	enum { MARKS = 5000 };
	_cleanup_free_ double *x = calloc(MARKS, sizeof(*x));
	_cleanup_free_ size_t *first = calloc(MARKS, sizeof(*first));
	size_t k, covered = 0;

	(void)state;
	for (size_t i = 0; i < MARKS; i++)
		x[i] = (double)i * 866.0 / MARKS;
	k = series_cluster(x, MARKS, 28, first);
	assert_true(k > 1 && k <= 866 / 28 + 2);
	assert_int_equal(first[0], 0);
	for (size_t c = 0; c < k; c++) {
		size_t end = c + 1 < k ? first[c + 1] : MARKS;

		assert_true(end > first[c]);
		covered += end - first[c];
	}
	assert_int_equal(covered, MARKS);
}

struct ticks_case {
	double lo, hi;
	size_t max;
	bool binary;
	size_t n;
	double step, first, last;
};

static const struct ticks_case ticks_cases[] = {
	{ 0, 20, 11, false, 11, 2, 0, 20 },
	{ 0, 100, 6, false, 6, 20, 0, 100 },
	{ -1, 10, 11, false, 6, 2, 0, 10 },
	{ 0, 0.35, 5, false, 4, 0.1, 0, 0.3 },
	{ 0, 3600, 11, false, 8, 500, 0, 3500 },
	{ 0, 32 << 20, 5, true, 5, 8 << 20, 0, 32 << 20 },
	{ 0, 36 << 20, 4, true, 4, 12 << 20, 0, 36 << 20 },
	{ 0, 768 << 10, 4, true, 4, 256 << 10, 0, 768 << 10 },
	{ 0, 3, 4, true, 4, 1, 0, 3 },
	{ 5, 5, 4, false, 1, 0, 5, 5 },
};

static void test_ticks_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ticks_cases); i++) {
		const struct ticks_case *c = &ticks_cases[i];
		double ticks[16], step;
		size_t n = series_ticks(c->lo, c->hi, c->max, c->binary, ticks, &step);

		if (n != c->n || fabs(step - c->step) > 1e-9 * fmax(1, c->step) ||
		    ticks[0] != c->first || ticks[n - 1] != c->last)
			print_message("case %zu: %zu ticks, step %g, %g..%g\n", i, n, step,
				      ticks[0], ticks[n - 1]);
		assert_int_equal(n, c->n);
		assert_true(fabs(step - c->step) < 1e-9 * fmax(1, c->step) && ticks[0] == c->first);
		assert_true(fabs(ticks[n - 1] - c->last) < 1e-9 * fmax(1, c->last));
		assert_false(signbit(ticks[0]) && ticks[0] == 0); /* never "-0" */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_downsample_table),
		cmocka_unit_test(test_downsample_no_buckets),
		cmocka_unit_test(test_downsample_long_run),
		cmocka_unit_test(test_rate_table),
		cmocka_unit_test(test_cluster_table),
		cmocka_unit_test(test_cluster_keeps_all),
		cmocka_unit_test(test_ticks_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
