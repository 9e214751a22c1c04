/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Child processes of `poof vm` (QEMU, ldd): started with default signal
 * dispositions, an empty signal mask and SIGKILL on the parent's death, and
 * waited for through a pidfd, always with a deadline.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	int pidfd;
};

#define CHILD_NULL ((struct child){ .pid = -1, .pidfd = -1 })

/* fork + execvp(argv[0]); fds 0/1/2 of the child from in/out/err (-1: /dev/null). */
int child_spawn(const char *const *argv, int in, int out, int err, struct child *ret);

/* Wait at most timeout_ns for the exit: its wait status, or -ETIMEDOUT (still running). */
int child_wait(struct child *c, uint64_t timeout_ns, int *ret_status);

/* SIGKILL, then reap (bounded): safe to call on a reaped or never started child. */
void child_kill(struct child *c);

/* Run argv, capture up to max bytes of stdout, kill it after timeout_ns. */
int spawn_capture(const char *const *argv, uint64_t timeout_ns, size_t max, char **ret_out,
		  int *ret_status);
