/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A run's identity and its directory: /var/tmp/poof/<id>/ by default, kept
 * off the filesystem under test, holding the ledger and the reports.
 */

#include <stdbool.h>
#include <stdint.h>

#define RUNDIR_BASE_DEFAULT "/var/tmp/poof"
#define RUN_ID_LEN 16

struct rundir {
	uint64_t run_id;
	char id[RUN_ID_LEN + 1]; /* hex */
	char path[1024];
	int fd;
};

/* Make a fresh run id and create base/<id> (or exactly `path` when given). */
int rundir_create(const char *base, const char *path, struct rundir *ret);

/* Open an existing run directory (for `poof verify`). Refuses symlinks. */
int rundir_open(const char *path, struct rundir *ret);

void rundir_close(struct rundir *r);

/* Do path and the run directory live on the same filesystem? */
bool rundir_shares_fs(const struct rundir *r, const char *path);
