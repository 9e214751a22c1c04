/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The supervisor's state, shared by the files of the write phase: the event
 * loop (supervisor.c) and the side jobs it hands out. Nothing outside
 * stress/ includes this.
 */

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "respawn.h"
#include "shared/macro.h"
#include "spawner.h"
#include "supervisor.h"

/*
 * The event loop's timer is set for the next thing due (a start, a kill,
 * the deadline) and at least every SLOW_TICK_NS, for the work done by the
 * second: stall checks, samples, progress. A wake that gives nothing to
 * do costs here as much as a hundred system calls.
 */
#define SLOW_TICK_NS NSEC_PER_SEC
/*
 * What one turn of the event loop may do, however fast children die: reap
 * this many, and spend this long starting children.
 */
#define REAP_PER_TURN 32
#define SPAWN_TURN_NS (100 * NSEC_PER_MSEC)
/*
 * The respawns' CPU budget (budget.c): 1 ns of CPU time for every
 * CPU_BUDGET_DIVISOR ns of wall time (0.5% of one core), saved up to
 * SPAWN_CPU_BURST; first starts are not charged. A respawn starts only
 * while some is left, and one held back waits until SPAWN_CPU_BATCH is
 * saved: a few starts a wake, not a wake a start.
 */
#define CPU_BUDGET_DIVISOR 200
#define SPAWN_CPU_BURST (50 * NSEC_PER_MSEC)
#define SPAWN_CPU_BATCH (5 * NSEC_PER_MSEC)

/* What a slot's process is: a writer (slot: its ledger id) or a hog (slot: its index in hogs). */
enum child_kind {
	CHILD_WRITER,
	CHILD_HOG,
};

/* One hog process slot: a [hog] section's process in one container replica. */
struct hog_proc {
	unsigned spec;	    /* index into plan->hogs */
	unsigned container; /* index into the run containers */
	uint32_t id;
	pid_t pid;
	int dirfd; /* kmem: its own directory on the target */
	struct respawn respawn;
};

struct supervisor {
	const struct supervisor_config *cfg;
	struct ledger *ledger;
	int sigfd;
	int timerfd;
	uint64_t start_ns;
	uint64_t next_kill_ns;
	uint64_t next_progress_ns;
	uint64_t rng;
	uint64_t wake_ns; /* the timer is set for then; 0: not set */
	uint64_t next_slow_ns;
	uint64_t next_sample_ns;
	struct pollfd *pfd;
	unsigned npfd;
	bool *stalled;		  /* per writer: in a stall episode already recorded */
	struct respawn *wrespawn; /* per writer */
	struct hog_proc *hogs;
	unsigned nhogs;
	unsigned starts_pending;    /* slots whose start (first or respawn) is scheduled */
	unsigned start_cursor;	    /* the slot the next turn's starts begin with */
	int64_t spawn_cpu_ns;	    /* CPU time respawns may still use (the budget) */
	uint64_t budget_at_ns;	    /* the budget was brought up to date then */
	uint64_t budget_cpu_ns;	    /* with the CPU time then (supervisor_cpu_ns()) */
	uint64_t budget_respawn_ns; /* CPU time of respawns since then */
	struct spawner spawner;	    /* the helper that starts children, if any */
	int worker_exec_fd;	    /* poof-worker (worker-exec.h), or -1: workers are forked */
	int plan_fd;		    /* the plan, for writers started by exec; or -1 */
	int self_score_fd; /* the supervisor's oom_score_adj, kept open for spawn.c; or -1 */
	int self_score;	   /* its value */
	bool score_lent;   /* it holds a child's for the moment (spawn.c) */
	int children_oom_score_adj; /* what children inherit; INT_MIN: not known */
	bool stopping;
	struct supervisor_result res;
};

/* supervisor.c: close what starting workers by exec keeps open (also in a forked child). */
void exec_close(struct supervisor *s);

/*
 * spawn.c: start writer `id` (its ledger slot), or the hog of a slot, in its
 * container. The child closes the supervisor's fds and takes its container's
 * OOM score before it runs.
 */
int supervisor_spawn_writer(struct supervisor *s, uint32_t id);
int supervisor_spawn_hog(struct supervisor *s, struct hog_proc *h);
/*
 * spawn.c: start the process of a slot, with enum cg_spawn_flag bits, and
 * nothing else: no bookkeeping (what the spawner runs for the supervisor).
 */
int supervisor_start_child(struct supervisor *s, enum child_kind kind, uint32_t slot,
			   unsigned flags, pid_t *ret_pid);

/*
 * spawner.c (see spawner.h): fork the helper (0, or -errno: children are
 * then started by the supervisor); start a slot's process through it
 * (-ENOTCONN: there is no helper, or no more); was the reaped pid the
 * helper (its CPU time taken from ru)?; stop it and reap it. The CPU time
 * of the supervisor and of its helper so far.
 */
int spawner_start(struct supervisor *s);
int spawner_spawn(struct supervisor *s, enum child_kind kind, uint32_t slot, pid_t *ret_pid);
bool spawner_reaped(struct supervisor *s, pid_t pid, const struct rusage *ru);
void spawner_stop(struct supervisor *s);
uint64_t supervisor_cpu_ns(const struct supervisor *s);

/*
 * reap.c: schedule every slot's first start; reap at most `max` children
 * (*ret_more: some may be left), each death scheduling its slot's respawn;
 * start what is due within the turn's time and the respawns' budget
 * (*ret_more: out of time with starts due); at the stop, cancel every
 * pending start.
 */
void supervisor_schedule_first_starts(struct supervisor *s, uint64_t now);
int supervisor_reap(struct supervisor *s, unsigned max, bool *ret_more);
int supervisor_start_due(struct supervisor *s, uint64_t now, bool *ret_more);
void supervisor_refuse_respawns(struct supervisor *s);
/* reap.c: when the next start is due and may go (UINT64_MAX: none pending). */
uint64_t supervisor_next_start_ns(const struct supervisor *s, uint64_t now);

/*
 * budget.c: start the budget at `now`, full; charge it the respawns since
 * the last update and credit it the time passed (cpu_ns: the CPU time now,
 * supervisor_cpu_ns()); how long until a held respawn may go.
 */
void budget_start(struct supervisor *s, uint64_t now);
void budget_update(struct supervisor *s, uint64_t now, uint64_t cpu_ns);
uint64_t budget_wait_ns(const struct supervisor *s);

/* supervisor.c: record what slot (a writer, or hog h) met at `now`. */
void supervisor_record(struct supervisor *s, enum event_kind kind, uint32_t slot,
		       const struct hog_proc *h, pid_t pid, uint64_t now);

/* hog-slots.c: a slot per hog process, made (kmem directories included) before any starts. */
int hog_slots_setup(struct supervisor *s);
void hog_slots_free(struct supervisor *s);
struct hog_proc *hog_slot_by_pid(struct supervisor *s, pid_t pid);
uint32_t hog_slots_alive(const struct supervisor *s);

/*
 * stalls.c: a snapshot of writer lw at `now`, for the stalled and the
 * unkillable; stall episodes of silent writers, every slow tick; the timer
 * firing late (due at wake_ns).
 */
void supervisor_snapshot(struct supervisor *s, const struct ledger_writer *lw, uint64_t now,
			 struct writer_snapshot *ret);
void supervisor_check_stalls(struct supervisor *s, uint64_t now);
void supervisor_check_lateness(struct supervisor *s, uint64_t wake_ns, uint64_t now);

/* signals.c: a signalfd for the stop signals and SIGCHLD (blocked already), or -errno. */
int supervisor_signal_fd(void);
