/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The supervisor's event loop for the write phase: it forks the writers,
 * SIGKILLs a random one now and then when kill-writers is set, respawns
 * writers that died by a signal, and stops them all at the end of the
 * duration, on SIGINT/SIGTERM, or when every writer finished its passes.
 * Signals are taken through a signalfd, time through a timerfd: no busy
 * polling, every wait bounded.
 */

#include <stdbool.h>
#include <stdint.h>

#include "containers.h"
#include "events.h"
#include "watch/kernel-watch.h"
#include "judge/ledger.h"
#include "profiles/profile.h"
#include "sandbox-run.h"
#include "timeline.h"
#include "watch/task.h"

#define SUPERVISOR_MAX_SNAPSHOTS 16
/* Below the data directory, kmem hogs churn in SUPERVISOR_HOG_DIR/h<id>/. */
#define SUPERVISOR_HOG_DIR "hogs"

enum stop_reason {
	STOP_DURATION, /* the duration ran out */
	STOP_FINISHED, /* every writer finished its passes or failed */
	STOP_SIGNAL,   /* SIGINT/SIGTERM/SIGHUP */
};

struct supervisor;

struct supervisor_status {
	uint64_t elapsed_ns;
	uint64_t duration_ns;
	uint64_t bytes; /* acknowledged, all writers */
	uint32_t writers_alive;
	uint32_t kills;		    /* by kill-writers */
	uint32_t respawns;	    /* writers started again after a death */
	uint32_t respawns_deferred; /* writers and hogs started later than their death (reap.c) */
	uint32_t respawns_refused;  /* respawns still pending when the run stopped */
	uint32_t respawns_failed;   /* starts that failed for want of memory or processes */
	uint32_t deaths;	    /* writers that died by a signal */
	uint32_t failed;	    /* writers stopped by an error */
	uint32_t hogs;		    /* hog processes started, respawns included */
	uint32_t hogs_exec;    /* of those, started by exec as poof-worker (stress/worker-exec.h) */
	uint32_t writers_exec; /* writers started so, respawns included */
	uint32_t hog_deaths;   /* hogs that died by a signal (the OOM killer, mostly) */
	uint64_t oom_kills;    /* memory.events oom_kill since the start, all containers */
	uint32_t stalls;       /* stall episodes so far */
	const struct timeline *timeline; /* the samples so far, for a live view */
};

struct supervisor_config {
	struct ledger *ledger;
	const struct plan *plan;
	int data_dirfd;
	uint64_t seed;
	struct kernel_watch *kernel;	   /* drained whenever /dev/kmsg has news; may be NULL */
	struct run_containers *containers; /* NULL when processes run uncontained */
	const struct sandbox_run *sandbox; /* the workers' sandbox; NULL: none */
	/* Called about once a second while writers run; may be NULL. */
	void (*progress)(const struct supervisor_status *st, void *userdata);
	void *userdata;
};

/* A writer caught stalled (no heartbeat for stall-timeout) or unkillable. */
struct writer_snapshot {
	uint32_t writer_id;
	uint64_t at_ns;	    /* since the write phase started */
	uint64_t silent_ns; /* since its last heartbeat */
	struct task_snapshot task;
};

struct supervisor_result {
	enum stop_reason reason;
	int signal;	   /* the signal that stopped the run, 0 if none */
	int second_signal; /* another stop signal while stopping: skip verification */
	uint32_t unreaped; /* writers still present after stop-timeout */
	struct supervisor_status status;
	uint32_t stalls; /* stall episodes, all writers */
	struct writer_snapshot stalled[SUPERVISOR_MAX_SNAPSHOTS];
	unsigned nstalled;
	struct writer_snapshot unkillable[SUPERVISOR_MAX_SNAPSHOTS];
	unsigned nunkillable;
	uint32_t late_ticks; /* the supervisor's own ticks more than a second late */
	uint64_t max_lateness_ns;
	uint64_t cpu_ns;       /* the supervisor's and its spawner's CPU time (user + system) */
	uint64_t spawn_cpu_ns; /* of that, starting writers and hogs (first starts and respawns) */
	uint64_t spawner_cpu_ns;  /* of that, the spawner's (stress/spawner.h) */
	uint64_t max_rss;	  /* the supervisor's peak resident set, bytes */
	struct timeline timeline; /* owned; timeline_free() */
	struct event_log events;  /* respawns, stalls, stopped writers; owned: event_log_free() */
};

/*
 * Run the write phase. Signals SIGCHLD, SIGINT, SIGTERM and SIGHUP must be
 * blocked by the caller (supervisor_block_signals) before anything forks.
 */
int supervisor_run(const struct supervisor_config *cfg, struct supervisor_result *ret);

int supervisor_block_signals(void);

/* Non-blocking: was SIGINT/SIGTERM/SIGHUP delivered since the last call? */
int supervisor_pending_stop_signal(void);
