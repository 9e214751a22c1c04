// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flush.h"
#include "shared/clock.h"
#include "shared/macro.h"

static _Noreturn void syncfs_child(int dirfd, int out)
{
	int err;

	prctl(PR_SET_NAME, "poof-syncfs");
	err = syncfs(dirfd) < 0 ? errno : 0;
	(void)!write(out, &err, sizeof(err));
	_exit(0);
}

/* The child's answer, or -ETIMEDOUT when none came by the deadline. */
static int wait_answer(int in, uint64_t deadline_ns)
{
	struct pollfd pfd = { .fd = in, .events = POLLIN };
	int err;

	for (;;) {
		uint64_t now = now_monotonic_ns();
		int r;

		if (now >= deadline_ns)
			return -ETIMEDOUT;
		r = poll(&pfd, 1,
			 (int)MIN((deadline_ns - now) / NSEC_PER_MSEC + 1, (uint64_t)INT32_MAX));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			break;
	}
	if (read(in, &err, sizeof(err)) != (ssize_t)sizeof(err))
		return -EIO; /* the child died without answering */
	return -err;
}

int flush_target(int dirfd, uint64_t timeout_ns, pid_t *ret_stuck)
{
	_cleanup_close_ int in = -1, out = -1;
	int fds[2], r;
	pid_t pid;

	*ret_stuck = 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	in = fds[0];
	out = fds[1];
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		syncfs_child(dirfd, out);
	close(steal_fd(&out));
	r = wait_answer(in, now_monotonic_ns() + timeout_ns);
	if (r == -ETIMEDOUT) {
		*ret_stuck = pid;
		return r;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}
