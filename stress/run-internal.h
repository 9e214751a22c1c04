/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the files of a run share: the phases run.c calls in turn, and how
 * they tell the caller what happens. Nothing outside stress/ includes this.
 */

#include "run.h"

/* Hand an event to the caller's hooks, if it listens. */
void run_tell(const struct stress_run *run, enum run_event ev, int error);

/* target.c: the target and the data directory in it; their removal at the end. */
int run_prepare_target(struct stress_run *run);
int run_remount_scratch(struct stress_run *run);
void run_remove_target(struct stress_run *run, bool keep);

/* run-ledger.c: the ledger, laid out from the plan. */
int run_prepare_ledger(struct stress_run *run);
