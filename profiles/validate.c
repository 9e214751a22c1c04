// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * plan_validate: the checks across keys and sections once every override
 * is applied, when no line is left to blame.
 */
#include <errno.h>
#include <stdio.h>

#include "profiles/profile-internal.h"

static int validate_group(const struct plan *plan, const struct writer_group *g,
			  struct profile_error *err)
{
	char problem[400], label[PLAN_NAME_MAX * 2];
	bool uses_every = g->fsync == FSYNC_EVERY || g->fsync == FSYNC_FDATASYNC ||
			  g->fsync == FSYNC_SYNC_RANGE;

	if (group_size_problem(g, problem, sizeof(problem))) {
		snprintf(label, sizeof(label), "writer %s.file-size", g->name);
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	}
	snprintf(label, sizeof(label), "writer %s.fsync", g->name);
	if (uses_every && (g->fsync_every < 1 || g->fsync_every > MAX_FSYNC_EVERY))
		return error_set(err, -EINVAL, 0, label, "fsync %s needs N from 1 to %u",
				 fsync_policy_name(g->fsync), MAX_FSYNC_EVERY);
	snprintf(label, sizeof(label), "writer %s.writers", g->name);
	if (g->count < 1 || g->files < 1)
		return error_set(err, -EINVAL, 0, label, "a group needs writers and files");
	snprintf(label, sizeof(label), "writer %s.container", g->name);
	if (placement_problem(plan, g->container, false, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	return 0;
}

/* Names are unique among sections of one kind (a group and a container may share one). */
static int validate_name(const struct plan *plan, enum key_scope scope, unsigned i,
			 const char *word, struct profile_error *err)
{
	const char *name = object_name(plan, scope, i);

	if (!name_valid(name))
		return error_set(err, -EINVAL, 0, word,
				 "bad %s name \"%s\": expected letters, digits, '-' and '_'", word,
				 name);
	if (object_find(plan, scope, name) != (int)i)
		return error_set(err, -EINVAL, 0, word, "duplicate %s [%s %s]", word, word, name);
	return 0;
}

static int validate_container(const struct plan *plan, unsigned i, struct profile_error *err)
{
	const struct container_spec *ct = &plan->containers[i];
	char problem[200], label[PLAN_NAME_MAX * 2];
	int r = validate_name(plan, KEY_CONTAINER, i, "container", err);

	if (r < 0)
		return r;
	snprintf(label, sizeof(label), "container %s.memory-max", ct->name);
	if (ct->memory_max < MIN_MEMORY_LIMIT)
		return error_set(err, -EINVAL, 0, label, "memory-max below 1M");
	snprintf(label, sizeof(label), "container %s.count", ct->name);
	if (ct->count < 1 || ct->count > PLAN_MAX_CONTAINER_REPLICAS)
		return error_set(err, -EINVAL, 0, label, "count %u: expected 1 to %d", ct->count,
				 PLAN_MAX_CONTAINER_REPLICAS);
	snprintf(label, sizeof(label), "container %s.memory-high", ct->name);
	if (ct->memory_high_pct && ct->memory_max == PLAN_UNLIMITED)
		return error_set(err, -EINVAL, 0, label,
				 "memory-high %u%% is a share of memory-max, which is max: set "
				 "memory-max, or give memory-high as a size",
				 ct->memory_high_pct);
	if (container_limit_problem(ct, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	return 0;
}

static int validate_hog(const struct plan *plan, unsigned i, struct profile_error *err)
{
	const struct hog_spec *h = &plan->hogs[i];
	char problem[400], label[PLAN_NAME_MAX * 2];
	int r = validate_name(plan, KEY_HOG, i, "hog", err);

	if (r < 0)
		return r;
	snprintf(label, sizeof(label), "hog %s.kind", h->name);
	if ((unsigned)h->kind >= _HOG_KIND_MAX)
		return error_set(err, -EINVAL, 0, label, "unknown hog kind %u", h->kind);
	snprintf(label, sizeof(label), "hog %s.container", h->name);
	if (placement_problem(plan, h->container, true, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	snprintf(label, sizeof(label), "hog %s.size", h->name);
	if (h->size_pct && h->kind != HOG_KMEM &&
	    plan->containers[plan_container_index(plan, h->container)].memory_max == PLAN_UNLIMITED)
		return error_set(err, -EINVAL, 0, label,
				 "size %u%% is a share of container %s's memory-max, which is max: "
				 "set its memory-max, or give size as a size",
				 h->size_pct, h->container);
	return 0;
}

static int validate_sections(const struct plan *plan, struct profile_error *err)
{
	int r = 0;

	if (plan->ngroups < 1 || plan->ngroups > PLAN_MAX_GROUPS)
		return error_set(err, -EINVAL, 0, "writer", "%u writer groups: expected 1 to %d",
				 plan->ngroups, PLAN_MAX_GROUPS);
	if (plan->ncontainers > PLAN_MAX_CONTAINERS)
		return error_set(err, -EINVAL, 0, "container", "%u containers: at most %d",
				 plan->ncontainers, PLAN_MAX_CONTAINERS);
	if (plan->nhogs > PLAN_MAX_HOGS)
		return error_set(err, -EINVAL, 0, "hog", "%u hogs: at most %d", plan->nhogs,
				 PLAN_MAX_HOGS);
	for (unsigned i = 0; r >= 0 && i < plan->ncontainers; i++)
		r = validate_container(plan, i, err);
	for (unsigned i = 0; r >= 0 && i < plan->ngroups; i++)
		r = validate_group(plan, &plan->groups[i], err);
	for (unsigned i = 0; r >= 0 && i < plan->nhogs; i++)
		r = validate_hog(plan, i, err);
	return r;
}

static int validate_run(const struct plan *plan, struct profile_error *err)
{
	char problem[400];

	if (plan->duration_ns == 0)
		return error_set(err, -EINVAL, 0, "run.duration", "duration must be above 0");
	if (plan->cgroup == CG_MANAGER_NONE && plan_uses_containers(plan))
		return error_set(err, -EINVAL, 0, "run.cgroup", "%s", CGROUP_NEEDED);
	if (plan->expect_oom && !plan_has_memory_max(plan))
		return error_set(err, -EINVAL, 0, "run.expect-oom", "%s", EXPECT_OOM_NEEDS_LIMIT);
	if (profile_inject_problem(plan, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, "run.inject", "%s", problem);
	return 0;
}

static int validate_totals(const struct plan *plan, struct profile_error *err)
{
	uint64_t writers = 0, files = 0, pct = 0;

	for (unsigned i = 0; i < plan->ngroups; i++) {
		uint64_t n = (uint64_t)plan->groups[i].count *
			     plan_group_replicas(plan, &plan->groups[i]);

		writers += n;
		files += n * plan->groups[i].files;
		pct += plan->groups[i].file_size_pct;
	}
	if (pct > 100)
		return error_set(err, -EINVAL, 0, "file-size",
				 "the writer groups' file-size shares add up to %llu%% of the "
				 "target's free space: at most 100%%",
				 (unsigned long long)pct);
	if (writers > PLAN_MAX_WRITERS)
		return error_set(err, -EINVAL, 0, "writers",
				 "%llu writers in all groups (container replicas included): "
				 "at most %d",
				 (unsigned long long)writers, PLAN_MAX_WRITERS);
	if (files > PLAN_MAX_FILES)
		return error_set(err, -EINVAL, 0, "files",
				 "%llu files in all groups (writers x files): at most %d",
				 (unsigned long long)files, PLAN_MAX_FILES);
	return 0;
}

int plan_validate(const struct plan *plan, struct profile_error *err)
{
	struct profile_error ignored;
	int r;

	if (!err)
		err = &ignored;
	error_init_plan(err, plan);
	r = validate_run(plan, err);
	if (r < 0)
		return r;
	r = validate_sections(plan, err);
	if (r < 0)
		return r;
	return validate_totals(plan, err);
}
