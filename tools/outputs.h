/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * --html FILE, --junit FILE and --ktap FILE|-: the rendered reports a
 * command writes (reports/render.h), the same options in poof stress,
 * poof verify and poof report. They are checked before the command creates
 * anything, and rendered from the one JSON document the command has.
 */

#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>

#include "reports/render.h"
#include "reports/report.h"
#include "shared/macro.h"

/* The getopt codes of the three options, above any character a command uses. */
enum {
	OUTPUT_OPT_HTML = 0x100,
	OUTPUT_OPT_JUNIT,
	OUTPUT_OPT_KTAP,
};

#define OUTPUT_OPTIONS                                                  \
	{ "html", required_argument, NULL, OUTPUT_OPT_HTML },           \
		{ "junit", required_argument, NULL, OUTPUT_OPT_JUNIT }, \
	{                                                               \
		"ktap", required_argument, NULL, OUTPUT_OPT_KTAP        \
	}

struct outputs {
	const char *path[ARRAY_SIZE(report_formats)]; /* by the index in report_formats, or NULL */
};

/* Is c one of OUTPUT_OPT_*? */
bool outputs_option(int c);

/* Take the option c's FILE; a repeated option or an empty name is refused (-EINVAL, logged). */
int outputs_set(struct outputs *o, int c, const char *path);

/* Each FILE can be written: its directory exists, it is not one. -EINVAL, logged. */
int outputs_check(const struct outputs *o);

bool outputs_any(const struct outputs *o);

/* The FILE given to option c (OUTPUT_OPT_HTML, ...), or NULL. */
const char *outputs_path(const struct outputs *o, int c);

/* Name in rep what the command writes: file_name in the run directory, json, and o. */
void outputs_name_in_report(const struct outputs *o, const char *file_name, const char *json,
			    struct report *rep);

/*
 * Render doc into every file asked for, atomically, each failure logged:
 * 0, or the -errno of the first that could not be written.
 */
int outputs_write(const struct outputs *o, json_object *doc);
