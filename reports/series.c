// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Downsampling, rates, mark clusters and axis ticks for the HTML timeline:
 * see series.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"
#include "shared/macro.h"

static void put(struct series_point *p, size_t *n, double t, double v)
{
	p[*n].t = t;
	p[*n].v = v;
	(*n)++;
}

/* Samples [from, to) as their minimum and maximum in time order, or one gap. */
static void reduce_bucket(const double *t, const double *v, size_t from, size_t to,
			  struct series_point *p, size_t *n)
{
	size_t lo = to, hi = to;

	for (size_t i = from; i < to; i++) {
		if (isnan(v[i]))
			continue;
		if (lo == to || v[i] < v[lo])
			lo = i;
		if (hi == to || v[i] > v[hi])
			hi = i;
	}
	if (lo == to) {
		put(p, n, t[from], NAN);
		return;
	}
	put(p, n, t[MIN(lo, hi)], v[MIN(lo, hi)]);
	if (lo != hi)
		put(p, n, t[MAX(lo, hi)], v[MAX(lo, hi)]);
}

int series_downsample(const double *t, const double *v, size_t n, size_t buckets,
		      struct series_point **ret, size_t *ret_n)
{
	_cleanup_free_ struct series_point *p = NULL;
	size_t np = 0;

	if (buckets == 0)
		return -EINVAL;
	p = calloc(MAX(MIN(n, 2 * buckets), (size_t)1), sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (n <= 2 * buckets) {
		for (size_t i = 0; i < n; i++)
			put(p, &np, t[i], v[i]);
	} else {
		for (size_t b = 0; b < buckets; b++)
			reduce_bucket(t, v, b * n / buckets, (b + 1) * n / buckets, p, &np);
	}
	*ret = steal_pointer(&p);
	*ret_n = np;
	return 0;
}

void series_rate(const double *t, const double *cumulative, size_t n, double *ret_rate)
{
	for (size_t i = 0; i < n; i++) {
		double t0 = i ? t[i - 1] : 0, c0 = i ? cumulative[i - 1] : 0;
		double dt = t[i] - t0, dc = cumulative[i] - c0;

		ret_rate[i] = isnan(dt) || isnan(dc) || dt <= 0 || dc < 0 ? NAN : dc / dt;
	}
}

size_t series_cluster(const double *x, size_t n, double width, size_t *ret_first)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (k == 0 || x[i] - x[ret_first[k - 1]] > width)
			ret_first[k++] = i;
	return k;
}

/* The smallest round step that needs no more than max ticks over span. */
static double round_step(double span, size_t max, bool binary)
{
	static const double decimal[] = { 1, 2, 5 };
	double raw = span / (double)(max > 1 ? max - 1 : 1), p;

	if (binary) {
		/* 1, 2, 3, 4, 6, 8, 12, 16, 24 ...: powers of two and one and a half times them. */
		p = exp2(floor(log2(raw)));
		if (p < 1)
			return 1;
		return p >= raw ? p : 1.5 * p >= raw ? 1.5 * p : 2 * p;
	}
	p = pow(10, floor(log10(raw)));
	for (;; p *= 10)
		for (size_t i = 0; i < ARRAY_SIZE(decimal); i++)
			if (decimal[i] * p >= raw)
				return decimal[i] * p;
}

size_t series_ticks(double lo, double hi, size_t max, bool binary, double *ret, double *ret_step)
{
	double step, first;
	size_t n = 0;

	if (max == 0 || isnan(lo) || isnan(hi) || hi <= lo) {
		*ret_step = 0;
		if (max && !isnan(lo))
			ret[n++] = lo;
		return n;
	}
	step = round_step(hi - lo, max, binary);
	first = ceil(lo / step - 1e-9) * step;
	for (double v = first; v <= hi + step * 1e-9 && n < max; v = first + (double)n * step)
		ret[n++] = v + 0.0; /* never -0 */
	*ret_step = step;
	return n;
}
