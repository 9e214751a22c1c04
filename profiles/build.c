// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Building the plan from a collected profile: [run] first, then each
 * container, writer group and hog over the defaults, every value parsed
 * and every placement checked, each problem blamed on its line.
 */
#include <errno.h>
#include <stdio.h>

#include "profiles/ini.h"

static int apply_entry(const struct collector *c, const struct entry *e, struct plan *plan,
		       void *obj)
{
	char label[PLAN_NAME_MAX * 2];

	if (key_applies(e->key, obj) && key_set(e->key, e->value, plan, obj) >= 0)
		return 0;
	entry_label(c, e->section, e->key->name, label, sizeof(label));
	if (!key_applies(e->key, obj))
		return error_not_applicable(c->err, e->line, label, e->key,
					    ((const struct hog_spec *)obj)->kind);
	return error_bad_value(c->err, e->line, label, e->key, e->value);
}

/* The keys marked first (a hog's kind), then the others in file order. */
static int apply_section(const struct collector *c, int sect, struct plan *plan, void *obj)
{
	for (int first = 1; first >= 0; first--)
		for (unsigned i = 0; i < c->n_entries; i++) {
			const struct entry *e = &c->entries[i];
			int r;

			if (e->section != sect || e->key->first != first)
				continue;
			r = apply_entry(c, e, plan, obj);
			if (r < 0)
				return r;
		}
	return 0;
}

static int error_entry(const struct collector *c, const struct entry *e, const char *message)
{
	char label[PLAN_NAME_MAX * 2];

	if (!e)
		return error_set(c->err, -EINVAL, 0, NULL, "%s", message);
	entry_label(c, e->section, e->key->name, label, sizeof(label));
	return error_set(c->err, -EINVAL, e->line, label, "%s", message);
}

/* The key that placed a writer group (its own, or the [run] default) or a hog, or NULL. */
static const struct entry *placement_entry(const struct collector *c, int sect)
{
	const struct entry *e = entry_find(c, sect, "container");

	if (!e && (sect < 0 || c->sections[sect].kind == SECTION_WRITER))
		e = entry_find(c, c->run_section, "container");
	return e;
}

static int check_placement(const struct collector *c, int sect, const struct plan *plan,
			   const char *container, bool required)
{
	char problem[400], label[PLAN_NAME_MAX * 2];
	const struct entry *e;

	if (!placement_problem(plan, container, required, problem, sizeof(problem)))
		return 0;
	e = placement_entry(c, sect);
	if (e || sect < 0)
		return error_entry(c, e, problem);
	entry_label(c, sect, "container", label, sizeof(label));
	return error_set(c->err, -EINVAL, c->sections[sect].line, label, "%s", problem);
}

/* The line to blame: the group's own size keys first, then the [run] defaults. */
static int check_group_sizes(const struct collector *c, int sect, const struct writer_group *g)
{
	const int sections[] = { sect, sect, c->run_section, c->run_section };
	const char *const names[] = { "file-size", "block-size", "file-size", "block-size" };
	char problem[200], label[PLAN_NAME_MAX * 2];

	if (!group_size_problem(g, problem, sizeof(problem)))
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		const struct entry *e = entry_find(c, sections[i], names[i]);

		if (!e)
			continue;
		entry_label(c, sections[i], names[i], label, sizeof(label));
		return error_set(c->err, -EINVAL, e->line, label, "%s", problem);
	}
	return error_set(c->err, -EINVAL, 0, NULL, "%s", problem);
}

static int add_group(const struct collector *c, int sect, const struct plan_defaults *defaults,
		     struct plan *plan)
{
	struct writer_group *g = &plan->groups[plan->ngroups++];
	int r;

	*g = defaults->writer;
	snprintf(g->name, sizeof(g->name), "%s", sect >= 0 ? c->sections[sect].name : "main");
	r = apply_section(c, sect, plan, g);
	if (r < 0)
		return r;
	r = check_group_sizes(c, sect, g);
	if (r < 0)
		return r;
	return check_placement(c, sect, plan, g->container, false);
}

static int add_container(const struct collector *c, int sect, const struct plan_defaults *defaults,
			 struct plan *plan)
{
	struct container_spec *ct = &plan->containers[plan->ncontainers++];
	char problem[200];
	int r;

	*ct = defaults->container;
	snprintf(ct->name, sizeof(ct->name), "%s", c->sections[sect].name);
	r = apply_section(c, sect, plan, ct);
	if (r < 0)
		return r;
	if (!container_limit_problem(ct, problem, sizeof(problem)))
		return 0;
	return error_entry(c, entry_find(c, sect, "memory-high"), problem);
}

static int add_hog(const struct collector *c, int sect, const struct plan_defaults *defaults,
		   struct plan *plan)
{
	struct hog_spec *h = &plan->hogs[plan->nhogs++];
	char label[PLAN_NAME_MAX * 2];
	int r;

	*h = defaults->hog;
	snprintf(h->name, sizeof(h->name), "%s", c->sections[sect].name);
	if (!entry_find(c, sect, "kind")) {
		entry_label(c, sect, "kind", label, sizeof(label));
		return error_set(c->err, -EINVAL, c->sections[sect].line, label,
				 "a hog needs a kind: set kind = anon, shmem or kmem");
	}
	r = apply_section(c, sect, plan, h);
	if (r < 0)
		return r;
	return check_placement(c, sect, plan, h->container, true);
}

/* The first key that put a writer group or hog in a container, or NULL. */
static const struct entry *first_placement(const struct collector *c)
{
	const struct entry *e;

	if (sections_count(c, SECTION_WRITER) == 0) {
		e = placement_entry(c, -1);
		if (e && e->value[0])
			return e;
	}
	for (unsigned i = 0; i < c->n_sections; i++) {
		if (c->sections[i].kind != SECTION_WRITER && c->sections[i].kind != SECTION_HOG)
			continue;
		e = placement_entry(c, (int)i);
		if (e && e->value[0])
			return e;
	}
	return NULL;
}

/* Blame `cgroup = none` where it is written, else the first placement. */
static int check_run(const struct collector *c, const struct plan *plan)
{
	const struct entry *e;

	if (plan->cgroup == CG_MANAGER_NONE && plan_uses_containers(plan)) {
		e = entry_find(c, c->run_section, "cgroup") ?: first_placement(c);
		return error_entry(c, e, CGROUP_NEEDED);
	}
	if (plan->expect_oom && !plan_has_memory_max(plan))
		return error_entry(c, entry_find(c, c->run_section, "expect-oom"),
				   EXPECT_OOM_NEEDS_LIMIT);
	return 0;
}

typedef int (*section_add_t)(const struct collector *c, int sect,
			     const struct plan_defaults *defaults, struct plan *plan);

/* Containers first: writer groups and hogs name them. */
static const struct {
	enum section_kind kind;
	section_add_t add;
} build_order[] = {
	{ SECTION_CONTAINER, add_container },
	{ SECTION_WRITER, add_group },
	{ SECTION_HOG, add_hog },
};

/* [run] first, then every other section over the defaults: section order is free. */
static int plan_build(const struct collector *c, struct plan *plan)
{
	struct plan_defaults defaults;
	int r;

	plan_init(plan, &defaults);
	if (c->run_section >= 0) {
		r = apply_section(c, c->run_section, plan, &defaults.writer);
		if (r < 0)
			return r;
	}
	for (unsigned b = 0; b < ARRAY_SIZE(build_order); b++) {
		for (unsigned i = 0; i < c->n_sections; i++) {
			if (c->sections[i].kind != build_order[b].kind)
				continue;
			r = build_order[b].add(c, (int)i, &defaults, plan);
			if (r < 0)
				return r;
		}
		if (build_order[b].kind == SECTION_WRITER && plan->ngroups == 0) {
			r = add_group(c, -1, &defaults, plan);
			if (r < 0)
				return r;
		}
	}
	return check_run(c, plan);
}

int profile_read(FILE *f, struct plan *ret, struct profile_error *err)
{
	_cleanup_(collector_freep) struct collector *c = collector_new();
	int r;

	if (!c)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory");
	r = collect(f, c, err);
	if (r < 0)
		return r;
	/* An empty file would silently run the defaults: never what was meant. */
	if (c->n_sections == 0)
		return error_set(err, -EINVAL, 0, NULL,
				 "the profile is empty: no [run], [writer NAME], [container NAME] "
				 "or [hog NAME] section");
	return plan_build(c, ret);
}
