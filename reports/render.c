// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The table of report formats and their one way out: rendered into memory,
 * then written atomically, or to stdout for "-". See render.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"
#include "shared/fileio.h"
#include "shared/macro.h"

const struct report_format *const report_formats[3] = {
	&report_format_html,
	&report_format_junit,
	&report_format_ktap,
};

/* The rendered text in a malloc'ed buffer. */
static int render_to_memory(const struct report_format *f, json_object *report, char **ret,
			    size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int r;

	if (!out)
		return -ENOMEM;
	r = f->render(report, out);
	if (fclose(out) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0)
		return r;
	*ret = steal_pointer(&buf);
	*ret_len = len;
	return 0;
}

int report_render(const struct report_format *f, json_object *report, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = render_to_memory(f, report, &text, &len);
	if (r < 0)
		return r;
	if (f->dash_is_stdout && streq(path, "-"))
		return write_all(STDOUT_FILENO, text, len);
	return write_path_atomic(path, text, len, 0644);
}

int report_render_html(json_object *report, const char *path)
{
	return report_render(&report_format_html, report, path);
}

int report_render_junit(json_object *report, const char *path)
{
	return report_render(&report_format_junit, report, path);
}

int report_render_ktap(json_object *report, const char *path_or_dash)
{
	return report_render(&report_format_ktap, report, path_or_dash);
}
