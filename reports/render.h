/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The report formats rendered from a report's JSON document (schema in
 * poof-report(5)): one file per format (html.c, junit.c, ktap.c), listed in
 * report_formats[]. They read the JSON, never the run's structs, so that
 * `poof report` renders any finished or interrupted run from its
 * report.json alone, whatever poof version wrote it: a key that is missing
 * renders as "not recorded".
 *
 * Each renders into memory first, then writes its file atomically
 * (temporary file, fsync, rename): a reader never sees half a report. All
 * return 0 or -errno.
 */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

struct report_format {
	const char *name;    /* "html" */
	const char *option;  /* "--html": how the command line asks for it */
	bool dash_is_stdout; /* "-" for a path writes to standard output */
	int (*render)(json_object *report, FILE *out);
};

extern const struct report_format report_format_html;
extern const struct report_format report_format_junit;
extern const struct report_format report_format_ktap;

/* Every format, in the order `poof report` writes them. */
extern const struct report_format *const report_formats[3];

/* Render report as f into path, atomically; "-" is stdout for a format that allows it. */
int report_render(const struct report_format *f, json_object *report, const char *path);

int report_render_html(json_object *report, const char *path);
int report_render_junit(json_object *report, const char *path);
int report_render_ktap(json_object *report, const char *path_or_dash);
