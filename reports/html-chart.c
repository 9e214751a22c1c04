// SPDX-License-Identifier: LGPL-2.1-or-later
/* The HTML timeline's SVG primitives: scales, axes, series, limit lines, phase spans. */
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

double chart_x(const struct time_axis *a, double t)
{
	double x = PLOT_X0 + (t - a->t0) / (a->t1 - a->t0) * (PLOT_X1 - PLOT_X0);

	return fmin(fmax(x, PLOT_X0), PLOT_X1);
}

static double chart_y(const struct panel *p, double v)
{
	double y = p->top + p->height - v / p->vmax * p->height;

	return fmin(fmax(y, p->top), p->top + p->height);
}

/* n numbers from an array (null, anything else and what it lacks: NAN); NULL for -ENOMEM. */
double *chart_numbers(json_object *a, size_t n)
{
	double *v = calloc(n ? n : 1, sizeof(*v));

	for (size_t i = 0; v && i < n; i++)
		if (!jnum(jidx(a, i), &v[i]))
			v[i] = NAN;
	return v;
}

/* A byte count from a number a damaged report may have made anything. */
uint64_t chart_bytes(double v)
{
	if (!(v > 0))
		return 0;
	return v >= 1.8e19 ? UINT64_MAX : (uint64_t)(v + 0.5);
}

double chart_series_max(const double *v, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			m = fmax(m, v[i]);
	return m;
}

static void chart_format_value(const struct panel *p, double v, char *buf, size_t len)
{
	char size[16];

	if (p->unit == UNIT_PERCENT) {
		snprintf(buf, len, "%g%%", v);
		return;
	}
	format_size(chart_bytes(v), size, sizeof(size));
	snprintf(buf, len, "%s%s", v == 0 ? "0" : size, p->unit == UNIT_RATE ? "/s" : "");
}

/* vmax up to the next round step; horizontal grid lines with their labels. */
void chart_y_axis(FILE *out, struct panel *p, const char *title)
{
	size_t max = MIN((size_t)MAX_TICKS - 1, MAX((size_t)2, (size_t)(p->height / 24))), n;
	bool binary = p->unit != UNIT_PERCENT;
	double ticks[MAX_TICKS], step;
	char label[32];

	/* The step for this many ticks; the top rounded up to it gets the last tick. */
	n = series_ticks(0, p->vmax > 0 ? p->vmax : 1, max, binary, ticks, &step);
	if (step > 0 && isfinite(step)) {
		p->vmax = step * ceil((p->vmax > 0 ? p->vmax : 1) / step - 1e-9);
		for (n = 0; n < MAX_TICKS && (double)n * step <= p->vmax * (1 + 1e-9); n++)
			ticks[n] = (double)n * step;
	}
	for (size_t i = 0; i < n; i++) {
		chart_format_value(p, ticks[i], label, sizeof(label));
		fprintf(out,
			"<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"yl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			PLOT_X0, PLOT_X1, chart_y(p, ticks[i]), chart_y(p, ticks[i]), PLOT_X0 - 6,
			chart_y(p, ticks[i]) + 4, label);
	}
	fprintf(out, "<text class=\"pt\" x=\"%.1f\" y=\"%.1f\">", PLOT_X0 + 4, p->top + 11);
	html_puts(out, title);
	fputs("</text>\n", out);
	fprintf(out,
		"<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		PLOT_X0, p->top, PLOT_X1 - PLOT_X0, p->height);
}

void chart_x_axis(FILE *out, const struct time_axis *a, double y)
{
	double ticks[12], step, scale = a->minutes ? 60 : 1;
	size_t n = series_ticks(a->t0 / scale, a->t1 / scale, 11, false, ticks, &step);

	for (size_t i = 0; i < n; i++)
		fprintf(out,
			"<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"xl\" x=\"%.1f\" y=\"%.1f\">%g</text>\n",
			chart_x(a, ticks[i] * scale), chart_x(a, ticks[i] * scale), y, y + 4,
			chart_x(a, ticks[i] * scale), y + 15, ticks[i] == 0 ? 0 : ticks[i]);
	fprintf(out, "<text class=\"xu\" x=\"%.1f\" y=\"%.1f\">%s into the write phase</text>\n",
		PLOT_X1, y + 27, a->minutes ? "minutes" : "seconds");
}

/* One series as a path that breaks where nothing was recorded, reduced to bounded points. */
int chart_series(FILE *out, const struct timeline *tl, const struct panel *p, const double *v,
		 const char *cls, const char *label)
{
	_cleanup_free_ struct series_point *pts = NULL;
	size_t np;
	bool pen = false;
	int r;

	r = series_downsample(tl->t, v, tl->n, HTML_CHART_BUCKETS, &pts, &np);
	if (r < 0)
		return r;
	fprintf(out, "<path class=\"s %s\" d=\"", cls);
	for (size_t i = 0; i < np; i++) {
		if (isnan(pts[i].v) || isnan(pts[i].t)) {
			pen = false;
			continue;
		}
		fprintf(out, "%c%.1f %.1f", pen ? 'L' : 'M', chart_x(&tl->axis, pts[i].t),
			chart_y(p, pts[i].v));
		pen = true;
	}
	fputs("\"><title>", out);
	html_puts(out, label);
	fputs("</title></path>\n", out);
	return 0;
}

/* A horizontal limit (memory.max, memory.high) with its value written at the right. */
void chart_limit(FILE *out, const struct panel *p, double v, const char *cls, const char *name)
{
	char label[32];

	if (isnan(v) || v <= 0)
		return;
	chart_format_value(p, v, label, sizeof(label));
	fprintf(out,
		"<line class=\"lim %s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
		"<text class=\"liml %s\" x=\"%.1f\" y=\"%.1f\">%s %s</text>\n",
		cls, PLOT_X0, PLOT_X1, chart_y(p, v), chart_y(p, v), cls, PLOT_X1 - 4,
		chart_y(p, v) - 3, name, label);
}

/* The phases and fault windows behind the panels from top to bottom. */
void chart_spans(FILE *out, const struct timeline *tl, double top, double bottom)
{
	static const char *const cls[] = {
		[SPAN_WRITE] = "write",
		[SPAN_FLUSH] = "flush",
		[SPAN_VERIFY] = "verify",
		[SPAN_FAULT] = "fault",
	};

	for (size_t i = 0; i < tl->spans.n; i++) {
		const struct span *s = &tl->spans.s[i];
		double x0 = chart_x(&tl->axis, s->from),
		       x1 = chart_x(&tl->axis, isnan(s->to) ? tl->axis.t1 : s->to);

		if (s->kind == SPAN_WRITE) {
			fprintf(out,
				"<line class=\"wend\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
				x1, x1, top, bottom);
			continue;
		}
		fprintf(out,
			"<rect class=\"ph %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
			cls[s->kind], x0, top, fmax(x1 - x0, 1), bottom - top);
		html_puts(out, s->label);
		if (isnan(s->to))
			fprintf(out, ": from %.1f s, still on at the end</title></rect>\n",
				s->from);
		else
			fprintf(out, ": %.1f s to %.1f s</title></rect>\n", s->from, s->to);
	}
}
