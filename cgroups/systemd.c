// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The systemd manager: a transient scope with Delegate=yes over sd-bus,
 * cgroupfs-style work inside it. Not written yet: every operation returns
 * -ENOTSUP, and cg_choose_manager() only picks it when the caller says
 * systemd is usable.
 */
#include <errno.h>

#include "manager-internal.h"

static int sd_validate(const struct cg_layout *layout, const char *root, const struct cg_limits *l,
		       char **ret_message)
{
	(void)layout, (void)root, (void)l;
	*ret_message = cg_message("the systemd cgroup manager is not available in this build; "
				  "use -o cgroup=cgroupfs or -o cgroup=v1");
	return -ENOTSUP;
}

static int sd_parent_path(const struct cg_layout *layout, const char *root, char *buf, size_t len)
{
	(void)layout, (void)root, (void)buf, (void)len;
	return -ENOTSUP;
}

static int sd_open_run(struct cg_run *run)
{
	(void)run;
	return -ENOTSUP;
}

static int sd_close_run(struct cg_run *run, uint64_t deadline_ns)
{
	(void)run, (void)deadline_ns;
	return 0;
}

static int sd_create_container(struct cg_container *c, const struct cg_limits *l)
{
	(void)c, (void)l;
	return -ENOTSUP;
}

static int sd_spawn(struct cg_container *c, int (*fn)(void *), void *arg, pid_t *ret_pid)
{
	(void)c, (void)fn, (void)arg, (void)ret_pid;
	return -ENOTSUP;
}

static int sd_read_events(struct cg_container *c, struct cg_events *ret)
{
	(void)c, (void)ret;
	return -ENOTSUP;
}

static int sd_container_op(struct cg_container *c)
{
	(void)c;
	return -ENOTSUP;
}

static int sd_destroy(struct cg_container *c, uint64_t deadline_ns)
{
	(void)c, (void)deadline_ns;
	return -ENOTSUP;
}

static int sd_memory_current(struct cg_container *c, uint64_t *ret)
{
	(void)c, (void)ret;
	return -ENOTSUP;
}

static int sd_memory_stat(struct cg_container *c, struct cg_memory_stat *ret)
{
	(void)c, (void)ret;
	return -ENOTSUP;
}

const struct cg_ops cg_systemd_ops = {
	.kind = CG_MANAGER_SYSTEMD,
	.validate = sd_validate,
	.parent_path = sd_parent_path,
	.open_run = sd_open_run,
	.close_run = sd_close_run,
	.create_container = sd_create_container,
	.spawn = sd_spawn,
	.read_events = sd_read_events,
	.populated = sd_container_op,
	.kill = sd_container_op,
	.destroy = sd_destroy,
	.memory_current = sd_memory_current,
	.memory_stat = sd_memory_stat,
};
