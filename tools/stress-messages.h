/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What poof stress says while a run goes: every event of the run
 * (stress/run.h) in the words the user sees, and the progress line. They
 * are the run's hooks, with a struct stress_messages as their userdata.
 */

#include <stdbool.h>

#include "reports/report.h"
#include "stress/run.h"

struct stress_messages {
	const struct stress_run *run;
	bool quiet;	    /* -q: no progress line */
	bool progress_line; /* a \r status line is on the terminal */
};

void stress_say_event(const struct stress_run *run, enum run_event ev, int error, void *userdata);
void stress_say_progress(const struct supervisor_status *st, void *userdata);

/* What hung, as the report counts it. */
enum target_hang stress_target_hang(enum run_hang h);
