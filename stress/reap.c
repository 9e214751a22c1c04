// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Children that exit, and the ones started again in their place. However
 * fast children die, a turn of the event loop reaps at most a few dozen of
 * them and starts at most a budget's worth of others: the loop gets back to
 * the deadline and the signals in time. A death only schedules its respawn
 * (stress/respawn.h); the respawns that are due are started on the timer,
 * oldest slot first, never in the reap itself. Once the run stops nothing
 * is started again.
 */
#include <errno.h>
#include <sys/wait.h>

#include "shared/clock.h"
#include "supervisor-internal.h"
#include "writer.h"

static struct ledger_writer *writer_by_pid(struct supervisor *s, pid_t pid)
{
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		if (s->ledger->writers[i].pid == pid)
			return &s->ledger->writers[i];
	return NULL;
}

/* A respawn put off: counted once per respawn (a first start is no respawn). */
static void defer(struct supervisor *s, struct respawn *r)
{
	if (r->deferred || r->first)
		return;
	r->deferred = true;
	s->res.status.respawns_deferred++;
}

/* A death while the run goes on: its slot's respawn is due now or later. */
static void schedule(struct supervisor *s, struct respawn *r, uint64_t now)
{
	if (!r->pending)
		s->starts_pending++;
	if (respawn_schedule(r, now) > now)
		defer(s, r);
}

static void on_writer_exit(struct supervisor *s, struct ledger_writer *lw, int status, uint64_t now)
{
	pid_t pid = lw->pid;

	lw->pid = 0;
	lw->last_status = status;
	if (WIFEXITED(status)) {
		lw->state = WEXITSTATUS(status) == WRITER_EXIT_DONE ? WRITER_DONE : WRITER_FAILED;
		if (lw->state == WRITER_FAILED) {
			lw->stopped_ms = (uint32_t)((now - s->start_ns) / NSEC_PER_MSEC);
			s->res.status.failed++;
			supervisor_record(s, EVENT_WRITER_STOPPED, lw->writer_id, NULL, pid, now);
		}
		return;
	}
	if (s->stopping) {
		lw->state = WRITER_KILLED;
		return;
	}
	/* Killed while the run goes on: the OOM killer's victims carry on from the ledger. */
	lw->kills++;
	s->res.status.deaths++;
	schedule(s, &s->wrespawn[lw->writer_id], now);
}

/* A hog that died keeps squeezing: started again while the run goes on. */
static void on_hog_exit(struct supervisor *s, struct hog_proc *h, int status, uint64_t now)
{
	h->pid = 0;
	if (s->stopping)
		return;
	/* It would only break it again: the report names it. */
	if (s->cfg->sandbox && sandbox_run_hog_violated(s->cfg->sandbox, h->id, status))
		return;
	if (WIFSIGNALED(status))
		s->res.status.hog_deaths++;
	schedule(s, &h->respawn, now);
}

int supervisor_reap(struct supervisor *s, unsigned max, bool *ret_more)
{
	uint64_t now = now_monotonic_ns();

	*ret_more = false;
	for (unsigned n = 0; n < max; n++) {
		struct ledger_writer *lw;
		struct hog_proc *h;
		struct rusage ru;
		int status;
		pid_t pid = wait4(-1, &status, WNOHANG, &ru);

		if (pid == 0 || (pid < 0 && errno == ECHILD))
			return 0;
		if (pid < 0)
			return -errno;
		if (spawner_reaped(s, pid, &ru))
			continue; /* died before its time: the supervisor starts children itself */
		lw = writer_by_pid(s, pid);
		h = lw ? NULL : hog_slot_by_pid(s, pid);
		if (lw)
			on_writer_exit(s, lw, status, now);
		else if (h)
			on_hog_exit(s, h, status, now);
		/* else not ours (e.g. a helper the caller ran) */
	}
	*ret_more = true;
	return 0;
}

/* Failures a later start may not meet: the machine short of memory or processes. */
static bool transient(int r)
{
	return r == -EAGAIN || r == -ENOMEM || r == -EPIPE;
}

/* Slot i: the writers first, then the hogs. */
static struct respawn *slot_respawn(struct supervisor *s, unsigned i, struct hog_proc **ret_hog)
{
	uint32_t nwriters = s->ledger->hdr->nwriters;

	*ret_hog = i < nwriters ? NULL : &s->hogs[i - nwriters];
	return *ret_hog ? &(*ret_hog)->respawn : &s->wrespawn[i];
}

static unsigned nslots(const struct supervisor *s)
{
	return s->ledger->hdr->nwriters + s->nhogs;
}

void supervisor_schedule_first_starts(struct supervisor *s, uint64_t now)
{
	for (unsigned i = 0; i < nslots(s); i++) {
		struct hog_proc *h;

		respawn_first(slot_respawn(s, i, &h), now);
	}
	s->starts_pending = nslots(s);
}

/* A writer or hog started again: counted (writers) and recorded (both). */
static void record_respawn(struct supervisor *s, unsigned i, const struct hog_proc *h)
{
	if (!h)
		s->res.status.respawns++;
	supervisor_record(s, EVENT_RESPAWN, i, h, h ? h->pid : s->ledger->writers[i].pid,
			  now_monotonic_ns());
}

/*
 * Start slot i, whose start is due: 0, or -errno for a failure no later
 * start can mend (any failure of a first start: the run cannot begin).
 */
static int start_slot(struct supervisor *s, unsigned i, uint64_t now)
{
	struct hog_proc *h;
	struct respawn *r = slot_respawn(s, i, &h);
	bool first = r->first;
	int k;

	s->starts_pending--;
	k = h ? supervisor_spawn_hog(s, h) : supervisor_spawn_writer(s, i);
	if (k < 0 && !first && transient(k)) {
		/* Like a child that died at once: the next try waits its turn. */
		respawn_started(r, now);
		schedule(s, r, now);
		s->res.status.respawns_failed++;
		return 0;
	}
	if (k < 0)
		return k;
	if (!first)
		record_respawn(s, i, h);
	return 0;
}

/* May slot r start now: within the turn's time and, for a respawn, the CPU budget? */
static bool may_start(const struct supervisor *s, const struct respawn *r, uint64_t turn_end)
{
	return now_monotonic_ns() < turn_end && (r->first || s->spawn_cpu_ns > 0);
}

/* Start slot i, and charge its CPU time (the spawner's included) to the right account. */
static int start_counted(struct supervisor *s, unsigned i, uint64_t now)
{
	uint64_t before = s->budget_cpu_ns, used;
	struct hog_proc *h;
	bool first = slot_respawn(s, i, &h)->first;
	int e = start_slot(s, i, now);
	uint64_t after = supervisor_cpu_ns(s);

	used = after - before;
	s->res.spawn_cpu_ns += used;
	if (!first) /* first starts are not charged */
		s->budget_respawn_ns += used;
	budget_update(s, now_monotonic_ns(), after);
	return e;
}

int supervisor_start_due(struct supervisor *s, uint64_t now, bool *ret_more)
{
	unsigned n = nslots(s), from = s->start_cursor;
	uint64_t turn_end = now + SPAWN_TURN_NS;
	bool held = false;

	*ret_more = false;
	budget_update(s, now, supervisor_cpu_ns(s));
	for (unsigned k = 0; k < n && s->starts_pending && !s->stopping; k++) {
		unsigned i = (from + k) % n;
		struct hog_proc *h;
		struct respawn *r = slot_respawn(s, i, &h);
		int e;

		if (!respawn_due(r, now))
			continue;
		if (!may_start(s, r, turn_end)) {
			/* Held back: the next turn begins with this slot. */
			if (!held)
				s->start_cursor = i;
			held = true;
			/* Out of time, not of budget: come back at once. */
			*ret_more = *ret_more || r->first || s->spawn_cpu_ns > 0;
			defer(s, r);
			continue;
		}
		e = start_counted(s, i, now);
		if (e < 0)
			return e;
	}
	return 0;
}

/* The earliest pending start; UINT64_MAX when there is none. */
static uint64_t earliest_due(const struct supervisor *s)
{
	uint64_t due = UINT64_MAX;

	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		if (s->wrespawn[i].pending)
			due = MIN(due, s->wrespawn[i].first ? 0 : s->wrespawn[i].due_ns);
	for (unsigned i = 0; i < s->nhogs; i++)
		if (s->hogs[i].respawn.pending)
			due = MIN(due, s->hogs[i].respawn.first ? 0 : s->hogs[i].respawn.due_ns);
	return due;
}

uint64_t supervisor_next_start_ns(const struct supervisor *s, uint64_t now)
{
	uint64_t due;

	if (!s->starts_pending || s->stopping)
		return UINT64_MAX;
	due = earliest_due(s);
	if (due == 0)
		return now; /* a first start: not held by the budget */
	if (due != UINT64_MAX && s->spawn_cpu_ns <= 0)
		due = MAX(due, now + budget_wait_ns(s));
	return MAX(due, now);
}

void supervisor_refuse_respawns(struct supervisor *s)
{
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		if (respawn_cancel(&s->wrespawn[i])) {
			s->ledger->writers[i].state = WRITER_KILLED;
			s->res.status.respawns_refused++;
		}
	for (unsigned i = 0; i < s->nhogs; i++)
		if (respawn_cancel(&s->hogs[i].respawn))
			s->res.status.respawns_refused++;
	s->starts_pending = 0;
}
