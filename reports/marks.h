/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What happened when, read from a report for the timeline: OOM kills,
 * respawns, stalls, unkillable writers and writers stopped by errors as
 * marks, and the run's phases and device fault windows as spans, all in
 * seconds into the write phase.
 *
 * Each kind comes from the most precise key the report has. OOM kills:
 * "oom_kills" (from the kernel log), else the oom-kill entries of
 * "write_phase.events", else the increments of each container's cumulative
 * timeline series, with the kills counted after the last sample
 * (containers[].oom_kill minus the series' last value) marked at the end of
 * the write phase. No kill is left without a mark.
 *
 * The other kinds: the entries of that kind in "write_phase.events" when it
 * holds any, else the older keys: stalls from "write_phase.stalled",
 * unkillable writers from "write_phase.unkillable", writers stopped by
 * errors from "writers" (state "failed", stopped_s). Respawns have no older
 * key.
 */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Far beyond any run (an hour of 64 containers has thousands of kills): a
 * report that claims more is damaged, and what is beyond this is counted,
 * not marked.
 */
#define MARKS_MAX 200000

enum mark_kind {
	MARK_OOM_KILL,
	MARK_RESPAWN,
	MARK_STALL,
	MARK_UNKILLABLE,
	MARK_WRITER_STOPPED,
	_MARK_KIND_MAX,
};

/* "oom-kill", "respawn", ...: the kinds of write_phase.events, and CSS classes. */
const char *mark_kind_name(enum mark_kind k);

struct mark {
	double t; /* seconds into the write phase */
	enum mark_kind kind;
	int container;	/* index in timeline.containers, -1 when not known */
	char what[200]; /* for a person: "pid 132 poof-h0", "writer 0: state T" */
};

/* Where the OOM kill times came from: said under the chart. */
enum kill_source {
	KILLS_NONE,
	KILLS_KERNEL_LOG, /* "oom_kills" */
	KILLS_EVENTS,	  /* "write_phase.events" */
	KILLS_SAMPLES,	  /* the per-sample cumulative series */
};

struct marks {
	struct mark *m; /* sorted by t */
	size_t n;
	size_t count[_MARK_KIND_MAX];
	enum kill_source kill_source;
	size_t kills_after_samples; /* KILLS_SAMPLES: counted after the last sample */
	size_t stalls_untimed;	    /* write_phase.stalls beyond the episodes with a time */
	size_t unmarked;	    /* events beyond MARKS_MAX: counted only */
};

int marks_collect(json_object *report, struct marks *ret);
void marks_free(struct marks *m);

enum span_kind {
	SPAN_WRITE,
	SPAN_FLUSH,
	SPAN_VERIFY,
	SPAN_FAULT, /* a device fault window: label holds its kind */
};

struct span {
	enum span_kind kind;
	double from, to; /* to is NAN while still on at the end */
	char label[32];
};

struct spans {
	struct span s[32];
	size_t n;
	bool phases_recorded; /* "phases" was in the report; else only the write phase is known */
};

void spans_collect(json_object *report, struct spans *ret);
