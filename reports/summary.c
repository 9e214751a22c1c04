// SPDX-License-Identifier: LGPL-2.1-or-later
/* The summary a person reads in ten seconds, at the end of a run. */
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "report.h"
#include "shared/macro.h"
#include "shared/parse.h"

#define SUMMARY_LOSSES 5

/* The filesystem under test shut down: why a read of it failed. */
static bool fs_shut_down(const struct report *r)
{
	return r->kernel_watch && r->kernel_watch->fs.shut_down;
}

void report_describe_found(const struct report *r, const struct verify_loss *l, char *buf,
			   unsigned len)
{
	const struct block_found *f = &l->found;

	switch (f->kind) {
	case FOUND_BLOCK:
		if (f->id.file_id == l->file_id && f->id.index == l->index)
			snprintf(buf, len, "found generation %u", f->id.generation);
		else
			snprintf(buf, len, "found block %llu of file %u (generation %u)",
				 (unsigned long long)f->id.index, f->id.file_id, f->id.generation);
		return;
	case FOUND_TORN:
		snprintf(buf, len, "found generation %u torn at byte %llu", f->id.generation,
			 (unsigned long long)l->mismatch_offset);
		return;
	case FOUND_CORRUPT:
		snprintf(buf, len, "found garbage (no valid header)");
		return;
	case FOUND_ZEROS:
		snprintf(buf, len, "found zeros");
		return;
	case FOUND_HOLE:
		snprintf(buf, len, "found a hole");
		return;
	case FOUND_SHORT:
		snprintf(buf, len, "found the file too short");
		return;
	case FOUND_MISSING:
		snprintf(buf, len, "found the file missing");
		return;
	case FOUND_UNREADABLE:
		snprintf(buf, len, "found it unreadable%s (%s)",
			 fs_shut_down(r) ? ": filesystem shut down" : "",
			 f->error ? strerrorname_np(-f->error) : "an error");
		return;
	}
	snprintf(buf, len, "found something unknown");
}

static void print_classes(const struct verify_result *v, FILE *out)
{
	fprintf(out, "   ");
	for (unsigned c = 0; c < _CLASS_MAX; c++)
		fprintf(out, " %s %llu%s", verdict_class_name(c), (unsigned long long)v->counts[c],
			c + 1 < _CLASS_MAX ? "," : "\n");
}

static void print_losses(const struct report *r, FILE *out)
{
	const struct verify_result *v = r->verify;
	unsigned n = MIN(v->nlosses, (unsigned)SUMMARY_LOSSES);
	uint64_t total = v->blocks - v->counts[CLASS_OK] - v->counts[CLASS_IN_FLIGHT];

	if (n == 0)
		return;
	fprintf(out, "  first losses:\n");
	for (unsigned i = 0; i < n; i++) {
		const struct verify_loss *l = &v->losses[i];
		char found[128];

		report_describe_found(r, l, found, sizeof(found));
		fprintf(out, "    %s block %llu (offset %llu): %s, expected generation %u, %s\n",
			l->file, (unsigned long long)l->index, (unsigned long long)l->offset,
			verdict_class_name(l->cls), l->expected_gen, found);
	}
	if (total > n)
		fprintf(out, "    ... and %llu more (all listed up to report-losses in %s/%s)\n",
			(unsigned long long)(total - n), r->run_dir,
			r->file_name ? r->file_name : REPORT_FILE_NAME);
}

static const char *method_text(const struct verify_result *v)
{
	switch (v->method) {
	case READ_REMOUNTED:
		return "remounted, O_DIRECT";
	case READ_DROPPED:
		return "O_DIRECT refused for some files: their cached pages were dropped first";
	default:
		return "O_DIRECT";
	}
}

/* The first lines of a kernel stack: where the task sleeps. */
static void print_stack(const char *stack, FILE *out)
{
	const char *p = stack;

	for (unsigned line = 0; *p && line < 4; line++) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "      %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void print_snapshots(const char *what, uint32_t count, const struct writer_snapshot *s,
			    unsigned n, FILE *out)
{
	if (!count)
		return;
	fprintf(out, "  HANG: %u writer%s %s\n", count, count == 1 ? "" : "s", what);
	for (unsigned i = 0; i < MIN(n, 3u); i++) {
		fprintf(out, "    writer %u (pid %d, %s) silent %.1fs, state %c, in %s\n",
			s[i].writer_id, s[i].task.pid, s[i].task.comm,
			(double)s[i].silent_ns / NSEC_PER_SEC, s[i].task.state,
			s[i].task.wchan[0] ? s[i].task.wchan : "?");
		print_stack(s[i].task.stack, out);
	}
}

/* What an errno that stopped writers says about the filesystem. */
static const char *stop_error_meaning(int error)
{
	switch (-error) {
	case EROFS:
		return " (the filesystem went read-only)";
	case EIO:
		return " (the device or the filesystem failed)";
	case ENOSPC:
		return " (the filesystem is full)";
	default:
		return "";
	}
}

/* "4 of 4 writers stopped by errors at 2.1s of 20s: EROFS 4 (the filesystem went read-only)". */
static void print_stopped_writers(const struct report *r, FILE *out)
{
	struct report_stopped st;
	char first[32], last[32], dur[32];

	report_stopped_writers(r, &st);
	if (!st.writers)
		return;
	format_duration(st.first_ns, first, sizeof(first));
	format_duration(st.last_ns, last, sizeof(last));
	format_duration(r->plan ? r->plan->duration_ns : 0, dur, sizeof(dur));
	fprintf(out, "  %u of %u writer%s stopped by errors ", st.writers, r->ledger->hdr->nwriters,
		r->ledger->hdr->nwriters == 1 ? "" : "s");
	if (streq(first, last))
		fprintf(out, "at %s", first);
	else
		fprintf(out, "from %s to %s", first, last);
	fprintf(out, " of the %s run:", dur);
	for (unsigned i = 0; i < st.nerrors; i++)
		fprintf(out, "%s %s %u%s", i ? "," : "", strerrorname_np(-st.errors[i].error),
			st.errors[i].writers, stop_error_meaning(st.errors[i].error));
	fprintf(out, "\n");
}

static void print_write_phase(const struct report *r, FILE *out)
{
	const struct supervisor_status *st = &r->supervisor->status;
	char size[32], dur[32];

	fprintf(out, "  wrote %s in %s", format_size(st->bytes, size, sizeof(size)),
		format_duration(st->elapsed_ns, dur, sizeof(dur)));
	if (st->deaths && st->respawns == st->deaths)
		fprintf(out, "; %u writer deaths, all respawned", st->deaths);
	else if (st->deaths)
		fprintf(out, "; %u writer deaths, %u respawned", st->deaths, st->respawns);
	if (r->supervisor->unreaped)
		fprintf(out, "; %u writers could not be killed", r->supervisor->unreaped);
	fprintf(out, "\n");
	if (st->respawns_deferred || st->respawns_refused)
		fprintf(out,
			"  respawns held back: %u waited (young deaths, start limit or poof's "
			"own budget), %u still waiting at the stop\n",
			st->respawns_deferred, st->respawns_refused);
	print_stopped_writers(r, out);
	print_snapshots("stalled", r->supervisor->stalls, r->supervisor->stalled,
			r->supervisor->nstalled, out);
	print_snapshots("unkillable", r->supervisor->unreaped, r->supervisor->unkillable,
			r->supervisor->nunkillable, out);
	if (r->supervisor->late_ticks)
		fprintf(out,
			"  poof's own timer ran late %u times (up to %.1fs): the machine stalled\n",
			r->supervisor->late_ticks,
			(double)r->supervisor->max_lateness_ns / NSEC_PER_SEC);
}

static void print_syncfs(const struct report *r, FILE *out)
{
	int s = r->ledger ? r->ledger->hdr->syncfs_result : LEDGER_SYNCFS_NOT_RUN;

	if (r->target_hung == TARGET_HUNG_SYNCFS)
		fprintf(out,
			"  syncfs: did not return within io-timeout %.0fs: the target is hung%s\n",
			(double)r->io_timeout_ns / NSEC_PER_SEC,
			r->syncfs_stuck_pid ? " (its process is left waiting on the device)" : "");
	else if (s == LEDGER_SYNCFS_NOT_RUN)
		fprintf(out, "  syncfs: not run\n");
	else if (s < 0)
		fprintf(out, "  syncfs: failed with %s: losses count as reported\n",
			strerrorname_np(-s));
}

/* The name of the run's fault (one that reports errors, if errors_only), from its fault log. */
static const char *fault_name(const struct report *r, bool errors_only, const char *unknown)
{
	const struct device_fault_window *w = r->faults ?
						      device_faults_during(r->faults, 0, UINT64_MAX,
									   errors_only) :
						      NULL;

	return w ? device_fault_name(w->kind) : unknown;
}

/* Why lost-reported blocks pass or fail this run (SPEC section 4). */
static void print_reported_excuse(const struct report *r, FILE *out)
{
	unsigned long long n = r->verify->counts[CLASS_LOST_REPORTED];

	if (!n)
		return;
	if (!report_error_fault(r) && report_device_fault(r))
		fprintf(out,
			"  lost-reported %llu: not excused: the run's own device fault (%s) does "
			"not fail writes with errors, so it cannot excuse them (only poof vm "
			"--fault error-writes does)\n",
			n, fault_name(r, false, "a silent one"));
	else if (!report_error_fault(r))
		fprintf(out,
			"  lost-reported %llu: not excused: no device fault of this run explains "
			"the errors (only poof vm --fault error-writes does); an allocation "
			"failure, an injected error or a device failing by itself must not lose "
			"acknowledged writes\n",
			n);
	else if (r->strict_errors)
		fprintf(out,
			"  lost-reported %llu: failed by strict-errors, although the run's own "
			"device fault (%s) explains them\n",
			n, fault_name(r, true, "error-writes"));
	else
		fprintf(out,
			"  lost-reported %llu: excused: the run's own device fault (%s) explains "
			"them; -o strict-errors=yes fails them\n",
			n, fault_name(r, true, "error-writes"));
}

static void print_verify(const struct report *r, FILE *out)
{
	const struct verify_result *v = r->verify;
	char size[32], dur[32];

	if (!v) {
		if (r->verify_skipped)
			fprintf(out, "  verification skipped (second interrupt)\n");
		else if (r->target_hung != TARGET_ANSWERED)
			fprintf(out, "  verification %s: the target stopped answering\n",
				r->target_hung == TARGET_HUNG_SYNCFS ? "skipped" : "stopped");
		else if (r->verify_error)
			fprintf(out, "  verification could not run: %s\n",
				strerror(-r->verify_error));
		return;
	}
	fprintf(out, "  verified %llu blocks (%s) from the media in %s, %s\n",
		(unsigned long long)v->blocks, format_size(v->bytes_read, size, sizeof(size)),
		format_duration(v->elapsed_ns, dur, sizeof(dur)), method_text(v));
	if (v->files_missing)
		fprintf(out, "  %u of %u files are missing\n", v->files_missing, v->files);
	if (v->dir_error)
		fprintf(out, "  the data directory could not be opened (%s)%s\n",
			strerrorname_np(-v->dir_error),
			fs_shut_down(r) ? ": the filesystem shut down" : "");
	else if (v->files_unopenable)
		fprintf(out, "  %u of %u files could not be opened (%s, %s): %s\n",
			v->files_unopenable, v->files, strerrorname_np(-v->first_open_error),
			strerror(-v->first_open_error),
			fs_shut_down(r) ? "the filesystem shut down" :
					  "the filesystem's metadata for them is damaged");
	if (v->unreadable)
		fprintf(out, "  %llu blocks could not be read back%s\n",
			(unsigned long long)v->unreadable,
			fs_shut_down(r) ? ": the filesystem shut down" : "");
	print_classes(v, out);
	print_reported_excuse(r, out);
	print_losses(r, out);
}

static double usec_s(uint64_t usec)
{
	return (double)usec / 1e6;
}

/* The filesystem under test complaining of itself: KERNEL, unless the run broke its device. */
static void print_fs_trouble(const struct report *r, FILE *out)
{
	const struct kernel_watch *k = r->kernel_watch;
	const struct kernel_fs_trouble *fs = &k->fs;
	const char *dev = k->device[0] ? k->device : "an unknown device";

	if (!r->fs_failed)
		return;
	if (report_device_fault(r))
		fprintf(out,
			"  the filesystem under test (on %s) logged errors from %.1fs, explained by "
			"the run's own device fault; first: %s\n",
			dev, usec_s(fs->first_usec), fs->first);
	else
		fprintf(out, "  KERNEL: the filesystem under test (on %s) gave up at %.1fs: %s\n",
			dev, usec_s(fs->first_usec), fs->first);
	if (fs->shut_down && !streq(fs->shut_down_line, fs->first))
		fprintf(out, "    and stopped at %.1fs: %s\n", usec_s(fs->shut_down_usec),
			fs->shut_down_line);
}

static void print_kernel(const struct report *r, FILE *out)
{
	const struct kernel_watch *k = r->kernel_watch;

	if (k->open_error) {
		fprintf(out, "  kernel log: not watched (%s)\n", strerror(-k->open_error));
		return;
	}
	for (unsigned e = 1; e < _KMSG_EVENT_MAX; e++) {
		if (!k->counts[e] || e == KMSG_OOM_KILL)
			continue;
		fprintf(out, "  kernel: %llu %s line%s%s, first: %s\n",
			(unsigned long long)k->counts[e], kmsg_event_name(e),
			k->counts[e] == 1 ? "" : "s",
			kmsg_event_is_kernel_failure(e) ? " (KERNEL)" : "", k->first[e]);
	}
	if (k->target_error)
		fprintf(out, "  kernel: I/O errors were logged for %s: losses count as reported\n",
			k->device[0] ? k->device : "a device (the target's is unknown)");
	print_fs_trouble(r, out);
	if (k->taint_known && k->taint_after != k->taint_before)
		fprintf(out, "  kernel: taint changed from %llu to %llu%s\n",
			(unsigned long long)k->taint_before, (unsigned long long)k->taint_after,
			(k->taint_after & ~k->taint_before) ? " (KERNEL)" : "");
	if (k->reader.lost)
		fprintf(out, "  kernel: %llu log records were overwritten before poof read them\n",
			(unsigned long long)k->reader.lost);
}

/* An expected OOM kill that never came because the run was stopped first. */
static void print_cut_off(const struct report *r, FILE *out)
{
	struct report_stopped st;
	char at[32];

	if (!r->cut_off || !r->plan->expect_oom || r->supervisor->status.oom_kills)
		return;
	report_stopped_writers(r, &st);
	if (r->fs_failed)
		snprintf(at, sizeof(at), "%.1fs", usec_s(r->kernel_watch->fs.first_usec));
	else
		format_duration(st.first_ns, at, sizeof(at));
	fprintf(out,
		"  no OOM kill: %s at %s, before the squeeze reached the OOM killer (not "
		"INEFFECTIVE: the run was cut short)\n",
		r->fs_failed ? "the filesystem under test gave up" :
			       "the writers were stopped by errors",
		at);
}

/* Once: what the run could not watch its containers with, and what it did instead. */
static void print_watch_lacking(const struct report *r, FILE *out)
{
	unsigned n = (unsigned)__builtin_popcount(r->watch_lacking), k = 0;

	if (!n)
		return;
	fprintf(out, "  watch: this run lacked");
	for (unsigned i = 0; i < _CG_WATCH_BITS; i++) {
		if (!(r->watch_lacking & (1U << i)))
			continue;
		fprintf(out, "%s %s", k == 0 ? "" : k + 1 == n ? " and" : ",", cg_watch_name(i));
		k++;
	}
	fprintf(out, " (manager %s):\n", r->cgroup_manager);
	for (unsigned i = 0; i < _CG_WATCH_BITS; i++)
		if (r->watch_lacking & (1U << i))
			fprintf(out, "    %s: %s\n", cg_watch_name(i), report_watch_instead(i));
}

static void print_containers(const struct report *r, FILE *out)
{
	if (!r->cgroup_manager)
		return;
	fprintf(out, "  OOM kills: %llu in %u container%s (manager %s)",
		(unsigned long long)r->supervisor->status.oom_kills, r->ncontainers,
		r->ncontainers == 1 ? "" : "s", r->cgroup_manager);
	for (unsigned i = 0; i < MIN(r->ncontainers, 4u); i++)
		fprintf(out, "%s %s %llu", i ? "," : ":", r->containers[i].name,
			(unsigned long long)r->containers[i].events.oom_kill);
	fprintf(out, "%s\n", r->ncontainers > 4 ? ", ..." : "");
	print_watch_lacking(r, out);
	print_cut_off(r, out);
	if (!r->ineffective)
		return;
	fprintf(out, "  INEFFECTIVE: the profile expects OOM kills and none happened:");
	for (unsigned i = 0; i < r->ncontainers; i++) {
		char size[16];

		if (r->containers[i].memory_max == PLAN_UNLIMITED)
			continue;
		fprintf(out, " lower %s's memory-max (now %s)%s", r->containers[i].name,
			format_size(r->containers[i].memory_max, size, sizeof(size)),
			i + 1 < r->ncontainers ? "," : "");
	}
	fprintf(out, " or raise its hogs' size\n");
}

/* ", also KERNEL": the verdicts that apply besides the one that set the exit code. */
static void print_also(const struct report *r, FILE *out)
{
	const struct {
		bool on;
		int code;
	} v[] = {
		{ r->fail, EXIT_FAIL },
		{ r->hang, EXIT_HANG },
		{ r->kernel, EXIT_KERNEL },
		{ r->ineffective, EXIT_INEFFECTIVE },
	};
	bool first = true;

	for (unsigned i = 0; i < ARRAY_SIZE(v); i++) {
		if (!v[i].on || v[i].code == r->exit_code)
			continue;
		fprintf(out, "%s%s", first ? ", also " : " and ", report_verdict_name(v[i].code));
		first = false;
	}
}

/* The same next step every format names (facts.h), from the report's JSON document. */
static void print_next_step(json_object *doc, FILE *out)
{
	struct next_step next;

	if (!doc)
		return;
	facts_next_step(doc, &next);
	fprintf(out, "  next: %s%s%s\n", next.advice, next.command[0] ? ":\n    " : "",
		next.command);
}

void report_summary_print(const struct report *r, json_object *doc, FILE *out)
{
	fprintf(out, "\npoof %s %s: %s (exit %d)", r->command, r->run_id,
		report_verdict_name(r->exit_code), r->exit_code);
	print_also(r, out);
	fprintf(out, "%s\n", r->interrupted ? ", interrupted" : "");
	report_sandbox_print(r, out);
	report_inject_print(r, out);
	if (r->supervisor) {
		print_write_phase(r, out);
		print_containers(r, out);
	}
	print_syncfs(r, out);
	print_verify(r, out);
	if (r->kernel_watch)
		print_kernel(r, out);
	if (r->unsealed_ledger)
		fprintf(out, "  the run was interrupted before its ledger was sealed: "
			     "verified from ledger.live\n");
	if (r->scratch_kept)
		fprintf(out, "  scratch filesystem kept for inspection: %s\n", r->scratch_kept);
	fprintf(out, "  run directory: %s\n", r->run_dir);
	print_next_step(doc, out);
}
