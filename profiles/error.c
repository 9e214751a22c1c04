// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The messages of profile and -o errors: what was wrong, where, and what
 * is accepted instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "profiles/profile-internal.h"

void hog_kinds_text(unsigned kinds, char *buf, size_t len)
{
	size_t used = 0;
	unsigned n = 0, total = (unsigned)__builtin_popcount(kinds);

	buf[0] = '\0';
	for (unsigned i = 0; i < _HOG_KIND_MAX && used < len; i++) {
		if (!(kinds & (1U << i)))
			continue;
		n++;
		used += snprintf(buf + used, len - used, "%s%s",
				 n == 1	    ? "" :
				 n == total ? " and " :
					      ", ",
				 enum_to_name(hog_kind_names, i));
	}
}

_printf_(5, 6) int error_set(struct profile_error *err, int r, unsigned line, const char *key,
			     const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	snprintf(err->key, sizeof(err->key), "%s", key ?: "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return r;
}

void error_init(struct profile_error *err, const char *file)
{
	*err = (struct profile_error){ 0 };
	snprintf(err->file, sizeof(err->file), "%s", file);
}

int error_bad_value(struct profile_error *err, unsigned line, const char *key,
		    const struct key_def *k, const char *value)
{
	return error_set(err, -EINVAL, line, key, "bad value \"%s\" for %s: expected %s", value,
			 k->name, k->accepted);
}

int error_not_applicable(struct profile_error *err, unsigned line, const char *key,
			 const struct key_def *k, enum hog_kind kind)
{
	char kinds[32];

	hog_kinds_text(k->hog_kinds, kinds, sizeof(kinds));
	return error_set(err, -EINVAL, line, key, "%s does not apply to %s hogs, only to %s hogs",
			 k->name, enum_to_name(hog_kind_names, kind), kinds);
}

int error_unknown_key(struct profile_error *err, unsigned line, const char *key, const char *name,
		      unsigned scopes)
{
	char known[400];

	list_keys(scopes, known, sizeof(known));
	return error_set(err, -EINVAL, line, key, "unknown key \"%s\"; keys: %s", name, known);
}

void error_init_plan(struct profile_error *err, const struct plan *plan)
{
	char source[PLAN_PATH_MAX];

	if (plan->profile_path[0])
		snprintf(source, sizeof(source), "%s", plan->profile_path);
	else
		snprintf(source, sizeof(source), "bundled:%s", plan->profile);
	error_init(err, source);
}
