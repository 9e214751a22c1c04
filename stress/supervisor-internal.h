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

#include "shared/macro.h"
#include "supervisor.h"

#define TICK_NS (100 * NSEC_PER_MSEC) /* the event loop's timer */

/* One hog process slot: a [hog] section's process in one container replica. */
struct hog_proc {
	unsigned spec;	    /* index into plan->hogs */
	unsigned container; /* index into the run containers */
	uint32_t id;
	pid_t pid;
	int dirfd; /* kmem: its own directory on the target */
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
	bool *stalled; /* per writer: in a stall episode already recorded */
	struct hog_proc *hogs;
	unsigned nhogs;
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
