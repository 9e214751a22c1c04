// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * plan_print: the effective plan as a profile that loads back to it.
 */
#include <ctype.h>
#include <stdio.h>

#include "profiles/profile-internal.h"

static void print_key(const struct key_def *k, const struct plan *plan, const void *obj, FILE *out)
{
	char value[PLAN_NAME_MAX + 256]; /* an inject value lists up to six rules */

	key_format(k, plan, obj, value, sizeof(value));
	fprintf(out, "%s =%s%s\n", k->name, value[0] ? " " : "", value);
}

/* "[writer NAME]" and the keys of scope that apply to obj. */
static void print_section(const char *word, const char *name, enum key_scope scope,
			  const struct plan *plan, const void *obj, FILE *out)
{
	fprintf(out, "\n[%s %s]\n", word, name);
	for (unsigned i = 0; i < n_profile_keys; i++)
		if (profile_keys[i].scope == scope && key_applies(&profile_keys[i], obj))
			print_key(&profile_keys[i], plan, obj, out);
}

/* A profile name can be any file name; keep the comment on one line. */
static void print_comment_text(const char *s, FILE *out)
{
	for (; *s; s++)
		fputc(iscntrl((unsigned char)*s) ? '?' : *s, out);
}

void plan_print(const struct plan *plan, FILE *out)
{
	fputs("# Effective plan of profile ", out);
	print_comment_text(plan->profile, out);
	fputs(" (every key, overrides applied; see poof-profile(5))\n\n[run]\n", out);
	for (unsigned i = 0; i < n_profile_keys; i++)
		if (profile_keys[i].scope == KEY_RUN)
			print_key(&profile_keys[i], plan, NULL, out);
	for (unsigned i = 0; i < plan->ncontainers; i++)
		print_section("container", plan->containers[i].name, KEY_CONTAINER, plan,
			      &plan->containers[i], out);
	for (unsigned i = 0; i < plan->ngroups; i++)
		print_section("writer", plan->groups[i].name, KEY_WRITER, plan, &plan->groups[i],
			      out);
	for (unsigned i = 0; i < plan->nhogs; i++)
		print_section("hog", plan->hogs[i].name, KEY_HOG, plan, &plan->hogs[i], out);
}
