/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/*
 * A new process like fork()'s, through clone3(2). clone_flags may hold
 * CLONE_PARENT (the child is a child of the caller's parent, which reaps
 * it; the kernel gives it the caller's own exit signal) and
 * CLONE_INTO_CGROUP (into the v2 group cgroup_fd). The child's pid in the
 * caller, 0 in the child, or -errno. glibc's pthread_atfork handlers do not
 * run: the caller must be single-threaded.
 */
pid_t fork_clone3(uint64_t clone_flags, int cgroup_fd);

/*
 * fork() when clone_flags is 0 (its atfork handlers run, so a threaded
 * caller may use it), else fork_clone3(clone_flags, -1). The child's pid in
 * the caller, 0 in the child, or -errno.
 */
pid_t fork_with(uint64_t clone_flags);
