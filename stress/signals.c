// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The signals of a run: which ones stop it (SIGINT, SIGTERM, SIGHUP), held
 * blocked with SIGCHLD from before the first fork, and read through a
 * signalfd by the event loop or polled for once it is over.
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>

#include "supervisor-internal.h"

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int supervisor_block_signals(void)
{
	sigset_t set;

	stop_signals(&set);
	sigaddset(&set, SIGCHLD);
	return sigprocmask(SIG_BLOCK, &set, NULL) < 0 ? -errno : 0;
}

int supervisor_pending_stop_signal(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int sig;

	stop_signals(&set);
	sig = sigtimedwait(&set, NULL, &zero);
	return sig > 0 ? sig : 0;
}

int supervisor_signal_fd(void)
{
	sigset_t set;
	int fd;

	stop_signals(&set);
	sigaddset(&set, SIGCHLD);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
