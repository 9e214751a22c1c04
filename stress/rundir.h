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

/*
 * Make a fresh run id and create base/<id> (or exactly `path` when given),
 * held open as ret->fd from then on. Nothing may exist at the run
 * directory's path: -EEXIST, or -ELOOP for a symlink. The default base
 * must be a directory of root's or the caller's: -ELOOP for a symlink,
 * -EPERM for another owner's. A `path` naming "." or ".." is -EINVAL.
 */
int rundir_create(const char *base, const char *path, struct rundir *ret);

/* Open an existing run directory (for `poof verify`): -ELOOP for a symlink, -ENOTDIR. */
int rundir_open(const char *path, struct rundir *ret);

void rundir_close(struct rundir *r);

/* Is the open directory fd on the same filesystem as the run directory? */
bool rundir_shares_fs(const struct rundir *r, int fd);
