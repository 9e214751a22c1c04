/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pressure stall information of a container (cgroup v2 memory.pressure):
 * a trigger that wakes the supervisor for each stall episode, and the
 * some/full totals at the start and end of the run.
 */

#include <stdbool.h>
#include <stdint.h>

/* A trigger: `some` stalls of at least 100 ms within a 1 s window. */
#define PSI_TRIGGER "some 100000 1000000"

struct psi_totals {
	uint64_t some_us; /* time some tasks stalled on memory */
	uint64_t full_us; /* time all non-idle tasks stalled on memory */
};

/* Pure: parse "some avg10=.. total=N\nfull avg10=.. total=N\n". -EINVAL if malformed. */
int psi_parse(const char *text, struct psi_totals *ret);

/* Read the totals of a pressure file: 0 or -errno (-ENOENT without PSI). */
int psi_read(const char *path, struct psi_totals *ret);

/* Open path with PSI_TRIGGER written: an fd to poll for POLLPRI, or -errno. */
int psi_trigger_open(const char *path);
