// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The v1 memory controller, for hybrid and v1-only hosts. Groups are created
 * and removed through libcgroup (memory controller, values written in
 * order, delete empty-only); a spawned child is moved with a plain write of
 * its pid to cgroup.procs, by the parent, before the child may run anything
 * (cg_spawn_fork_procs()).
 *
 * What v1 lacks, refused by validation rather than ignored: memory.high (v1's
 * soft limit is no throttle), memory.oom.group, pids.max (the pids
 * controller is a separate v1 hierarchy with its own path, not managed
 * here). Swap is limited as memory+swap (memory.memsw.limit_in_bytes =
 * memory.max + swap.max). There is no memory.events: read_events maps
 * memory.oom_control and the failcnts (which kernel 6.18 leaves at 0 even at
 * an OOM kill: `max` is best effort on v1), and there is no poll notification
 * (cgroup.event_control could give an eventfd for OOM only): the supervisor
 * reads the events at every sample, through descriptors the container keeps
 * open (cg_read_kept()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "manager-internal.h"
#include "shared/macro.h"

#define MEMSW "memory.memsw.limit_in_bytes"
#define LIMIT "memory.limit_in_bytes"

static int v1_parent_path(const struct cg_layout *l, const char *root, char *buf, size_t len)
{
	if (!l->v1_memory_mount[0])
		return -ENOTSUP;
	return cg_group_dir(buf, len, root, l->v1_memory_mount, l->self_v1_memory);
}

static int refuse_v1_knobs(const struct cg_limits *l, char **ret_message)
{
	if (l->memory_high != CG_UNSET)
		*ret_message = cg_message("memory.high is not available on cgroup v1 "
					  "(the v1 manager has no throttle); leave it unset");
	else if (l->oom_group == 1)
		*ret_message = cg_message("memory.oom.group is not available on cgroup v1");
	else if (l->pids_max != CG_UNSET)
		*ret_message = cg_message("pids.max is not available with the v1 manager "
					  "(the v1 pids controller is a separate hierarchy)");
	else if (l->swap_max != CG_UNSET && l->memory_max == CG_UNSET)
		*ret_message = cg_message("memory.swap.max needs memory.max on cgroup v1, "
					  "which limits memory+swap together");
	else
		return 0;
	return -EINVAL;
}

/* memory+swap for v1, CG_UNSET when swap is not limited. */
static uint64_t memsw_of(const struct cg_limits *l)
{
	if (l->swap_max == CG_UNSET || l->memory_max == CG_UNSET)
		return CG_UNSET;
	return l->memory_max + MIN(l->swap_max, CG_UNSET - 1 - l->memory_max);
}

static int v1_validate(const struct cg_layout *layout, const char *root, const struct cg_limits *l,
		       char **ret_message)
{
	char parent[PATH_MAX], mount[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	r = refuse_v1_knobs(l, ret_message);
	if (r < 0)
		return r;
	r = v1_parent_path(layout, root, parent, sizeof(parent));
	if (r >= 0)
		r = cg_path(mount, sizeof(mount), "%s%s", root, layout->v1_memory_mount);
	if (r < 0)
		return r;
	r = cg_check_parent_limit(mount, parent, LIMIT, "memory.max", l->memory_max, ret_message);
	if (r < 0)
		return r;
	fd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (memsw_of(l) != CG_UNSET && !cg_file_exists_at(fd, MEMSW)) {
		if (!cg_swap_configured(root))
			return 0; /* no swap: nothing to limit */
		*ret_message = cg_message("memory.swap.max needs swap accounting, which this "
					  "kernel lacks (%s is missing; boot with swapaccount=1)",
					  MEMSW);
		return -EINVAL;
	}
	return cg_check_parent_limit(mount, parent, MEMSW, "memory.max+memory.swap.max",
				     memsw_of(l), ret_message);
}

static int v1_open_run(struct cg_run *run)
{
	const char *self = run->layout.self_v1_memory;
	int r;

	r = v1_parent_path(&run->layout, run->root, run->parent, sizeof(run->parent));
	if (r >= 0)
		r = cg_path(run->path, sizeof(run->path), "%s/poof-%s", run->parent, run->id);
	if (r >= 0)
		r = cg_path(run->rel, sizeof(run->rel), "%s%spoof-%s", self + (self[0] == '/'),
			    streq(self, "/") || !self[0] ? "" : "/", run->id);
	if (r < 0)
		return r;
	r = cg_group_create(run->root, run->path, run->rel, "memory", NULL, 0);
	if (r < 0)
		return r;
	run->dirfd = open(run->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run->dirfd < 0) {
		r = -errno;
		(void)cg_group_remove(run->root, run->path, run->rel, "memory", 0);
		return r;
	}
	return 0;
}

static int v1_close_run(struct cg_run *run, uint64_t deadline_ns)
{
	return cg_group_remove(run->root, run->path, run->rel, "memory", deadline_ns);
}

static size_t v1_settings(const struct cg_container *c, const struct cg_limits *l,
			  struct cg_setting *s)
{
	size_t n = 0;

	/* Order matters: memsw may never be below the memory limit. */
	if (l->memory_max != CG_UNSET) {
		s[n].file = LIMIT;
		snprintf(s[n++].value, sizeof(s->value), "%" PRIu64, l->memory_max);
	}
	if (memsw_of(l) != CG_UNSET && cg_file_exists_at(c->run->dirfd, MEMSW)) {
		s[n].file = MEMSW;
		snprintf(s[n++].value, sizeof(s->value), "%" PRIu64, memsw_of(l));
	}
	return n;
}

static int v1_create_container(struct cg_container *c, const struct cg_limits *l)
{
	struct cg_run *run = c->run;
	struct cg_setting settings[2];
	char rel[PATH_MAX];
	size_t n = v1_settings(c, l, settings);
	int r;

	r = cg_path(c->path, sizeof(c->path), "%s/%s", run->path, c->name);
	if (r >= 0)
		r = cg_path(rel, sizeof(rel), "%s/%s", run->rel, c->name);
	if (r < 0)
		return r;
	r = cg_group_create(run->root, c->path, rel, "memory", settings, n);
	if (r < 0)
		return r;
	c->dirfd = open(c->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		r = -errno;
		(void)cg_group_remove(run->root, c->path, rel, "memory", 0);
		return r;
	}
	return 0;
}

static int v1_spawn(struct cg_container *c, unsigned flags, int (*fn)(void *), void *arg,
		    pid_t *ret_pid)
{
	return cg_spawn_fork_procs(c, "cgroup.procs", flags, fn, arg, ret_pid);
}

static int v1_read_oom_control(struct cg_container *c, struct cg_events *ret)
{
	char buf[512];
	int r = cg_read_kept(c, CG_KEPT_OOM_CONTROL, "memory.oom_control", buf, sizeof(buf));

	return r < 0 ? r : cg_parse_oom_control(buf, ret);
}

static int v1_read_oom_kills(struct cg_container *c, uint64_t *ret)
{
	struct cg_events e = { 0 };
	int r = v1_read_oom_control(c, &e);

	if (r >= 0)
		*ret = e.tree.oom_kill;
	return r;
}

static int v1_read_events(struct cg_container *c, struct cg_events *ret)
{
	struct cg_events e = { 0 };
	uint64_t memsw_fails;
	int r;

	r = v1_read_oom_control(c, &e);
	if (r >= 0)
		r = cg_read_kept_u64(c, CG_KEPT_FAILCNT, "memory.failcnt", &e.tree.max);
	if (r < 0)
		return r;
	/*
	 * A charge tries memory+swap first: with memsw limited, the limit hits
	 * land in memsw.failcnt. Each failed charge counts in one of the two.
	 */
	if (cg_read_kept_u64(c, CG_KEPT_MEMSW_FAILCNT, "memory.memsw.failcnt", &memsw_fails) >= 0)
		e.tree.max += memsw_fails;
	*ret = e;
	return 0;
}

static int v1_populated(struct cg_container *c)
{
	return cg_procs_populated(c->dirfd, "tasks");
}

static int v1_kill(struct cg_container *c)
{
	int r = cg_kill_procs_once(c->dirfd, "cgroup.procs");

	return r < 0 ? r : 0;
}

static int v1_destroy(struct cg_container *c, uint64_t deadline_ns)
{
	char rel[PATH_MAX];
	int r = cg_path(rel, sizeof(rel), "%s/%s", c->run->rel, c->name);

	return r < 0 ? r : cg_group_remove(c->run->root, c->path, rel, "memory", deadline_ns);
}

static int v1_memory_current(struct cg_container *c, uint64_t *ret)
{
	return cg_read_kept_u64(c, CG_KEPT_CURRENT, "memory.usage_in_bytes", ret);
}

static int v1_memory_stat(struct cg_container *c, struct cg_memory_stat *ret)
{
	return cg_read_kept_memory_stat(c, cg_parse_memory_stat_v1, ret);
}

const struct cg_ops cg_v1_ops = {
	.kind = CG_MANAGER_V1,
	.validate = v1_validate,
	.parent_path = v1_parent_path,
	.open_run = v1_open_run,
	.close_run = v1_close_run,
	.create_container = v1_create_container,
	.spawn = v1_spawn,
	.read_events = v1_read_events,
	.read_oom_kills = v1_read_oom_kills,
	.populated = v1_populated,
	.kill = v1_kill,
	.destroy = v1_destroy,
	.memory_current = v1_memory_current,
	.memory_stat = v1_memory_stat,
};
