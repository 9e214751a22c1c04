// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The run and its phases, in order: the run directory, the target
 * (target.c), the containers, the ledger (run-ledger.c), the write phase
 * (the supervisor), the flush and the sealing of the ledger, verification
 * from the media; then the removal of what the run made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "flush.h"
#include "oom-score.h"
#include "run-internal.h"
#include "shared/clock.h"
#include "shared/random.h"

void run_tell(const struct stress_run *run, enum run_event ev, int error)
{
	if (run->hooks && run->hooks->event)
		run->hooks->event(run, ev, error, run->hooks->userdata);
}

void stress_run_init(struct stress_run *run)
{
	*run = (struct stress_run){ .rd = { .fd = -1 },
				    .target = { .dirfd = -1, .data_dirfd = -1 },
				    .kernel = { .reader = { .fd = -1 }, .log_fd = -1 } };
}

int stress_run_open(struct stress_run *run)
{
	int r = rundir_create(NULL, run->run_dir, &run->rd);

	if (r < 0)
		return r;
	run->seed = run->plan.seed ? run->plan.seed : mix64(run->rd.run_id);
	return 0;
}

static int prepare_containers(struct stress_run *run)
{
	int r;

	if (!run->contained)
		return 0;
	r = containers_open(&run->plan, &run->layout, run->manager, run->rd.id, &run->containers);
	if (r < 0) {
		run_tell(run, RUN_EV_CONTAINERS_FAILED, r);
		return r;
	}
	/* The supervisor stays outside every container and out of the OOM killer's reach. */
	r = oom_score_adj_set(0, OOM_SCORE_ADJ_MIN);
	if (r < 0)
		run_tell(run, RUN_EV_UNPROTECTED, r);
	run_tell(run, RUN_EV_CONTAINERS_READY, 0);
	return 0;
}

/* The kernel log excerpt in the run directory; -1 (no excerpt) when it cannot be made. */
static int open_kernel_log(struct stress_run *run)
{
	int fd = openat(run->rd.fd, KWATCH_LOG_NAME,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	return fd >= 0 ? fd : -1;
}

static void start_kernel_watch(struct stress_run *run)
{
	char marker[64];

	snprintf(marker, sizeof(marker), "poof: run %s started", run->rd.id);
	kernel_watch_start(&run->kernel, marker, run->target.path, open_kernel_log(run));
	if (!run->kernel.active)
		run_tell(run, RUN_EV_KMSG_UNWATCHED, run->kernel.open_error);
}

static int write_phase(struct stress_run *run)
{
	struct supervisor_config cfg = {
		.ledger = run->ledger,
		.plan = &run->plan,
		.data_dirfd = run->target.data_dirfd,
		.seed = run->seed,
		.kernel = &run->kernel,
		.containers = run->contained ? &run->containers : NULL,
		.sandbox = &run->sandbox,
		.progress = run->hooks ? run->hooks->progress : NULL,
		.userdata = run->hooks ? run->hooks->userdata : NULL,
	};
	int r;

	r = sandbox_run_start(&run->sandbox, &run->plan, run->ledger, run->seed);
	if (r < 0) {
		run_tell(run, RUN_EV_SANDBOX_FAILED, r);
		return r;
	}
	start_kernel_watch(run);
	run->write_start_boot_ns = now_boottime_ns();
	run_tell(run, RUN_EV_WRITE_STARTED, 0);
	run->phases.write_start = now_monotonic_ns();
	r = supervisor_run(&cfg, &run->sup);
	run->phases.write_end = now_monotonic_ns();
	sandbox_run_stop(&run->sandbox); /* no writer is left to answer */
	run_tell(run, RUN_EV_WRITE_ENDED, r);
	return r;
}

/* A hung target: syncfs or a verification read outlived io-timeout. */
static void target_hung(struct stress_run *run, enum run_hang during)
{
	run->outcome.target_hung = during;
	run->target.scratch.lazy_umount = true;
	run_tell(run, RUN_EV_TARGET_HUNG, -ETIMEDOUT);
}

/*
 * The faults the harness switched on in the target's device while the run
 * wrote and flushed: only these excuse what the device did (SPEC section 4).
 * A fault log that cannot be read excuses nothing.
 */
static void note_device_faults(struct stress_run *run)
{
	struct ledger_header *h = run->ledger->hdr;
	uint64_t now = now_boottime_ns();
	const struct device_fault_window *any, *errors;
	int r;

	if (!run->fault_log)
		return;
	r = device_faults_read(run->fault_log, &run->faults, &run->outcome.faults_error_line);
	if (r < 0) {
		run->outcome.faults_error = r;
		run_tell(run, RUN_EV_FAULT_LOG_UNREADABLE, r);
		return;
	}
	run->outcome.faults_read = true;
	any = device_faults_during(&run->faults, run->write_start_boot_ns, now, false);
	errors = device_faults_during(&run->faults, run->write_start_boot_ns, now, true);
	if (any)
		h->flags |= LEDGER_F_DEVICE_FAULT;
	if (errors)
		h->flags |= LEDGER_F_ERROR_FAULT;
	if (any) {
		run->outcome.fault_on = any->kind;
		run_tell(run, RUN_EV_DEVICE_FAULT, 0);
	}
}

static void flush_and_seal(struct stress_run *run)
{
	struct ledger_header *h = run->ledger->hdr;
	pid_t stuck;
	int r;

	run->phases.flush_start = now_monotonic_ns();
	r = flush_target(run->target.data_dirfd, run->plan.io_timeout_ns, &stuck);
	run->phases.flush_end = now_monotonic_ns();
	if (r == -ETIMEDOUT) {
		/* Not an error anyone saw: the flush did not happen. */
		h->syncfs_result = LEDGER_SYNCFS_NOT_RUN;
		run->outcome.syncfs_stuck_pid = stuck;
		target_hung(run, RUN_HUNG_SYNCFS);
	} else {
		h->syncfs_result = r;
	}
	h->interrupted = run->sup.reason == STOP_SIGNAL;
	note_device_faults(run);
	ledger_header_changed(run->ledger);
	r = ledger_seal(run->ledger, run->rd.fd);
	if (r < 0)
		run_tell(run, RUN_EV_SEAL_FAILED, r);
}

/*
 * A stop signal after the one that interrupted the run skips (or stops)
 * verification. The first one, when the run had ended on its own, only
 * marks it interrupted: the verdict is still worth having.
 */
static bool second_interrupt(void *userdata)
{
	struct stress_run *run = userdata;
	int sig;

	if (run->sup.second_signal)
		return true;
	sig = supervisor_pending_stop_signal();
	if (!sig)
		return false;
	if (run->sup.reason == STOP_SIGNAL) {
		run->sup.second_signal = sig;
		return true;
	}
	run->sup.reason = STOP_SIGNAL;
	run->sup.signal = sig;
	run_tell(run, RUN_EV_LATE_SIGNAL, 0);
	return false;
}

static void verify_done(struct stress_run *run, int r)
{
	if (r == -ECANCELED) {
		run_tell(run, RUN_EV_VERIFY_STOPPED, r);
		run->outcome.verify_skipped = true;
	} else if (r == -ETIMEDOUT) {
		target_hung(run, RUN_HUNG_READ);
		run->outcome.verify_error = r;
	} else if (r < 0) {
		run_tell(run, RUN_EV_VERIFY_FAILED, r);
		run->outcome.verify_error = r;
	} else {
		run->outcome.verified = true;
		if (run->vr.files_dropped)
			run_tell(run, RUN_EV_CACHE_DROPPED, 0);
	}
}

static void verify_phase(struct stress_run *run)
{
	struct verify_options opt = {
		.strict_errors = run->plan.strict_errors,
		.error_fault = run->ledger->hdr->flags & LEDGER_F_ERROR_FAULT,
		.max_losses = run->plan.report_losses,
		.syncfs_result = run->ledger->hdr->syncfs_result,
	};
	int r;

	/* What the kernel said about the target up to now (syncfs included) counts as reported. */
	kernel_watch_drain(&run->kernel);
	opt.kernel_reported = run->kernel.target_error;
	opt.io_timeout_ns = run->plan.io_timeout_ns;
	if (run->outcome.target_hung != RUN_TARGET_ANSWERED)
		return;
	opt.stop_requested = second_interrupt;
	opt.userdata = run;
	if (second_interrupt(run)) {
		run->outcome.verify_skipped = true;
		return;
	}
	if (run->target.have_scratch && run->plan.remount) {
		r = run_remount_scratch(run);
		if (r < 0) {
			run->outcome.verify_error = r;
			return;
		}
		opt.remounted = true;
	}
	run_tell(run, RUN_EV_VERIFYING, 0);
	run->phases.verify_start = now_monotonic_ns();
	r = verify_run(run->ledger, run->target.dirfd, run->target.data_name, &opt, &run->vr);
	run->phases.verify_end = now_monotonic_ns();
	verify_done(run, r);
}

/* The last look at the kernel log and the containers' counters, while their cgroups exist. */
static void last_look(struct stress_run *run)
{
	kernel_watch_stop(&run->kernel);
	if (run->containers.run && run->containers.n)
		containers_read_events(&run->containers);
}

int stress_run_execute(struct stress_run *run)
{
	int r;

	r = run_prepare_target(run);
	if (r >= 0)
		r = prepare_containers(run);
	if (r >= 0)
		r = run_prepare_ledger(run);
	if (r >= 0)
		r = write_phase(run);
	if (r >= 0) {
		flush_and_seal(run);
		verify_phase(run);
	}
	last_look(run);
	return r;
}

static bool losses_found(const struct stress_run *run)
{
	const struct verify_result *v = &run->vr;

	return !run->outcome.verified ||
	       v->blocks > v->counts[CLASS_OK] + v->counts[CLASS_IN_FLIGHT];
}

static bool keep_data(const struct stress_run *run)
{
	switch (run->plan.keep) {
	case KEEP_ALWAYS:
		return true;
	case KEEP_NEVER:
		return false;
	default:
		return losses_found(run);
	}
}

void stress_run_cleanup(struct stress_run *run)
{
	if (run->containers.run) {
		int k = containers_close(&run->containers,
					 now_monotonic_ns() + run->plan.stop_timeout_ns);

		if (k < 0)
			run_tell(run, RUN_EV_CGROUPS_LEFT, k);
	}
	run_remove_target(run, run->ledger && keep_data(run));
}

void stress_run_free(struct stress_run *run)
{
	verify_result_free(&run->vr);
	timeline_free(&run->sup.timeline);
	event_log_free(&run->sup.events);
	kernel_watch_free(&run->kernel);
	sandbox_run_free(&run->sandbox);
	if (run->ledger)
		ledger_free(run->ledger);
	run->ledger = NULL;
	rundir_close(&run->rd);
}
