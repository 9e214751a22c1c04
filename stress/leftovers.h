/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Leftover runs: what a killed supervisor left behind, found for poof cleanup.
 *
 * A supervisor that dies by SIGKILL takes its writers and hogs along
 * (PR_SET_PDEATHSIG), but not its cgroups, a worker that escaped that, nor
 * the scratch filesystem it mounted. Runs are found from three sides: the
 * `poof-<id>` groups below poof's cgroup parent of every hierarchy
 * (cg_run_parent_path, cg_list_run_groups), the `poof-<id>.scope` units
 * systemd has (and the run groups inside them), and the scratch mounts
 * RUNDIR/mnt backed by RUNDIR/scratch.img. The ledger format stays as it is:
 * a run is alive when a process other than its own workers still holds it
 * (an fd on its run directory or run group, or the ledger.live mapping):
 * the supervisor holds its run directory from the start, its run group from
 * cg_run_open() and the mapping once the ledger exists, until the end.
 * Everything else is abandoned. The run directory and the image are kept:
 * they are the record and the evidence.
 *
 * Nothing here kills, removes or prints: leftovers_find() only looks, and
 * the command decides what to do and says it.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define LEFTOVER_MAX_GROUPS 4
#define LEFTOVER_SUPERVISOR_SUFFIX "-supervisor"

/* One run found: its groups (one per hierarchy, plus supervisor leaves) and directory. */
struct leftover {
	char id[PATH_MAX + 8]; /* what follows "poof-" in the group's name, or "at RUNDIR" */
	char groups[LEFTOVER_MAX_GROUPS][PATH_MAX];
	unsigned ngroups;
	char rundir[PATH_MAX]; /* "" when not known */
	char scope[128];       /* its systemd scope poof-<id>.scope, "" when none */
	bool mounted;	       /* rundir/mnt is mounted */
	pid_t holder;	       /* a live process (not a worker) holding the run, 0 when none */
	char holder_comm[16];
	pid_t *members; /* processes in the run's groups */
	size_t nmembers;
	pid_t *orphans; /* workers outside the groups still holding the run */
	size_t norphans;
};

/* The step leftovers_find() failed at, for the caller's message. */
enum leftovers_step {
	LEFTOVERS_STEP_NONE,   /* no step to name (out of memory while adding a run) */
	LEFTOVERS_STEP_LAYOUT, /* detecting the cgroup layout */
	LEFTOVERS_STEP_LIST,   /* listing the run groups in failed_path */
	LEFTOVERS_STEP_MOUNTS, /* reading the mount table */
	LEFTOVERS_STEP_PROC,   /* scanning /proc for who holds the runs */
};

struct leftovers {
	char root[PATH_MAX]; /* the prefix every kernel path was read below, "" real */
	struct leftover *runs;
	unsigned nruns;
	/* poof-* groups that are no run of poof's (not a hex id without --all), in order. */
	char **skipped;
	size_t nskipped;
	/* Not fatal: systemd did not answer, so runs in scopes were not looked for. */
	int scopes_error;
	char scopes_message[256]; /* systemd's words, "" when it gave none */
	/* When leftovers_find() fails: where. */
	enum leftovers_step failed_step;
	char failed_path[PATH_MAX];
};

/*
 * Find the leftover runs and who holds each one, reading /proc, /sys and the
 * cgroup tree below root ("" or NULL on a real system; a test's fake tree
 * otherwise, where systemd is not asked). Every path found, and every path
 * read out of the kernel's files (mount targets, fd links, loop backing
 * files), is kept with the root prefix. all: also groups whose name
 * is not a run id, and live runs are judged like the rest (the caller decides
 * what a holder means). -errno on failure, with failed_step (and failed_path)
 * saying where; *ret holds what was found so far either way and must be freed
 * with leftovers_free().
 */
int leftovers_find(const char *root, bool all, struct leftovers *ret);
void leftovers_free(struct leftovers *l);

/* Calls fn on every group below path and then on path itself (children first). */
int leftovers_walk_groups(const char *path, int (*fn)(const char *path, void *u), void *u);

/* Calls fn on every pid listed in path/cgroup.procs; 0 when the group is gone. */
int leftovers_for_each_pid(const char *path, void (*fn)(pid_t pid, void *u), void *u);

/* The loop device (/dev/loopN) still backed by image into buf, "" when none. */
void leftovers_find_loop(const char *image, char *buf, size_t len);

/*
 * The run id in a group name "poof-<id>" or "poof-<id>-supervisor", or in a
 * unit name "poof-<id>.scope", into buf. Without all, only a run id (hex, as
 * a run directory names it) counts. -EINVAL when the name is none of poof's,
 * -ENAMETOOLONG when the id does not fit.
 */
int leftover_group_run_id(const char *name, bool all, char *buf, size_t len);
int leftover_scope_run_id(const char *unit, bool all, char *buf, size_t len);

/*
 * Workers name themselves poof-w<N> and poof-h<N> (stress/spawn.c,
 * tools/poof-worker.c); one started by exec is poof-worker until then.
 */
bool leftover_is_worker(const char *comm);

/* A supervisor's own leaf, poof-<id>-supervisor: a live supervisor sits in it. */
bool leftover_is_supervisor_leaf(const char *path);
