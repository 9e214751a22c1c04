// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Timeline marks and spans read from a report, each kind from the most
 * precise key present: see marks.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "jsonget.h"
#include "marks.h"
#include "shared/array.h"
#include "shared/macro.h"

const char *mark_kind_name(enum mark_kind k)
{
	static const char *const names[] = {
		[MARK_OOM_KILL] = "oom-kill",
		[MARK_RESPAWN] = "respawn",
		[MARK_STALL] = "stall",
		[MARK_UNKILLABLE] = "unkillable",
		[MARK_WRITER_STOPPED] = "writer-stopped",
	};

	return k < ARRAY_SIZE(names) ? names[k] : "event";
}

struct collector {
	json_object *report;
	struct marks *out;
	size_t cap;
	int error;
};

static struct mark *add_mark(struct collector *c, enum mark_kind kind, double t, int container)
{
	struct marks *m = c->out;
	struct mark *slot;
	int r;

	if (c->error || isnan(t))
		return NULL;
	r = array_make_room(&m->m, &c->cap, m->n, sizeof(*m->m), 64, MARKS_MAX);
	if (r == -ENOBUFS) {
		m->unmarked++;
		return NULL;
	}
	if (r < 0) {
		c->error = r;
		return NULL;
	}
	slot = &m->m[m->n++];
	*slot = (struct mark){ .t = t, .kind = kind, .container = container };
	m->count[kind]++;
	return slot;
}

/* The container's index in timeline.containers (else containers), by name; -1 if unknown. */
static int container_index(json_object *report, const char *name)
{
	const char *lists[] = { "timeline.containers", "containers" };

	if (!name)
		return -1;
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		json_object *a = jget_array(report, lists[l]);

		for (size_t i = 0; i < jlen(a); i++)
			if (streq(jget_str(jidx(a, i), "name", NULL), name))
				return (int)i;
	}
	return -1;
}

/* "pid 132 poof-h0", from an entry of oom_kills or write_phase.events. */
static void describe_task(json_object *e, char *buf, size_t len)
{
	const char *comm = jget_str(e, "comm", NULL);
	int64_t pid = jget_int(e, "pid", -1), writer = jget_int(e, "writer", -1);
	int n = 0;

	buf[0] = '\0';
	if (writer >= 0)
		n = snprintf(buf, len, "writer %lld ", (long long)writer);
	if (n >= 0 && (size_t)n < len && pid >= 0)
		n += snprintf(buf + n, len - (size_t)n, "pid %lld ", (long long)pid);
	if (n >= 0 && (size_t)n < len && comm)
		snprintf(buf + n, len - (size_t)n, "%s", comm);
}

/* A kind of write_phase.events; false for one this poof does not know. */
static bool event_kind(const char *name, enum mark_kind *ret)
{
	for (enum mark_kind k = 0; k < _MARK_KIND_MAX; k++)
		if (streq(name, mark_kind_name(k))) {
			*ret = k;
			return true;
		}
	return false;
}

static void add_task_mark(struct collector *c, json_object *e, enum mark_kind k)
{
	struct mark *m = add_mark(c, k, jget_num(e, "t_s", NAN),
				  container_index(c->report, jget_str(e, "container", NULL)));

	if (m)
		describe_task(e, m->what, sizeof(m->what));
}

/* The kinds write_phase.events holds entries of, as bits (1 << kind). */
static unsigned event_kinds(json_object *events)
{
	unsigned kinds = 0;

	for (size_t i = 0; i < jlen(events); i++) {
		enum mark_kind k;

		if (event_kind(jget_str(jidx(events, i), "kind", NULL), &k))
			kinds |= 1u << k;
	}
	return kinds;
}

/* write_phase.events; its OOM kills only when no better source had them. */
static void add_events(struct collector *c, json_object *events, bool kills)
{
	for (size_t i = 0; i < jlen(events); i++) {
		json_object *e = jidx(events, i);
		enum mark_kind k;

		if (event_kind(jget_str(e, "kind", NULL), &k) && (k != MARK_OOM_KILL || kills))
			add_task_mark(c, e, k);
	}
}

/* count (a damaged report may say anything) marks of kind at t, as far as MARKS_MAX allows. */
static void add_many(struct collector *c, double t, int ci, double count, const char *what)
{
	double room = (double)(MARKS_MAX - MIN(c->out->n, (size_t)MARKS_MAX));
	size_t n = count > room ? (size_t)room : count > 0 ? (size_t)count : 0;
	struct mark *m;

	for (size_t k = 0; k < n; k++)
		if ((m = add_mark(c, MARK_OOM_KILL, t, ci)))
			snprintf(m->what, sizeof(m->what), "%s", what);
	if (count > (double)n)
		c->out->unmarked += count - (double)n > 1e15 ? (size_t)1e15 :
							       (size_t)(count - (double)n);
}

/* The last recorded value of a cumulative series, adding a mark per increment on the way. */
static double add_increments(struct collector *c, json_object *series, json_object *t, int ci)
{
	double prev = 0;

	for (size_t i = 0; i < jlen(series); i++) {
		char what[64];
		double ts, v;

		if (!jnum(jidx(series, i), &v) || !jnum(jidx(t, i), &ts) || v <= prev)
			continue;
		snprintf(what, sizeof(what), "counted by the sample at %.1f s", ts);
		add_many(c, ts, ci, floor(v) - floor(prev), what);
		prev = v;
	}
	return floor(prev);
}

/* When the write phase ended: its elapsed time, else the last sample. */
static double write_end(json_object *report)
{
	json_object *t = jget_array(report, "timeline.t_s");
	size_t n = jlen(t);
	double last = NAN;

	if (n)
		jnum(jidx(t, n - 1), &last);
	return jget_num(report, "write_phase.elapsed_s", last);
}

/* OOM kills from the per-sample series of each container, and those after the last sample. */
static void add_sampled_kills(struct collector *c)
{
	json_object *cs = jget_array(c->report, "timeline.containers");
	json_object *t = jget_array(c->report, "timeline.t_s");
	double end = write_end(c->report);

	for (size_t ci = 0; ci < jlen(cs); ci++) {
		json_object *tc = jidx(cs, ci);
		json_object *cont = facts_container(c->report, jget_str(tc, "name", NULL));
		double counted = add_increments(c, jget_array(tc, "oom_kills"), t, (int)ci);
		double late = floor(jget_num(cont, "oom_kill", counted)) - counted;
		size_t before = c->out->n;

		add_many(c, end, (int)ci, late,
			 "counted after the last sample, by the end of the write phase");
		c->out->kills_after_samples += c->out->n - before;
	}
}

/* write_phase.stalled or .unkillable: the writers poof took a snapshot of. */
static void add_snapshots(struct collector *c, const char *path, enum mark_kind kind)
{
	json_object *a = jget_array(c->report, path);

	for (size_t i = 0; i < jlen(a); i++) {
		json_object *w = jidx(a, i);
		struct mark *m = add_mark(c, kind, jget_num(w, "at_s", NAN), -1);

		if (m)
			snprintf(m->what, sizeof(m->what),
				 "writer %lld pid %lld: state %s, wchan %s",
				 (long long)jget_int(w, "writer", -1),
				 (long long)jget_int(w, "pid", -1), jget_str(w, "state", "?"),
				 jget_str(w, "wchan", "?"));
	}
}

/* Writers that an error stopped, from writers[] (state "failed", stopped_s). */
static void add_failed_writers(struct collector *c)
{
	json_object *a = jget_array(c->report, "writers");

	for (size_t i = 0; i < jlen(a); i++) {
		json_object *w = jidx(a, i);
		struct mark *m;

		if (!streq(jget_str(w, "state", NULL), "failed"))
			continue;
		m = add_mark(c, MARK_WRITER_STOPPED, jget_num(w, "stopped_s", NAN), -1);
		if (m)
			snprintf(m->what, sizeof(m->what), "writer %lld stopped by %s",
				 (long long)jget_int(w, "id", -1),
				 jget_str(w, "error", "an error"));
	}
}

static int compare_marks(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* Kills from the best source there is, and which one that was. */
static void add_kills(struct collector *c, unsigned event_kinds)
{
	json_object *kills = jget_array(c->report, "oom_kills");

	if (kills) {
		c->out->kill_source = KILLS_KERNEL_LOG;
		for (size_t i = 0; i < jlen(kills); i++)
			add_task_mark(c, jidx(kills, i), MARK_OOM_KILL);
	} else if (event_kinds & (1u << MARK_OOM_KILL)) {
		c->out->kill_source = KILLS_EVENTS;
	} else if (jget_len(c->report, "timeline.containers")) {
		c->out->kill_source = KILLS_SAMPLES;
		add_sampled_kills(c);
	}
}

int marks_collect(json_object *report, struct marks *ret)
{
	struct collector c = { .report = report, .out = ret };
	json_object *events = jget_array(report, "write_phase.events");
	unsigned kinds = event_kinds(events);
	int64_t stalls = jget_int(report, "write_phase.stalls", 0);

	*ret = (struct marks){ 0 };
	add_kills(&c, kinds);
	add_events(&c, events, ret->kill_source == KILLS_EVENTS);
	/* Kinds the events do not hold (an older poof, or none recorded): the older keys. */
	if (!(kinds & (1u << MARK_STALL)))
		add_snapshots(&c, "write_phase.stalled", MARK_STALL);
	if (!(kinds & (1u << MARK_WRITER_STOPPED)))
		add_failed_writers(&c);
	if (!(kinds & (1u << MARK_UNKILLABLE)))
		add_snapshots(&c, "write_phase.unkillable", MARK_UNKILLABLE);
	if (stalls > (int64_t)ret->count[MARK_STALL])
		ret->stalls_untimed = (size_t)stalls - ret->count[MARK_STALL];
	if (c.error < 0) {
		marks_free(ret);
		return c.error;
	}
	if (ret->n)
		qsort(ret->m, ret->n, sizeof(*ret->m), compare_marks);
	return 0;
}

void marks_free(struct marks *m)
{
	free(m->m);
	*m = (struct marks){ 0 };
}

static void add_span(struct spans *s, enum span_kind kind, double from, double to,
		     const char *label)
{
	if (s->n == ARRAY_SIZE(s->s) || isnan(from))
		return;
	s->s[s->n] = (struct span){ .kind = kind, .from = from, .to = to };
	snprintf(s->s[s->n].label, sizeof(s->s[s->n].label), "%s", label);
	s->n++;
}

/* phases.NAME: [start, end] in seconds into the write phase. */
static bool add_phase(json_object *report, struct spans *s, const char *key, enum span_kind kind,
		      const char *label)
{
	json_object *p = jget_array(jget_obj(report, "phases"), key);
	double from, to;

	if (jlen(p) < 2 || !jnum(jidx(p, 0), &from) || !jnum(jidx(p, 1), &to))
		return false;
	add_span(s, kind, from, to, label);
	return true;
}

void spans_collect(json_object *report, struct spans *ret)
{
	json_object *w = jget_array(report, "device_fault.windows");

	*ret = (struct spans){ 0 };
	ret->phases_recorded = add_phase(report, ret, "write_s", SPAN_WRITE, "write");
	ret->phases_recorded |= add_phase(report, ret, "flush_s", SPAN_FLUSH, "flush");
	ret->phases_recorded |= add_phase(report, ret, "verify_s", SPAN_VERIFY, "verify");
	if (!ret->phases_recorded && jget_obj(report, "write_phase"))
		add_span(ret, SPAN_WRITE, 0, write_end(report), "write");
	for (size_t i = 0; i < jlen(w); i++) {
		json_object *f = jidx(w, i);

		add_span(ret, SPAN_FAULT, jget_num(f, "on_s", NAN), jget_num(f, "off_s", NAN),
			 jget_str(f, "kind", "fault"));
	}
}
