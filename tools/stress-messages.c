// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What poof stress says while a run goes: one function per event of the
 * run, found through a table, and the progress line on stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/systemd.h"
#include "common.h"
#include "reports/report.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "stress-messages.h"

typedef void say_fn(const struct stress_run *run, int error);

enum target_hang stress_target_hang(enum run_hang h)
{
	static const enum target_hang map[] = {
		[RUN_TARGET_ANSWERED] = TARGET_ANSWERED,
		[RUN_HUNG_SYNCFS] = TARGET_HUNG_SYNCFS,
		[RUN_HUNG_READ] = TARGET_HUNG_READ,
	};

	return map[h];
}

/* What systemd said about the last failure of the systemd manager, or NULL. */
static const char *systemd_words(const struct stress_run *run)
{
	const char *m = cg_systemd_last_message();

	return run->manager == CG_MANAGER_SYSTEMD && m[0] ? m : NULL;
}

static void say_scratch_making(const struct stress_run *run, int error _unused_)
{
	log_info("making a %s scratch filesystem of %llu MiB",
		 scratch_fs_name(run->plan.scratch_fs),
		 (unsigned long long)(run->target.scratch_size >> 20));
}

/* A path poof makes that something already stands at: a planted symlink, or anything else. */
static void say_taken(const char *path, int r)
{
	if (r == -ELOOP)
		log_error("%s is a symbolic link where poof makes a path of its own: refused, "
			  "poof follows no link there.\n  Fix: remove it and run again.",
			  path);
	else
		log_error("%s already exists, where poof makes a path of its own: refused.\n"
			  "  Fix: remove it and run again.",
			  path);
}

static void say_scratch_failed(const struct stress_run *run, int r)
{
	const struct scratch *s = &run->target.scratch;

	if ((r == -ELOOP || r == -EEXIST) && scratch_failed_path(s)) {
		say_taken(scratch_failed_path(s), r);
		return;
	}
	log_error("cannot make the scratch filesystem %s (%s): %s%s%s", s->image,
		  scratch_fs_name(run->plan.scratch_fs), strerror(-r),
		  r == -EIO ? "; mkfs output is in " : "", r == -EIO ? s->log : "");
}

static void say_data_dir_failed(const struct stress_run *run, int r)
{
	if (r == -ELOOP || r == -EEXIST)
		say_taken(run->target.data_dir, r);
	else
		log_error("cannot create %s: %s", run->target.data_dir, strerror(-r));
}

static void say_file_size_failed(const struct stress_run *run, int error _unused_)
{
	log_profile_error(&run->target.sizing);
}

static void say_rundir_on_target(const struct stress_run *run, int error _unused_)
{
	log_warn("the run directory %s is on the filesystem under test: the ledger shares the "
		 "fate of the data it judges; use --run-dir elsewhere",
		 run->rd.path);
}

static void say_containers_failed(const struct stress_run *run, int r)
{
	/* Before the generic messages: systemd's own words say more than the errno. */
	if (systemd_words(run))
		log_error("cannot create the run's scope (manager systemd): %s",
			  systemd_words(run));
	else if (r == -EBUSY)
		log_error("cannot enable the memory controller below poof's own cgroup: other "
			  "processes share it.\n  Fix: start poof in a cgroup of its own, e.g. "
			  "systemd-run --scope -p Delegate=yes poof ...");
	else if (r == -EACCES || r == -EPERM || r == -EROFS)
		log_error("no permission to create cgroups below %s (manager %s): %s.\n  Fix: run "
			  "poof as root with write access to the cgroup filesystem, or delegate "
			  "a subtree to it (systemd-run --scope -p Delegate=yes poof ...).",
			  run->manager == CG_MANAGER_V1 ? run->layout.v1_memory_mount :
							  run->layout.v2_mount,
			  cg_manager_name(run->manager), strerror(-r));
	else
		log_error("cannot create the run's cgroups (manager %s): %s",
			  cg_manager_name(run->manager), strerror(-r));
}

static void say_unprotected(const struct stress_run *run _unused_, int r)
{
	log_warn("cannot set poof's own oom_score_adj to -1000 (%s; lowering it needs "
		 "CAP_SYS_RESOURCE): the OOM killer may choose the supervisor",
		 strerror(-r));
}

static void say_containers_ready(const struct stress_run *run, int error _unused_)
{
	const struct cg_run *cg = run->containers.run;

	log_info("containers: %u, manager %s, below %s", run->containers.n,
		 cg_manager_name(run->manager), cg_run_path(cg));
	if (cg_run_unit(cg))
		log_info("systemd scope %s (Delegate=%s)", cg_run_unit(cg),
			 cg_run_delegated(cg) ? "yes" : "no");
}

static void say_ledger_failed(const struct stress_run *run, int r)
{
	log_error("cannot create the ledger %s/%s: %s", run->rd.path, LEDGER_LIVE_NAME,
		  strerror(-r));
}

static void say_sandbox_failed(const struct stress_run *run _unused_, int r)
{
	log_error("cannot prepare the workers' sandbox: %s", strerror(-r));
}

static void say_ledger_unlocked(const struct stress_run *run, int error _unused_)
{
	log_warn("could not mlock the ledger (%zu bytes); it stays in shared memory owned by poof",
		 run->ledger->size);
}

static void say_ledger_path_too_long(const struct stress_run *run, int error _unused_)
{
	log_error("the path %s is too long for the ledger (at most %d bytes)", run->target.data_dir,
		  LEDGER_PATH_MAX - 1);
}

static void say_kmsg_unwatched(const struct stress_run *run _unused_, int r)
{
	log_warn("the kernel log is not watched (/dev/kmsg: %s): kernel failures cannot be seen",
		 strerror(-r));
}

static void say_write_started(const struct stress_run *run, int error _unused_)
{
	log_notice("run %s: profile %s, %u writers, target %s", run->rd.id, run->plan.profile,
		   run->ledger->hdr->nwriters, run->target.data_dir);
}

static void say_write_ended(const struct stress_run *run, int r)
{
	if (r < 0)
		log_error("write phase failed: %s", strerror(-r));
	if (run->sup.reason == STOP_SIGNAL)
		log_notice("stopped by %s: flushing and verifying what was written",
			   sigabbrev_np(run->sup.signal));
}

static void say_target_hung(const struct stress_run *run, int error _unused_)
{
	enum run_hang during = run->outcome.target_hung;
	char t[32];

	format_duration(run->plan.io_timeout_ns, t, sizeof(t));
	log_error("HANG: %s of %s did not return within io-timeout %s: the target stopped "
		  "answering. Verification %s; once the device answers again: poof verify %s",
		  target_hang_name(stress_target_hang(during)), run->target.path, t,
		  during == RUN_HUNG_SYNCFS ? "skipped" : "stopped", run->rd.path);
}

static void say_fault_log_unreadable(const struct stress_run *run, int r)
{
	log_warn("cannot read the fault log %s (%s%s): no device fault excuses anything",
		 run->fault_log, strerror(-r),
		 run->outcome.faults_error_line ? ", a malformed line" : "");
}

static void say_device_fault(const struct stress_run *run, int error _unused_)
{
	log_info("device fault %s was on during the run", device_fault_name(run->outcome.fault_on));
}

static void say_seal_failed(const struct stress_run *run, int r)
{
	log_warn("cannot seal the ledger as %s/%s (%s); %s stays and poof verify uses it",
		 run->rd.path, LEDGER_FILE_NAME, strerror(-r), LEDGER_LIVE_NAME);
}

static void say_remount_failed(const struct stress_run *run, int r)
{
	log_error("cannot remount the scratch filesystem %s: %s", run->target.scratch.mountpoint,
		  strerror(-r));
}

static void say_late_signal(const struct stress_run *run, int error _unused_)
{
	log_notice("%s: verifying what was written; another one skips verification",
		   sigabbrev_np(run->sup.signal));
}

static void say_verifying(const struct stress_run *run, int error _unused_)
{
	log_notice("verifying %llu blocks from the media",
		   (unsigned long long)run->ledger->hdr->nblocks);
}

static void say_verify_stopped(const struct stress_run *run _unused_, int error _unused_)
{
	log_notice("verification stopped by a second interrupt");
}

static void say_verify_failed(const struct stress_run *run, int r)
{
	log_error("cannot verify %s: %s", run->target.data_dir, strerror(-r));
}

static void say_cache_dropped(const struct stress_run *run, int error _unused_)
{
	log_warn("O_DIRECT was refused for %u files: their cached pages were dropped before "
		 "reading",
		 run->vr.files_dropped);
}

static void say_data_dir_left(const struct stress_run *run, int r)
{
	log_warn("cannot remove %s: %s", run->target.data_dir, strerror(-r));
}

static void say_cgroups_left(const struct stress_run *run, int r)
{
	/* systemd's own words first: its job may also have timed out. */
	const char *why = systemd_words(run);

	if (r == -ETIMEDOUT && !why)
		log_warn("could not remove every cgroup of the run: processes were still in them "
			 "after stop-timeout; poof cleanup finds what is left");
	else
		log_warn("could not remove every cgroup of the run (%s); poof cleanup finds what "
			 "is left",
			 why ? why : strerror(-r));
}

static void say_scratch_left(const struct stress_run *run, int r)
{
	log_warn("cannot remove the scratch filesystem at %s: %s", run->target.scratch.mountpoint,
		 strerror(-r));
}

static say_fn *const sayers[_RUN_EV_MAX] = {
	[RUN_EV_SCRATCH_MAKING] = say_scratch_making,
	[RUN_EV_SCRATCH_FAILED] = say_scratch_failed,
	[RUN_EV_DATA_DIR_FAILED] = say_data_dir_failed,
	[RUN_EV_FILE_SIZE_FAILED] = say_file_size_failed,
	[RUN_EV_RUNDIR_ON_TARGET] = say_rundir_on_target,
	[RUN_EV_CONTAINERS_FAILED] = say_containers_failed,
	[RUN_EV_UNPROTECTED] = say_unprotected,
	[RUN_EV_CONTAINERS_READY] = say_containers_ready,
	[RUN_EV_LEDGER_FAILED] = say_ledger_failed,
	[RUN_EV_LEDGER_UNLOCKED] = say_ledger_unlocked,
	[RUN_EV_LEDGER_PATH_TOO_LONG] = say_ledger_path_too_long,
	[RUN_EV_KMSG_UNWATCHED] = say_kmsg_unwatched,
	[RUN_EV_SANDBOX_FAILED] = say_sandbox_failed,
	[RUN_EV_WRITE_STARTED] = say_write_started,
	[RUN_EV_WRITE_ENDED] = say_write_ended,
	[RUN_EV_TARGET_HUNG] = say_target_hung,
	[RUN_EV_FAULT_LOG_UNREADABLE] = say_fault_log_unreadable,
	[RUN_EV_DEVICE_FAULT] = say_device_fault,
	[RUN_EV_SEAL_FAILED] = say_seal_failed,
	[RUN_EV_REMOUNT_FAILED] = say_remount_failed,
	[RUN_EV_LATE_SIGNAL] = say_late_signal,
	[RUN_EV_VERIFYING] = say_verifying,
	[RUN_EV_VERIFY_STOPPED] = say_verify_stopped,
	[RUN_EV_VERIFY_FAILED] = say_verify_failed,
	[RUN_EV_CACHE_DROPPED] = say_cache_dropped,
	[RUN_EV_DATA_DIR_LEFT] = say_data_dir_left,
	[RUN_EV_CGROUPS_LEFT] = say_cgroups_left,
	[RUN_EV_SCRATCH_LEFT] = say_scratch_left,
};

void stress_say_event(const struct stress_run *run, enum run_event ev, int error, void *userdata)
{
	struct stress_messages *m = userdata;

	/* The progress line ends before anything is said about how the write phase ended. */
	if (ev == RUN_EV_WRITE_ENDED && m->progress_line) {
		fputc('\n', stderr);
		m->progress_line = false;
	}
	if ((unsigned)ev < ARRAY_SIZE(sayers) && sayers[ev])
		sayers[ev](run, error);
}

/* memory.current/max of the first containers, from the newest sample. */
static void print_memory(const struct stress_run *run, const struct timeline *t)
{
	if (!t || !t->nsamples || !run->contained)
		return;
	for (unsigned i = 0; i < MIN(t->ncontainers, 3u); i++) {
		const struct container_sample *c =
			&t->c[(size_t)(t->nsamples - 1) * t->ncontainers + i];
		uint64_t max = run->plan.containers[run->containers.c[i].spec].memory_max;
		char cur[16], lim[16];

		if (c->current == UINT64_MAX)
			continue;
		fprintf(stderr, ", %s %s/%s", run->containers.c[i].name,
			format_size(c->current, cur, sizeof(cur)),
			max == PLAN_UNLIMITED ? "max" : format_size(max, lim, sizeof(lim)));
	}
}

void stress_say_progress(const struct supervisor_status *st, void *userdata)
{
	struct stress_messages *m = userdata;
	char el[32], du[32], sz[32];
	static uint64_t last_line_ns;

	if (m->quiet)
		return;
	format_duration(st->elapsed_ns, el, sizeof(el));
	format_duration(st->duration_ns, du, sizeof(du));
	format_size(st->bytes, sz, sizeof(sz));
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\r\033[K[%s/%s] written %s, %u OOM kills, %u stalls, %u deaths",
			el, du, sz, (unsigned)st->oom_kills, st->stalls, st->deaths);
		print_memory(m->run, st->timeline);
		m->progress_line = true;
		return;
	}
	/* Plain lines for logs, every 10 s. */
	if (st->elapsed_ns - last_line_ns < 10 * NSEC_PER_SEC && last_line_ns)
		return;
	last_line_ns = st->elapsed_ns;
	fprintf(stderr, "poof: [%s/%s] written %s, %u writer deaths, %u respawns\n", el, du, sz,
		st->deaths, st->respawns);
}
