// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Questions about a plan - which container a name means, how many replicas
 * a group runs in, whether anything is placed in a container - and the
 * problems both profile_load (which blames a line) and plan_validate (which
 * checks a plan changed by overrides) look for.
 */
#include <stdio.h>

#include "profiles/profile-internal.h"

unsigned plan_container_index(const struct plan *plan, const char *name)
{
	for (unsigned i = 0; i < plan->ncontainers; i++)
		if (streq(plan->containers[i].name, name))
			return i;
	return CONTAINER_NONE;
}

unsigned plan_container_replicas(const struct plan *plan, const char *name)
{
	unsigned i = plan_container_index(plan, name);

	return i == CONTAINER_NONE ? 0 : plan->containers[i].count;
}

static uint64_t cg_value(uint64_t v)
{
	return v == PLAN_UNLIMITED ? CG_UNSET : v;
}

void plan_container_limits(const struct container_spec *spec, struct cg_limits *ret)
{
	*ret = CG_LIMITS_UNSET;
	ret->memory_max = cg_value(spec->memory_max);
	ret->memory_high = cg_value(spec->memory_high);
	ret->swap_max = cg_value(spec->swap_max);
	ret->pids_max = cg_value(spec->pids_max);
	ret->oom_group = spec->oom_group ? 1 : -1;
}

static void list_containers(const struct plan *plan, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "(none)");
	for (unsigned i = 0; i < plan->ncontainers && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 plan->containers[i].name);
}

const char *placement_problem(const struct plan *plan, const char *container, bool required,
			      char *buf, size_t len)
{
	char known[256];

	if (!*container && required)
		snprintf(buf, len,
			 "a hog needs a container: outside any it would squeeze the whole "
			 "machine; set container = NAME of a [container NAME] section");
	else if (*container && plan_container_index(plan, container) == CONTAINER_NONE) {
		list_containers(plan, known, sizeof(known));
		snprintf(buf, len, "no [container %s] in the profile; containers: %s", container,
			 known);
	} else
		return NULL;
	return buf;
}

/* The rule itself is cgroups' (cg_limits_problem); here it is said in the profile's words. */
const char *container_limit_problem(const struct container_spec *ct, char *buf, size_t len)
{
	char high[32], max[32];
	struct cg_limits l;

	plan_container_limits(ct, &l);
	if (cg_limits_problem(&l) != CG_LIMITS_HIGH_ABOVE_MAX)
		return NULL;
	format_exact_size(ct->memory_high, high, sizeof(high));
	format_exact_size(ct->memory_max, max, sizeof(max));
	snprintf(buf, len, "memory-high %s is above memory-max %s", high, max);
	return buf;
}

const char *group_size_problem(const struct writer_group *g, char *buf, size_t len)
{
	char fs[32], bs[32];

	if (g->file_size_pct)
		return NULL; /* sized from the target's free space when the run starts */
	format_exact_size(g->file_size, fs, sizeof(fs));
	format_exact_size(g->block_size, bs, sizeof(bs));
	if (g->block_size == 0)
		snprintf(buf, len, "block-size is not set");
	else if (g->file_size < g->block_size)
		snprintf(buf, len, "file-size %s is smaller than one block (block-size %s)", fs,
			 bs);
	else if (g->file_size % g->block_size != 0)
		snprintf(buf, len, "file-size %s is not a multiple of block-size %s", fs, bs);
	else if (g->file_size / g->block_size >= MAX_FILE_BLOCKS)
		snprintf(buf, len, "file-size %s holds 2^31 blocks of %s or more", fs, bs);
	else
		return NULL;
	return buf;
}

bool plan_uses_containers(const struct plan *plan)
{
	for (unsigned i = 0; i < plan->ngroups; i++)
		if (plan->groups[i].container[0])
			return true;
	return plan->nhogs > 0;
}

bool plan_has_memory_max(const struct plan *plan)
{
	for (unsigned i = 0; i < plan->ncontainers; i++)
		if (plan->containers[i].memory_max != PLAN_UNLIMITED)
			return true;
	return false;
}

uint32_t plan_group_replicas(const struct plan *plan, const struct writer_group *g)
{
	unsigned i = g->container[0] ? plan_container_index(plan, g->container) : CONTAINER_NONE;

	return i == CONTAINER_NONE ? 1 : plan->containers[i].count;
}

unsigned object_count(const struct plan *plan, enum key_scope scope)
{
	if (scope == KEY_WRITER)
		return plan->ngroups;
	if (scope == KEY_CONTAINER)
		return plan->ncontainers;
	return plan->nhogs;
}

/* The i-th writer group, container or hog: what keys of scope are set in. */
void *object_at(struct plan *plan, enum key_scope scope, unsigned i)
{
	if (scope == KEY_WRITER)
		return &plan->groups[i];
	if (scope == KEY_CONTAINER)
		return &plan->containers[i];
	return &plan->hogs[i];
}

const char *object_name(const struct plan *plan, enum key_scope scope, unsigned i)
{
	if (scope == KEY_WRITER)
		return plan->groups[i].name;
	if (scope == KEY_CONTAINER)
		return plan->containers[i].name;
	return plan->hogs[i].name;
}

int object_find(const struct plan *plan, enum key_scope scope, const char *name)
{
	for (unsigned i = 0; i < object_count(plan, scope); i++)
		if (streq(object_name(plan, scope, i), name))
			return (int)i;
	return -1;
}
