// SPDX-License-Identifier: LGPL-2.1-or-later
/* The rendered reports a command was asked for: see outputs.h. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "outputs.h"
#include "shared/log.h"

static const char *option_name(int c)
{
	switch (c) {
	case OUTPUT_OPT_HTML:
		return "--html";
	case OUTPUT_OPT_JUNIT:
		return "--junit";
	case OUTPUT_OPT_KTAP:
		return "--ktap";
	default:
		return NULL;
	}
}

/* The format's index in report_formats, which outputs.path follows. */
static size_t format_index(int c)
{
	const char *option = option_name(c);
	size_t f = 0;

	while (f + 1 < ARRAY_SIZE(report_formats) && !streq(report_formats[f]->option, option))
		f++;
	return f;
}

bool outputs_option(int c)
{
	return option_name(c) != NULL;
}

int outputs_set(struct outputs *o, int c, const char *path)
{
	size_t i = format_index(c);
	const struct report_format *f = report_formats[i];

	if (o->path[i]) {
		log_error("%s given twice (%s and %s): each format is written once", f->option,
			  o->path[i], path);
		return -EINVAL;
	}
	if (!*path || (streq(path, "-") && !f->dash_is_stdout)) {
		log_error("%s \"%s\": expected a file name%s", f->option, path,
			  f->dash_is_stdout ? " or - for standard output" : "");
		return -EINVAL;
	}
	o->path[i] = path;
	return 0;
}

static int check_one(const char *path, const char *option)
{
	struct stat st;

	if (streq(path, "-"))
		return 0;
	if (check_output_path(path, option) < 0)
		return -EINVAL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		log_error("%s %s is a directory: give the name of the file to write", option, path);
		return -EINVAL;
	}
	return 0;
}

int outputs_check(const struct outputs *o)
{
	for (size_t f = 0; f < ARRAY_SIZE(report_formats); f++)
		if (o->path[f] && check_one(o->path[f], report_formats[f]->option) < 0)
			return -EINVAL;
	return 0;
}

bool outputs_any(const struct outputs *o)
{
	for (size_t f = 0; f < ARRAY_SIZE(report_formats); f++)
		if (o->path[f])
			return true;
	return false;
}

const char *outputs_path(const struct outputs *o, int c)
{
	return o->path[format_index(c)];
}

int outputs_write(const struct outputs *o, json_object *doc)
{
	int ret = 0;

	for (size_t f = 0; f < ARRAY_SIZE(report_formats); f++) {
		int r;

		if (!o->path[f])
			continue;
		r = report_render(report_formats[f], doc, o->path[f]);
		if (r < 0) {
			log_error("cannot write the %s report %s: %s", report_formats[f]->name,
				  o->path[f], strerror(-r));
			if (ret == 0)
				ret = r;
		} else if (!streq(o->path[f], "-")) {
			log_info("wrote %s (%s)", o->path[f], report_formats[f]->name);
		}
	}
	return ret;
}

void outputs_name_in_report(const struct outputs *o, const char *file_name, const char *json,
			    struct report *rep)
{
	rep->file_name = file_name;
	rep->json_path = json;
	rep->html_path = outputs_path(o, OUTPUT_OPT_HTML);
	rep->junit_path = outputs_path(o, OUTPUT_OPT_JUNIT);
	rep->ktap_path = outputs_path(o, OUTPUT_OPT_KTAP);
}
