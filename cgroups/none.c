// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * No containment (-o cgroup=none): processes are plain children of the
 * supervisor, tracked by pid because there is no group to ask. Limits are
 * refused by validation: a run that asked for memory.max must not pass
 * without one. Events are all zero; memory readers say -ENOTSUP.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "manager-internal.h"
#include "shared/macro.h"

static int none_validate(const struct cg_layout *layout, const char *root,
			 const struct cg_limits *l, char **ret_message)
{
	(void)layout, (void)root;
	if (l->memory_max == CG_UNSET && l->memory_high == CG_UNSET && l->swap_max == CG_UNSET &&
	    l->pids_max == CG_UNSET && l->oom_group != 1)
		return 0;
	*ret_message = cg_message("-o cgroup=none cannot enforce container limits "
				  "(memory.max, memory.high, memory.swap.max, memory.oom.group, "
				  "pids.max); choose a cgroup manager or drop the limits");
	return -EINVAL;
}

static int none_parent_path(const struct cg_layout *layout, const char *root, char *buf, size_t len)
{
	(void)layout, (void)root, (void)buf, (void)len;
	return -ENOTSUP;
}

static int none_open_run(struct cg_run *run)
{
	run->path[0] = '\0';
	return 0;
}

static int none_close_run(struct cg_run *run, uint64_t deadline_ns)
{
	(void)run, (void)deadline_ns;
	return 0;
}

static int none_create_container(struct cg_container *c, const struct cg_limits *l)
{
	(void)l;
	c->path[0] = '\0';
	return 0;
}

static int none_spawn(struct cg_container *c, unsigned flags, int (*fn)(void *), void *arg,
		      pid_t *ret_pid)
{
	pid_t *pids;
	pid_t pid;

	if (flags & CG_SPAWN_SIBLING)
		return -ENOTSUP; /* its pid would be known to the wrong process */
	pids = realloc(c->pids, (c->npids + 1) * sizeof(pid_t));
	if (!pids)
		return -ENOMEM;
	c->pids = pids;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg));
	c->pids[c->npids++] = pid;
	*ret_pid = pid;
	return 0;
}

static int none_read_events(struct cg_container *c, struct cg_events *ret)
{
	(void)c;
	*ret = (struct cg_events){ 0 };
	return 0;
}

/* Still running: a child not yet exited. WNOWAIT leaves zombies for the caller to reap. */
static bool running(pid_t pid)
{
	siginfo_t si = { 0 };

	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return false; /* ECHILD: reaped already */
	return si.si_pid == 0;
}

static int none_populated(struct cg_container *c)
{
	size_t keep = 0;

	for (size_t i = 0; i < c->npids; i++)
		if (running(c->pids[i]))
			c->pids[keep++] = c->pids[i];
	c->npids = keep;
	return keep > 0;
}

static int none_kill(struct cg_container *c)
{
	for (size_t i = 0; i < c->npids; i++)
		if (running(c->pids[i]))
			(void)kill(c->pids[i], SIGKILL);
	return 0;
}

static int none_destroy(struct cg_container *c, uint64_t deadline_ns)
{
	(void)deadline_ns;
	return none_populated(c) ? -EBUSY : 0;
}

static int none_memory_current(struct cg_container *c, uint64_t *ret)
{
	(void)c, (void)ret;
	return -ENOTSUP;
}

static int none_memory_stat(struct cg_container *c, struct cg_memory_stat *ret)
{
	(void)c, (void)ret;
	return -ENOTSUP;
}

const struct cg_ops cg_none_ops = {
	.kind = CG_MANAGER_NONE,
	.validate = none_validate,
	.parent_path = none_parent_path,
	.open_run = none_open_run,
	.close_run = none_close_run,
	.create_container = none_create_container,
	.spawn = none_spawn,
	.read_events = none_read_events,
	.populated = none_populated,
	.kill = none_kill,
	.destroy = none_destroy,
	.memory_current = none_memory_current,
	.memory_stat = none_memory_stat,
};
