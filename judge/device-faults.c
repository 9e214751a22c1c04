// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "judge/device-faults.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/names.h"

#define FAULT_LOG_MAX (64u << 10)

static const char *const kind_names[] = {
	[DEVICE_FAULT_DROP_WRITES] = "drop-writes",
	[DEVICE_FAULT_ERROR_WRITES] = "error-writes",
	[DEVICE_FAULT_SUSPEND] = "suspend",
	NULL,
};

const char *device_fault_name(enum device_fault_kind k)
{
	return enum_to_name(kind_names, k);
}

bool device_fault_reports_errors(enum device_fault_kind k)
{
	return k == DEVICE_FAULT_ERROR_WRITES;
}

static int kind_from_name(const char *name, enum device_fault_kind *ret)
{
	int k = enum_from_name(kind_names, name);

	if (k < 0)
		return k;
	*ret = (enum device_fault_kind)k;
	return 0;
}

/* The window of this kind that is still on, or NULL. */
static struct device_fault_window *open_window(struct device_faults *f, enum device_fault_kind k)
{
	for (unsigned i = f->n; i-- > 0;)
		if (f->w[i].kind == k && f->w[i].off_ns == DEVICE_FAULT_STILL_ON)
			return &f->w[i];
	return NULL;
}

/* One line, "SECONDS on|off KIND", applied to f. */
static int parse_line(char *line, uint64_t *last_ns, struct device_faults *f)
{
	char *save = NULL, *secs = strtok_r(line, " \t", &save);
	char *what = strtok_r(NULL, " \t", &save), *name = strtok_r(NULL, " \t", &save);
	struct device_fault_window *w;
	enum device_fault_kind k;
	uint64_t t;

	if (!name || strtok_r(NULL, " \t", &save) || parse_duration(secs, &t) < 0 ||
	    kind_from_name(name, &k) < 0 || t < *last_ns)
		return -EINVAL;
	*last_ns = t;
	w = open_window(f, k);
	if (streq(what, "off")) {
		if (!w)
			return -EINVAL;
		w->off_ns = t;
		return 0;
	}
	if (!streq(what, "on"))
		return -EINVAL;
	if (w)
		return 0; /* switched on again while on: one window */
	if (f->n == DEVICE_FAULTS_MAX)
		return -E2BIG;
	f->w[f->n++] = (struct device_fault_window){ .kind = k,
						     .on_ns = t,
						     .off_ns = DEVICE_FAULT_STILL_ON };
	return 0;
}

int device_faults_parse(const char *text, struct device_faults *ret, unsigned *ret_line)
{
	_cleanup_free_ char *copy = strdup(text);
	struct device_faults f = { 0 };
	uint64_t last_ns = 0;
	unsigned lineno = 0;
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	/* strtok_r skips empty lines: blank lines are allowed. */
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int r;

		lineno++;
		r = parse_line(line, &last_ns, &f);
		if (r < 0) {
			*ret_line = lineno;
			return r;
		}
	}
	*ret = f;
	return 0;
}

int device_faults_read(const char *path, struct device_faults *ret, unsigned *ret_line)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	*ret_line = 0;
	r = read_file_full(AT_FDCWD, path, FAULT_LOG_MAX, (void **)&text, &len);
	if (r < 0)
		return r;
	if (memchr(text, '\0', len))
		return -EINVAL;
	return device_faults_parse(text, ret, ret_line);
}

const struct device_fault_window *device_faults_during(const struct device_faults *f,
						       uint64_t from_ns, uint64_t to_ns,
						       bool errors_only)
{
	for (unsigned i = 0; i < f->n; i++) {
		const struct device_fault_window *w = &f->w[i];

		if (errors_only && !device_fault_reports_errors(w->kind))
			continue;
		if (w->on_ns <= to_ns && w->off_ns >= from_ns)
			return w;
	}
	return NULL;
}
