/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One run (SPEC section 2), below the command that asked for it: the run
 * directory, the target and the run's data directory in it, the
 * containers, the ledger, then the write phase, the flush, verification
 * from the media, and at the end the removal of what the run made.
 *
 * The run prints nothing. It tells its caller what happens through
 * run_hooks, as it happens, and leaves what it found in struct stress_run
 * for the caller to report.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/manager.h"
#include "containers.h"
#include "judge/device-faults.h"
#include "judge/ledger.h"
#include "judge/verify.h"
#include "profiles/profile.h"
#include "rundir.h"
#include "sandbox-run.h"
#include "scratch.h"
#include "supervisor.h"
#include "watch/kernel-watch.h"

/*
 * What the run tells its caller as it goes. The event comes with the -errno
 * it is about (or 0); the rest is in struct stress_run, as noted.
 */
enum run_event {
	RUN_EV_SCRATCH_MAKING,	     /* mkfs of target.scratch is about to start */
	RUN_EV_SCRATCH_FAILED,	     /* -EIO: mkfs failed, its output in target.scratch.log */
	RUN_EV_DATA_DIR_FAILED,	     /* target.data_dir could not be made (-ELOOP: a symlink) */
	RUN_EV_FILE_SIZE_FAILED,     /* file-size N% does not fit: target.sizing says why */
	RUN_EV_RUNDIR_ON_TARGET,     /* the run directory is on the filesystem under test */
	RUN_EV_CONTAINERS_FAILED,    /* the run's cgroups could not be made */
	RUN_EV_UNPROTECTED,	     /* the supervisor's own oom_score_adj could not be set */
	RUN_EV_CONTAINERS_READY,     /* containers.run holds the run's cgroup */
	RUN_EV_LEDGER_FAILED,	     /* the ledger could not be created */
	RUN_EV_LEDGER_UNLOCKED,	     /* the ledger could not be mlocked */
	RUN_EV_LEDGER_PATH_TOO_LONG, /* a path does not fit the ledger header */
	RUN_EV_KMSG_UNWATCHED,	     /* the kernel log cannot be watched */
	RUN_EV_SANDBOX_FAILED,	     /* the workers' sandbox could not be prepared */
	RUN_EV_WRITE_STARTED,	     /* the writers are about to start */
	RUN_EV_WRITE_ENDED,	     /* with the write phase's result; sup says why it ended */
	RUN_EV_TARGET_HUNG,	     /* outcome.target_hung says during what */
	RUN_EV_FAULT_LOG_UNREADABLE, /* outcome.faults_error_line names a malformed line */
	RUN_EV_DEVICE_FAULT,	     /* outcome.fault_on was on during the run */
	RUN_EV_SEAL_FAILED,	     /* the ledger stays LEDGER_LIVE_NAME */
	RUN_EV_REMOUNT_FAILED,	     /* the scratch filesystem could not be remounted */
	RUN_EV_LATE_SIGNAL,	     /* a stop signal (sup.signal) after the writers had ended */
	RUN_EV_VERIFYING,	     /* verification from the media is about to start */
	RUN_EV_VERIFY_STOPPED,	     /* a second stop signal stopped verification */
	RUN_EV_VERIFY_FAILED,	     /* verification could not run */
	RUN_EV_CACHE_DROPPED,	     /* O_DIRECT refused: vr.files_dropped files read cold */
	RUN_EV_DATA_DIR_LEFT,	     /* target.data_dir could not be removed */
	RUN_EV_CGROUPS_LEFT,	     /* some of the run's cgroups could not be removed */
	RUN_EV_SCRATCH_LEFT,	     /* the scratch filesystem could not be removed */
	_RUN_EV_MAX,
};

struct stress_run;

/* How the run reaches its caller; every member may be NULL. */
struct run_hooks {
	void (*event)(const struct stress_run *run, enum run_event ev, int error, void *userdata);
	/* About once a second while the writers run. */
	void (*progress)(const struct supervisor_status *st, void *userdata);
	void *userdata;
};

/* What of the run's I/O on the target outlived io-timeout. */
enum run_hang {
	RUN_TARGET_ANSWERED, /* nothing: the target answered */
	RUN_HUNG_SYNCFS,     /* poof's final syncfs: verification skipped */
	RUN_HUNG_READ,	     /* a verification read: verification stopped */
};

/* The target (a directory given, or a scratch filesystem) and the run's data directory in it. */
struct run_target {
	char path[PATH_MAX];	 /* the directory given, resolved, or the scratch mountpoint */
	int dirfd;		 /* path, open: what the run makes there is reached through it */
	char data_name[32];	 /* poof-<id> */
	char data_dir[PATH_MAX]; /* path/poof-<id> */
	int data_dirfd;
	bool data_dir_created;
	struct scratch scratch;
	uint64_t scratch_size;	     /* the image's size, with RUN_EV_SCRATCH_MAKING */
	struct profile_error sizing; /* with RUN_EV_FILE_SIZE_FAILED */
	bool have_scratch;
};

/* What the run found, besides the supervisor's and the verifier's own results. */
struct run_outcome {
	enum run_hang target_hung;
	pid_t syncfs_stuck_pid;		 /* the child left inside syncfs(), or 0 */
	bool faults_read;		 /* the fault log was read: faults holds it */
	int faults_error;		 /* -errno: the fault log could not be read */
	unsigned faults_error_line;	 /* ... and its bad line, when malformed */
	enum device_fault_kind fault_on; /* with RUN_EV_DEVICE_FAULT */
	bool verified;			 /* verification ran to its end: vr holds it */
	int verify_error;		 /* -errno when it could not run */
	bool verify_skipped;		 /* a second stop signal skipped it */
	bool scratch_kept;		 /* the scratch image stays for poof verify */
};

/* When each phase started and ended (CLOCK_MONOTONIC; 0: it did not happen). */
struct run_phases {
	uint64_t write_start, write_end;
	uint64_t flush_start, flush_end;
	uint64_t verify_start, verify_end;
};

struct stress_run {
	/* Set by the caller, after stress_run_init(). */
	struct plan plan;
	const char *dir;	 /* the target directory, or NULL for a scratch filesystem */
	const char *run_dir;	 /* the run directory, or NULL for RUNDIR_BASE_DEFAULT/<id> */
	const char *fault_log;	 /* the faults a harness switches on (poof vm), or NULL */
	bool contained;		 /* processes run in cgroups of their own: */
	struct cg_layout layout; /* ... below this host's cgroups */
	enum cg_manager_kind manager;
	const struct run_hooks *hooks;

	/* Made by the run. */
	struct rundir rd;
	uint64_t seed;
	struct run_target target;
	struct run_containers containers;
	struct ledger *ledger;
	struct kernel_watch kernel;
	struct sandbox_run sandbox;   /* the workers' sandbox, kept for the report */
	uint64_t write_start_boot_ns; /* CLOCK_BOOTTIME, the clock of the fault log */
	struct run_phases phases;

	/* Found by the run. */
	struct supervisor_result sup;
	struct device_faults faults;
	struct verify_result vr;
	struct run_outcome outcome;
};

void stress_run_init(struct stress_run *run);

/* Create the run directory and choose the seed: before anything else of the run exists. */
int stress_run_open(struct stress_run *run);

/*
 * Everything up to the verdict: target, containers, ledger, write phase,
 * flush, verification. Returns -errno when the run could not be set up
 * (an event said why); how the phases went is in sup, vr and outcome.
 * Signals must be blocked first (supervisor_block_signals).
 */
int stress_run_execute(struct stress_run *run);

/*
 * Remove the run's cgroups, and its data files or scratch filesystem unless
 * the plan's keep policy keeps them (by default: when something was lost).
 */
void stress_run_cleanup(struct stress_run *run);

/* Free what the run holds and close its run directory. */
void stress_run_free(struct stress_run *run);
