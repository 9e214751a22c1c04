// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"

/* The child's stack: it makes a few system calls and nothing else. */
#define EXEC_STACK_SIZE (16 * 1024)

/* Placed descriptors: at most this many, each `to` below EXEC_FD_ABOVE. */
#define EXEC_MAX_FDS 8
#define EXEC_FD_ABOVE 64

extern char **environ;

struct exec_child {
	const struct exec_spec *e;
	int error; /* written by the child, read by the caller once the child has gone */
};

/*
 * Every descriptor first to a number above all the targets, then to its
 * target: no target overwrites a source not placed yet. dup2 leaves the
 * copy without FD_CLOEXEC; the first copies keep it, and go with the exec.
 */
__attribute__((no_sanitize_address)) static int place_fds(const struct exec_spec *e)
{
	int tmp[EXEC_MAX_FDS];

	if (e->nfds > EXEC_MAX_FDS)
		return -1;
	for (unsigned i = 0; i < e->nfds; i++) {
		tmp[i] = fcntl(e->fds[i].from, F_DUPFD_CLOEXEC, EXEC_FD_ABOVE);
		if (tmp[i] < 0)
			return -1;
	}
	for (unsigned i = 0; i < e->nfds; i++)
		if (dup2(tmp[i], e->fds[i].to) < 0)
			return -1;
	return 0;
}

/*
 * In the child, on the caller's memory: only system calls, nothing that
 * allocates or takes a lock the caller may hold.
 */
__attribute__((no_sanitize_address)) static int child_main(void *arg)
{
	struct exec_child *c = arg;
	const struct exec_spec *e = c->e;

	if (e->procs_fd >= 0 && write(e->procs_fd, "0", 1) != 1)
		goto fail;
	if (place_fds(e) < 0)
		goto fail;
	execveat(e->binfd, "", e->argv, environ, AT_EMPTY_PATH);
fail:
	c->error = errno ? errno : EIO;
	_exit(127);
}

pid_t exec_spawn(const struct exec_spec *e)
{
	/* Aligned for any ABI: the child's stack pointer starts at its end. */
	_Alignas(64) char stack[EXEC_STACK_SIZE];
	struct exec_child c = { .e = e };
	int flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
	sigset_t all, old;
	pid_t pid;

	/* No handler of the caller's may run on the caller's memory in the child. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = clone(child_main, stack + sizeof(stack), flags, &c);
	if (pid < 0)
		c.error = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid > 0 && c.error)
		(void)waitpid(pid, NULL, 0);
	return c.error ? -c.error : pid;
}
