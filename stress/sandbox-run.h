/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The run's side of the workers' sandbox (stress/sandbox.h): made by the
 * supervisor before its first worker starts and kept until the report is
 * written. It writes into the ledger's header what the run asks of the
 * workers, keeps a violation slot per hog in memory it shares with them (a
 * writer's slot is its ledger record), and gives every worker, in the
 * child, what it needs to enter its sandbox.
 */

#include <stdbool.h>
#include <stdint.h>

#include "judge/ledger.h"
#include "profiles/profile.h"
#include "sandbox.h"

struct sandbox_run {
	bool allow_list;		    /* sandbox=yes */
	struct ledger *ledger;		    /* the writers' slots */
	struct ledger_violation *hog_slots; /* MAP_SHARED, pre-faulted by the supervisor */
	uint32_t nhogs;
};

/* Hog processes of a plan: a [hog] section's count in every replica of its container. */
uint32_t sandbox_run_hogs(const struct plan *plan);

/* Before any worker starts. On failure nothing is left to undo. */
int sandbox_run_start(struct sandbox_run *sr, const struct plan *plan, struct ledger *ledger);

/* Once the report is written: the shared slots go. */
void sandbox_run_free(struct sandbox_run *sr);

/* In writer id's child: what it enters its sandbox with. */
void sandbox_run_writer(const struct sandbox_run *sr, uint32_t id, struct sandbox_params *ret);

/* In hog id's child: enter its sandbox. 0, or -errno: the hog must not run. */
int sandbox_run_enter_hog(const struct sandbox_run *sr, uint32_t id, enum hog_kind kind);

/* Hog id exited with status: did it leave its allow-list (and so must not be started again)? */
bool sandbox_run_hog_violated(const struct sandbox_run *sr, uint32_t id, int status);

/* The violation of hog id, or NULL if it made none. */
const struct ledger_violation *sandbox_run_hog_violation(const struct sandbox_run *sr, uint32_t id);
