// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgroup v2 through its files, below the cgroup poof was started in. The
 * layout and the supervisor rule are described in manager.h.
 *
 * Plain files, not libcgroup, for every operation here. libcgroup 2.0.2's
 * cgroup_create_cgroup() enables the controller in the subtree_control of
 * every ancestor from the mount down, which writes outside a delegated
 * subtree and cannot be undone precisely (poof must know what it enabled to
 * disable it again, and must move the supervisor first when the kernel says
 * EBUSY). It names a hierarchy by a controller, so a group that needs none
 * (no limits, or a v2 tree without the memory controller, as on the hybrid
 * test host) cannot be expressed. And the directory fd is needed anyway, for
 * clone3(CLONE_INTO_CGROUP) and the kept memory.events/cgroup.events fds.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manager-internal.h"
#include "shared/macro.h"

static const struct {
	unsigned bit;
	const char *name;
} controllers[] = {
	{ CG_CTRL_MEMORY, "memory" },
	{ CG_CTRL_PIDS, "pids" },
};

static int v2_parent_path(const struct cg_layout *l, const char *root, char *buf, size_t len)
{
	if (!l->v2_mount[0])
		return -ENOTSUP;
	return cg_group_dir(buf, len, root, l->v2_mount, l->self_v2);
}

static int read_controllers(int dirfd, const char *file, unsigned *ret)
{
	char buf[512];
	unsigned set = 0;
	int r = cg_read_at(dirfd, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(controllers); i++)
		if (cg_controller_listed(buf, controllers[i].name))
			set |= controllers[i].bit;
	*ret = set;
	return 0;
}

static int check_controllers(int fd, const char *parent, const struct cg_limits *l,
			     char **ret_message)
{
	bool memory = l->memory_max != CG_UNSET || l->memory_high != CG_UNSET ||
		      l->swap_max != CG_UNSET || l->oom_group == 1;
	unsigned have;
	int r = read_controllers(fd, "cgroup.controllers", &have);

	if (r < 0)
		return r;
	if (memory && !(have & CG_CTRL_MEMORY)) {
		*ret_message = cg_message("the memory controller is not available in %s "
					  "(cgroup.controllers); use -o cgroup=v1 on a hybrid host",
					  parent);
		return -EINVAL;
	}
	if (l->pids_max != CG_UNSET && !(have & CG_CTRL_PIDS)) {
		*ret_message = cg_message("the pids controller is not available in %s", parent);
		return -EINVAL;
	}
	return 0;
}

int cg_v2_validate(const struct cg_layout *layout, const char *root, const struct cg_limits *l,
		   char **ret_message)
{
	char parent[PATH_MAX], mount[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	r = v2_parent_path(layout, root, parent, sizeof(parent));
	if (r >= 0)
		r = cg_path(mount, sizeof(mount), "%s%s", root, layout->v2_mount);
	if (r < 0)
		return r;
	fd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = check_controllers(fd, parent, l, ret_message);
	if (r >= 0 && l->swap_max != CG_UNSET && cg_file_exists_at(fd, "memory.max") &&
	    !cg_file_exists_at(fd, "memory.swap.max") && cg_swap_configured(root)) {
		*ret_message = cg_message("memory.swap.max needs swap accounting, which this "
					  "kernel lacks (boot with swapaccount=1)");
		r = -EINVAL;
	}
	if (r >= 0)
		r = cg_check_parent_limit(mount, parent, "memory.max", "memory.max", l->memory_max,
					  ret_message);
	if (r >= 0)
		r = cg_check_parent_limit(mount, parent, "memory.max", "memory.high",
					  l->memory_high, ret_message);
	if (r >= 0)
		r = cg_check_parent_limit(mount, parent, "pids.max", "pids.max", l->pids_max,
					  ret_message);
	return r;
}

/* Write "+name"/"-name" for each bit into dirfd's subtree_control; stop at the first error. */
static int subtree_control(int dirfd, unsigned bits, char sign, unsigned *ret_done)
{
	char word[32];
	int r;

	*ret_done = 0;
	for (size_t i = 0; i < ARRAY_SIZE(controllers); i++) {
		if (!(bits & controllers[i].bit))
			continue;
		snprintf(word, sizeof(word), "%c%s", sign, controllers[i].name);
		r = cg_write_at(dirfd, "cgroup.subtree_control", word);
		if (r < 0)
			return r;
		*ret_done |= controllers[i].bit;
	}
	return 0;
}

static int move_supervisor_out(struct cg_run *run)
{
	int r;

	r = cg_path(run->supervisor_path, sizeof(run->supervisor_path), "%s/poof-%s-supervisor",
		    run->parent, run->id);
	if (r < 0)
		return r;
	if (mkdir(run->supervisor_path, 0755) < 0)
		return -errno;
	r = cg_move_self_to(run->supervisor_path);
	if (r < 0) {
		rmdir(run->supervisor_path);
		return r;
	}
	run->supervisor_moved = true;
	return 0;
}

static int move_supervisor_back(struct cg_run *run)
{
	int r;

	if (!run->supervisor_moved)
		return 0;
	r = cg_move_self_to(run->parent);
	if (r < 0)
		return r;
	run->supervisor_moved = false;
	return cg_rmdir_deadline(run->supervisor_path, 0);
}

/*
 * Let the parent hand the controllers to the run group. EBUSY means the
 * parent holds processes: if one of them is the supervisor, it moves out
 * first; if others remain, the run cannot have a memory controller here.
 */
static int enable_in_parent(struct cg_run *run, int parent_fd, unsigned want)
{
	unsigned have, done = 0;
	int r;

	r = read_controllers(parent_fd, "cgroup.subtree_control", &have);
	if (r < 0 || !(want & ~have))
		return r;
	r = subtree_control(parent_fd, want & ~have, '+', &done);
	run->ctrl_enabled_parent = done;
	if (r != -EBUSY || streq(run->layout.self_v2, "/"))
		return r;
	r = move_supervisor_out(run);
	if (r < 0)
		return r;
	r = subtree_control(parent_fd, want & ~(have | done), '+', &done);
	run->ctrl_enabled_parent |= done;
	if (r < 0)
		(void)move_supervisor_back(run);
	return r;
}

static void undo_parent(struct cg_run *run, int parent_fd)
{
	unsigned done;

	/* EBUSY when another run below the same parent still uses them: leave them on. */
	if (subtree_control(parent_fd, run->ctrl_enabled_parent, '-', &done) >= 0)
		run->ctrl_enabled_parent = 0;
	/* Cannot move back while the controllers stay on: the supervisor stays in its leaf. */
	if (!run->ctrl_enabled_parent)
		(void)move_supervisor_back(run);
}

/* mkdir the run group and hand it the controllers; removes it again on failure. */
static int create_run_group(struct cg_run *run)
{
	unsigned done;
	int r;

	if (mkdir(run->path, 0755) < 0)
		return -errno; /* EEXIST: a leftover of the same id is never adopted or removed */
	run->dirfd = open(run->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	r = run->dirfd < 0 ? -errno : 0;
	if (r >= 0)
		r = read_controllers(run->dirfd, "cgroup.controllers", &run->ctrl_available);
	if (r >= 0)
		r = subtree_control(run->dirfd, run->ctrl_available, '+', &done);
	if (r < 0) {
		closep(&run->dirfd);
		run->dirfd = -1;
		rmdir(run->path);
	}
	return r;
}

int cg_v2_open_run(struct cg_run *run)
{
	_cleanup_close_ int parent_fd = -1;
	unsigned want;
	int r;

	r = v2_parent_path(&run->layout, run->root, run->parent, sizeof(run->parent));
	if (r >= 0)
		r = cg_path(run->path, sizeof(run->path), "%s/poof-%s", run->parent, run->id);
	if (r < 0)
		return r;
	parent_fd = open(run->parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent_fd < 0)
		return -errno;
	r = read_controllers(parent_fd, "cgroup.controllers", &want);
	if (r >= 0)
		r = enable_in_parent(run, parent_fd, want);
	if (r >= 0)
		r = create_run_group(run);
	if (r < 0)
		undo_parent(run, parent_fd);
	return r;
}

int cg_v2_close_run(struct cg_run *run, uint64_t deadline_ns)
{
	_cleanup_close_ int parent_fd = open(run->parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = cg_rmdir_deadline(run->path, deadline_ns);

	if (r == -ENOENT)
		r = 0;
	if (parent_fd >= 0)
		undo_parent(run, parent_fd);
	return r;
}

static size_t v2_settings(const struct cg_container *c, const struct cg_limits *l,
			  struct cg_setting *s)
{
	const struct {
		const char *file;
		uint64_t value;
	} knobs[] = {
		{ "memory.max", l->memory_max },
		{ "memory.high", l->memory_high },
		{ "memory.swap.max", l->swap_max },
		{ "memory.oom.group", l->oom_group < 0 ? CG_UNSET : (uint64_t)l->oom_group },
		{ "pids.max", l->pids_max },
	};
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (knobs[i].value == CG_UNSET)
			continue;
		/* No swap accounting and no swap: nothing to limit (validated before). */
		if (streq(knobs[i].file, "memory.swap.max") &&
		    !cg_file_exists_at(c->run->dirfd, "memory.swap.max") &&
		    !cg_swap_configured(c->run->root))
			continue;
		s[n].file = knobs[i].file;
		snprintf(s[n++].value, sizeof(s->value), "%" PRIu64, knobs[i].value);
	}
	return n;
}

static int open_container_fds(struct cg_container *c)
{
	c->dirfd = open(c->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		return -errno;
	c->group_events_fd = openat(c->dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (c->group_events_fd < 0)
		return -errno;
	if (c->run->ctrl_available & CG_CTRL_MEMORY) {
		c->memory_events_fd = openat(c->dirfd, "memory.events", O_RDONLY | O_CLOEXEC);
		if (c->memory_events_fd < 0)
			return -errno;
	}
	c->has_kill_file = cg_file_exists_at(c->dirfd, "cgroup.kill");
	return 0;
}

int cg_v2_create_container(struct cg_container *c, const struct cg_limits *l)
{
	struct cg_setting settings[5];
	size_t n = v2_settings(c, l, settings);
	int r;

	r = cg_path(c->path, sizeof(c->path), "%s/%s", c->run->path, c->name);
	if (r < 0)
		return r;
	r = cg_group_create(c->run->root, c->path, NULL, NULL, settings, n);
	if (r < 0)
		return r;
	r = open_container_fds(c);
	if (r < 0)
		rmdir(c->path);
	return r;
}

int cg_v2_spawn(struct cg_container *c, unsigned flags, int (*fn)(void *), void *arg,
		pid_t *ret_pid)
{
	pid_t pid;

	fflush(NULL);
	pid = cg_clone3(flags, c->dirfd);
	if (pid == 0)
		_exit(fn(arg));
	if (pid > 0) {
		*ret_pid = pid;
		return 0;
	}
	/* Kernels before 5.7 (no CLONE_INTO_CGROUP) or without clone3. */
	if (pid != -ENOSYS && pid != -E2BIG && pid != -EINVAL)
		return pid;
	return cg_spawn_fork_procs(c, "cgroup.procs", flags, fn, arg, ret_pid);
}

int cg_v2_read_events(struct cg_container *c, struct cg_events *ret)
{
	struct cg_events e = { 0 };
	char buf[512];
	int r;

	if (c->memory_events_fd < 0)
		return -ENOTSUP;
	r = cg_pread_text(c->memory_events_fd, buf, sizeof(buf));
	if (r >= 0)
		r = cg_parse_memory_events(buf, &e.tree);
	if (r < 0)
		return r;
	/* memory.events.local came with 5.2. */
	r = cg_read_kept(c, CG_KEPT_EVENTS_LOCAL, "memory.events.local", buf, sizeof(buf));
	if (r >= 0) {
		r = cg_parse_memory_events(buf, &e.local);
		if (r < 0)
			return r;
		e.has_local = true;
	} else if (r != -ENOENT)
		return r;
	*ret = e;
	return 0;
}

int cg_v2_populated(struct cg_container *c)
{
	struct cg_group_events e;
	char buf[128];
	int r = cg_pread_text(c->group_events_fd, buf, sizeof(buf));

	if (r >= 0)
		r = cg_parse_group_events(buf, &e);
	return r < 0 ? r : e.populated;
}

int cg_v2_kill(struct cg_container *c)
{
	int r;

	if (c->has_kill_file)
		return cg_write_at(c->dirfd, "cgroup.kill", "1");
	r = cg_kill_procs_once(c->dirfd, "cgroup.procs");
	return r < 0 ? r : 0;
}

int cg_v2_destroy(struct cg_container *c, uint64_t deadline_ns)
{
	return cg_group_remove(c->run->root, c->path, NULL, NULL, deadline_ns);
}

int cg_v2_memory_current(struct cg_container *c, uint64_t *ret)
{
	return cg_read_kept_u64(c, CG_KEPT_CURRENT, "memory.current", ret);
}

int cg_v2_memory_stat(struct cg_container *c, struct cg_memory_stat *ret)
{
	return cg_read_kept_memory_stat(c, cg_parse_memory_stat_v2, ret);
}

const struct cg_ops cg_cgroupfs_ops = {
	.kind = CG_MANAGER_CGROUPFS,
	.validate = cg_v2_validate,
	.parent_path = v2_parent_path,
	.open_run = cg_v2_open_run,
	.close_run = cg_v2_close_run,
	CG_V2_CONTAINER_OPS,
};
