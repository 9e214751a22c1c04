// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The spawner (spawner.h): the helper's loop, and the supervisor's side of
 * the socket pair: one request, one answer, in order.
 */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oom-score.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "supervisor-internal.h"

struct spawn_request {
	uint32_t kind; /* enum child_kind */
	uint32_t slot;
};

struct spawn_answer {
	int32_t result; /* the child's pid, or -errno */
	uint32_t unused;
	uint64_t cpu_ns; /* the helper's CPU time so far */
};

static uint64_t rusage_cpu_ns(const struct rusage *ru)
{
	return ((uint64_t)ru->ru_utime.tv_sec + (uint64_t)ru->ru_stime.tv_sec) * NSEC_PER_SEC +
	       ((uint64_t)ru->ru_utime.tv_usec + (uint64_t)ru->ru_stime.tv_usec) * NSEC_PER_USEC;
}

/* In the helper: answer requests until the supervisor closes its end or dies. */
static _noreturn_ void helper_main(struct supervisor *s, pid_t supervisor)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != supervisor)
		_exit(0); /* the supervisor is gone already */
	prctl(PR_SET_NAME, "poof-spawner");
	/* Most children want 0: they inherit it, and need not write it themselves. */
	if (oom_score_adj_set(0, 0) == 0)
		s->children_oom_score_adj = 0;
	for (;;) {
		struct spawn_request q;
		struct spawn_answer a = { .result = -EINVAL };
		pid_t pid;
		ssize_t n = recv(s->spawner.fd, &q, sizeof(q), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		if (n == sizeof(q))
			a.result = supervisor_start_child(s, (enum child_kind)q.kind, q.slot,
							  CG_SPAWN_SIBLING, &pid);
		if (a.result >= 0)
			a.result = pid;
		a.cpu_ns = process_cpu_ns();
		if (send(s->spawner.fd, &a, sizeof(a), MSG_NOSIGNAL) != sizeof(a))
			_exit(0);
	}
}

int spawner_start(struct supervisor *s)
{
	pid_t supervisor = getpid(), pid;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		close(sv[0]);
		s->spawner.fd = sv[1];
		helper_main(s, supervisor);
	}
	close(sv[1]);
	s->spawner = (struct spawner){ .pid = pid, .fd = sv[0] };
	return 0;
}

/* The helper stopped answering: it is reaped with the other children (spawner_reaped()). */
static int helper_lost(struct supervisor *s)
{
	closep(&s->spawner.fd);
	s->spawner.fd = -1;
	return -ENOTCONN;
}

int spawner_spawn(struct supervisor *s, enum child_kind kind, uint32_t slot, pid_t *ret_pid)
{
	struct spawn_request q = { .kind = kind, .slot = slot };
	struct spawn_answer a;
	ssize_t n;

	if (s->spawner.fd < 0)
		return -ENOTCONN;
	if (send(s->spawner.fd, &q, sizeof(q), MSG_NOSIGNAL) != sizeof(q))
		return helper_lost(s);
	do
		n = recv(s->spawner.fd, &a, sizeof(a), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(a))
		return helper_lost(s);
	s->spawner.cpu_ns = a.cpu_ns;
	/* A kernel without clone3's CLONE_PARENT: the supervisor forks, as it used to. */
	if (a.result == -ENOSYS || a.result == -EINVAL || a.result == -ENOTSUP) {
		spawner_stop(s);
		return -ENOTCONN;
	}
	if (a.result < 0)
		return a.result;
	*ret_pid = a.result;
	return 0;
}

bool spawner_reaped(struct supervisor *s, pid_t pid, const struct rusage *ru)
{
	if (pid <= 0 || pid != s->spawner.pid)
		return false;
	/* Never less than it said: the CPU clocks only move on. */
	s->spawner.cpu_ns = MAX(s->spawner.cpu_ns, rusage_cpu_ns(ru));
	s->spawner.pid = 0;
	closep(&s->spawner.fd);
	s->spawner.fd = -1;
	return true;
}

void spawner_stop(struct supervisor *s)
{
	struct rusage ru;
	pid_t pid = s->spawner.pid;

	closep(&s->spawner.fd);
	s->spawner.fd = -1;
	if (pid <= 0)
		return;
	/* It waits in recv(2) between two requests: it dies at once. */
	(void)kill(pid, SIGKILL);
	while (wait4(pid, NULL, 0, &ru) < 0)
		if (errno != EINTR) {
			s->spawner.pid = 0;
			return;
		}
	(void)spawner_reaped(s, pid, &ru);
}

uint64_t supervisor_cpu_ns(const struct supervisor *s)
{
	return process_cpu_ns() + s->spawner.cpu_ns;
}
