// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The HTML report's timeline, as inline SVG: the run's chart (write rate,
 * every event, the phases and the device fault windows) and one chart per
 * container (memory.current against memory.max and memory.high; anon and
 * file; file_dirty and file_writeback; PSI when recorded), on one time
 * axis in seconds into the write phase.
 *
 * Series are reduced to HTML_CHART_BUCKETS buckets of min and max
 * (series.h), so a long run stays small and its peaks stay visible. Events
 * are never dropped: every mark is its own element (class "mk KIND"), and
 * marks that crowd are grouped under one glyph with their count.
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
#include "marks.h"
#include "series.h"
#include "shared/parse.h"

static int container_series(const struct timeline *tl, json_object *c, const char *key,
			    double **ret)
{
	json_object *a = jget_array(c, key);

	*ret = NULL;
	if (!a)
		return 0;
	*ret = chart_numbers(a, tl->n);
	return *ret ? 0 : -ENOMEM;
}

/* A container's columns; any may be NULL: not recorded by the poof that wrote the report. */
struct container_data {
	json_object *timeline; /* timeline.containers[i] */
	json_object *summary;  /* containers[] of the same name */
	double *current, *anon, *file, *dirty, *writeback, *high, *psi_some, *psi_full;
	double memory_max, memory_high; /* NAN when unlimited or not recorded */
};

static void container_data_free(struct container_data *d)
{
	double **cols[] = { &d->current,   &d->anon, &d->file,	   &d->dirty,
			    &d->writeback, &d->high, &d->psi_some, &d->psi_full };

	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		free(*cols[i]);
		*cols[i] = NULL;
	}
}

/* PSI as the share of each sample interval stalled, in percent. */
static void psi_percent(const struct timeline *tl, double *v)
{
	double interval = jget_num(tl->report, "timeline.interval_s", 1);

	if (!v || streq(jget_str(tl->report, "timeline.psi_unit", NULL), "percent"))
		return;
	for (size_t i = 0; i < tl->n; i++) {
		double dt = i ? tl->t[i] - tl->t[i - 1] : interval;

		v[i] = dt > 0 ? v[i] / (dt * 1e6) * 100 : NAN;
	}
}

static int container_data_load(const struct timeline *tl, json_object *tc, struct container_data *d)
{
	const struct {
		const char *key;
		double **col;
	} cols[] = {
		{ "memory_current", &d->current },
		{ "anon", &d->anon },
		{ "file", &d->file },
		{ "file_dirty", &d->dirty },
		{ "file_writeback", &d->writeback },
		{ "memory_high", &d->high },
		{ "psi_some", &d->psi_some },
		{ "psi_full", &d->psi_full },
	};
	int r;

	d->timeline = tc;
	d->summary = facts_container(tl->report, jget_str(tc, "name", NULL));
	d->memory_max = jget_num(d->summary, "memory_max", NAN);
	d->memory_high = jget_num(tc, "memory_high", NAN); /* a single value, not a column */
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		r = container_series(tl, tc, cols[i].key, cols[i].col);
		if (r < 0)
			return r;
	}
	psi_percent(tl, d->psi_some);
	psi_percent(tl, d->psi_full);
	return 0;
}

struct line_spec {
	const double *v;
	const char *cls, *label;
};

static int draw_lines(FILE *out, const struct timeline *tl, const struct panel *p,
		      const struct line_spec *lines, size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		if (!lines[i].v)
			continue;
		r = chart_series(out, tl, p, lines[i].v, lines[i].cls, lines[i].label);
		if (r < 0)
			return r;
	}
	return 0;
}

static double lines_max(const struct timeline *tl, const struct line_spec *lines, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (lines[i].v)
			m = fmax(m, chart_series_max(lines[i].v, tl->n));
	return m;
}

/* memory.current, anon and file against memory.max and memory.high. */
static int memory_panel(FILE *out, const struct timeline *tl, const struct container_data *d,
			double top)
{
	const struct line_spec lines[] = {
		{ d->high, "high", "memory.high" },
		{ d->file, "file", "file (page cache)" },
		{ d->anon, "anon", "anon" },
		{ d->current, "current", "memory.current" },
	};
	struct panel p = { .top = top, .height = tl->h_memory, .unit = UNIT_BYTES };

	/* Headroom above the limit, so that memory.current at memory.max stays visible. */
	p.vmax = 1.08 * fmax(lines_max(tl, lines, ARRAY_SIZE(lines)),
			     fmax(isnan(d->memory_max) ? 0 : d->memory_max,
				  isnan(d->memory_high) ? 0 : d->memory_high));
	chart_y_axis(out, &p, "memory");
	chart_limit(out, &p, d->memory_max, "max", "memory.max");
	chart_limit(out, &p, d->memory_high, "high", "memory.high");
	return draw_lines(out, tl, &p, lines, ARRAY_SIZE(lines));
}

static int dirty_panel(FILE *out, const struct timeline *tl, const struct container_data *d,
		       double top)
{
	const struct line_spec lines[] = {
		{ d->dirty, "dirty", "file_dirty" },
		{ d->writeback, "writeback", "file_writeback" },
	};
	struct panel p = { .top = top, .height = tl->h_dirty, .unit = UNIT_BYTES };

	p.vmax = lines_max(tl, lines, ARRAY_SIZE(lines));
	chart_y_axis(out, &p, "dirty and writeback");
	return draw_lines(out, tl, &p, lines, ARRAY_SIZE(lines));
}

static int psi_panel(FILE *out, const struct timeline *tl, const struct container_data *d,
		     double top)
{
	const struct line_spec lines[] = {
		{ d->psi_some, "psisome", "PSI some: share of the interval some tasks stalled" },
		{ d->psi_full, "psifull", "PSI full: share of the interval all tasks stalled" },
	};
	struct panel p = { .top = top, .height = tl->h_psi, .unit = UNIT_PERCENT };

	p.vmax = fmax(lines_max(tl, lines, ARRAY_SIZE(lines)), 1);
	chart_y_axis(out, &p, "memory pressure (PSI)");
	return draw_lines(out, tl, &p, lines, ARRAY_SIZE(lines));
}

/* The chart's title line: the facts a reader compares between containers. */
static void container_caption(FILE *out, const struct timeline *tl, const struct container_data *d,
			      size_t kills)
{
	json_object *psi = jget_obj(d->summary, "memory_pressure");
	char size[16];

	fputs("<figcaption><b>", out);
	html_puts(out, jget_str(d->timeline, "name", "container"));
	fprintf(out, "</b> · memory.max %s · <span class=\"%s\">%zu OOM kill%s</span>",
		isnan(d->memory_max) ? "unlimited" :
				       format_size(chart_bytes(d->memory_max), size, sizeof(size)),
		kills ? "k" : "k0", kills, kills == 1 ? "" : "s");
	fprintf(out, " · peak memory.current %s",
		d->current ? format_size(chart_bytes(chart_series_max(d->current, tl->n)), size,
					 sizeof(size)) :
			     "not recorded");
	if (psi)
		fprintf(out, " · PSI some %.1f s, full %.1f s", jget_num(psi, "some_s", NAN),
			jget_num(psi, "full_s", NAN));
	if (!d->psi_some)
		fputs(" · <span class=\"nr\">PSI per sample: not recorded</span>", out);
	fputs("</figcaption>\n", out);
}

static size_t kills_of(const struct timeline *tl, int container)
{
	size_t n = 0;

	for (size_t i = 0; i < tl->marks.n; i++)
		n += tl->marks.m[i].kind == MARK_OOM_KILL && tl->marks.m[i].container == container;
	return n;
}

static void svg_open(FILE *out, double height, const char *label)
{
	fprintf(out,
		"<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		"preserveAspectRatio=\"xMidYMin meet\"><title>",
		CHART_W, height);
	html_puts(out, label);
	fputs("</title>\n", out);
}

/* The panels of one container, below its lanes; returns the height used or -errno. */
static int container_panels(FILE *out, const struct timeline *tl, const struct container_data *d,
			    double top)
{
	double y = top;
	int r;

	r = memory_panel(out, tl, d, y);
	y += tl->h_memory + PANEL_GAP;
	if (r >= 0)
		r = dirty_panel(out, tl, d, y);
	y += tl->h_dirty + PANEL_GAP;
	if (r >= 0 && d->psi_some) {
		r = psi_panel(out, tl, d, y);
		y += tl->h_psi + PANEL_GAP;
	}
	return r < 0 ? r : (int)(y - top);
}

static int container_chart(FILE *out, const struct timeline *tl, json_object *tc, int ci)
{
	struct container_data d = { 0 };
	double lanes = (double)chart_count_lanes(tl, ci, true) * LANE_H + 4;
	double panels = tl->h_memory + PANEL_GAP + tl->h_dirty + PANEL_GAP;
	int r;

	r = container_data_load(tl, tc, &d);
	if (r < 0)
		goto out;
	panels += d.psi_some ? tl->h_psi + PANEL_GAP : 0;
	fprintf(out, "<figure class=\"chart container c%d\" id=\"container-%d\" data-name=\"",
		ci % 8, ci);
	html_puts(out, jget_str(tc, "name", ""));
	fprintf(out, "\" data-oom-kills=\"%zu\">\n", kills_of(tl, ci));
	container_caption(out, tl, &d, kills_of(tl, ci));
	svg_open(out, 4 + lanes + panels + AXIS_H, jget_str(tc, "name", "container"));
	chart_spans(out, tl, 4 + lanes, 4 + lanes + panels - 10);
	r = container_panels(out, tl, &d, 4 + lanes);
	if (r >= 0)
		r = chart_lanes(out, tl, ci, 4, 4 + lanes + panels - 10, true);
	chart_x_axis(out, &tl->axis, 4 + lanes + panels - 10);
	fputs("</svg></figure>\n", out);
out:
	container_data_free(&d);
	return r < 0 ? r : 0;
}

/* The phases (write, flush, verify) and the device fault windows as labelled bars. */
static void phase_strip(FILE *out, const struct timeline *tl, double y, bool faults)
{
	for (size_t i = 0; i < tl->spans.n; i++) {
		const struct span *s = &tl->spans.s[i];
		double to = isnan(s->to) ? tl->axis.t1 : s->to;
		double x0 = chart_x(&tl->axis, s->from), x1 = chart_x(&tl->axis, to);
		double row = s->kind == SPAN_FAULT ? y + 18 : y;

		fprintf(out,
			"<rect class=\"ps %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\"/>",
			s->kind == SPAN_FAULT ? "fault" : s->label, x0, row, fmax(x1 - x0, 2));
		if (x1 - x0 > 70) {
			fprintf(out, "<text class=\"psl\" x=\"%.1f\" y=\"%.1f\">", x0 + 4,
				row + 11);
			html_puts(out, s->label);
			fprintf(out, " %.1f s%s</text>", to - s->from,
				isnan(s->to) ? ", still on" : "");
		}
		fputc('\n', out);
	}
	fprintf(out, "<text class=\"ll\" x=\"%.1f\" y=\"%.1f\">phases</text>\n", PLOT_X0 - 6,
		y + 11);
	if (faults)
		fprintf(out, "<text class=\"ll\" x=\"%.1f\" y=\"%.1f\">device fault</text>\n",
			PLOT_X0 - 6, y + 29);
	if (!tl->spans.phases_recorded)
		fprintf(out,
			"<text class=\"nrs\" x=\"%.1f\" y=\"%.1f\">then stop, flush and verify: times "
			"not recorded</text>\n",
			PLOT_X1 - 4, y + 11);
}

static bool has_faults(const struct timeline *tl)
{
	for (size_t i = 0; i < tl->spans.n; i++)
		if (tl->spans.s[i].kind == SPAN_FAULT)
			return true;
	return false;
}

/* Bytes acknowledged per second, all writers, from the differences of the cumulative column. */
static int rate_panel(FILE *out, const struct timeline *tl, double top)
{
	_cleanup_free_ double *bytes = chart_numbers(jget_array(tl->report,
								"timeline.bytes_acknowledged"),
						     tl->n);
	_cleanup_free_ double *rate = calloc(tl->n ? tl->n : 1, sizeof(*rate));
	struct panel p = { .top = top, .height = 100, .unit = UNIT_RATE };

	if (!bytes || !rate)
		return -ENOMEM;
	series_rate(tl->t, bytes, tl->n, rate);
	p.vmax = chart_series_max(rate, tl->n);
	chart_y_axis(out, &p, "write rate (acknowledged, all writers)");
	return chart_series(out, tl, &p, rate, "rate", "bytes acknowledged per second");
}

static int run_chart(FILE *out, const struct timeline *tl, bool contained)
{
	bool faults = has_faults(tl);
	double lanes = (double)chart_count_lanes(tl, -2, contained) * LANE_H + 4;
	double panel_top = 4 + lanes, strip = panel_top + 100 + 8;
	double axis = strip + (faults ? 36 : 18);
	int r;

	fputs("<figure class=\"chart run\" id=\"run-chart\"><figcaption><b>The run</b>: every "
	      "event, the write rate and the phases</figcaption>\n",
	      out);
	svg_open(out, axis + AXIS_H, "the run: events, write rate, phases");
	chart_spans(out, tl, panel_top, panel_top + 100);
	r = rate_panel(out, tl, panel_top);
	if (r >= 0)
		r = chart_lanes(out, tl, -2, 4, panel_top + 100, contained);
	phase_strip(out, tl, strip, faults);
	chart_x_axis(out, &tl->axis, axis);
	fputs("</svg></figure>\n", out);
	return r;
}

/* From the earliest span (a fault switched on before the write phase, within reason) to the last thing seen. */
static void time_axis(struct timeline *tl)
{
	double t0 = 0, t1 = tl->n ? tl->t[tl->n - 1] : 0;

	for (size_t i = 0; i < tl->spans.n; i++) {
		t0 = fmin(t0, tl->spans.s[i].from);
		t1 = fmax(t1, fmax(tl->spans.s[i].from,
				   isnan(tl->spans.s[i].to) ? 0 : tl->spans.s[i].to));
	}
	for (size_t i = 0; i < tl->marks.n; i++)
		t1 = fmax(t1, tl->marks.m[i].t);
	if (isnan(t1) || t1 <= 0)
		t1 = 1;
	t0 = fmax(t0, -0.1 * t1);
	tl->axis = (struct time_axis){ .t0 = t0, .t1 = t1, .minutes = t1 - t0 > 900 };
}

static const char *kill_source_text(const struct marks *m)
{
	switch (m->kill_source) {
	case KILLS_KERNEL_LOG:
		return "OOM kill times from the kernel log.";
	case KILLS_EVENTS:
		return "OOM kill times from poof's event log.";
	case KILLS_SAMPLES:
		return "OOM kill times from the per-second samples: each kill is marked at the "
		       "sample that first counted it.";
	default:
		return "";
	}
}

static void notes(FILE *out, const struct timeline *tl)
{
	int64_t respawns = jget_int(tl->report, "write_phase.respawns", 0);

	fprintf(out, "<p class=\"note\">%s", kill_source_text(&tl->marks));
	if (tl->marks.kills_after_samples)
		fprintf(out,
			" %zu kill%s came after the last sample and %s marked at the end of the "
			"write phase.",
			tl->marks.kills_after_samples,
			tl->marks.kills_after_samples == 1 ? "" : "s",
			tl->marks.kills_after_samples == 1 ? "is" : "are");
	if (tl->marks.unmarked)
		fprintf(out,
			" <span class=\"bad\">%zu more events than the %d this page marks: the "
			"report is damaged.</span>",
			tl->marks.unmarked, MARKS_MAX);
	if (tl->marks.stalls_untimed)
		fprintf(out, " %zu more stall%s counted without a recorded time.",
			tl->marks.stalls_untimed,
			tl->marks.stalls_untimed == 1 ? " was" : "s were");
	if (!jget_has(tl->report, "write_phase.events") && respawns > 0)
		fprintf(out, " %lld respawn%s: times not recorded by this poof.",
			(long long)respawns, respawns == 1 ? "" : "s");
	fputs(" Series show the minimum and maximum of each stretch of samples, so peaks "
	      "survive; hover a line or a mark for its name and times.</p>\n",
	      out);
}

static void legend(FILE *out)
{
	static const char *const items[][2] = {
		{ "current", "memory.current" },
		{ "max", "memory.max" },
		{ "high", "memory.high" },
		{ "anon", "anon" },
		{ "file", "file" },
		{ "dirty", "file_dirty" },
		{ "writeback", "file_writeback" },
		{ "psisome", "PSI some" },
		{ "psifull", "PSI full" },
		{ "rate", "write rate" },
	};

	fputs("<p class=\"legend\">", out);
	for (size_t i = 0; i < ARRAY_SIZE(items); i++)
		fprintf(out, "<span><i class=\"sw %s\"></i>%s</span>", items[i][0], items[i][1]);
	for (enum mark_kind k = 0; k < _MARK_KIND_MAX; k++)
		fprintf(out,
			"<span><svg class=\"gl %s\" viewBox=\"-6 -6 12 12\"><use href=\"#g-%s\"/>"
			"</svg>%s</span>",
			mark_kind_name(k), mark_kind_name(k), lane_label(k));
	fputs("<span><i class=\"sw bflush\"></i>flush</span><span><i class=\"sw bverify\"></i>"
	      "verify</span><span><i class=\"sw bfault\"></i>device fault on</span></p>\n",
	      out);
}

/* Glyphs and the fault hatching, defined once and used by every chart. */
static void defs(FILE *out)
{
	fputs("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
	      "<path id=\"g-oom-kill\" d=\"M-5 -5H5L0 4Z\"/>"
	      "<circle id=\"g-respawn\" r=\"4\"/>"
	      "<path id=\"g-stall\" d=\"M0 -5L5 0L0 5L-5 0Z\"/>"
	      "<rect id=\"g-unkillable\" x=\"-4\" y=\"-4\" width=\"8\" height=\"8\"/>"
	      "<path id=\"g-writer-stopped\" d=\"M-4 -4L4 4M4 -4L-4 4\" stroke-width=\"2.5\"/>"
	      "<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><rect width=\"2.5\" height=\"6\" "
	      "fill=\"#c0392b\" fill-opacity=\"0.35\"/></pattern>"
	      "</defs></svg>\n",
	      out);
}

static double array_max(json_object *a)
{
	double m = NAN, v;

	for (size_t i = 0; i < jlen(a); i++)
		if (jnum(jidx(a, i), &v))
			m = isnan(m) ? v : fmax(m, v);
	return m;
}

static void size_cell(FILE *out, double v)
{
	char size[16];

	fprintf(out, "<td class=\"n\">%s</td>",
		isnan(v) ? "–" : format_size(chart_bytes(v), size, sizeof(size)));
}

/* Many containers side by side before their charts: which one to look at first. */
static void container_table(FILE *out, const struct timeline *tl, json_object *cs)
{
	fputs("<table class=\"containers\"><thead><tr><th>container</th><th>memory.max</th>"
	      "<th>OOM kills</th><th>peak memory.current</th><th>at memory.max</th>"
	      "<th>PSI some</th><th>PSI full</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < jlen(cs); i++) {
		json_object *tc = jidx(cs, i);
		json_object *c = facts_container(tl->report, jget_str(tc, "name", NULL));

		fprintf(out, "<tr><td><i class=\"sw cc c%zu\"></i><a href=\"#container-%zu\">",
			i % 8, i);
		html_puts(out, jget_str(tc, "name", "?"));
		fputs("</a></td>", out);
		size_cell(out, jget_num(c, "memory_max", NAN));
		fprintf(out, "<td class=\"n\">%zu</td>", kills_of(tl, (int)i));
		size_cell(out, array_max(jget_array(tc, "memory_current")));
		fprintf(out,
			"<td class=\"n\">%lld</td><td class=\"n\">%.1f s</td>"
			"<td class=\"n\">%.1f s</td></tr>\n",
			(long long)jget_int(c, "max", 0),
			jget_num(c, "memory_pressure.some_s", NAN),
			jget_num(c, "memory_pressure.full_s", NAN));
	}
	fputs("</tbody></table>\n", out);
}

static int container_charts(FILE *out, const struct timeline *tl)
{
	json_object *cs = jget_array(tl->report, "timeline.containers");
	int r = 0;

	if (jlen(cs) == 0) {
		fputs("<p class=\"nr\">No container timeline: the processes ran uncontained, or "
		      "this report has none.</p>\n",
		      out);
		return 0;
	}
	if (jlen(cs) > 1)
		container_table(out, tl, cs);
	for (size_t i = 0; i < jlen(cs) && r >= 0; i++)
		r = container_chart(out, tl, jidx(cs, i), (int)i);
	return r;
}

static int timeline_load(json_object *report, struct timeline *tl)
{
	json_object *t = jget_array(report, "timeline.t_s");
	int r;

	*tl = (struct timeline){ .report = report };
	tl->n = jlen(t);
	tl->t = chart_numbers(t, tl->n);
	if (!tl->t)
		return -ENOMEM;
	r = marks_collect(report, &tl->marks);
	if (r < 0)
		return r;
	spans_collect(report, &tl->spans);
	time_axis(tl);
	if (jget_len(report, "timeline.containers") > COMPACT_ABOVE) {
		tl->h_memory = 90, tl->h_dirty = 40, tl->h_psi = 36;
	} else {
		tl->h_memory = 140, tl->h_dirty = 60, tl->h_psi = 50;
	}
	return 0;
}

int html_timeline(json_object *report, FILE *out)
{
	struct timeline tl;
	bool contained = jget_len(report, "containers") > 0;
	int r;

	fputs("<section id=\"timeline\"><h2>Timeline</h2>\n", out);
	if (!jget_obj(report, "timeline")) {
		fprintf(out, "<p class=\"nr\">No timeline: %s.</p></section>\n",
			streq(jget_str(report, "command", NULL), "verify") ?
				"poof verify re-reads the media and has no write phase" :
				"not recorded");
		return 0;
	}
	r = timeline_load(report, &tl);
	if (r >= 0) {
		defs(out);
		legend(out);
		r = run_chart(out, &tl, contained);
	}
	if (r >= 0) {
		notes(out, &tl);
		r = container_charts(out, &tl);
	}
	fputs("</section>\n", out);
	free(tl.t);
	marks_free(&tl.marks);
	return r;
}

void html_timeline_css(FILE *out)
{
	fputs("svg.chart{width:100%;height:auto;display:block;font:10px system-ui,sans-serif}\n"
	      "svg.defs{position:absolute}\n"
	      ".grid{stroke:#e5e7eb}.frame{fill:none;stroke:#cbd5e1}.tick{stroke:#94a3b8}\n"
	      ".yl,.ll,.liml,.xu,.nrs{text-anchor:end}.xl{text-anchor:middle}\n"
	      ".yl,.xl,.xu{fill:#475569}.pt{fill:#334155;font-weight:600}.ll{fill:#334155}\n"
	      ".nrs{fill:#94a3b8;font-style:italic}.psl{fill:#1e293b}.cn{font-weight:700}\n"
	      ".s{fill:none;stroke-width:1.3;stroke-linejoin:round}\n"
	      ".s.current{stroke:#1d4ed8;stroke-width:2.2}.s.anon{stroke:#9333ea}"
	      ".s.file{stroke:#16a34a}.s.high{stroke:#ea580c;stroke-dasharray:5 3}\n"
	      ".s.dirty{stroke:#d97706}.s.writeback{stroke:#0891b2}.s.psisome{stroke:#ca8a04}"
	      ".s.psifull{stroke:#b91c1c}.s.rate{stroke:#2563eb;stroke-width:1.8}\n"
	      ".lim{stroke-width:1.6;stroke-dasharray:7 3}.lim.max{stroke:#dc2626}"
	      ".lim.high{stroke:#ea580c}\n"
	      ".liml{font-weight:600}.liml.max{fill:#dc2626}.liml.high{fill:#ea580c}\n"
	      ".ph.flush{fill:#dbeafe}.ph.verify{fill:#dcfce7}.ph.fault{fill:url(#hatch);opacity:.45}\n"
	      ".wend{stroke:#475569;stroke-dasharray:3 2}\n"
	      ".ps.write{fill:#e2e8f0}.ps.flush{fill:#bfdbfe}.ps.verify{fill:#bbf7d0}"
	      ".ps.fault{fill:url(#hatch);stroke:#c0392b}\n"
	      ".mk{stroke-width:1;stroke-opacity:.3}\n"
	      ".oom-kill{fill:#dc2626;stroke:#dc2626}.respawn{fill:#2563eb;stroke:#2563eb}"
	      ".stall{fill:#f59e0b;stroke:#f59e0b}.unkillable{fill:#7c3aed;stroke:#7c3aed}"
	      ".writer-stopped{fill:#111827;stroke:#111827}\n"
	      "text.ll{fill:#334155;stroke:none}text.cn{stroke:none}\n"
	      "svg.gl{width:12px;height:12px;vertical-align:-1px;margin-right:4px}\n"
	      "i.sw{display:inline-block;width:18px;height:0;border-top:3px solid;"
	      "vertical-align:middle;margin-right:4px}\n"
	      "i.sw.current{border-color:#1d4ed8}i.sw.max{border-top:2px dashed #dc2626}"
	      "i.sw.high{border-top:2px dashed #ea580c}i.sw.anon{border-color:#9333ea}"
	      "i.sw.file{border-color:#16a34a}i.sw.dirty{border-color:#d97706}"
	      "i.sw.writeback{border-color:#0891b2}i.sw.psisome{border-color:#ca8a04}"
	      "i.sw.psifull{border-color:#b91c1c}i.sw.rate{border-color:#2563eb}\n"
	      "i.sw.bflush,i.sw.bverify,i.sw.bfault{height:10px;border:1px solid #94a3b8}"
	      "i.sw.bflush{background:#bfdbfe}i.sw.bverify{background:#bbf7d0}"
	      "i.sw.bfault{background:repeating-linear-gradient(45deg,#f3b7b0 0 2px,#fff 2px 5px)}\n"
	      ".c0{--cc:#1d4ed8}.c1{--cc:#c2410c}.c2{--cc:#15803d}.c3{--cc:#7e22ce}"
	      ".c4{--cc:#0e7490}.c5{--cc:#a16207}.c6{--cc:#be123c}.c7{--cc:#4d7c0f}\n"
	      "figure.container{border-left:6px solid var(--cc)}i.sw.cc{border-color:var(--cc);"
	      "width:10px;border-top-width:10px}\n",
	      out);
}
