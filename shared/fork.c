// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fork.h"

pid_t fork_clone3(uint64_t clone_flags, int cgroup_fd)
{
	struct clone_args args = {
		.flags = clone_flags,
		/* With CLONE_PARENT the kernel wants none: the caller's own is taken. */
		.exit_signal = clone_flags & CLONE_PARENT ? 0 : SIGCHLD,
		.cgroup = clone_flags & CLONE_INTO_CGROUP ? (uint64_t)cgroup_fd : 0,
	};
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	return pid < 0 ? -errno : (pid_t)pid;
}

pid_t fork_with(uint64_t clone_flags)
{
	pid_t pid;

	if (clone_flags)
		return fork_clone3(clone_flags, -1);
	pid = fork();
	return pid < 0 ? -errno : pid;
}
