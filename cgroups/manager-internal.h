/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the managers share, like crun's cgroup-internal.h: the run and
 * container structs, the ops table entry each manager file defines, and
 * what the files of the manager layer call across (manager.c, run.c,
 * container.c). The helpers they all use have headers of their own:
 * util.h (groups that are directories), group.h (creating and removing
 * them), limits.h (checking a container's limits).
 */

#include <limits.h>
#include <stdbool.h>

#include "group.h"
#include "limits.h"
#include "manager.h"
#include "util.h"

#define CG_RUN_ID_MAX 64
#define CG_NAME_MAX 64
#define CG_UNIT_MAX (CG_RUN_ID_MAX + 16) /* "poof-<id>.scope" */

/* Controllers cgroupfs may enable in a parent's cgroup.subtree_control. */
enum {
	CG_CTRL_MEMORY = 1 << 0,
	CG_CTRL_PIDS = 1 << 1,
};

struct cg_container {
	struct cg_run *run;
	struct cg_container *next;
	char name[CG_NAME_MAX];
	char path[PATH_MAX]; /* with the root prefix */
	int dirfd;
	int memory_events_fd;	/* v2 memory.events, kept for pread and POLLPRI */
	int group_events_fd;	/* v2 cgroup.events */
	int kept[_CG_KEPT_MAX]; /* cg_read_kept(): -1 not opened yet, -ENOENT missing */
	bool has_kill_file;
	bool kill_requested;
	bool destroyed;
	pid_t *pids; /* none: the processes spawned, since there is no group to ask */
	size_t npids;
};

struct cg_run {
	const struct cg_ops *ops;
	struct cg_layout layout;
	char root[PATH_MAX];
	char id[CG_RUN_ID_MAX];
	char parent[PATH_MAX]; /* where poof started, with the root prefix */
	char path[PATH_MAX];   /* parent/poof-<id>, with the root prefix */
	char rel[PATH_MAX];    /* path below the hierarchy's mount (for libcgroup) */
	int dirfd;
	unsigned ctrl_enabled_parent; /* v2: what open_run enabled in parent's subtree_control */
	unsigned ctrl_available;      /* v2: controllers the run group passes to containers */
	bool supervisor_moved;
	char supervisor_path[PATH_MAX];
	/* systemd: the scope, its cgroup below the v2 mount, and where poof was before it. */
	char unit[CG_UNIT_MAX];
	char unit_cgroup[PATH_MAX];
	char origin_v2[PATH_MAX];
	bool delegated; /* the scope's Delegate property, read back from systemd */
	struct cg_container *containers;
	bool open;
};

struct cg_ops {
	enum cg_manager_kind kind;
	/* Knobs this manager can honour, and where runs go. */
	int (*validate)(const struct cg_layout *layout, const char *root,
			const struct cg_limits *limits, char **ret_message);
	int (*parent_path)(const struct cg_layout *layout, const char *root, char *buf, size_t len);
	int (*open_run)(struct cg_run *run);
	int (*close_run)(struct cg_run *run, uint64_t deadline_ns);
	int (*create_container)(struct cg_container *c, const struct cg_limits *limits);
	int (*spawn)(struct cg_container *c, unsigned flags, int (*fn)(void *), void *arg,
		     pid_t *ret_pid);
	int (*read_events)(struct cg_container *c, struct cg_events *ret);
	/* Optional: read_events' oom_kill alone, where that is cheaper. */
	int (*read_oom_kills)(struct cg_container *c, uint64_t *ret);
	int (*populated)(struct cg_container *c);
	int (*kill)(struct cg_container *c);
	int (*destroy)(struct cg_container *c, uint64_t deadline_ns);
	int (*memory_current)(struct cg_container *c, uint64_t *ret);
	int (*memory_stat)(struct cg_container *c, struct cg_memory_stat *ret);
};

extern const struct cg_ops cg_cgroupfs_ops;
extern const struct cg_ops cg_systemd_ops;
extern const struct cg_ops cg_v1_ops;
extern const struct cg_ops cg_none_ops;

/* The manager of a kind, from the table in manager.c; NULL for AUTO and unknown kinds. */
const struct cg_ops *cg_ops_of(enum cg_manager_kind kind);

/* Free a container's memory and fds, nothing in the kernel (container.c). */
void cg_container_free(struct cg_container *c);

/* For cg_run_close(): kill what is left in the container, wait for it to empty, remove it. */
int cg_container_close(struct cg_container *c, uint64_t deadline_ns);

/*
 * The cgroup v2 operations of cgroupfs.c, for the systemd manager: once its
 * scope exists, a run is cgroupfs-style work with the scope as the parent.
 */
int cg_v2_validate(const struct cg_layout *layout, const char *root, const struct cg_limits *l,
		   char **ret_message);
int cg_v2_open_run(struct cg_run *run);
int cg_v2_close_run(struct cg_run *run, uint64_t deadline_ns);
int cg_v2_create_container(struct cg_container *c, const struct cg_limits *l);
int cg_v2_spawn(struct cg_container *c, unsigned flags, int (*fn)(void *), void *arg,
		pid_t *ret_pid);
int cg_v2_read_events(struct cg_container *c, struct cg_events *ret);
int cg_v2_populated(struct cg_container *c);
int cg_v2_kill(struct cg_container *c);
int cg_v2_destroy(struct cg_container *c, uint64_t deadline_ns);
int cg_v2_memory_current(struct cg_container *c, uint64_t *ret);
int cg_v2_memory_stat(struct cg_container *c, struct cg_memory_stat *ret);

/* A container is the same v2 leaf for both managers: one list of its operations. */
#define CG_V2_CONTAINER_OPS                                                                 \
	.create_container = cg_v2_create_container, .spawn = cg_v2_spawn,                   \
	.read_events = cg_v2_read_events, .populated = cg_v2_populated, .kill = cg_v2_kill, \
	.destroy = cg_v2_destroy, .memory_current = cg_v2_memory_current,                   \
	.memory_stat = cg_v2_memory_stat

/* The memory controller is on the v2 hierarchy (v2 host, or hybrid with memory there). */
bool cg_layout_has_v2_memory(const struct cg_layout *l);
