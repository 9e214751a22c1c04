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

#define TICK_NS (100 * NSEC_PER_MSEC) /* the event loop's timer */
/*
 * What one turn of the event loop may do, however fast children die: reap
 * this many, and spend this long starting children. Respawns (not first
 * starts) may also use no more of the supervisor's CPU than
 * SPAWN_CPU_PER_TICK a tick, which may be saved up to SPAWN_CPU_BURST.
 */
#define REAP_PER_TURN 32
#define SPAWN_TURN_NS (100 * NSEC_PER_MSEC)
#define SPAWN_CPU_PER_TICK (1 * NSEC_PER_MSEC)
#define SPAWN_CPU_BURST (50 * NSEC_PER_MSEC)

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
	uint64_t last_tick_ns;
	uint64_t next_sample_ns;
	struct pollfd *pfd;
	unsigned npfd;
	bool *stalled;		  /* per writer: in a stall episode already recorded */
	struct respawn *wrespawn; /* per writer */
	struct hog_proc *hogs;
	unsigned nhogs;
	unsigned starts_pending; /* slots whose start (first or respawn) is scheduled */
	unsigned start_cursor;	 /* the slot the next turn's starts begin with */
	int64_t spawn_cpu_ns;	 /* CPU time respawns may still use (the budget) */
	struct spawner spawner;	 /* the helper that starts children, if any */
	bool stopping;
	struct supervisor_result res;
};

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
 * unkillable; stall episodes of silent writers and late ticks, once a tick.
 */
void supervisor_snapshot(struct supervisor *s, const struct ledger_writer *lw, uint64_t now,
			 struct writer_snapshot *ret);
void supervisor_check_stalls(struct supervisor *s, uint64_t now);
void supervisor_check_lateness(struct supervisor *s, uint64_t now);

/* signals.c: a signalfd for the stop signals and SIGCHLD (blocked already), or -errno. */
int supervisor_signal_fd(void);
