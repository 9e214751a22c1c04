/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/*
 * Start a program the way posix_spawn(3) does: the child borrows the
 * caller's address space (clone with CLONE_VM|CLONE_VFORK) until it calls
 * execve, so the caller copies no page table and takes no copy-on-write
 * fault afterwards, and what the new program costs to load is the child's
 * own CPU time. Before the exec the child makes only system calls: it
 * moves itself into a cgroup and puts descriptors where the program
 * expects them.
 */

/* A descriptor the program finds at `to` (without FD_CLOEXEC); `to` below 64, at most 8 of them. */
struct exec_fd {
	int from;
	int to;
};

struct exec_spec {
	int binfd;	   /* the program, opened O_PATH (execveat's AT_EMPTY_PATH) */
	char *const *argv; /* NULL-terminated */
	int procs_fd;	   /* a cgroup.procs opened for writing, or -1: stay */
	const struct exec_fd *fds;
	unsigned nfds;
};

/*
 * The child's pid once it runs the program, or -errno. On an error after
 * the clone (the move or the exec failed) the child has exited with 127
 * and is reaped. All signals stay blocked from before the clone into the
 * program, which sets up its own.
 */
pid_t exec_spawn(const struct exec_spec *e);
