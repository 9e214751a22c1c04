// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A run's cgroups as a whole: opening the run group with the chosen
 * manager, closing it with every container left in it, what it is called,
 * and where the runs of a manager go, for `poof cleanup` to find them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manager-internal.h"
#include "shared/clock.h"
#include "shared/macro.h"

#define CG_CLOSE_DEFAULT_NS (10 * NSEC_PER_SEC)

int cg_run_open(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		const char *run_id, struct cg_run **ret)
{
	const struct cg_ops *ops = cg_ops_of(kind);
	struct cg_run *run;
	int r;

	if (!ops || !cg_valid_name(run_id, CG_RUN_ID_MAX))
		return -EINVAL;
	run = calloc(1, sizeof(*run));
	if (!run)
		return -ENOMEM;
	run->ops = ops;
	run->layout = *layout;
	run->dirfd = -1;
	(void)copy_string(run->root, sizeof(run->root), root ? root : "");
	(void)copy_string(run->id, sizeof(run->id), run_id);
	r = ops->open_run(run);
	if (r < 0) {
		free(run);
		return r;
	}
	run->open = true;
	*ret = run;
	return 0;
}

int cg_run_close(struct cg_run *run, uint64_t deadline_ns)
{
	int r = 0, k;

	if (!run->open)
		return 0;
	for (struct cg_container *c = run->containers; c; c = c->next) {
		k = cg_container_close(c, deadline_ns);
		if (k < 0 && r >= 0)
			r = k;
	}
	k = run->ops->close_run(run, deadline_ns);
	if (k < 0 && r >= 0)
		r = k;
	closep(&run->dirfd);
	run->dirfd = -1;
	run->open = false;
	return r;
}

void cg_run_free(struct cg_run *run)
{
	if (!run)
		return;
	if (run->open)
		(void)cg_run_close(run, now_monotonic_ns() + CG_CLOSE_DEFAULT_NS);
	while (run->containers) {
		struct cg_container *c = run->containers;

		run->containers = c->next;
		cg_container_free(c);
	}
	free(run);
}

void cg_run_freep(struct cg_run **run)
{
	cg_run_free(*run);
	*run = NULL;
}

enum cg_manager_kind cg_run_manager(const struct cg_run *run)
{
	return run->ops->kind;
}

const char *cg_run_path(const struct cg_run *run)
{
	return run->path;
}

const char *cg_run_supervisor_path(const struct cg_run *run)
{
	return run->supervisor_moved ? run->supervisor_path : NULL;
}

const char *cg_run_unit(const struct cg_run *run)
{
	return run->unit[0] ? run->unit : NULL;
}

const char *cg_run_unit_cgroup(const struct cg_run *run)
{
	return run->unit_cgroup[0] ? run->unit_cgroup : NULL;
}

bool cg_run_delegated(const struct cg_run *run)
{
	return run->delegated;
}

int cg_run_parent_path(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		       char *buf, size_t len)
{
	const struct cg_ops *ops = cg_ops_of(kind);

	return ops ? ops->parent_path(layout, root ? root : "", buf, len) : -EINVAL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cg_list_run_groups(const char *parent_path, char ***ret_names)
{
	_cleanup_closedir_ DIR *d = opendir(parent_path);
	int r = d ? 0 : -errno;
	char **v = calloc(1, sizeof(char *));
	size_t n = 0;
	struct dirent *de;

	if (!v)
		return -ENOMEM;
	if (!d) {
		if (r != -ENOENT) {
			free(v);
			return r;
		}
		*ret_names = v;
		return 0;
	}
	while (r >= 0 && (de = readdir(d)))
		if (de->d_type == DT_DIR && strncmp(de->d_name, "poof-", 5) == 0)
			r = cg_strv_push(&v, &n, de->d_name);
	if (r < 0) {
		cg_strv_free(v);
		return r;
	}
	qsort(v, n, sizeof(char *), cmp_str);
	*ret_names = v;
	return 0;
}
