// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The HTML report: one self-contained page (inline CSS and SVG, no script,
 * no font or anything else fetched; its Content-Security-Policy forbids
 * it). From the top: a verdict banner with the exit code, the finding, the
 * next command and the four checks; the run's environment; the timeline
 * (html-timeline.c); the losses; the kernel's events; stalls with their
 * stacks; what the supervisor cost; the writers. What the report does not
 * hold is said as "not recorded", naming the key a later poof adds.
 */
#include <math.h>
#include <string.h>

#include "escape.h"
#include "facts.h"
#include "html.h"
#include "jsonget.h"
#include "render.h"
#include "shared/parse.h"

static const char page_css[] =
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"color:#0f172a;background:#f8fafc}\n"
	"main{max-width:1100px;margin:0 auto;padding:0 16px 40px}\n"
	"h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}\n"
	"code,pre{font:12.5px ui-monospace,'DejaVu Sans Mono',monospace}\n"
	"pre{background:#f1f5f9;padding:8px;overflow-x:auto;margin:4px 0 10px}\n"
	"table{border-collapse:collapse;margin:6px 0 10px;background:#fff}\n"
	"th,td{border:1px solid #e2e8f0;padding:3px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#f1f5f9;font-weight:600}td.n{text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	"table.kv th{width:210px}\n"
	".nr{color:#64748b;font-style:italic}.bad{color:#b91c1c;font-weight:700}\n"
	".note{color:#475569;font-size:12.5px}\n"
	".banner{color:#fff;padding:18px 24px 14px;margin:0 0 8px}\n"
	".banner.PASS{background:#15803d}.banner.FAIL{background:#b91c1c}"
	".banner.HANG{background:#c2410c}.banner.KERNEL{background:#7e22ce}"
	".banner.INEFFECTIVE{background:#a16207}.banner.other{background:#475569}\n"
	".banner .vd{display:flex;align-items:baseline;gap:14px;flex-wrap:wrap}\n"
	".verdict{font-size:40px;font-weight:800;letter-spacing:1px}\n"
	".exit,.tag{font-size:16px;background:rgba(0,0,0,.22);padding:2px 8px;border-radius:4px}\n"
	".headline{font-size:17px;font-weight:600;margin:6px 0}\n"
	".next{margin:6px 0;font-size:15px}.next code{background:rgba(0,0,0,.28);color:#fff;"
	"padding:2px 6px;border-radius:3px;font-size:14px}\n"
	"ul.checks{list-style:none;padding:0;margin:10px 0 4px;display:grid;"
	"grid-template-columns:1fr 1fr;gap:4px 16px}\n"
	"ul.checks li{background:rgba(255,255,255,.12);padding:3px 8px;border-radius:3px;"
	"font-size:13px}\n"
	"ul.checks li{display:grid;grid-template-columns:92px 52px 1fr;align-items:baseline}\n"
	".st{font-weight:800;font-size:12px}\n"
	".runline{font-size:12.5px;opacity:.9;margin:8px 0 0}\n"
	"figure{margin:10px 0 18px;background:#fff;border:1px solid #e2e8f0;padding:6px 8px}\n"
	"figcaption{font-size:13.5px;margin-bottom:2px}figcaption .k{color:#b91c1c;"
	"font-weight:600}\n"
	".legend{font-size:12px;display:flex;flex-wrap:wrap;gap:4px 14px}\n"
	"details summary{cursor:pointer;font-weight:600}\n"
	"@media print{.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

static void text(FILE *out, const char *s)
{
	html_puts(out, s);
}

/* A value, or "not recorded" that names the key a later poof adds. */
static void value_or_missing(FILE *out, const char *v, const char *key)
{
	if (v) {
		text(out, v);
		return;
	}
	fputs("<span class=\"nr\">not recorded", out);
	if (key) {
		fputs(" (<code>", out);
		text(out, key);
		fputs("</code>, written by a later poof)", out);
	}
	fputs("</span>", out);
}

static void head(json_object *r, FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"poof report\">\n<title>poof ",
	      out);
	text(out, facts_verdict(r));
	fputs(" · ", out);
	text(out, jget_str(r, "plan.profile", jget_str(r, "command", "run")));
	fputs(" · run ", out);
	text(out, jget_str(r, "run_id", "?"));
	fprintf(out, "</title>\n<style>\n%s", page_css);
	html_timeline_css(out);
	fputs("</style></head>\n<body>\n", out);
}

static const char *status_name(enum check_status s)
{
	static const char *const names[] = {
		[CHECK_PASS] = "PASS",
		[CHECK_FAIL] = "FAIL",
		[CHECK_SKIP] = "SKIP",
		[CHECK_ERROR] = "ERROR",
	};

	return names[s];
}

/* What the banner says first: the first check that failed, else what passed. */
static void headline(json_object *r, const struct check *checks, FILE *out)
{
	fputs("<p class=\"headline\">", out);
	for (size_t i = 0; i < _CHECK_MAX; i++)
		if (checks[i].status == CHECK_FAIL || checks[i].status == CHECK_ERROR) {
			text(out, checks[i].message);
			fputs("</p>\n", out);
			return;
		}
	if (jget_int(r, "exit_code", -1) == 0 && jget_bool(r, "verify.ran", false))
		fprintf(out,
			"Nothing lost: %lld blocks verified from the media; %lld OOM kills; "
			"no stall; no kernel failure",
			(long long)jget_int(r, "verify.blocks", 0),
			(long long)jget_int(r, "write_phase.oom_kills", 0));
	else
		text(out, checks[CHECK_VERIFICATION].message);
	fputs("</p>\n", out);
}

static void next_step(json_object *r, FILE *out)
{
	struct next_step next;

	facts_next_step(r, &next);
	fputs("<p class=\"next\"><b>Next:</b> ", out);
	if (jget_int(r, "exit_code", -1) == 0)
		fputs(next.command[0] ? "nothing to do: this page is the run's record; render it "
					"again with " :
					"nothing to do: this page is the run's record",
		      out);
	else
		text(out, next.advice);
	if (next.command[0]) {
		fputs(jget_int(r, "exit_code", -1) == 0 ? "" : "<br>", out);
		fputs("<code>", out);
		text(out, next.command);
		fputs("</code>", out);
	}
	fputs("</p>\n", out);
}

static void checks_list(const struct check *checks, FILE *out)
{
	fputs("<ul class=\"checks\">\n", out);
	for (size_t i = 0; i < _CHECK_MAX; i++) {
		fprintf(out,
			"<li class=\"%s\" id=\"check-%s\"><b>%s</b><span class=\"st\">%s</span>",
			status_name(checks[i].status), check_name(checks[i].id),
			check_name(checks[i].id), status_name(checks[i].status));
		text(out, checks[i].message);
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
}

static void also_verdicts(json_object *r, FILE *out)
{
	json_object *a = jget_array(r, "verdicts");

	for (size_t i = 0; i < jlen(a); i++) {
		const char *v = json_object_get_string(jidx(a, i));

		if (streq(v, facts_verdict(r)))
			continue;
		fputs("<span class=\"tag\">also ", out);
		text(out, v);
		fputs("</span>", out);
	}
	if (jget_bool(r, "interrupted", false))
		fputs("<span class=\"tag\">interrupted</span>", out);
}

static void banner(json_object *r, FILE *out)
{
	static const char *const known[] = { "PASS", "FAIL", "HANG", "KERNEL", "INEFFECTIVE" };
	const char *verdict = facts_verdict(r), *cls = "other";
	struct check checks[_CHECK_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (streq(verdict, known[i]))
			cls = known[i];
	for (enum check_id id = 0; id < _CHECK_MAX; id++)
		facts_check(r, id, &checks[id]);
	fprintf(out,
		"<header class=\"banner %s\" id=\"verdict\"><div class=\"vd\">"
		"<span class=\"verdict\">",
		cls);
	text(out, verdict);
	fprintf(out, "</span><span class=\"exit\">exit %lld</span>",
		(long long)jget_int(r, "exit_code", -1));
	also_verdicts(r, out);
	fputs("</div>\n", out);
	headline(r, checks, out);
	next_step(r, out);
	checks_list(checks, out);
	fputs("<p class=\"runline\">poof ", out);
	text(out, jget_str(r, "command", "run"));
	fputs(" · run ", out);
	text(out, jget_str(r, "run_id", "?"));
	fputs(" · profile ", out);
	text(out, jget_str(r, "plan.profile", "not recorded"));
	fputs(" · started ", out);
	text(out, jget_str(r, "started", "not recorded"));
	fprintf(out, " · took %.1f s</p></header>\n<main>\n", jget_num(r, "elapsed_s", NAN));
}

static void row_open(FILE *out, const char *name)
{
	fputs("<tr><th>", out);
	text(out, name);
	fputs("</th><td>", out);
}

static void row(FILE *out, const char *name, const char *value, const char *key)
{
	row_open(out, name);
	value_or_missing(out, value, key);
	fputs("</td></tr>\n", out);
}

/* plan.overrides: an object of key: value, or an array of "key=value" strings. */
static void overrides(json_object *r, FILE *out)
{
	json_object *o = jget(r, "plan.overrides");

	row_open(out, "overrides (-o)");
	if (json_object_is_type(o, json_type_object)) {
		bool any = false;

		json_object_object_foreach(o, k, v)
		{
			fputs(any ? ", <code>" : "<code>", out);
			text(out, k);
			fputc('=', out);
			text(out, json_object_is_type(v, json_type_string) ?
					  json_object_get_string(v) :
					  json_object_to_json_string(v));
			fputs("</code>", out);
			any = true;
		}
		fputs(any ? "" : "none", out);
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < jlen(o); i++) {
			fputs(i ? ", <code>" : "<code>", out);
			text(out, json_object_get_string(jidx(o, i)));
			fputs("</code>", out);
		}
		fputs(jlen(o) ? "" : "none", out);
	} else {
		value_or_missing(out, NULL, "plan.overrides");
	}
	fputs("</td></tr>\n", out);
}

/* "main: 4 writers x 2 files of 8M, 4K blocks, pwrite, fsync every 64, sequential" */
static void writer_groups(json_object *r, FILE *out)
{
	json_object *g = jget_array(r, "plan.writer_groups");
	char size[16], block[16];

	if (!g)
		return;
	row_open(out, "writers");
	for (size_t i = 0; i < jlen(g); i++) {
		json_object *w = jidx(g, i);

		fputs(i ? "<br>" : "", out);
		text(out, jget_str(w, "name", "?"));
		fprintf(out, ": %lld writers × %lld files of %s, %s blocks, ",
			(long long)jget_int(w, "writers", 0), (long long)jget_int(w, "files", 0),
			format_size((uint64_t)jget_int(w, "file_size", 0), size, sizeof(size)),
			format_size((uint64_t)jget_int(w, "block_size", 0), block, sizeof(block)));
		text(out, jget_str(w, "engine", "?"));
		fputs(", fsync ", out);
		text(out, jget_str(w, "fsync", "?"));
		if (streq(jget_str(w, "fsync", NULL), "every"))
			fprintf(out, " %lld", (long long)jget_int(w, "fsync_every", 0));
		fputs(", ", out);
		text(out, jget_str(w, "order", "?"));
	}
	fputs("</td></tr>\n", out);
}

static void fault_row(json_object *r, FILE *out)
{
	json_object *w = jget_array(r, "device_fault.windows");

	row_open(out, "device fault");
	if (jlen(w) == 0)
		fputs(jget_bool(r, "device_fault.deliberate", false) ? "on (windows not recorded)" :
								       "none",
		      out);
	for (size_t i = 0; i < jlen(w); i++) {
		json_object *f = jidx(w, i);

		fputs(i ? "<br>" : "", out);
		text(out, jget_str(f, "kind", "?"));
		fprintf(out, " from %.1f s ", jget_num(f, "on_s", NAN));
		if (jget_has(f, "off_s"))
			fprintf(out, "to %.1f s", jget_num(f, "off_s", NAN));
		else
			fputs("to the end", out);
	}
	if (jget_str(r, "device_fault.log_error", NULL)) {
		fputs(" <span class=\"bad\">fault log unreadable: ", out);
		text(out, jget_str(r, "device_fault.log_error", NULL));
		fputs("</span>", out);
	}
	fputs("</td></tr>\n", out);
}

static void profile_row(json_object *r, FILE *out)
{
	row_open(out, "profile");
	value_or_missing(out, jget_str(r, "plan.profile", NULL), NULL);
	if (jget_obj(r, "plan"))
		fprintf(out, ", %.0f s, seed %lld, strict-errors %s",
			jget_num(r, "plan.duration_s", NAN), (long long)jget_int(r, "plan.seed", 0),
			jget_bool(r, "plan.strict_errors", false) ? "yes" : "no");
	fputs("</td></tr>\n", out);
}

static void target_rows(json_object *r, FILE *out)
{
	const char *fs = jget_str(r, "target.fs", NULL);

	row_open(out, "filesystem");
	if (fs)
		text(out, fs);
	else
		fputs(streq(jget_str(r, "target.kind", NULL), "dir") ?
			      "<span class=\"nr\">not recorded (a --dir target: poof did not make "
			      "this filesystem)</span>" :
			      "<span class=\"nr\">not recorded</span>",
		      out);
	fputs(" · ", out);
	text(out, jget_str(r, "target.kind", "target"));
	fputs(" <code>", out);
	text(out, jget_str(r, "target.path", "?"));
	fputs("</code></td></tr>\n", out);
	row(out, "device", jget_str(r, "kernel.device", NULL), NULL);
	row_open(out, "cgroup manager");
	value_or_missing(out, jget_str(r, "cgroup_manager", NULL), NULL);
	if (jget_str(r, "cgroup.path", NULL)) {
		fputs(" · <code>", out);
		text(out, jget_str(r, "cgroup.path", NULL));
		fputs("</code>", out);
	}
	fputs("</td></tr>\n", out);
}

static void environment(json_object *r, FILE *out)
{
	fputs("<section id=\"environment\"><h2>Run and environment</h2><table class=\"kv\">\n",
	      out);
	row(out, "kernel release", jget_str(r, "environment.kernel_release", NULL),
	    "environment.kernel_release");
	row(out, "kernel command line", jget_str(r, "environment.kernel_cmdline", NULL),
	    "environment.kernel_cmdline");
	target_rows(r, out);
	profile_row(r, out);
	overrides(r, out);
	writer_groups(r, out);
	fault_row(r, out);
	row(out, "poof version", jget_str(r, "tool.version", NULL), NULL);
	row(out, "run directory", jget_str(r, "run_dir", NULL), NULL);
	fputs("</table></section>\n", out);
}

static void class_table(json_object *r, FILE *out)
{
	static const char *const meaning[] = {
		"pass: the acknowledged generation is on the media",
		"pass: being written when its writer died",
		"FAIL: acknowledged, missing, and no error reported anywhere",
		"FAIL: missing though the writer's fsync covered it",
		"FAIL, unless the run's own error-reporting fault excuses it",
		"FAIL: valid header, damaged payload",
		"FAIL: a valid block of another file or offset",
		"FAIL: anything else",
	};
	bool excused = jget_bool(r, "verify.reported_excused", false);

	fputs("<table class=\"classes\"><thead><tr><th>class</th><th>blocks</th><th>counts as"
	      "</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < ARRAY_SIZE(facts_loss_class_names); i++) {
		char path[48];
		int64_t n;
		bool bad;

		snprintf(path, sizeof(path), "verify.classes.%s", facts_loss_class_names[i]);
		n = jget_int(r, path, 0);
		bad = i >= 2 && n > 0 && !(i == 4 && excused);
		fprintf(out, "<tr%s><td>%s</td><td class=\"n\">%lld</td><td>%s%s</td></tr>\n",
			bad ? " class=\"bad\"" : "", facts_loss_class_names[i], (long long)n,
			meaning[i], i == 4 && excused && n > 0 ? " (excused in this run)" : "");
	}
	fputs("</tbody></table>\n", out);
}

static void loss_row(json_object *r, json_object *l, size_t i, FILE *out)
{
	char found[256];

	facts_found(r, l, found, sizeof(found));
	fprintf(out, "<tr><td class=\"n\">%zu</td><td><code>", i + 1);
	text(out, jget_str(l, "file", "not recorded"));
	fprintf(out, "</code></td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td>",
		(long long)jget_int(l, "block", -1), (long long)jget_int(l, "offset", -1));
	text(out, jget_str(l, "class", "?"));
	fprintf(out, "</td><td class=\"n\">generation %lld</td><td>",
		(long long)jget_int(l, "expected_generation", -1));
	text(out, found);
	fputs("</td></tr>\n", out);
}

static void loss_table(json_object *r, FILE *out)
{
	json_object *a = jget_array(r, "verify.losses");
	size_t n = jlen(a);

	if (n == 0)
		return;
	fprintf(out, "<h3>The first %zu of %lld losses</h3>\n", n,
		(long long)jget_int(r, "verify.losses_total", (int64_t)n));
	fputs("<table class=\"losses\" id=\"loss-table\"><thead><tr><th>#</th><th>file</th>"
	      "<th>block</th><th>offset (bytes)</th><th>class</th><th>expected</th><th>found</th>"
	      "</tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < n; i++)
		loss_row(r, jidx(a, i), i, out);
	fputs("</tbody></table>\n", out);
}

static void losses(json_object *r, FILE *out)
{
	json_object *v = jget_obj(r, "verify");
	struct check c;
	char size[16];

	facts_check(r, CHECK_VERIFICATION, &c);
	fputs("<section id=\"losses\"><h2>Losses</h2>\n<p>", out);
	text(out, c.message);
	fputs("</p>\n", out);
	if (!jget_bool(v, "ran", false)) {
		fputs("</section>\n", out);
		return;
	}
	fprintf(out, "<p class=\"note\">%lld blocks of %lld files read ",
		(long long)jget_int(v, "blocks", 0), (long long)jget_int(v, "files", 0));
	text(out, jget_str(v, "method", "by a method not recorded"));
	fprintf(out, " (%s in %.2f s); %lld blocks never written; final syncfs: ",
		format_size((uint64_t)jget_int(v, "bytes_read", 0), size, sizeof(size)),
		jget_num(v, "elapsed_s", NAN), (long long)jget_int(v, "unwritten", 0));
	text(out, jget_str(r, "syncfs", "not recorded"));
	fputs(".</p>\n", out);
	class_table(r, out);
	loss_table(r, out);
	fputs("</section>\n", out);
}

static void kernel_events(json_object *k, FILE *out)
{
	json_object *events = jget_obj(k, "events");
	bool any = false;

	if (!events) {
		fputs("<p class=\"nr\">Event counts: not recorded.</p>\n", out);
		return;
	}
	json_object_object_foreach(events, kind, count)
	{
		char path[64];
		double n;

		if (!jnum(count, &n) || n <= 0)
			continue;
		if (!any)
			fputs("<table class=\"kevents\"><thead><tr><th>kind</th><th>lines</th>"
			      "<th>first line</th></tr></thead><tbody>\n",
			      out);
		any = true;
		snprintf(path, sizeof(path), "first_lines.%s", kind);
		fputs("<tr><td>", out);
		text(out, kind);
		fprintf(out, "</td><td class=\"n\">%.0f</td><td><code>", n);
		text(out, jget_str(k, path, ""));
		fputs("</code></td></tr>\n", out);
	}
	fputs(any ? "</tbody></table>\n" : "<p>The kernel logged no event of note.</p>\n", out);
}

static void kernel_facts(json_object *r, json_object *k, FILE *out)
{
	int64_t before = jget_int(k, "taint_before", -1), after = jget_int(k, "taint_after", -1);
	char line[128];

	fputs("<table class=\"kv\">\n", out);
	snprintf(line, sizeof(line), "%lld read, %lld overwritten before poof read them",
		 (long long)jget_int(k, "records", 0), (long long)jget_int(k, "lost_records", 0));
	row(out, "kernel records", line, NULL);
	row_open(out, "taint");
	if (before < 0 || after < 0)
		value_or_missing(out, NULL, NULL);
	else
		fprintf(out, "%s%lld → %lld%s", (after & ~before) ? "<span class=\"bad\">" : "",
			(long long)before, (long long)after,
			(after & ~before) ? " (new)</span>" : "");
	fputs("</td></tr>\n", out);
	row(out, "I/O errors naming the target", jget_bool(k, "target_error", false) ? "yes" : "no",
	    NULL);
	row_open(out, "kernel log excerpt");
	if (jget_str(k, "log_file", NULL)) {
		fputs("<code>", out);
		text(out, jget_str(r, "run_dir", "."));
		fputc('/', out);
		text(out, jget_str(k, "log_file", NULL));
		fputs("</code>", out);
	} else {
		value_or_missing(out, NULL, "kernel.log_file");
	}
	fputs("</td></tr>\n</table>\n", out);
}

static void kernel(json_object *r, FILE *out)
{
	json_object *k = jget_obj(r, "kernel");
	struct check c;

	facts_check(r, CHECK_KERNEL, &c);
	fputs("<section id=\"kernel\"><h2>Kernel</h2>\n<p>", out);
	text(out, c.message);
	fputs("</p>\n", out);
	if (k) {
		kernel_facts(r, k, out);
		kernel_events(k, out);
		if (jget_bool(k, "fs.shut_down", false)) {
			fprintf(out, "<p>The filesystem under test shut down at %.1f s: <code>",
				jget_num(k, "fs.shut_down_s", NAN));
			text(out, jget_str(k, "fs.shut_down_line", "?"));
			fputs(jget_bool(k, "fs.explained_by_fault", false) ?
				      "</code> (explained by the run's own device fault)</p>\n" :
				      "</code></p>\n",
			      out);
		}
	}
	fputs("</section>\n", out);
}

static void snapshots(json_object *a, const char *what, FILE *out)
{
	for (size_t i = 0; i < jlen(a); i++) {
		json_object *w = jidx(a, i);

		fprintf(out,
			"<details open><summary>%s: writer %lld, pid %lld, at %.1f s, silent "
			"%.1f s, state ",
			what, (long long)jget_int(w, "writer", -1),
			(long long)jget_int(w, "pid", -1), jget_num(w, "at_s", NAN),
			jget_num(w, "silent_s", NAN));
		text(out, jget_str(w, "state", "?"));
		fputs(", wchan <code>", out);
		text(out, jget_str(w, "wchan", "?"));
		fputs("</code></summary><pre>", out);
		text(out, jget_str(w, "stack", "kernel stack not recorded"));
		fputs("</pre></details>\n", out);
	}
}

static void hangs(json_object *r, FILE *out)
{
	struct check c;

	facts_check(r, CHECK_HANGS, &c);
	fputs("<section id=\"hangs\"><h2>Stalls and hangs</h2>\n<p>", out);
	text(out, c.message);
	fputs("</p>\n", out);
	snapshots(jget_array(r, "write_phase.stalled"), "stalled", out);
	snapshots(jget_array(r, "write_phase.unkillable"), "unkillable", out);
	if (jget_obj(r, "verify.target_hung")) {
		fputs("<p class=\"bad\">The target stopped answering during ", out);
		text(out, jget_str(r, "verify.target_hung.during", "?"));
		fprintf(out, " (io timeout %.0f s).</p>\n",
			jget_num(r, "verify.target_hung.io_timeout_s", NAN));
	}
	fputs("</section>\n", out);
}

static void supervisor(json_object *r, FILE *out)
{
	json_object *wp = jget_obj(r, "write_phase");
	double cpu = jget_num(wp, "supervisor_cpu_s", NAN),
	       elapsed = jget_num(wp, "elapsed_s", NAN);
	char line[160], size[16];

	if (!wp)
		return;
	fputs("<section id=\"supervisor\"><h2>The write phase, and what poof itself cost</h2>"
	      "<table class=\"kv\">\n",
	      out);
	snprintf(line, sizeof(line), "%.1f s, stopped by %s", elapsed,
		 jget_str(wp, "stop_reason", "a reason not recorded"));
	row(out, "write phase", line, NULL);
	snprintf(line, sizeof(line), "%s (%.1f MiB/s on average)",
		 format_size((uint64_t)jget_int(wp, "bytes_acknowledged", 0), size, sizeof(size)),
		 jget_num(wp, "bytes_acknowledged", 0) / 1048576.0 / (elapsed > 0 ? elapsed : 1));
	row(out, "acknowledged writes", line, NULL);
	snprintf(line, sizeof(line), "%lld writer deaths, %lld respawns, %lld failed writers",
		 (long long)jget_int(wp, "writer_deaths", 0),
		 (long long)jget_int(wp, "respawns", 0),
		 (long long)jget_int(wp, "failed_writers", 0));
	row(out, "writers", line, NULL);
	snprintf(line, sizeof(line), "%lld started, %lld died",
		 (long long)jget_int(wp, "hogs_started", 0),
		 (long long)jget_int(wp, "hog_deaths", 0));
	row(out, "memory hogs", line, NULL);
	snprintf(line, sizeof(line), "%.2f s (%.1f%% of one CPU over the write phase)", cpu,
		 elapsed > 0 ? cpu / elapsed * 100 : NAN);
	row(out, "supervisor CPU", isnan(cpu) ? NULL : line, NULL);
	snprintf(line, sizeof(line), "%lld ticks more than 1 s late, the worst by %.3f s",
		 (long long)jget_int(wp, "supervisor_late_ticks", 0),
		 jget_num(wp, "supervisor_max_lateness_s", 0));
	row(out, "supervisor late ticks", line, NULL);
	fputs("</table></section>\n", out);
}

static void writers(json_object *r, FILE *out)
{
	json_object *a = jget_array(r, "writers");
	char size[16];

	if (jlen(a) == 0)
		return;
	fprintf(out,
		"<section id=\"writers\"><details><summary>Writers (%zu)</summary>\n"
		"<table><thead><tr><th>writer</th><th>state</th><th>spawns</th><th>deaths</th>"
		"<th>acknowledged</th><th>error</th></tr></thead><tbody>\n",
		jlen(a));
	for (size_t i = 0; i < jlen(a); i++) {
		json_object *w = jidx(a, i);

		fprintf(out, "<tr><td class=\"n\">%lld</td><td>", (long long)jget_int(w, "id", -1));
		text(out, jget_str(w, "state", "?"));
		fprintf(out,
			"</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%s</td><td>",
			(long long)jget_int(w, "spawns", 0), (long long)jget_int(w, "deaths", 0),
			format_size((uint64_t)jget_int(w, "bytes", 0), size, sizeof(size)));
		text(out, jget_str(w, "error", ""));
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></details></section>\n", out);
}

static void footer(json_object *r, FILE *out)
{
	fputs("<footer class=\"note\"><p>Rendered by <code>poof report</code> from a report of "
	      "schema version ",
	      out);
	fprintf(out, "%lld written by poof ", (long long)jget_int(r, "schema_version", -1));
	text(out, jget_str(r, "tool.version", "(version not recorded)"));
	fputs(". The JSON is documented in poof-report(5).</p></footer>\n</main>\n</body></html>\n",
	      out);
}

static int html_render(json_object *report, FILE *out)
{
	int r;

	head(report, out);
	banner(report, out);
	environment(report, out);
	r = html_timeline(report, out);
	if (r < 0)
		return r;
	losses(report, out);
	kernel(report, out);
	hangs(report, out);
	supervisor(report, out);
	writers(report, out);
	footer(report, out);
	return 0;
}

const struct report_format report_format_html = {
	.name = "html",
	.option = "--html",
	.dash_is_stdout = false,
	.render = html_render,
};
