// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JUnit XML report, in the shape Jenkins and GitLab read: <testsuites>
 * with one <testsuite> per run, a <testcase> per check (classname
 * poof.check: verification, hangs, kernel, expect-oom) and per container
 * (classname poof.container). A failure's message is what a person needs
 * first (the class counts and the first loss); its body holds the detail.
 * Mapping documented in poof-report(5); tests/report/junit.xsd checks it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "facts.h"
#include "jsonget.h"
#include "render.h"
#include "shared/parse.h"

struct tally {
	unsigned tests, failures, errors, skipped;
};

static void attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	escape_write(out, value, ESCAPE_XML_ATTR);
	fputc('"', out);
}

/* Longer than any run: a time beyond it is damage, written as 0. */
#define TIME_MAX_S 1e9

/* A non-negative decimal, as xs:decimal wants it: no exponent, no NaN, few digits. */
static void time_attr(FILE *out, double seconds)
{
	fprintf(out, " time=\"%.3f\"",
		isfinite(seconds) && seconds > 0 && seconds < TIME_MAX_S ? seconds : 0.0);
}

static void text_element(FILE *out, const char *element, const char *text)
{
	if (!text || !*text)
		return;
	fprintf(out, "      <%s>", element);
	escape_write(out, text, ESCAPE_XML_TEXT);
	fprintf(out, "</%s>\n", element);
}

static int check_detail_text(json_object *report, enum check_id id, char **ret)
{
	size_t len = 0;
	FILE *mem = open_memstream(ret, &len);

	if (!mem)
		return -ENOMEM;
	facts_check_detail(report, id, mem);
	return fclose(mem) == 0 ? 0 : -ENOMEM;
}

/* <failure> or <error> with the detail in its body; else <skipped> and the detail as output. */
static void check_outcome(FILE *out, const struct check *c, const char *detail)
{
	static const char *const element[] = {
		[CHECK_FAIL] = "failure",
		[CHECK_ERROR] = "error",
	};

	if (c->status == CHECK_SKIP) {
		fputs("      <skipped", out);
		attr(out, "message", c->message);
		fputs("/>\n", out);
	} else if (c->status == CHECK_FAIL || c->status == CHECK_ERROR) {
		fprintf(out, "      <%s", element[c->status]);
		attr(out, "message", c->message);
		attr(out, "type", c->status == CHECK_FAIL ? "poof.failure" : "poof.error");
		fputc('>', out);
		escape_write(out, c->message, ESCAPE_XML_TEXT);
		fputs("\n\n", out);
		escape_write(out, detail, ESCAPE_XML_TEXT);
		fprintf(out, "</%s>\n", element[c->status]);
		return;
	}
	text_element(out, "system-out", detail);
}

static int check_testcase(json_object *report, enum check_id id, FILE *out, struct tally *t)
{
	_cleanup_free_ char *detail = NULL;
	struct check c;
	int r;

	facts_check(report, id, &c);
	r = check_detail_text(report, id, &detail);
	if (r < 0)
		return r;
	fputs("    <testcase", out);
	attr(out, "classname", "poof.check");
	attr(out, "name", check_name(id));
	time_attr(out, id == CHECK_VERIFICATION ? jget_num(report, "verify.elapsed_s", 0) : 0);
	fputs(">\n", out);
	check_outcome(out, &c, detail);
	fputs("    </testcase>\n", out);
	t->tests++;
	t->failures += c.status == CHECK_FAIL;
	t->errors += c.status == CHECK_ERROR;
	t->skipped += c.status == CHECK_SKIP;
	return 0;
}

/* A container fails only where the run was INEFFECTIVE and it saw no OOM kill. */
static void container_check(json_object *report, json_object *c, struct check *ret)
{
	char size[16];

	*ret = (struct check){ .status = CHECK_PASS };
	snprintf(ret->message, sizeof(ret->message),
		 "%lld OOM kills, %lld times at memory.max (%s)",
		 (long long)jget_int(c, "oom_kill", 0), (long long)jget_int(c, "max", 0),
		 jget_has(c, "memory_max") ?
			 format_size((uint64_t)jget_int(c, "memory_max", 0), size, sizeof(size)) :
			 "unlimited");
	if (facts_has_verdict(report, "INEFFECTIVE") && jget_int(c, "oom_kill", 0) == 0) {
		ret->status = CHECK_FAIL;
		snprintf(ret->message, sizeof(ret->message),
			 "no OOM kill in %s: lower its memory-max (now %s) or raise its hogs' size",
			 jget_str(c, "name", "?"), jget_has(c, "memory_max") ? size : "unlimited");
	}
}

static void container_detail(json_object *c, char *buf, size_t len)
{
	json_object *psi = jget_obj(c, "memory_pressure");

	snprintf(buf, len,
		 "cgroup %s\nmemory.events over the run: oom %lld, oom_kill %lld, "
		 "oom_group_kill %lld, max %lld, high %lld\n",
		 jget_str(c, "path", "not recorded"), (long long)jget_int(c, "oom", 0),
		 (long long)jget_int(c, "oom_kill", 0), (long long)jget_int(c, "oom_group_kill", 0),
		 (long long)jget_int(c, "max", 0), (long long)jget_int(c, "high", 0));
	if (psi)
		appendf(buf, len,
			"memory pressure: some %.2f s, full %.2f s, %lld stall episodes\n",
			jget_num(psi, "some_s", NAN), jget_num(psi, "full_s", NAN),
			(long long)jget_int(psi, "stall_episodes", 0));
}

static void container_testcases(json_object *report, FILE *out, struct tally *t)
{
	json_object *cs = jget_array(report, "containers");

	for (size_t i = 0; i < jlen(cs); i++) {
		json_object *c = jidx(cs, i);
		struct check check;
		char detail[1024];

		container_check(report, c, &check);
		container_detail(c, detail, sizeof(detail));
		fputs("    <testcase", out);
		attr(out, "classname", "poof.container");
		attr(out, "name", jget_str(c, "name", "container"));
		time_attr(out, 0);
		fputs(">\n", out);
		check_outcome(out, &check, detail);
		fputs("    </testcase>\n", out);
		t->tests++;
		t->failures += check.status == CHECK_FAIL;
	}
}

static void property(FILE *out, const char *name, const char *value)
{
	fputs("      <property", out);
	attr(out, "name", name);
	attr(out, "value", value ? value : "not recorded");
	fputs("/>\n", out);
}

static void properties(json_object *report, FILE *out)
{
	struct next_step next;
	char code[24];

	facts_next_step(report, &next);
	snprintf(code, sizeof(code), "%lld", (long long)jget_int(report, "exit_code", -1));
	fputs("    <properties>\n", out);
	property(out, "verdict", facts_verdict(report));
	property(out, "exit_code", code);
	property(out, "interrupted", jget_bool(report, "interrupted", false) ? "true" : "false");
	property(out, "command", jget_str(report, "command", NULL));
	property(out, "run_id", jget_str(report, "run_id", NULL));
	property(out, "run_dir", jget_str(report, "run_dir", NULL));
	property(out, "started", jget_str(report, "started", NULL));
	property(out, "profile", jget_str(report, "plan.profile", NULL));
	property(out, "poof_version", jget_str(report, "tool.version", NULL));
	property(out, "kernel_release", jget_str(report, "environment.kernel_release", NULL));
	property(out, "filesystem", jget_str(report, "target.fs", NULL));
	property(out, "device", jget_str(report, "kernel.device", NULL));
	property(out, "cgroup_manager", jget_str(report, "cgroup_manager", NULL));
	property(out, "next_step", next.advice);
	property(out, "next_command", next.command[0] ? next.command : NULL);
	fputs("    </properties>\n", out);
}

/* "2026-12-01T21:35:17": the JUnit timestamp has no zone (poof's times are UTC). */
static void timestamp_attr(json_object *report, FILE *out)
{
	const char *started = jget_str(report, "started", NULL);
	char stamp[20];
	unsigned y, mo, d, h, mi, s;

	if (!started || strlen(started) < 19 ||
	    sscanf(started, "%4u-%2u-%2uT%2u:%2u:%2u", &y, &mo, &d, &h, &mi, &s) != 6)
		return;
	snprintf(stamp, sizeof(stamp), "%04u-%02u-%02uT%02u:%02u:%02u", y, mo, d, h, mi, s);
	attr(out, "timestamp", stamp);
}

static void counts_attrs(FILE *out, const struct tally *t)
{
	fprintf(out, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\"", t->tests,
		t->failures, t->errors, t->skipped);
}

/* The testcases into memory first: the suite's opening tag carries their counts. */
static int testcases(json_object *report, char **ret, struct tally *t)
{
	size_t len = 0;
	FILE *mem = open_memstream(ret, &len);
	int r = 0;

	if (!mem)
		return -ENOMEM;
	for (enum check_id id = 0; id < _CHECK_MAX && r >= 0; id++)
		r = check_testcase(report, id, mem, t);
	container_testcases(report, mem, t);
	if (fclose(mem) != 0 && r >= 0)
		r = -ENOMEM;
	return r;
}

static int junit_render(json_object *report, FILE *out)
{
	_cleanup_free_ char *cases = NULL;
	struct tally t = { 0 };
	char name[256];
	int r;

	r = testcases(report, &cases, &t);
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "poof %s %s (%s)", jget_str(report, "command", "run"),
		 jget_str(report, "run_id", "id not recorded"),
		 jget_str(report, "plan.profile", "profile not recorded"));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
	attr(out, "name", "poof");
	counts_attrs(out, &t);
	time_attr(out, jget_num(report, "elapsed_s", 0));
	fputs(">\n  <testsuite", out);
	attr(out, "name", name);
	counts_attrs(out, &t);
	time_attr(out, jget_num(report, "elapsed_s", 0));
	timestamp_attr(report, out);
	fputs(">\n", out);
	properties(report, out);
	fputs(cases, out);
	fputs("  </testsuite>\n</testsuites>\n", out);
	return 0;
}

const struct report_format report_format_junit = {
	.name = "junit",
	.option = "--junit",
	.dash_is_stdout = false,
	.render = junit_render,
};
