/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The HTML timeline's drawing, shared by its three files: html-chart.c draws
 * scales, axes, series, limits and spans in SVG; html-lanes.c the lanes of
 * event marks; html-timeline.c lays out the run's chart and the containers'.
 */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "marks.h"

#define CHART_W 960.0
#define PLOT_X0 100.0 /* room for the y axis and lane labels */
#define PLOT_X1 944.0 /* and a margin on the right */
#define LANE_H 18.0
#define AXIS_H 30.0
#define CLUSTER_PX 28.0 /* room for a glyph and its count */
#define SPARSE_MARKS 48 /* up to this many marks a lane draws them across the panels */
#define MAX_TICKS 9
#define PANEL_GAP 10.0
#define COMPACT_ABOVE 8 /* containers: beyond this many, their charts are smaller */

/* The shared time axis: seconds into the write phase to x pixels. */
struct time_axis {
	double t0, t1;
	bool minutes; /* long runs are labelled in minutes */
};

/* A panel of one chart: its place and its y scale. */
struct panel {
	double top, height;
	double vmax;
	enum { UNIT_BYTES, UNIT_RATE, UNIT_PERCENT } unit;
};

/* What every chart draws from: the report, its marks and spans, the time axis. */
struct timeline {
	json_object *report;
	struct marks marks;
	struct spans spans;
	struct time_axis axis;
	double *t; /* timeline.t_s */
	size_t n;
	/* Panel heights: smaller where many containers are compared. */
	double h_memory, h_dirty, h_psi;
};

/* Which marks a lane shows: one kind, of one container or (-2) of all. */
struct lane {
	enum mark_kind kind;
	int container;
	double y;      /* the lane's top */
	double bottom; /* the panels' bottom: where a mark's line ends */
	bool dense;    /* too many marks to cross the panels: a rug in the lane instead */
};

double chart_x(const struct time_axis *a, double t);

/* n numbers from an array (null, anything else and what it lacks: NAN); NULL for -ENOMEM. */
double *chart_numbers(json_object *a, size_t n);

/* A byte count from a number a damaged report may have made anything. */
uint64_t chart_bytes(double v);

double chart_series_max(const double *v, size_t n);

/* vmax up to the next round step; horizontal grid lines with their labels. */
void chart_y_axis(FILE *out, struct panel *p, const char *title);

void chart_x_axis(FILE *out, const struct time_axis *a, double y);

/* One series as a path that breaks where nothing was recorded, reduced to bounded points. */
int chart_series(FILE *out, const struct timeline *tl, const struct panel *p, const double *v,
		 const char *cls, const char *label);

/* A horizontal limit (memory.max, memory.high) with its value written at the right. */
void chart_limit(FILE *out, const struct panel *p, double v, const char *cls, const char *name);

/* The phases and fault windows behind the panels from top to bottom. */
void chart_spans(FILE *out, const struct timeline *tl, double top, double bottom);

const char *lane_label(enum mark_kind k);

/* The lanes above a chart's panels: OOM kills always when contained, others when present. */
int chart_lanes(FILE *out, const struct timeline *tl, int container, double y, double bottom,
		bool contained);

size_t chart_count_lanes(const struct timeline *tl, int container, bool contained);
