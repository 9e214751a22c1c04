/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Everything one run (or one re-verification) found, gathered for the
 * report formats: one file per format (json.c, summary.c), all reading this
 * struct. report_decide() turns it into the verdict and the exit code of
 * SPEC section 7.
 */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroups/events.h"
#include "profiles/profile.h"
#include "judge/device-faults.h"
#include "watch/kernel-watch.h"
#include "judge/ledger.h"
#include "stress/sandbox-run.h"
#include "stress/run.h"
#include "stress/supervisor.h"
#include "judge/verify.h"
#include "reports/jsonget.h"

#define REPORT_SCHEMA_VERSION 1
#define REPORT_FILE_NAME "report.json"
#define VERIFY_REPORT_FILE_NAME "verify.json" /* poof verify's, beside the run's */

enum exit_code {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_HANG = 2,
	EXIT_KERNEL = 3,
	EXIT_INEFFECTIVE = 4,
	EXIT_USAGE = 64,
	EXIT_DAMAGED = 65, /* a ledger or report that fails its checks, what is wrong named */
	EXIT_UNSUPPORTED = 69,
	EXIT_INTERNAL = 70,
	EXIT_INTERRUPTED = 130, /* a second SIGINT skipped verification: no verdict */
};

/* One container's result, copied out before its cgroup is removed. */
struct report_container {
	char name[80];
	char path[512];
	uint64_t memory_max;		/* PLAN_UNLIMITED for none */
	struct cg_memory_events events; /* memory.events deltas over the run */
	bool under_oom;			/* v1: sat at its limit, unable to kill */
	bool psi_known;			/* memory.pressure exists (cgroup v2) */
	uint64_t psi_some_us;		/* memory stall time over the run: some tasks */
	uint64_t psi_full_us;		/* ... all non-idle tasks */
	uint64_t psi_episodes;		/* stall episodes (>= 100 ms within 1 s) */
	struct psi_totals psi_start;	/* memory.pressure totals before the first sample */
	uint64_t memory_high;		/* PLAN_UNLIMITED for none */
	char memcg[512]; /* its cgroup as the kernel log names it (below the hierarchy's root) */
};

/* What of the run's I/O on the target outlived io-timeout. */
enum target_hang {
	TARGET_ANSWERED,    /* nothing: the target answered */
	TARGET_HUNG_SYNCFS, /* poof's final syncfs: verification skipped */
	TARGET_HUNG_READ,   /* a verification read: verification stopped */
};

/* As the report and the summary say it: "syncfs", "a verification read". */
const char *target_hang_name(enum target_hang h);

struct report {
	const char *command;	 /* "stress" or "verify" */
	const struct plan *plan; /* NULL for verify */
	const struct ledger *ledger;
	const struct supervisor_result *supervisor; /* NULL for verify */
	const struct verify_result *verify;	    /* NULL when verification did not run */
	const struct kernel_watch *kernel_watch; /* what the kernel logged; NULL if not watched */
	int verify_error;			 /* -errno when it could not run */
	bool verify_skipped;			 /* a second signal skipped it */
	enum target_hang target_hung;		 /* what outlived io-timeout, or TARGET_ANSWERED */
	uint64_t io_timeout_ns;			 /* with target_hung */
	int syncfs_stuck_pid;			 /* the child left inside syncfs(), or 0 */
	char run_id[32];
	const char *run_dir;
	bool strict_errors;	  /* -o strict-errors: lost-reported fails even when excused */
	const char *target;	  /* --dir, or the scratch mountpoint */
	const char *data_dir;	  /* target/poof-<id> */
	const char *scratch_fs;	  /* NULL when --dir */
	const char *scratch_kept; /* image path when kept, else NULL */
	bool unsealed_ledger;	  /* verify used ledger.live of an interrupted run */
	bool interrupted;
	bool rundir_shares_target;
	const char *cgroup_manager;	/* NULL when processes ran uncontained */
	const char *cgroup_path;	/* the run's group */
	const char *cgroup_unit;	/* systemd: the run's scope, else NULL */
	const char *cgroup_unit_cgroup; /* systemd: the scope's ControlGroup */
	bool cgroup_delegated;		/* systemd: the scope's Delegate property */
	const struct report_container *containers;
	unsigned ncontainers;
	unsigned watch_lacking; /* enum cg_watch bits the run's containers lacked */
	uint64_t started_ns;	/* CLOCK_REALTIME */
	uint64_t elapsed_ns;
	/*
	 * The fault log the run read (stress --fault-log), NULL without one;
	 * what it meant for the verdict is in the ledger's flags.
	 */
	const struct device_faults *faults;
	int faults_error;	      /* -errno: the fault log could not be read */
	unsigned faults_error_line;   /* ... and its bad line, when malformed */
	uint64_t write_start_boot_ns; /* CLOCK_BOOTTIME at the write phase's start */
	/* poof stress: the hogs' sandbox slots and injection's log; NULL for verify. */
	const struct sandbox_run *sandbox;
	const char *const *overrides; /* the -o KEY=VALUE the plan was made with */
	unsigned noverrides;
	const struct run_phases *phases; /* when each phase ran; NULL for verify */
	/* The reports the command writes: its file in the run directory, and those asked for. */
	const char *file_name;				/* REPORT_FILE_NAME or VERIFY_... */
	const char *json_path;				/* --json, or NULL */
	const char *html_path, *junit_path, *ktap_path; /* --html, --junit, --ktap, or NULL */
	/* Filled by report_decide(). */
	int exit_code;
	bool fail, hang, kernel, ineffective;
	bool fs_failed; /* the filesystem under test logged errors, aborted or shut down */
	bool cut_off;	/* the writers were stopped by errors, or the filesystem gave up */
	/* Calls outside a worker's allow-list: an internal error. */
	uint32_t violations;
	/* The notification thread of error injection stopped early: an internal error. */
	bool inject_failed;
};

/* What a run without watch bit number i (enum cg_watch) did instead, in a few words. */
const char *report_watch_instead(unsigned i);

/* Did a fault the run switched on make its device fail (any fault)? */
bool report_device_fault(const struct report *r);
/* ... a fault that reports errors, so that it excuses lost-reported blocks? */
bool report_error_fault(const struct report *r);

/* Set exit_code and the failure flags from what the report holds. */
void report_decide(struct report *r);
const char *report_verdict_name(int exit_code);

/* "found generation 4", "found zeros", ...: what stood where a lost block should be. */
void report_describe_found(const struct report *r, const struct verify_loss *l, char *buf,
			   unsigned len);

/* The writers that were stopped by an error: how many, when, and with which errno. */
#define REPORT_STOP_ERRORS 4
struct report_stopped {
	uint32_t writers;
	uint64_t first_ns, last_ns; /* since the write phase started */
	struct {
		int error; /* -errno */
		uint32_t writers;
	} errors[REPORT_STOP_ERRORS]; /* the most frequent first; others are not listed */
	unsigned nerrors;
};
void report_stopped_writers(const struct report *r, struct report_stopped *ret);

/* sandbox.c: the workers' sandbox, counted, printed and in JSON. */
struct json_object;
uint32_t report_count_violations(const struct report *r);
void report_sandbox_print(const struct report *r, FILE *out);
struct json_object *report_sandbox_json(const struct report *r);

/* inject.c: error injection, printed and in JSON. */
bool report_injects(const struct report *r);
uint64_t report_injected(const struct report *r);
bool report_inject_failed(const struct report *r);
void report_inject_print(const struct report *r, FILE *out);
struct json_object *report_inject_json(const struct report *r);

/*
 * The report as one JSON document (schema in poof-report(5)): written with
 * report_json_save(), and handed as it is to the renderers (render.h) and
 * the summary's next step, so that every format says the same. NULL when
 * out of memory; json_object_put() it.
 */
json_object *report_json_new(const struct report *r);
/* Write doc atomically to dirfd/name (AT_FDCWD: name is a path). 0 or -errno. */
int report_json_save(json_object *doc, int dirfd, const char *name);

/* The summary a person reads in ten seconds; doc (may be NULL) words the next step. */
void report_summary_print(const struct report *r, json_object *doc, FILE *out);
