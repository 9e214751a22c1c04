/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Helpers for groups that are directories (util.c): paths and names, small
 * cgroup files read and written below a directory fd, a child that joins a
 * group first, killing and waiting for what a group holds. The string lists
 * (cg_strv_*) are public, in manager.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "events.h"

struct cg_container;

/*
 * Cgroup files the supervisor reads once a second or more, kept open by the
 * container for pread (cg_read_kept()) instead of opened for every read.
 */
enum cg_kept_file {
	CG_KEPT_CURRENT,       /* memory.current (v2), memory.usage_in_bytes (v1) */
	CG_KEPT_STAT,	       /* memory.stat */
	CG_KEPT_EVENTS_LOCAL,  /* memory.events.local (v2) */
	CG_KEPT_OOM_CONTROL,   /* memory.oom_control (v1) */
	CG_KEPT_FAILCNT,       /* memory.failcnt (v1) */
	CG_KEPT_MEMSW_FAILCNT, /* memory.memsw.failcnt (v1) */
	_CG_KEPT_MAX,
};

/* A run id or container name: [A-Za-z0-9_.-], not starting with a dot, shorter than max. */
bool cg_valid_name(const char *s, size_t max);

/* snprintf into buf: 0 or -ENAMETOOLONG. */
int cg_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The directory of the cgroup `group` ("/a/b", or "/" for the hierarchy's
 * root, as /proc/self/cgroup names it) in the hierarchy mounted at `mount`,
 * below the root prefix: 0 or -ENAMETOOLONG.
 */
int cg_group_dir(char *buf, size_t len, const char *root, const char *mount, const char *group);

/* Read a small cgroup file below dirfd, NUL-terminated: bytes or -errno. */
int cg_read_at(int dirfd, const char *file, char *buf, size_t len);
/*
 * Read `file` of container c through the descriptor it keeps for it (k):
 * opened below c->dirfd at the first read, then read from offset 0 each
 * time (the kernel writes the text anew). A missing file stays missing:
 * -ENOENT from then on without another lookup.
 */
int cg_read_kept(struct cg_container *c, enum cg_kept_file k, const char *file, char *buf,
		 size_t len);
/* A one-number file (cg_read_u64_at()) through a kept descriptor. */
int cg_read_kept_u64(struct cg_container *c, enum cg_kept_file k, const char *file, uint64_t *ret);
/* memory.stat through a kept descriptor, parsed with the version's parser. */
int cg_read_kept_memory_stat(struct cg_container *c,
			     int (*parse)(const char *text, struct cg_memory_stat *ret),
			     struct cg_memory_stat *ret);
/* Close every kept descriptor of c. */
void cg_close_kept(struct cg_container *c);
/* pread from offset 0 of a kept fd, NUL-terminated. */
int cg_pread_text(int fd, char *buf, size_t len);
/* Write a value to a cgroup file below dirfd: 0 or -errno (the kernel's). */
int cg_write_at(int dirfd, const char *file, const char *value);
int cg_write_u64_at(int dirfd, const char *file, uint64_t value);
/* A limit file below dirfd (cg_parse_limit()). */
int cg_read_limit_at(int dirfd, const char *file, uint64_t *ret);
/* A one-number file (memory.current, memory.failcnt). */
int cg_read_u64_at(int dirfd, const char *file, uint64_t *ret);
bool cg_file_exists_at(int dirfd, const char *file);

/*
 * A new process like fork()'s, through clone3(): inside the v2 group
 * cgroup_fd (CLONE_INTO_CGROUP) when it is >= 0, and a child of the
 * caller's parent with CG_SPAWN_SIBLING. The child's pid in the caller, 0
 * in the child, or -errno. glibc's pthread_atfork handlers do not run: the
 * caller must be single-threaded.
 */
pid_t cg_clone3(unsigned flags, int cgroup_fd);

/*
 * Fork (cg_fork()); the parent writes the child's
 * pid to `procs` below c->dirfd and only then lets it run fn. No wait for
 * the child: on failure -errno (the child exits 127 without running fn, and
 * is reaped here, or by the caller's parent for a sibling).
 */
int cg_spawn_fork_procs(struct cg_container *c, const char *procs, unsigned flags,
			int (*fn)(void *), void *arg, pid_t *ret_pid);

/* Move the calling process (cgroup.procs) into the v2 group at dir. */
int cg_move_self_to(const char *dir);

/* One pass of SIGKILL over the pids in `procs` below dirfd: how many were signalled. */
int cg_kill_procs_once(int dirfd, const char *procs);

/* 1 when `procs` below dirfd lists a process. */
int cg_procs_populated(int dirfd, const char *procs);

/* rmdir with retries on EBUSY until the deadline. */
int cg_rmdir_deadline(const char *path, uint64_t deadline_ns);
