/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * cgroup managers: who creates the run's cgroups, puts processes into them,
 * watches and kills them, and removes them again.
 *
 * The cgroup *layout* (v1, hybrid, v2) is detected once by cg_detect(); the
 * *manager* is chosen from it separately (cg_choose_manager()):
 *
 *   cgroupfs  plain cgroup v2 files below the cgroup poof was started in
 *   systemd   a transient scope with Delegate=yes over sd-bus, cgroupfs inside
 *             it (systemd.c; cgroup v2 only)
 *   v1        the v1 memory controller, for hybrid and v1-only hosts
 *   none      no containment: processes are tracked by pid, limits refused
 *
 * Every function returns >= 0 or -errno and never prints. Every wait takes
 * a deadline on the CLOCK_MONOTONIC scale of now_monotonic_ns().
 *
 * Naming. A run's groups are `poof-<runid>` directly below the cgroup poof
 * was started in (its "parent"), containers are leaves below that:
 *
 *   v1:  <memory mount><self>/poof-<id>/<container>
 *   v2:  <v2 mount><self>/poof-<id>/<container>
 *        <v2 mount><self>/poof-<id>-supervisor        (only when needed, below)
 *
 * cg_list_run_groups() finds them again for `poof cleanup`.
 *
 * The v2 supervisor rule. A v2 group that enables memory for its children
 * (`+memory` in cgroup.subtree_control) may not hold processes itself, and
 * the supervisor must stay outside every container. When poof starts in the
 * root cgroup (exempt from the rule) or in a group whose subtree_control
 * already has the controllers, nothing moves. Otherwise open_run first tries
 * to enable the controllers in <self>; if the kernel says EBUSY because the
 * supervisor itself sits in <self>, the supervisor process moves into the
 * leaf `poof-<id>-supervisor` beside the run group and the write is retried.
 * If <self> still holds other processes (a shell, another program), the run
 * fails with -EBUSY: start poof in a cgroup of its own (for example
 * `systemd-run --scope -p Delegate=yes poof ...`). close_run undoes what
 * open_run did, in reverse: containers, run group, the controllers it
 * enabled, the supervisor's move, the supervisor leaf. Call open_run before
 * forking anything: only the supervisor process moves, not its children.
 *
 * On v1 a group may hold processes and children at once, so the supervisor
 * never moves and the run group carries no limit of its own.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "events.h"
#include "version.h"

enum cg_manager_kind {
	CG_MANAGER_AUTO,
	CG_MANAGER_CGROUPFS,
	CG_MANAGER_SYSTEMD,
	CG_MANAGER_V1,
	CG_MANAGER_NONE,
	_CG_MANAGER_MAX,
};

const char *cg_manager_name(enum cg_manager_kind kind);
/* "auto", "cgroupfs", "systemd", "v1", "none": 0 or -EINVAL. */
int cg_manager_from_name(const char *name, enum cg_manager_kind *ret);

/*
 * -o cgroup=auto: systemd when `systemd_usable` (PID 1 is systemd and its bus
 * answered: the caller probes, see cg_pid1_is_systemd()) and a memory
 * controller exists; else cgroupfs when the v2 hierarchy offers memory; else
 * v1 when a v1 memory hierarchy is mounted; else -ENOTSUP (exit 69: no
 * usable cgroup). An explicit request is checked against the layout the same
 * way and gives -ENOTSUP when it cannot work; `none` always works.
 */
int cg_choose_manager(const struct cg_layout *layout, enum cg_manager_kind requested,
		      bool systemd_usable, enum cg_manager_kind *ret);

/* sd_booted()'s test: /run/systemd/system is a directory (below root). */
bool cg_pid1_is_systemd(const char *root);

/*
 * Can the systemd manager be used? 0 when PID 1 is systemd and it answered
 * a Ping on the bus (the system bus as root, else the user bus) within
 * timeout_ns; -EHOSTDOWN when PID 1 is not systemd; -ENOTSUP without
 * libsystemd; else the bus's -errno (-ENOENT: no bus socket). See
 * cg_systemd_refusal() (systemd.h) for the words and the fix.
 */
int cg_systemd_probe(const char *root, uint64_t timeout_ns);

/*
 * What the systemd manager last failed at, in one line for the user (""
 * when nothing failed): the refused bus call with systemd's error, a
 * unit name collision, a job that did not finish in time.
 */
const char *cg_systemd_last_message(void);

/*
 * Limits of one container. CG_UNSET leaves a knob alone (the kernel default,
 * "max"); oom_group is -1 when unset.
 */
struct cg_limits {
	uint64_t memory_max;
	uint64_t memory_high;
	uint64_t swap_max; /* v2 swap alone; v1 writes memsw = memory_max + swap_max */
	uint64_t pids_max;
	int oom_group;
};

#define CG_LIMITS_UNSET                               \
	((struct cg_limits){ .memory_max = CG_UNSET,  \
			     .memory_high = CG_UNSET, \
			     .swap_max = CG_UNSET,    \
			     .pids_max = CG_UNSET,    \
			     .oom_group = -1 })

/*
 * What makes a set of limits impossible whatever the host: the one place
 * these rules are written. The profile validator says them in the profile's
 * words, cg_limits_validate() in the knobs'.
 */
enum cg_limits_problem {
	CG_LIMITS_OK,
	CG_LIMITS_HIGH_ABOVE_MAX, /* memory.high above memory.max */
	CG_LIMITS_NO_MEMORY,	  /* memory.max 0 */
	CG_LIMITS_NO_PIDS,	  /* pids.max 0 */
	CG_LIMITS_BAD_OOM_GROUP,  /* memory.oom.group other than 0 or 1 */
};

enum cg_limits_problem cg_limits_problem(const struct cg_limits *l);

/*
 * Check limits before anything is created: memory.max above the parent's
 * effective limit (the smallest limit on the path from poof's cgroup up),
 * memory.high above memory.max, pids.max 0, knobs the manager cannot honour
 * (v1: memory.high, memory.oom.group, pids.max; none: every limit), swap
 * limits where the kernel has no swap accounting but swap is configured.
 * -EINVAL with *ret_message (malloc'ed, one line naming the knob and the
 * values) for a bad limit; other -errno when the parent could not be read.
 */
int cg_limits_validate(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		       const struct cg_limits *limits, char **ret_message);

struct cg_run;
struct cg_container;

/*
 * Create the run's group `poof-<run_id>` (see the top of this file). kind
 * must be a concrete manager (not AUTO). root is the prefix for every kernel
 * path ("" or NULL on a real system).
 */
int cg_run_open(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		const char *run_id, struct cg_run **ret);

/*
 * Remove everything of the run: kill what is left in each container, wait
 * for it to empty, remove the groups, undo the supervisor's move. Carries on
 * past errors and returns the first one. The run stays allocated (its path
 * names what was left) until cg_run_free().
 */
int cg_run_close(struct cg_run *run, uint64_t deadline_ns);

/* cg_run_close() with a 10 s deadline when still open, then free. */
void cg_run_free(struct cg_run *run);
void cg_run_freep(struct cg_run **run);
#define _cleanup_cg_run_ _cleanup_(cg_run_freep)

enum cg_manager_kind cg_run_manager(const struct cg_run *run);
/* The run group's path (with the root prefix), "" for `none`. */
const char *cg_run_path(const struct cg_run *run);
/* The cgroup the supervisor was moved to, or NULL when it did not move. */
const char *cg_run_supervisor_path(const struct cg_run *run);

/*
 * systemd: the run's scope ("poof-<id>.scope"), its ControlGroup (below the
 * v2 mount) and its Delegate property as systemd reported them; NULL/false
 * for the other managers.
 */
const char *cg_run_unit(const struct cg_run *run);
const char *cg_run_unit_cgroup(const struct cg_run *run);
bool cg_run_delegated(const struct cg_run *run);

/*
 * A container: the leaf group `name` ([A-Za-z0-9_.-], not starting with a
 * dot) with its limits written, validated first. Owned by the run.
 */
int cg_container_create(struct cg_run *run, const char *name, const struct cg_limits *limits,
			struct cg_container **ret);

const char *cg_container_name(const struct cg_container *c);
const char *cg_container_path(const struct cg_container *c);

/* The group's directory fd, for clone3(CLONE_INTO_CGROUP) (v2); -ENOTSUP elsewhere. */
int cg_container_fd(const struct cg_container *c);

/* How cg_container_spawn() starts its child. */
enum cg_spawn_flag {
	/*
	 * The child is made a child of the caller's parent (CLONE_PARENT),
	 * which reaps it: for a helper process that starts children on its
	 * parent's behalf. -ENOTSUP with the none manager, which must know its
	 * children itself.
	 */
	CG_SPAWN_SIBLING = 1 << 0,
};

/*
 * A process outside any container, as cg_container_spawn() would start it:
 * fork(), or clone3(CLONE_PARENT) with CG_SPAWN_SIBLING. The child's pid in
 * the caller, 0 in the child, or -errno.
 */
pid_t cg_fork(unsigned flags);

/*
 * Start fn(arg) in a new process that is inside the container from its
 * first instruction of fn: clone3(CLONE_INTO_CGROUP) on v2, else fork where
 * the parent writes the child's pid to cgroup.procs before the child may run
 * fn (it _exit(127)s without running fn if that fails, and spawn returns the
 * error). Never waits for the child. The child exits with fn's return value. Like
 * fork, the child runs on a copy of the caller; with clone3, glibc's
 * pthread_atfork handlers do not run, so the caller must be single-threaded.
 * flags: enum cg_spawn_flag bits.
 */
int cg_container_spawn(struct cg_container *c, unsigned flags, int (*fn)(void *arg), void *arg,
		       pid_t *ret_pid);

/*
 * The group's cgroup.procs, open for writing: a process that writes "0"
 * to it moves itself in (v1 and v2), for a child that must move before it
 * calls execve (shared/exec.h). Its fd, or -errno; -ENOTSUP with the none
 * manager.
 */
int cg_container_open_procs(struct cg_container *c);

/* Memory events (see struct cg_events for what v1 lacks). */
int cg_container_read_events(struct cg_container *c, struct cg_events *ret);

/*
 * The OOM kills alone (events.tree.oom_kill), as cheaply as the version
 * allows: one read of memory.oom_control on v1 instead of three files.
 */
int cg_container_read_oom_kills(struct cg_container *c, uint64_t *ret);

/*
 * An fd to poll() for POLLPRI, raised when memory.events changes (v2); the
 * container keeps it. A wakeup stays raised until the file is read again:
 * call cg_container_read_events() after each one. -ENOTSUP on v1 and none
 * (and on v2 without the memory controller): there, read_events at every
 * sample.
 */
int cg_container_events_fd(const struct cg_container *c);

/*
 * The kernel's means of watching a container, which a manager may lack
 * (cgroup v1 has none of them): bits for cg_container_watch().
 */
enum cg_watch {
	CG_WATCH_MEMORY_EVENTS = 1 << 0, /* memory.events: every OOM and limit event, notified */
	CG_WATCH_PRESSURE = 1 << 1,	 /* memory.pressure: the container's own PSI */
	CG_WATCH_KILL = 1 << 2,		 /* cgroup.kill: the whole container killed at once */
	CG_WATCH_GROUP_EVENTS = 1 << 3,	 /* cgroup.events: notified when it empties */
	_CG_WATCH_BITS = 4,
	CG_WATCH_ALL = (1 << _CG_WATCH_BITS) - 1,
};

/* The enum cg_watch bits the container has. */
unsigned cg_container_watch(const struct cg_container *c);

/* "memory.events", ...: the file behind watch bit number i, NULL past the last. */
const char *cg_watch_name(unsigned i);

/* 1 when a process is in the container, 0 when empty. */
int cg_container_populated(struct cg_container *c);

/*
 * SIGKILL everything in the container: cgroup.kill when the kernel has it
 * (v2, 5.14+), else one pass of a kill loop over cgroup.procs. Does not
 * wait; see cg_container_wait_empty().
 */
int cg_container_kill(struct cg_container *c);

/*
 * Wait until the container is empty: -ETIMEDOUT at the deadline (the
 * "unkillable" case). Without cgroup.kill, the kill loop repeats while
 * waiting so processes forked in between die too, when kill was asked.
 */
int cg_container_wait_empty(struct cg_container *c, uint64_t deadline_ns);

/* Remove the (empty) group; retries EBUSY until the deadline. */
int cg_container_destroy(struct cg_container *c, uint64_t deadline_ns);

/* memory.current (v2) / memory.usage_in_bytes (v1), in bytes. */
int cg_container_memory_current(struct cg_container *c, uint64_t *ret);
/* memory.stat keys mapped onto struct cg_memory_stat. */
int cg_container_memory_stat(struct cg_container *c, struct cg_memory_stat *ret);

/*
 * Where the runs of this manager are created ("parent"), with the root
 * prefix: for `poof cleanup`. -ENOTSUP for none and systemd (whose runs
 * are scopes wherever systemd put them).
 */
int cg_run_parent_path(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		       char *buf, size_t len);

/*
 * Names of the directories `poof-*` directly below parent_path (run groups
 * and supervisor leaves), sorted, as a NULL-terminated malloc'ed array
 * (free with cg_strv_free()). A missing parent is an empty list.
 */
int cg_list_run_groups(const char *parent_path, char ***ret_names);
void cg_strv_free(char **v);
/* Append a copy of s to the NULL-terminated array v of *n strings (v may start NULL). */
int cg_strv_push(char ***v, size_t *n, const char *s);

/* The last message libcgroup logged (its logger is routed here), "" if none. */
const char *cg_libcgroup_last_message(void);
