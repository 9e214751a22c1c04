// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the supervisor notices of things standing still: a writer whose
 * heartbeat stopped (a stall episode, with a snapshot of the task), and its
 * own timer firing late (the whole machine stalled).
 */
#include "shared/macro.h"
#include "supervisor-internal.h"

#define LATE_NS NSEC_PER_SEC

void supervisor_snapshot(struct supervisor *s, const struct ledger_writer *lw, uint64_t now,
			 struct writer_snapshot *ret)
{
	ret->writer_id = lw->writer_id;
	ret->at_ns = now - s->start_ns;
	ret->silent_ns = now - __atomic_load_n(&lw->progress_ns, __ATOMIC_RELAXED);
	task_snapshot(NULL, lw->pid, &ret->task);
}

/* A live writer whose heartbeat has not moved for stall-timeout: once per episode. */
void supervisor_check_stalls(struct supervisor *s, uint64_t now)
{
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++) {
		const struct ledger_writer *lw = &s->ledger->writers[i];
		uint64_t last = __atomic_load_n(&lw->progress_ns, __ATOMIC_RELAXED);
		bool silent = lw->pid > 0 && now > last &&
			      now - last >= s->cfg->plan->stall_timeout_ns;

		if (silent && !s->stalled[i]) {
			s->res.stalls++;
			supervisor_record(s, EVENT_STALL, i, NULL, lw->pid, now);
			if (s->res.nstalled < SUPERVISOR_MAX_SNAPSHOTS)
				supervisor_snapshot(s, lw, now, &s->res.stalled[s->res.nstalled++]);
		}
		s->stalled[i] = silent;
	}
}

/* The supervisor's timer firing more than LATE_NS after wake_ns: the whole machine stalled. */
void supervisor_check_lateness(struct supervisor *s, uint64_t wake_ns, uint64_t now)
{
	uint64_t late = wake_ns && now > wake_ns ? now - wake_ns : 0;

	if (late <= LATE_NS)
		return;
	s->res.late_ticks++;
	s->res.max_lateness_ns = MAX(s->res.max_lateness_ns, late);
}
