// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The HTML timeline's lanes of event marks: every mark its own element,
 * crowded marks grouped under one glyph with their count.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "facts.h"
#include "html-chart.h"
#include "html.h"
#include "jsonget.h"
#include "series.h"
#include "shared/parse.h"

static bool in_lane(const struct lane *l, const struct mark *m)
{
	return m->kind == l->kind && (l->container == -2 || m->container == l->container);
}

/* One group of marks: a line per mark, one glyph, the count, and a title naming them. */
static void draw_cluster(FILE *out, const struct timeline *tl, const struct lane *l,
			 const size_t *idx, size_t n)
{
	const struct mark *first = &tl->marks.m[idx[0]], *last = &tl->marks.m[idx[n - 1]];
	const char *kind = mark_kind_name(l->kind);
	double x = (chart_x(&tl->axis, first->t) + chart_x(&tl->axis, last->t)) / 2, y = l->y + 6;
	double y1 = l->y + 12, y2 = l->dense ? l->y + LANE_H : l->bottom;

	fprintf(out, "<g class=\"cl %s\" data-count=\"%zu\"><title>%zu %s at %.1f", kind, n, n,
		kind, first->t);
	if (n > 1)
		fprintf(out, "–%.1f", last->t);
	fputs(" s", out);
	for (size_t i = 0; i < n && i < 8; i++) {
		fputs(i ? "; " : ": ", out);
		html_puts(out, tl->marks.m[idx[i]].what);
	}
	fputs(n > 8 ? "; ...</title>\n" : "</title>\n", out);
	for (size_t i = 0; i < n; i++) {
		double xi = chart_x(&tl->axis, tl->marks.m[idx[i]].t);

		fprintf(out,
			"<line class=\"mk %s\" data-t=\"%.2f\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
			"y2=\"%.1f\"/>\n",
			kind, tl->marks.m[idx[i]].t, xi, xi, y1, y2);
	}
	fprintf(out, "<use href=\"#g-%s\" x=\"%.1f\" y=\"%.1f\"/>", kind, x, y);
	if (n > 1)
		fprintf(out, "<text class=\"cn\" x=\"%.1f\" y=\"%.1f\">%zu</text>", x + 6, y + 4.5,
			n);
	fputs("</g>\n", out);
}

/* A lane of marks, grouped where they crowd; returns how many marks it drew. */
static int draw_lane(FILE *out, const struct timeline *tl, struct lane *l, const char *label)
{
	_cleanup_free_ size_t *idx = calloc(tl->marks.n ? tl->marks.n : 1, sizeof(*idx));
	_cleanup_free_ size_t *first = calloc(tl->marks.n ? tl->marks.n : 1, sizeof(*first));
	_cleanup_free_ double *x = calloc(tl->marks.n ? tl->marks.n : 1, sizeof(*x));
	size_t n = 0, k;

	if (!idx || !first || !x)
		return -ENOMEM;
	for (size_t i = 0; i < tl->marks.n; i++)
		if (in_lane(l, &tl->marks.m[i])) {
			x[n] = chart_x(&tl->axis, tl->marks.m[i].t);
			idx[n++] = i;
		}
	fprintf(out, "<text class=\"ll %s\" x=\"%.1f\" y=\"%.1f\">", mark_kind_name(l->kind),
		PLOT_X0 - 6, l->y + 10);
	html_puts(out, label);
	fprintf(out, " %zu</text>\n", n);
	l->dense = n > SPARSE_MARKS;
	k = series_cluster(x, n, CLUSTER_PX, first);
	for (size_t c = 0; c < k; c++) {
		size_t end = c + 1 < k ? first[c + 1] : n;

		draw_cluster(out, tl, l, idx + first[c], end - first[c]);
	}
	return (int)n;
}

const char *lane_label(enum mark_kind k)
{
	static const char *const labels[] = {
		[MARK_OOM_KILL] = "OOM kills",
		[MARK_RESPAWN] = "respawns",
		[MARK_STALL] = "stalls",
		[MARK_UNKILLABLE] = "unkillable",
		[MARK_WRITER_STOPPED] = "writers stopped",
	};

	return labels[k];
}

/* Does any mark of kind belong to container (-2: any)? */
static bool has_marks(const struct timeline *tl, enum mark_kind kind, int container)
{
	struct lane l = { .kind = kind, .container = container };

	for (size_t i = 0; i < tl->marks.n; i++)
		if (in_lane(&l, &tl->marks.m[i]))
			return true;
	return false;
}

/* The lanes above a chart's panels: OOM kills always when contained, others when present. */
int chart_lanes(FILE *out, const struct timeline *tl, int container, double y, double bottom,
		bool contained)
{
	int r;

	for (enum mark_kind k = 0; k < _MARK_KIND_MAX; k++) {
		struct lane l = { .kind = k, .container = container, .y = y, .bottom = bottom };

		if (!(k == MARK_OOM_KILL && contained) && !has_marks(tl, k, container))
			continue;
		r = draw_lane(out, tl, &l, lane_label(k));
		if (r < 0)
			return r;
		y += LANE_H;
	}
	return 0;
}

size_t chart_count_lanes(const struct timeline *tl, int container, bool contained)
{
	size_t n = 0;

	for (enum mark_kind k = 0; k < _MARK_KIND_MAX; k++)
		n += (k == MARK_OOM_KILL && contained) || has_marks(tl, k, container);
	return n;
}

/* A container's series by key, as numbers over the samples; NULL (no error) when absent. */
