// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One container of a run: creating its leaf group with its limits,
 * starting processes inside it, reading its memory events and usage,
 * killing what it holds, waiting for it to empty and removing it. The
 * manager's ops do the work; this file keeps the state they share.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>

#include "manager-internal.h"
#include "shared/clock.h"
#include "shared/macro.h"

#define CG_WAIT_STEP_NS (10 * NSEC_PER_MSEC)

void cg_container_free(struct cg_container *c)
{
	closep(&c->dirfd);
	closep(&c->memory_events_fd);
	closep(&c->group_events_fd);
	cg_close_kept(c);
	free(c->pids);
	free(c);
}

int cg_container_close(struct cg_container *c, uint64_t deadline_ns)
{
	int r;

	if (c->destroyed)
		return 0;
	r = cg_container_populated(c);
	if (r > 0) {
		r = cg_container_kill(c);
		if (r >= 0)
			r = cg_container_wait_empty(c, deadline_ns);
	}
	if (r >= 0)
		r = cg_container_destroy(c, deadline_ns);
	return r;
}

int cg_container_create(struct cg_run *run, const char *name, const struct cg_limits *limits,
			struct cg_container **ret)
{
	struct cg_container *c;
	int r;

	if (!run->open)
		return -ESTALE;
	if (!cg_valid_name(name, CG_NAME_MAX))
		return -EINVAL;
	for (c = run->containers; c; c = c->next)
		if (streq(c->name, name))
			return -EEXIST;
	r = cg_limits_validate(&run->layout, run->ops->kind, run->root, limits, NULL);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->run = run;
	c->dirfd = c->memory_events_fd = c->group_events_fd = -1;
	for (unsigned k = 0; k < _CG_KEPT_MAX; k++)
		c->kept[k] = -1;
	(void)copy_string(c->name, sizeof(c->name), name);
	r = run->ops->create_container(c, limits);
	if (r < 0) {
		cg_container_free(c);
		return r;
	}
	c->next = run->containers;
	run->containers = c;
	*ret = c;
	return 0;
}

const char *cg_container_name(const struct cg_container *c)
{
	return c->name;
}

const char *cg_container_path(const struct cg_container *c)
{
	return c->path;
}

int cg_container_fd(const struct cg_container *c)
{
	enum cg_manager_kind k = c->run->ops->kind;

	return (k == CG_MANAGER_CGROUPFS || k == CG_MANAGER_SYSTEMD) && c->dirfd >= 0 ? c->dirfd :
											-ENOTSUP;
}

int cg_container_open_procs(struct cg_container *c)
{
	int fd;

	if (c->destroyed)
		return -ESTALE;
	if (c->run->ops->kind == CG_MANAGER_NONE || c->dirfd < 0)
		return -ENOTSUP;
	fd = openat(c->dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int cg_container_spawn(struct cg_container *c, unsigned flags, int (*fn)(void *arg), void *arg,
		       pid_t *ret_pid)
{
	return c->destroyed ? -ESTALE : c->run->ops->spawn(c, flags, fn, arg, ret_pid);
}

int cg_container_read_events(struct cg_container *c, struct cg_events *ret)
{
	return c->destroyed ? -ESTALE : c->run->ops->read_events(c, ret);
}

int cg_container_read_oom_kills(struct cg_container *c, uint64_t *ret)
{
	struct cg_events e;
	int r;

	if (c->destroyed)
		return -ESTALE;
	if (c->run->ops->read_oom_kills)
		return c->run->ops->read_oom_kills(c, ret);
	r = c->run->ops->read_events(c, &e);
	if (r >= 0)
		*ret = e.tree.oom_kill;
	return r;
}

int cg_container_events_fd(const struct cg_container *c)
{
	return c->memory_events_fd >= 0 ? c->memory_events_fd : -ENOTSUP;
}

unsigned cg_container_watch(const struct cg_container *c)
{
	unsigned have = 0;

	if (c->memory_events_fd >= 0)
		have |= CG_WATCH_MEMORY_EVENTS;
	if (c->dirfd >= 0 && cg_file_exists_at(c->dirfd, "memory.pressure"))
		have |= CG_WATCH_PRESSURE;
	if (c->has_kill_file)
		have |= CG_WATCH_KILL;
	if (c->group_events_fd >= 0)
		have |= CG_WATCH_GROUP_EVENTS;
	return have;
}

const char *cg_watch_name(unsigned i)
{
	static const char *const names[] = { "memory.events", "memory.pressure", "cgroup.kill",
					     "cgroup.events" };

	_Static_assert(ARRAY_SIZE(names) == _CG_WATCH_BITS, "a name for every watch bit");
	return i < ARRAY_SIZE(names) ? names[i] : NULL;
}

int cg_container_populated(struct cg_container *c)
{
	return c->destroyed ? 0 : c->run->ops->populated(c);
}

int cg_container_kill(struct cg_container *c)
{
	if (c->destroyed)
		return 0;
	c->kill_requested = true;
	return c->run->ops->kill(c);
}

/*
 * Sleep until cgroup.events changes (v2) or a step passes, bounded by the
 * deadline. Short steps where a kill loop has to run again meanwhile.
 */
static void wait_step(struct cg_container *c, uint64_t deadline_ns)
{
	uint64_t now = now_monotonic_ns(), step = CG_WAIT_STEP_NS;
	struct pollfd p = { .fd = c->group_events_fd, .events = POLLPRI };

	if (now >= deadline_ns)
		return;
	if (c->group_events_fd >= 0 && c->has_kill_file)
		step *= 10;
	step = MIN(step, deadline_ns - now);
	if (c->group_events_fd >= 0)
		(void)poll(&p, 1, (int)((step + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
	else
		sleep_ns(step);
}

int cg_container_wait_empty(struct cg_container *c, uint64_t deadline_ns)
{
	for (;;) {
		int r = cg_container_populated(c);

		if (r <= 0)
			return r;
		if (now_monotonic_ns() >= deadline_ns)
			return -ETIMEDOUT;
		/* Without cgroup.kill, processes forked since the last pass need another one. */
		if (c->kill_requested && !c->has_kill_file) {
			r = c->run->ops->kill(c);
			if (r < 0)
				return r;
		}
		wait_step(c, deadline_ns);
	}
}

int cg_container_destroy(struct cg_container *c, uint64_t deadline_ns)
{
	int r;

	if (c->destroyed)
		return 0;
	closep(&c->memory_events_fd);
	closep(&c->group_events_fd);
	c->memory_events_fd = c->group_events_fd = -1;
	cg_close_kept(c);
	r = c->run->ops->destroy(c, deadline_ns);
	if (r < 0)
		return r;
	closep(&c->dirfd);
	c->dirfd = -1;
	c->destroyed = true;
	return 0;
}

int cg_container_memory_current(struct cg_container *c, uint64_t *ret)
{
	return c->destroyed ? -ESTALE : c->run->ops->memory_current(c, ret);
}

int cg_container_memory_stat(struct cg_container *c, struct cg_memory_stat *ret)
{
	return c->destroyed ? -ESTALE : c->run->ops->memory_stat(c, ret);
}
