/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The run's side of the workers' sandbox (stress/sandbox.h) and of error
 * injection (stress/inject.h): made by the supervisor before its first
 * worker starts and kept until the report is written. It writes into the
 * ledger's header what the run asks of the workers, keeps a violation slot
 * per hog in memory it shares with them (a writer's slot is its ledger
 * record), runs the notification thread that answers the injected calls
 * during the write phase, and gives every worker, in the child, what it
 * needs to enter its sandbox.
 */

#include <stdbool.h>
#include <stdint.h>

#include "inject-notify.h"
#include "inject.h"
#include "judge/ledger.h"
#include "profiles/profile.h"
#include "sandbox.h"

struct sandbox_run {
	bool allow_list;		    /* sandbox=yes */
	struct ledger *ledger;		    /* the writers' slots */
	struct ledger_violation *hog_slots; /* MAP_SHARED, pre-faulted by the supervisor */
	int hog_slots_fd;		    /* their memfd, open while hog_slots is mapped */
	uint32_t nhogs;
	/* With -o inject: what decides, the thread that answers, and what it did. */
	bool inject;
	struct inject_ctx ictx;
	int inject_log_fd; /* the memfd of ictx.log, open while it is mapped */
	struct inject_notifier *notifier;
	struct inject_notifier_stats stats;
};

/* Hog processes of a plan: a [hog] section's count in every replica of its container. */
uint32_t sandbox_run_hogs(const struct plan *plan);

/*
 * Before any worker starts; seed is the run's. On failure nothing is left
 * to undo (sandbox_run_free() does no harm).
 */
int sandbox_run_start(struct sandbox_run *sr, const struct plan *plan, struct ledger *ledger,
		      uint64_t seed);

/* After the write phase, when no writer is left: the notification thread stops. */
void sandbox_run_stop(struct sandbox_run *sr);

/* Once the report is written: the shared memory goes. */
void sandbox_run_free(struct sandbox_run *sr);

/* In writer id's child: what it enters its sandbox with. */
void sandbox_run_writer(const struct sandbox_run *sr, uint32_t id, struct sandbox_params *ret);

/* In hog id's child: enter its sandbox. 0, or -errno: the hog must not run. */
int sandbox_run_enter_hog(const struct sandbox_run *sr, uint32_t id, enum hog_kind kind);

/* Hog id exited with status: did it leave its allow-list (and so must not be started again)? */
bool sandbox_run_hog_violated(const struct sandbox_run *sr, uint32_t id, int status);

/* The violation of hog id, or NULL if it made none. */
const struct ledger_violation *sandbox_run_hog_violation(const struct sandbox_run *sr, uint32_t id);
