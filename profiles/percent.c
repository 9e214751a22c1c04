// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sizes given as percentages (SPEC section 1), turned into bytes once what
 * they are a share of is known: memory-high of its container's memory-max
 * and a hog's size of its container's memory-max after every override,
 * file-size of the target's free space when the run starts.
 */
#include <errno.h>
#include <stdio.h>

#include "profiles/profile-internal.h"
#include "shared/parse.h"

#define MIN_HOG_SIZE 4096

static int resolve_container(struct container_spec *ct, struct profile_error *err)
{
	char label[PLAN_NAME_MAX * 2], problem[200];

	if (!ct->memory_high_pct)
		return 0;
	ct->memory_high = percent_of(ct->memory_max, ct->memory_high_pct);
	ct->memory_high_pct = 0;
	snprintf(label, sizeof(label), "container %s.memory-high", ct->name);
	if (ct->memory_high < MIN_MEMORY_LIMIT)
		return error_set(err, -EINVAL, 0, label, "memory-high comes to less than 1M");
	if (container_limit_problem(ct, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	return 0;
}

static int resolve_hog(const struct plan *plan, struct hog_spec *h, struct profile_error *err)
{
	unsigned ct = plan_container_index(plan, h->container);
	char label[PLAN_NAME_MAX * 2];

	if (!h->size_pct || h->kind == HOG_KMEM || ct == CONTAINER_NONE)
		return 0;
	h->size = percent_of(plan->containers[ct].memory_max, h->size_pct);
	h->size_pct = 0;
	snprintf(label, sizeof(label), "hog %s.size", h->name);
	if (h->size < MIN_HOG_SIZE)
		return error_set(err, -EINVAL, 0, label, "size comes to less than 4K");
	return 0;
}

int plan_resolve_percentages(struct plan *plan, struct profile_error *err)
{
	int r = 0;

	error_init_plan(err, plan);
	/* Hogs first: they are shares of memory-max, which stays what it is. */
	for (unsigned i = 0; r >= 0 && i < plan->nhogs; i++)
		r = resolve_hog(plan, &plan->hogs[i], err);
	for (unsigned i = 0; r >= 0 && i < plan->ncontainers; i++)
		r = resolve_container(&plan->containers[i], err);
	return r;
}

bool plan_sizes_files_by_space(const struct plan *plan)
{
	for (unsigned i = 0; i < plan->ngroups; i++)
		if (plan->groups[i].file_size_pct)
			return true;
	return false;
}

/* One group's share of free_bytes, over all its files, in whole blocks. */
static int size_group(const struct plan *plan, struct writer_group *g, uint64_t free_bytes,
		      struct profile_error *err)
{
	uint64_t files = (uint64_t)g->count * g->files * plan_group_replicas(plan, g);
	uint64_t share = percent_of(free_bytes, g->file_size_pct);
	uint64_t size = files ? share / files / g->block_size * g->block_size : 0;
	char label[PLAN_NAME_MAX * 2], free_text[32], bs[32];

	snprintf(label, sizeof(label), "writer %s.file-size", g->name);
	format_exact_size(free_bytes, free_text, sizeof(free_text));
	format_exact_size(g->block_size, bs, sizeof(bs));
	if (size < g->block_size)
		return error_set(err, -EINVAL, 0, label,
				 "%u%% of the target's %s free, shared by %llu files, is less "
				 "than one block (%s)",
				 g->file_size_pct, free_text, (unsigned long long)files, bs);
	g->file_size = MIN(size, (MAX_FILE_BLOCKS - 1) * g->block_size);
	g->file_size_pct = 0;
	return 0;
}

int plan_size_files(struct plan *plan, uint64_t free_bytes, struct profile_error *err)
{
	int r = 0;

	error_init_plan(err, plan);
	for (unsigned i = 0; r >= 0 && i < plan->ngroups; i++)
		if (plan->groups[i].file_size_pct)
			r = size_group(plan, &plan->groups[i], free_bytes, err);
	return r;
}
