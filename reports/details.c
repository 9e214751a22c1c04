// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The detail behind each check as plain text, a line each, and the next
 * command to run for a verdict: see facts.h. JUnit puts the detail in a
 * failure's body, KTAP in diagnostic lines, HTML beside its tables.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "facts.h"
#include "jsonget.h"
#include "shared/parse.h"

static void verification_detail(json_object *r, FILE *out)
{
	json_object *v = jget_obj(r, "verify"), *losses = jget_array(v, "losses");
	size_t n = jlen(losses);
	char size[16], line[768];

	if (!v) {
		fprintf(out, "verification: not recorded\n");
		return;
	}
	fprintf(out, "blocks %lld (unwritten %lld), files %lld (missing %lld, unopenable %lld), ",
		(long long)jget_int(v, "blocks", 0), (long long)jget_int(v, "unwritten", 0),
		(long long)jget_int(v, "files", 0), (long long)jget_int(v, "files_missing", 0),
		(long long)jget_int(v, "files_unopenable", 0));
	fprintf(out, "read %s with %s in %.2f s\n",
		format_size((uint64_t)jget_int(v, "bytes_read", 0), size, sizeof(size)),
		jget_str(v, "method", "a method not recorded"), jget_num(v, "elapsed_s", 0));
	fprintf(out, "classes:");
	for (size_t i = 0; i < ARRAY_SIZE(facts_loss_class_names); i++) {
		char path[48];

		snprintf(path, sizeof(path), "classes.%s", facts_loss_class_names[i]);
		fprintf(out, "%s %s %lld", i ? "," : "", facts_loss_class_names[i],
			(long long)jget_int(v, path, 0));
	}
	fprintf(out, "\nlosses: %lld; lost-reported excused by the run's own fault: %s\n",
		(long long)jget_int(v, "losses_total", 0),
		jget_bool(v, "reported_excused", false) ? "yes" : "no");
	fprintf(out, "syncfs: %s\n", jget_str(r, "syncfs", "not recorded"));
	if (n)
		fprintf(out, "first losses (%zu of %lld):\n", n,
			(long long)jget_int(v, "losses_total", (int64_t)n));
	for (size_t i = 0; i < n; i++) {
		facts_loss(r, jidx(losses, i), line, sizeof(line));
		fprintf(out, "  %s\n", line);
	}
}

/* Each snapshot of stalled or unkillable writers, with its kernel stack indented. */
static void snapshots_detail(json_object *a, const char *what, FILE *out)
{
	for (size_t i = 0; i < jlen(a); i++) {
		json_object *w = jidx(a, i);
		const char *stack = jget_str(w, "stack", NULL);

		fprintf(out,
			"%s: writer %lld (pid %lld) silent %.1f s at %.1f s, state %s, wchan %s\n",
			what, (long long)jget_int(w, "writer", -1),
			(long long)jget_int(w, "pid", -1), jget_num(w, "silent_s", NAN),
			jget_num(w, "at_s", NAN), jget_str(w, "state", "?"),
			jget_str(w, "wchan", "?"));
		while (stack && *stack) {
			size_t len = strcspn(stack, "\n");

			fprintf(out, "  %.*s\n", (int)len, stack);
			stack += len + (stack[len] == '\n');
		}
	}
}

static void hangs_detail(json_object *r, FILE *out)
{
	json_object *wp = jget_obj(r, "write_phase"), *hung = jget_obj(r, "verify.target_hung");

	if (wp) {
		fprintf(out, "stalls %lld, unkillable writers %lld\n",
			(long long)jget_int(wp, "stalls", 0),
			(long long)jget_int(wp, "unreaped_writers", 0));
		snapshots_detail(jget_array(wp, "stalled"), "stalled", out);
		snapshots_detail(jget_array(wp, "unkillable"), "unkillable", out);
		fprintf(out,
			"supervisor: CPU %.2f s over a %.1f s write phase, late ticks %lld, "
			"max lateness %.3f s\n",
			jget_num(wp, "supervisor_cpu_s", NAN), jget_num(wp, "elapsed_s", NAN),
			(long long)jget_int(wp, "supervisor_late_ticks", 0),
			jget_num(wp, "supervisor_max_lateness_s", 0));
	}
	if (hung)
		fprintf(out,
			"target: stopped answering during %s (io timeout %.0f s, syncfs pid %lld)\n",
			jget_str(hung, "during", "?"), jget_num(hung, "io_timeout_s", NAN),
			(long long)jget_int(hung, "syncfs_pid", 0));
}

/* "events: oom-kill 15", then the first line of each kind. */
static void kernel_events_detail(json_object *k, FILE *out)
{
	json_object *events = jget_obj(k, "events"), *first = jget_obj(k, "first_lines");
	bool any = false;

	fprintf(out, "events:");
	if (events) {
		json_object_object_foreach(events, kind, count)
		{
			double n;

			if (jnum(count, &n) && n > 0) {
				fprintf(out, "%s %s %.0f", any ? "," : "", kind, n);
				any = true;
			}
		}
	}
	fprintf(out, "%s\n", any ? "" : events ? " none" : " not recorded");
	if (!first)
		return;
	json_object_object_foreach(first, kind2, line)
	{
		fprintf(out, "first %s: %s\n", kind2, json_object_get_string(line));
	}
}

static void kernel_detail(json_object *r, FILE *out)
{
	json_object *k = jget_obj(r, "kernel"), *fs = jget_obj(k, "fs");

	if (!k)
		return;
	fprintf(out, "kernel log: %lld records (%lld lost), device %s, taint %lld -> %lld\n",
		(long long)jget_int(k, "records", 0), (long long)jget_int(k, "lost_records", 0),
		jget_str(k, "device", "not recorded"), (long long)jget_int(k, "taint_before", -1),
		(long long)jget_int(k, "taint_after", -1));
	kernel_events_detail(k, out);
	if (jget_int(fs, "lines", 0) > 0)
		fprintf(out, "filesystem under test: %lld lines, first at %.1f s: %s%s\n",
			(long long)jget_int(fs, "lines", 0), jget_num(fs, "first_s", NAN),
			jget_str(fs, "first", "?"),
			jget_bool(fs, "explained_by_fault", false) ?
				" (explained by the run's own device fault)" :
				"");
	if (jget_bool(fs, "shut_down", false))
		fprintf(out, "filesystem shut down at %.1f s: %s\n",
			jget_num(fs, "shut_down_s", NAN), jget_str(fs, "shut_down_line", "?"));
	if (jget_str(k, "log_file", NULL))
		fprintf(out, "kernel log excerpt: %s/%s\n", jget_str(r, "run_dir", "."),
			jget_str(k, "log_file", NULL));
}

static void container_detail(json_object *c, FILE *out)
{
	json_object *psi = jget_obj(c, "memory_pressure");
	char size[16];

	fprintf(out, "%s: memory.max %s, oom_kill %lld, oom %lld, max %lld, high %lld",
		jget_str(c, "name", "?"),
		jget_has(c, "memory_max") ?
			format_size((uint64_t)jget_int(c, "memory_max", 0), size, sizeof(size)) :
			"unlimited",
		(long long)jget_int(c, "oom_kill", 0), (long long)jget_int(c, "oom", 0),
		(long long)jget_int(c, "max", 0), (long long)jget_int(c, "high", 0));
	if (psi)
		fprintf(out, "; PSI some %.1f s, full %.1f s, %lld stall episodes",
			jget_num(psi, "some_s", NAN), jget_num(psi, "full_s", NAN),
			(long long)jget_int(psi, "stall_episodes", 0));
	fputc('\n', out);
}

static void expect_oom_detail(json_object *r, FILE *out)
{
	json_object *wp = jget_obj(r, "write_phase"), *cs = jget_array(r, "containers");

	if (wp)
		fprintf(out,
			"OOM kills %lld; hogs started %lld, hog deaths %lld; writer deaths %lld, "
			"respawns %lld\n",
			(long long)jget_int(wp, "oom_kills", 0),
			(long long)jget_int(wp, "hogs_started", 0),
			(long long)jget_int(wp, "hog_deaths", 0),
			(long long)jget_int(wp, "writer_deaths", 0),
			(long long)jget_int(wp, "respawns", 0));
	for (size_t i = 0; i < jlen(cs); i++)
		container_detail(jidx(cs, i), out);
}

void facts_check_detail(json_object *report, enum check_id id, FILE *out)
{
	static void (*const details[])(json_object *, FILE *) = {
		[CHECK_VERIFICATION] = verification_detail,
		[CHECK_HANGS] = hangs_detail,
		[CHECK_KERNEL] = kernel_detail,
		[CHECK_EXPECT_OOM] = expect_oom_detail,
	};

	if (id < ARRAY_SIZE(details))
		details[id](report, out);
}

/* The kernel log to read: the run's excerpt when it kept one, else the machine's. */
static void kernel_log_command(json_object *r, char *buf, size_t len)
{
	const char *log = jget_str(r, "kernel.log_file", NULL);

	if (log)
		snprintf(buf, len, "less %s/%s", jget_str(r, "run_dir", "."), log);
	else
		snprintf(buf, len, "dmesg --ctime");
}

#define MIB (UINT64_C(1) << 20)

/* INEFFECTIVE: the same profile with half its smallest limit, in whole MiB. */
static void lower_limit_command(json_object *r, char *buf, size_t len)
{
	json_object *cs = jget_array(r, "containers");
	int64_t lowest = 0;
	uint64_t half;
	char size[16];

	for (size_t i = 0; i < jlen(cs); i++) {
		int64_t m = jget_int(jidx(cs, i), "memory_max", 0);

		if (m > 0 && (lowest == 0 || m < lowest))
			lowest = m;
	}
	if (!lowest || !jget_str(r, "plan.profile", NULL))
		return;
	half = (uint64_t)lowest / 2;
	if (half >= MIB)
		half &= ~(MIB - 1);
	snprintf(buf, len, "poof stress --profile %s -o memory-max=%s",
		 jget_str(r, "plan.profile", ""), format_size(half, size, sizeof(size)));
}

static void advise(struct next_step *s, const char *advice)
{
	snprintf(s->advice, sizeof(s->advice), "%s", advice);
}

/* This report's file in the run directory: report.json, or verify.json after poof verify. */
static const char *report_file(json_object *r)
{
	return jget_str(r, "reports.file",
			streq(jget_str(r, "command", NULL), "verify") ? "verify.json" :
									"report.json");
}

/* The HTML report: the file the command wrote, else the command that renders one. */
static void html_step(json_object *r, const char *why, struct next_step *s)
{
	const char *dir = jget_str(r, "run_dir", "RUNDIR"), *file = report_file(r);
	const char *html = jget_str(r, "reports.html", NULL);
	size_t stem = strcspn(file, ".");

	if (html) {
		snprintf(s->advice, sizeof(s->advice), "%s: open the HTML report %s", why, html);
		return;
	}
	snprintf(s->advice, sizeof(s->advice), "%s: render the HTML report", why);
	snprintf(s->command, sizeof(s->command), "poof report %s%s%s --html %s/%.*s.html", dir,
		 streq(file, "report.json") ? "" : "/", streq(file, "report.json") ? "" : file, dir,
		 (int)stem, file);
}

/* FAIL: re-verify after a run; after poof verify, the loss table of its own report. */
static void fail_step(json_object *r, int64_t code, struct next_step *s)
{
	const char *dir = jget_str(r, "run_dir", "RUNDIR");

	if (code == 1 && streq(jget_str(r, "command", NULL), "verify")) {
		html_step(r, "read the loss table", s);
		return;
	}
	advise(s, code == 1 ? "re-verify the data from the ledger, then read the loss table" :
			      "verification did not finish: re-verify from the ledger");
	snprintf(s->command, sizeof(s->command), "poof verify %s", dir);
}

/* An internal error because a worker left its sandbox: the data were verified all the same. */
static bool sandbox_step(json_object *r, struct next_step *s)
{
	json_object *v = jidx(jget_array(r, "sandbox.violations"), 0);

	if (!v)
		return false;
	snprintf(s->advice, sizeof(s->advice),
		 "%s %" PRId64
		 " called %s, outside its sandbox: a bug in poof; report it with %s/%s "
		 "(sandbox.violations), and run with -o sandbox=no meanwhile",
		 jget_str(v, "worker", "a worker"), jget_int(v, "id", 0),
		 jget_str(v, "syscall", "a system call"), jget_str(r, "run_dir", "RUNDIR"),
		 report_file(r));
	return true;
}

/* HANG and KERNEL: the stalled tasks' stacks in the report, and the kernel log. */
static void kernel_step(json_object *r, int64_t code, struct next_step *s)
{
	const char *dir = jget_str(r, "run_dir", "RUNDIR");

	if (code == 2 && jget_obj(r, "verify.target_hung")) {
		advise(s, "the target stopped answering: once the device answers again, verify");
		snprintf(s->command, sizeof(s->command), "poof verify %s", dir);
		return;
	}
	if (code == 2)
		snprintf(s->advice, sizeof(s->advice),
			 "read the stalled and unkillable writers' kernel stacks (in %s/%s, "
			 "write_phase.stalled and write_phase.unkillable), then the kernel log "
			 "around them",
			 dir, report_file(r));
	else
		advise(s, "read the kernel log: it logged a failure");
	kernel_log_command(r, s->command, sizeof(s->command));
}

void facts_next_step(json_object *r, struct next_step *ret)
{
	int64_t code = jget_int(r, "exit_code", -1);
	struct check c;

	*ret = (struct next_step){ 0 };
	if (code == 0) {
		html_step(r,
			  "nothing lost, no hang, no kernel failure: see how hard the run squeezed",
			  ret);
	} else if (code == 70 && sandbox_step(r, ret)) {
		return;
	} else if (code == 1 || code == 130 || code == 70) {
		fail_step(r, code, ret);
	} else if (code == 2 || code == 3) {
		kernel_step(r, code, ret);
	} else if (code == 4) {
		facts_check(r, CHECK_EXPECT_OOM, &c);
		advise(ret, c.message);
		lower_limit_command(r, ret->command, sizeof(ret->command));
	} else {
		advise(ret, "the verdict was not recorded: read poof's messages for the run");
	}
}
