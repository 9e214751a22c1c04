// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The KTAP report (KTAP version 1, as the kernel's own test runners, LAVA
 * and KernelCI read it): a plan, one result line per check (verification,
 * hangs, kernel, expect-oom), "# SKIP" with its reason, and the counts
 * behind each check as diagnostic lines just above its result, which is
 * where kunit's parser files them. Mapping documented in poof-report(5).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "facts.h"
#include "jsonget.h"
#include "render.h"

/* Each line of text as a diagnostic line: "# " and the line. */
static void diagnostic_lines(FILE *out, const char *text)
{
	while (text && *text) {
		size_t len = strcspn(text, "\n");
		char *line = strndup(text, len);

		fputs("# ", out);
		escape_write(out, line ? line : "(out of memory)", ESCAPE_KTAP_LINE);
		fputc('\n', out);
		free(line);
		text += len + (text[len] == '\n');
	}
}

static int check_detail(json_object *report, enum check_id id, FILE *out)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return -ENOMEM;
	facts_check_detail(report, id, mem);
	if (fclose(mem) != 0)
		return -ENOMEM;
	diagnostic_lines(out, text);
	return 0;
}

static int check_result(json_object *report, enum check_id id, FILE *out)
{
	struct check c;
	int r;

	facts_check(report, id, &c);
	fprintf(out, "# %s: ", check_name(id));
	escape_write(out, c.message, ESCAPE_KTAP_LINE);
	fputc('\n', out);
	r = check_detail(report, id, out);
	if (r < 0)
		return r;
	fprintf(out, "%s %d %s", c.status == CHECK_PASS || c.status == CHECK_SKIP ? "ok" : "not ok",
		(int)id + 1, check_name(id));
	if (c.status == CHECK_SKIP) {
		fputs(" # SKIP ", out);
		escape_write(out, c.message, ESCAPE_KTAP_LINE);
	}
	fputc('\n', out);
	return 0;
}

static void header(json_object *report, FILE *out)
{
	char line[512];

	snprintf(line, sizeof(line), "poof %s %s: %s (exit %lld)%s, profile %s",
		 jget_str(report, "command", "run"),
		 jget_str(report, "run_id", "(id not recorded)"), facts_verdict(report),
		 (long long)jget_int(report, "exit_code", -1),
		 jget_bool(report, "interrupted", false) ? ", interrupted" : "",
		 jget_str(report, "plan.profile", "not recorded"));
	diagnostic_lines(out, line);
	snprintf(line, sizeof(line), "run directory: %s",
		 jget_str(report, "run_dir", "not recorded"));
	diagnostic_lines(out, line);
}

static int ktap_render(json_object *report, FILE *out)
{
	struct next_step next;
	int r;

	fprintf(out, "KTAP version 1\n1..%d\n", _CHECK_MAX);
	header(report, out);
	for (enum check_id id = 0; id < _CHECK_MAX; id++) {
		r = check_result(report, id, out);
		if (r < 0)
			return r;
	}
	facts_next_step(report, &next);
	fputs("# next: ", out);
	escape_write(out, next.advice, ESCAPE_KTAP_LINE);
	if (next.command[0]) {
		fputs(": ", out);
		escape_write(out, next.command, ESCAPE_KTAP_LINE);
	}
	fputc('\n', out);
	return 0;
}

const struct report_format report_format_ktap = {
	.name = "ktap",
	.option = "--ktap",
	.dash_is_stdout = true,
	.render = ktap_render,
};
