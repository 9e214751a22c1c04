// SPDX-License-Identifier: LGPL-2.1-or-later
/* The summary a person reads in ten seconds, at the end of a run. */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "shared/macro.h"
#include "shared/parse.h"

#define SUMMARY_LOSSES 5

void report_describe_found(const struct verify_loss *l, char *buf, unsigned len)
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
		snprintf(buf, len, "found it unreadable (%s)",
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

static void print_losses(const struct verify_result *v, FILE *out)
{
	unsigned n = MIN(v->nlosses, (unsigned)SUMMARY_LOSSES);
	uint64_t total = v->blocks - v->counts[CLASS_OK] - v->counts[CLASS_IN_FLIGHT];

	if (n == 0)
		return;
	fprintf(out, "  first losses:\n");
	for (unsigned i = 0; i < n; i++) {
		const struct verify_loss *l = &v->losses[i];
		char found[128];

		report_describe_found(l, found, sizeof(found));
		fprintf(out, "    %s block %llu (offset %llu): %s, expected generation %u, %s\n",
			l->file, (unsigned long long)l->index, (unsigned long long)l->offset,
			verdict_class_name(l->cls), l->expected_gen, found);
	}
	if (total > n)
		fprintf(out, "    ... and %llu more (all listed up to report-losses in %s)\n",
			(unsigned long long)(total - n), REPORT_FILE_NAME);
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

static void print_write_phase(const struct report *r, FILE *out)
{
	const struct supervisor_status *st = &r->supervisor->status;
	char size[32], dur[32];

	fprintf(out, "  wrote %s in %s", format_size(st->bytes, size, sizeof(size)),
		format_duration(st->elapsed_ns, dur, sizeof(dur)));
	if (st->deaths)
		fprintf(out, "; %u writer deaths, all respawned", st->deaths);
	if (st->failed)
		fprintf(out, "; %u writers stopped by errors", st->failed);
	if (r->supervisor->unreaped)
		fprintf(out, "; %u writers could not be killed", r->supervisor->unreaped);
	fprintf(out, "\n");
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
	if (v->files_unopenable)
		fprintf(out,
			"  %u of %u files could not be opened (%s, %s): the filesystem's metadata "
			"for them is damaged\n",
			v->files_unopenable, v->files, strerrorname_np(-v->first_open_error),
			strerror(-v->first_open_error));
	print_classes(v, out);
	print_losses(v, out);
}

static void print_kernel(const struct kernel_watch *k, FILE *out)
{
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
	if (k->taint_known && k->taint_after != k->taint_before)
		fprintf(out, "  kernel: taint changed from %llu to %llu%s\n",
			(unsigned long long)k->taint_before, (unsigned long long)k->taint_after,
			(k->taint_after & ~k->taint_before) ? " (KERNEL)" : "");
	if (k->reader.lost)
		fprintf(out, "  kernel: %llu log records were overwritten before poof read them\n",
			(unsigned long long)k->reader.lost);
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

void report_summary_print(const struct report *r, FILE *out)
{
	fprintf(out, "\npoof %s %s: %s (exit %d)%s\n", r->command, r->run_id,
		report_verdict_name(r->exit_code), r->exit_code,
		r->interrupted ? ", interrupted" : "");
	if (r->supervisor) {
		print_write_phase(r, out);
		print_containers(r, out);
	}
	print_syncfs(r, out);
	print_verify(r, out);
	if (r->kernel_watch)
		print_kernel(r->kernel_watch, out);
	if (r->unsealed_ledger)
		fprintf(out, "  the run was interrupted before its ledger was sealed: "
			     "verified from ledger.live\n");
	if (r->scratch_kept)
		fprintf(out, "  scratch filesystem kept for inspection: %s\n", r->scratch_kept);
	fprintf(out, "  run directory: %s\n", r->run_dir);
	if (r->exit_code == EXIT_FAIL || r->verify_skipped || r->target_hung != TARGET_ANSWERED)
		fprintf(out, "  next: poof verify %s\n", r->run_dir);
}
