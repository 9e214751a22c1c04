// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The checks, their messages and detail, found-block wording and the next
 * command, derived from a report's JSON for every format: see facts.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "facts.h"
#include "jsonget.h"
#include "shared/parse.h"

const char *const facts_loss_class_names[8] = {
	"ok",	"in-flight",   "lost-silent", "lost-durable", "lost-reported",
	"torn", "misdirected", "corrupt",
};

/* The kernel event kinds that are failures by themselves (KERNEL), as the JSON names them. */
static const char *const kernel_failures[] = {
	"hung-task", "soft-lockup", "hard-lockup", "rcu-stall", "bug", "oops", "warning", "panic",
};

void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

const char *check_name(enum check_id id)
{
	static const char *const names[] = {
		[CHECK_VERIFICATION] = "verification",
		[CHECK_HANGS] = "hangs",
		[CHECK_KERNEL] = "kernel",
		[CHECK_EXPECT_OOM] = "expect-oom",
	};

	return id < ARRAY_SIZE(names) ? names[id] : "check";
}

json_object *facts_container(json_object *report, const char *name)
{
	json_object *a = jget_array(report, "containers");

	for (size_t i = 0; name && i < jlen(a); i++)
		if (streq(jget_str(jidx(a, i), "name", NULL), name))
			return jidx(a, i);
	return NULL;
}

const char *facts_verdict(json_object *report)
{
	return jget_str(report, "verdict", "not recorded");
}

bool facts_has_verdict(json_object *report, const char *v)
{
	json_object *a = jget_array(report, "verdicts");

	if (!a)
		return streq(jget_str(report, "verdict", NULL), v);
	for (size_t i = 0; i < jlen(a); i++)
		if (streq(json_object_get_string(jidx(a, i)), v))
			return true;
	return false;
}

static void describe_block(json_object *report, json_object *loss, json_object *f, char *buf,
			   size_t len)
{
	const char *run = jget_str(f, "run_id", NULL);

	snprintf(buf, len, "generation %lld", (long long)jget_int(f, "generation", -1));
	if (streq(jget_str(loss, "class", NULL), "misdirected") ||
	    jget_int(f, "block", -1) != jget_int(loss, "block", -1))
		appendf(buf, len, " of file id %lld block %lld",
			(long long)jget_int(f, "file_id", -1), (long long)jget_int(f, "block", -1));
	if (run && !streq(run, jget_str(report, "run_id", NULL)))
		appendf(buf, len, " from run %s", run);
}

void facts_found(json_object *report, json_object *loss, char *buf, size_t len)
{
	json_object *f = jget_obj(loss, "found");
	const char *kind = jget_str(f, "kind", NULL);

	if (streq(kind, "block"))
		describe_block(report, loss, f, buf, len);
	else if (streq(kind, "torn"))
		snprintf(buf, len, "a torn block: generation %lld, payload damaged from byte %lld",
			 (long long)jget_int(f, "generation", -1),
			 (long long)jget_int(f, "first_bad_byte", -1));
	else if (streq(kind, "hole"))
		snprintf(buf, len, "a hole");
	else if (streq(kind, "short-file"))
		snprintf(buf, len, "nothing: the file ends before it");
	else if (streq(kind, "missing-file"))
		snprintf(buf, len, "no file");
	else if (streq(kind, "unreadable"))
		snprintf(buf, len, "unreadable (%s)", jget_str(f, "error", "error not recorded"));
	else
		snprintf(buf, len, "%s", kind ? kind : "not recorded");
}

void facts_loss(json_object *report, json_object *loss, char *buf, size_t len)
{
	char found[256];

	facts_found(report, loss, found, sizeof(found));
	snprintf(buf, len, "%s block %lld (offset %lld): %s, expected generation %lld, found %s",
		 jget_str(loss, "file", "(file not recorded)"),
		 (long long)jget_int(loss, "block", -1), (long long)jget_int(loss, "offset", -1),
		 jget_str(loss, "class", "lost"),
		 (long long)jget_int(loss, "expected_generation", -1), found);
}

void facts_loss_classes(json_object *report, char *buf, size_t len)
{
	json_object *classes = jget_obj(report, "verify.classes");

	buf[0] = '\0';
	for (size_t i = 2; i < ARRAY_SIZE(facts_loss_class_names); i++) {
		int64_t n = jget_int(classes, facts_loss_class_names[i], 0);

		if (n > 0)
			appendf(buf, len, "%s%s %lld", buf[0] ? ", " : "",
				facts_loss_class_names[i], (long long)n);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

/* Verification: FAIL for losses; ERROR or SKIP when it did not run through. */
static void check_verification(json_object *r, struct check *c)
{
	json_object *v = jget_obj(r, "verify"), *first = jget(r, "verify.losses.0");
	const char *hung = jget_str(v, "target_hung.during", NULL);
	char classes[256], loss[512];

	facts_loss_classes(r, classes, sizeof(classes));
	if (facts_has_verdict(r, "FAIL")) {
		c->status = CHECK_FAIL;
		snprintf(c->message, sizeof(c->message), "%lld of %lld blocks lost (%s)",
			 (long long)jget_int(v, "losses_total", -1),
			 (long long)jget_int(v, "blocks", -1), classes);
		if (first) {
			facts_loss(r, first, loss, sizeof(loss));
			appendf(c->message, sizeof(c->message), "; first: %s", loss);
		}
	} else if (!v) {
		c->status = CHECK_SKIP;
		snprintf(c->message, sizeof(c->message), "the verification was not recorded");
	} else if (jget_str(v, "error", NULL)) {
		c->status = CHECK_ERROR;
		snprintf(c->message, sizeof(c->message), "verification could not run: %s",
			 jget_str(v, "error", NULL));
	} else if (hung && jget_bool(v, "ran", false)) {
		c->status = CHECK_ERROR;
		snprintf(c->message, sizeof(c->message),
			 "verification stopped: %s of the target did not return", hung);
	} else if (!jget_bool(v, "ran", false)) {
		c->status = CHECK_SKIP;
		snprintf(c->message, sizeof(c->message), "verification did not run: %s",
			 hung ? "the target stopped answering during syncfs" :
			 jget_bool(v, "skipped", false) ? "a second interrupt skipped it" :
							  "reason not recorded");
	} else {
		c->status = CHECK_PASS;
		snprintf(c->message, sizeof(c->message),
			 "%lld blocks read from the media (%s): ok %lld, in-flight %lld",
			 (long long)jget_int(v, "blocks", 0),
			 jget_str(v, "method", "method not recorded"),
			 (long long)jget_int(v, "classes.ok", 0),
			 (long long)jget_int(v, "classes.in-flight", 0));
		if (jget_int(v, "losses_total", 0) > 0)
			appendf(c->message, sizeof(c->message),
				"; %s excused by the run's own error-reporting device fault",
				classes);
	}
}

/* "writer 0 (pid 133) silent 2.0 s at 3.2 s, state T, wchan do_signal_stop" */
static void describe_snapshot(json_object *w, char *buf, size_t len)
{
	snprintf(buf, len, "writer %lld (pid %lld) silent %.1f s at %.1f s, state %s, wchan %s",
		 (long long)jget_int(w, "writer", -1), (long long)jget_int(w, "pid", -1),
		 jget_num(w, "silent_s", NAN), jget_num(w, "at_s", NAN), jget_str(w, "state", "?"),
		 jget_str(w, "wchan", "?"));
}

static void hang_findings(json_object *r, char *buf, size_t len)
{
	json_object *wp = jget_obj(r, "write_phase");
	int64_t stalls = jget_int(wp, "stalls", 0), unreaped = jget_int(wp, "unreaped_writers", 0);
	const char *hung = jget_str(r, "verify.target_hung.during", NULL);
	char what[256];

	buf[0] = '\0';
	if (stalls > 0) {
		appendf(buf, len, "%lld stall%s", (long long)stalls, stalls == 1 ? "" : "s");
		if (jget(wp, "stalled.0")) {
			describe_snapshot(jget(wp, "stalled.0"), what, sizeof(what));
			appendf(buf, len, ", first: %s", what);
		}
	}
	if (unreaped > 0)
		appendf(buf, len, "%s%lld writer%s unkillable after cgroup.kill",
			buf[0] ? "; " : "", (long long)unreaped, unreaped == 1 ? "" : "s");
	if (hung)
		appendf(buf, len, "%sthe target stopped answering during %s", buf[0] ? "; " : "",
			hung);
	if (!buf[0])
		snprintf(buf, len,
			 "HANG recorded; no stall, unkillable writer or hung target in it");
}

static void check_hangs(json_object *r, struct check *c)
{
	json_object *wp = jget_obj(r, "write_phase");

	if (facts_has_verdict(r, "HANG")) {
		c->status = CHECK_FAIL;
		hang_findings(r, c->message, sizeof(c->message));
	} else if (!wp) {
		c->status = CHECK_SKIP;
		snprintf(c->message, sizeof(c->message), "%s",
			 streq(jget_str(r, "command", NULL), "verify") ?
				 "poof verify re-reads the media: it has no write phase to watch" :
				 "the write phase was not recorded");
	} else {
		c->status = CHECK_PASS;
		snprintf(c->message, sizeof(c->message),
			 "no stall, every writer reaped; supervisor late ticks %lld",
			 (long long)jget_int(wp, "supervisor_late_ticks", 0));
	}
}

/* "warning 1, hung-task 2": the failure kinds the kernel logged. */
static void kernel_failure_counts(json_object *k, char *buf, size_t len, const char **ret_first)
{
	buf[0] = '\0';
	*ret_first = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_failures); i++) {
		char path[64];
		int64_t n;

		snprintf(path, sizeof(path), "events.%s", kernel_failures[i]);
		n = jget_int(k, path, 0);
		if (n <= 0)
			continue;
		appendf(buf, len, "%s%s %lld", buf[0] ? ", " : "", kernel_failures[i],
			(long long)n);
		snprintf(path, sizeof(path), "first_lines.%s", kernel_failures[i]);
		if (!*ret_first)
			*ret_first = jget_str(k, path, NULL);
	}
}

static void kernel_findings(json_object *k, char *buf, size_t len)
{
	int64_t before = jget_int(k, "taint_before", -1), after = jget_int(k, "taint_after", -1);
	const char *first;

	kernel_failure_counts(k, buf, len, &first);
	if (first)
		appendf(buf, len, "; first: %s", first);
	if (before >= 0 && after >= 0 && (after & ~before))
		appendf(buf, len, "%staint %lld -> %lld", buf[0] ? "; " : "", (long long)before,
			(long long)after);
	if (jget_int(k, "fs.lines", 0) > 0 && !jget_bool(k, "fs.explained_by_fault", false))
		appendf(buf, len, "%sthe filesystem under test: %s", buf[0] ? "; " : "",
			jget_str(k, "fs.shut_down_line", jget_str(k, "fs.first", "error lines")));
	if (!buf[0])
		snprintf(buf, len, "KERNEL recorded; read the kernel log");
}

static void check_kernel(json_object *r, struct check *c)
{
	json_object *k = jget_obj(r, "kernel");

	if (facts_has_verdict(r, "KERNEL")) {
		c->status = CHECK_FAIL;
		kernel_findings(k, c->message, sizeof(c->message));
	} else if (!k) {
		c->status = CHECK_SKIP;
		snprintf(c->message, sizeof(c->message), "%s",
			 streq(jget_str(r, "command", NULL), "verify") ?
				 "poof verify does not watch the kernel" :
				 "the kernel log was not recorded");
	} else if (!jget_bool(k, "watched", true)) {
		c->status = CHECK_SKIP;
		snprintf(c->message, sizeof(c->message), "the kernel log could not be watched: %s",
			 jget_str(k, "error", "reason not recorded"));
	} else {
		c->status = CHECK_PASS;
		snprintf(c->message, sizeof(c->message),
			 "%lld kernel records read: no failure line, no new taint",
			 (long long)jget_int(k, "records", 0));
		if (jget_int(k, "fs.lines", 0) > 0)
			appendf(c->message, sizeof(c->message),
				"; the filesystem's %lld error lines are explained by the run's own "
				"device fault",
				(long long)jget_int(k, "fs.lines", 0));
	}
}

/* "15 OOM kills: box 15" or "27 OOM kills in 8 containers: storm-0 3, storm-1 3, ..." */
static void kill_counts(json_object *r, char *buf, size_t len)
{
	json_object *cs = jget_array(r, "containers");
	size_t n = jlen(cs);

	snprintf(buf, len, "%lld OOM kill%s", (long long)jget_int(r, "write_phase.oom_kills", 0),
		 jget_int(r, "write_phase.oom_kills", 0) == 1 ? "" : "s");
	if (n > 1)
		appendf(buf, len, " in %zu containers", n);
	for (size_t i = 0; i < MIN(n, (size_t)4); i++) {
		json_object *c = jidx(cs, i);

		appendf(buf, len, "%s %s %lld", i ? "," : ":", jget_str(c, "name", "?"),
			(long long)jget_int(c, "oom_kill", 0));
	}
	if (n > 4)
		appendf(buf, len, ", ...");
}

/* "lower box's memory-max (now 1G)" for each limited container, or the hogs. */
static void ineffective_advice(json_object *r, char *buf, size_t len)
{
	json_object *cs = jget_array(r, "containers");

	buf[0] = '\0';
	for (size_t i = 0; i < jlen(cs); i++) {
		json_object *c = jidx(cs, i);
		char size[16];

		if (!jget_has(c, "memory_max") || jget_int(c, "oom_kill", 0) > 0)
			continue;
		if (strlen(buf) > len / 2) {
			appendf(buf, len, ", ...");
			break;
		}
		appendf(buf, len, "%slower %s's memory-max (now %s)", buf[0] ? ", " : "",
			jget_str(c, "name", "?"),
			format_size((uint64_t)jget_int(c, "memory_max", 0), size, sizeof(size)));
	}
	appendf(buf, len, "%sraise the hogs' size", buf[0] ? " or " : "");
}

static const char *oom_skip_reason(json_object *r, json_object *wp)
{
	if (!wp)
		return streq(jget_str(r, "command", NULL), "verify") ?
			       "poof verify has no write phase" :
			       "the write phase was not recorded";
	if (!jget_array(r, "containers") || streq(jget_str(r, "cgroup_manager", NULL), "none"))
		return "the processes ran uncontained (cgroup none): no memory limit to reach";
	if (jget_bool(wp, "cut_off", false))
		return "the write phase was cut short before the squeeze reached the OOM killer";
	if (jget_bool(r, "interrupted", false))
		return "the run was interrupted before the OOM killer fired";
	if (!jget_bool(r, "plan.expect_oom", true))
		return "the profile does not require OOM kills";
	return "no OOM kill, and the run did not require one";
}

static void check_expect_oom(json_object *r, struct check *c)
{
	json_object *wp = jget_obj(r, "write_phase");
	char advice[512];

	if (facts_has_verdict(r, "INEFFECTIVE")) {
		c->status = CHECK_FAIL;
		ineffective_advice(r, advice, sizeof(advice));
		snprintf(c->message, sizeof(c->message),
			 "no OOM kill though the profile expects them: %s", advice);
	} else if (wp && jget_int(wp, "oom_kills", 0) > 0) {
		c->status = CHECK_PASS;
		kill_counts(r, c->message, sizeof(c->message));
	} else {
		c->status = CHECK_SKIP;
		snprintf(c->message, sizeof(c->message), "%s", oom_skip_reason(r, wp));
	}
}

void facts_check(json_object *report, enum check_id id, struct check *ret)
{
	static void (*const checks[])(json_object *, struct check *) = {
		[CHECK_VERIFICATION] = check_verification,
		[CHECK_HANGS] = check_hangs,
		[CHECK_KERNEL] = check_kernel,
		[CHECK_EXPECT_OOM] = check_expect_oom,
	};

	*ret = (struct check){ .id = id, .status = CHECK_SKIP };
	if (id < ARRAY_SIZE(checks))
		checks[id](report, ret);
}
