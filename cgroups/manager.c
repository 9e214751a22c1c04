// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manager-internal.h"
#include "shared/clock.h"
#include "shared/macro.h"

#define CG_CLOSE_DEFAULT_NS (10 * NSEC_PER_SEC)
#define CG_WAIT_STEP_NS (10 * NSEC_PER_MSEC)

/* The managers, by kind: an explicit table, no self-registration. */
static const struct cg_ops *const managers[_CG_MANAGER_MAX] = {
	[CG_MANAGER_CGROUPFS] = &cg_cgroupfs_ops,
	[CG_MANAGER_SYSTEMD] = &cg_systemd_ops,
	[CG_MANAGER_V1] = &cg_v1_ops,
	[CG_MANAGER_NONE] = &cg_none_ops,
};

static const char *const manager_names[_CG_MANAGER_MAX] = {
	[CG_MANAGER_AUTO] = "auto",	  [CG_MANAGER_CGROUPFS] = "cgroupfs",
	[CG_MANAGER_SYSTEMD] = "systemd", [CG_MANAGER_V1] = "v1",
	[CG_MANAGER_NONE] = "none",
};

const char *cg_manager_name(enum cg_manager_kind kind)
{
	return (unsigned)kind < _CG_MANAGER_MAX ? manager_names[kind] : "unknown";
}

int cg_manager_from_name(const char *name, enum cg_manager_kind *ret)
{
	for (unsigned i = 0; i < _CG_MANAGER_MAX; i++)
		if (streq(name, manager_names[i])) {
			*ret = (enum cg_manager_kind)i;
			return 0;
		}
	return -EINVAL;
}

bool cg_layout_has_v2_memory(const struct cg_layout *l)
{
	return l->v2_mount[0] && l->v2_memory &&
	       (l->version == CG_VERSION_V2 || l->version == CG_VERSION_HYBRID);
}

static bool have_v1_memory(const struct cg_layout *l)
{
	return l->v1_memory_mount[0] != '\0';
}

static bool usable(const struct cg_layout *l, enum cg_manager_kind kind, bool systemd_usable)
{
	switch (kind) {
	case CG_MANAGER_SYSTEMD:
		/* Hybrid and v1 hosts: the v1 manager, see systemd.c. */
		return systemd_usable && cg_layout_has_v2_memory(l);
	case CG_MANAGER_CGROUPFS:
		return cg_layout_has_v2_memory(l);
	case CG_MANAGER_V1:
		return have_v1_memory(l);
	case CG_MANAGER_NONE:
		return true;
	default:
		return false;
	}
}

int cg_choose_manager(const struct cg_layout *l, enum cg_manager_kind requested,
		      bool systemd_usable, enum cg_manager_kind *ret)
{
	static const enum cg_manager_kind order[] = {
		CG_MANAGER_SYSTEMD,
		CG_MANAGER_CGROUPFS,
		CG_MANAGER_V1,
	};

	if ((unsigned)requested >= _CG_MANAGER_MAX)
		return -EINVAL;
	if (requested != CG_MANAGER_AUTO) {
		if (!usable(l, requested, systemd_usable))
			return -ENOTSUP;
		*ret = requested;
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
		if (usable(l, order[i], systemd_usable)) {
			*ret = order[i];
			return 0;
		}
	return -ENOTSUP;
}

bool cg_pid1_is_systemd(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	if (cg_path(path, sizeof(path), "%s/run/systemd/system", root ? root : "") < 0)
		return false;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const struct cg_ops *cg_ops_of(enum cg_manager_kind kind)
{
	return (unsigned)kind < _CG_MANAGER_MAX ? managers[kind] : NULL;
}

int cg_run_parent_path(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		       char *buf, size_t len)
{
	const struct cg_ops *ops = cg_ops_of(kind);

	return ops ? ops->parent_path(layout, root ? root : "", buf, len) : -EINVAL;
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int cg_run_open(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		const char *run_id, struct cg_run **ret)
{
	const struct cg_ops *ops = cg_ops_of(kind);
	struct cg_run *run;
	int r;

	if (!ops || !valid_name(run_id, CG_RUN_ID_MAX))
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

static void container_free(struct cg_container *c)
{
	closep(&c->dirfd);
	closep(&c->memory_events_fd);
	closep(&c->group_events_fd);
	free(c->pids);
	free(c);
}

static int close_container(struct cg_container *c, uint64_t deadline_ns)
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

int cg_run_close(struct cg_run *run, uint64_t deadline_ns)
{
	int r = 0, k;

	if (!run->open)
		return 0;
	for (struct cg_container *c = run->containers; c; c = c->next) {
		k = close_container(c, deadline_ns);
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
		container_free(c);
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

int cg_container_create(struct cg_run *run, const char *name, const struct cg_limits *limits,
			struct cg_container **ret)
{
	struct cg_container *c;
	int r;

	if (!run->open)
		return -ESTALE;
	if (!valid_name(name, CG_NAME_MAX))
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
	(void)copy_string(c->name, sizeof(c->name), name);
	r = run->ops->create_container(c, limits);
	if (r < 0) {
		container_free(c);
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

int cg_container_spawn(struct cg_container *c, int (*fn)(void *arg), void *arg, pid_t *ret_pid)
{
	return c->destroyed ? -ESTALE : c->run->ops->spawn(c, fn, arg, ret_pid);
}

int cg_container_read_events(struct cg_container *c, struct cg_events *ret)
{
	return c->destroyed ? -ESTALE : c->run->ops->read_events(c, ret);
}

int cg_container_events_fd(const struct cg_container *c)
{
	return c->memory_events_fd >= 0 ? c->memory_events_fd : -ENOTSUP;
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

void cg_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cg_strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
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
