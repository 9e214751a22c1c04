// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/clock.h"
#include "shared/macro.h"
#include "spawn.h"

#define REAP_TIMEOUT_NS (5 * NSEC_PER_SEC)

static _noreturn_ void child_exec(const char *const *argv, int in, int out, int err, pid_t parent)
{
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	/* QEMU must not outlive a poof vm that was SIGKILLed. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	if (dup2(in >= 0 ? in : null, 0) < 0 || dup2(out >= 0 ? out : null, 1) < 0 ||
	    dup2(err >= 0 ? err : null, 2) < 0)
		_exit(127);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

int child_spawn(const char *const *argv, int in, int out, int err, struct child *ret)
{
	pid_t parent = getpid();
	pid_t pid;
	int pidfd;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(argv, in, out, err, parent);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		int r = -errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0); /* SIGKILLed: returns at once */
		return r;
	}
	*ret = (struct child){ .pid = pid, .pidfd = pidfd };
	return 0;
}

int child_wait(struct child *c, uint64_t timeout_ns, int *ret_status)
{
	struct pollfd p = { .fd = c->pidfd, .events = POLLIN };
	int status, n;

	if (c->pid < 0)
		return -ECHILD;
	do
		n = poll(&p, 1, (int)(timeout_ns / NSEC_PER_MSEC));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	if (waitpid(c->pid, &status, WNOHANG) <= 0)
		return -ETIMEDOUT;
	close(c->pidfd);
	*c = CHILD_NULL;
	if (ret_status)
		*ret_status = status;
	return 0;
}

void child_kill(struct child *c)
{
	if (c->pid < 0)
		return;
	kill(c->pid, SIGKILL);
	if (child_wait(c, REAP_TIMEOUT_NS, NULL) < 0) {
		/* Unreapable within the deadline (D state): leave it to init. */
		close(c->pidfd);
		*c = CHILD_NULL;
	}
}

static int read_until(int fd, uint64_t deadline, size_t max, char *buf, size_t *len)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = now_monotonic_ns();
		ssize_t n;
		int k;

		if (now >= deadline)
			return -ETIMEDOUT;
		k = poll(&p, 1, (int)((deadline - now) / NSEC_PER_MSEC) + 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			continue;
		n = read(fd, buf + *len, max - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len == max)
			return -EFBIG;
	}
}

int spawn_capture(const char *const *argv, uint64_t timeout_ns, size_t max, char **ret_out,
		  int *ret_status)
{
	uint64_t deadline = now_monotonic_ns() + timeout_ns;
	_cleanup_free_ char *buf = malloc(max + 1);
	struct child c = CHILD_NULL;
	int fds[2], r;
	size_t len = 0;

	if (!buf)
		return -ENOMEM;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	r = child_spawn(argv, -1, fds[1], -1, &c);
	close(fds[1]);
	if (r < 0) {
		close(fds[0]);
		return r;
	}
	r = read_until(fds[0], deadline, max, buf, &len);
	close(fds[0]);
	if (r < 0) {
		child_kill(&c);
		return r;
	}
	r = child_wait(&c, deadline - MIN(deadline, now_monotonic_ns()) + NSEC_PER_MSEC,
		       ret_status);
	if (r < 0) {
		child_kill(&c);
		return r;
	}
	buf[len] = '\0';
	*ret_out = steal_pointer(&buf);
	return 0;
}
