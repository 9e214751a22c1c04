/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The numbers behind the HTML timeline: a sample series reduced to a
 * bounded number of points that keeps its peaks, a rate from a cumulative
 * counter, event marks grouped where they crowd, and axis ticks. Pure
 * functions over arrays, so that the tests can feed them tables.
 */

#include <stdbool.h>
#include <stddef.h>

/* A plotted point. v is NAN where nothing was recorded: the line breaks there. */
struct series_point {
	double t, v;
};

/*
 * n samples (t[i], v[i]; NAN for not recorded) reduced to at most
 * 2 * buckets points: each bucket of consecutive samples gives its minimum
 * and its maximum in the order they happened, so a peak one sample wide
 * survives however long the run. A bucket with nothing recorded gives one
 * NAN point, a gap. With n <= 2 * buckets every sample is kept as it is.
 * *ret is malloc'ed; 0 or -ENOMEM (-EINVAL for buckets 0).
 */
int series_downsample(const double *t, const double *v, size_t n, size_t buckets,
		      struct series_point **ret, size_t *ret_n);

/*
 * The rate of a cumulative counter (bytes acknowledged): rate[i] is the
 * increase from sample i-1 to i over the time between them; rate[0] counts
 * from t = 0. NAN where either sample is missing, time does not advance, or
 * the counter went down.
 */
void series_rate(const double *t, const double *cumulative, size_t n, double *ret_rate);

/*
 * Group sorted positions x[0..n) into clusters for drawing: a mark joins the
 * current cluster while it lies within width of the cluster's first mark.
 * ret_first[k] is the index of cluster k's first mark (room for n); returns
 * the number of clusters. Nothing is dropped: cluster k holds the marks
 * ret_first[k] .. ret_first[k+1]-1 (or n-1 for the last).
 */
size_t series_cluster(const double *x, size_t n, double width, size_t *ret_first);

/*
 * Axis ticks from lo to hi, at most max of them, at a round step: 1, 2 or 5
 * times a power of ten, or for binary (byte sizes) a power of two or one
 * and a half times one (..., 8, 12, 16, 24, 32, ...). Ticks
 * start at the first multiple of the step at or above lo. Returns how many
 * were written to ret (room for max), and the step in *ret_step.
 */
size_t series_ticks(double lo, double hi, size_t max, bool binary, double *ret, double *ret_step);
