/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The supervisor's notification thread: it answers every call that a
 * writer's seccomp filter notifies (stress/inject.h decides which fail).
 *
 * Each writer, once its filter is loaded, sends the filter's listener over
 * the handover socket (SCM_RIGHTS, with its writer id) before its first
 * notified call; the thread polls every listener and the socket, and drops
 * a listener when its writer's process is gone (POLLHUP) or when the
 * writer's next process sends a new one. A notified call waits until the
 * thread answers: a stalled thread looks like stalled writers, which the
 * supervisor reports as such.
 *
 * The thread allocates nothing once started (the supervisor forks while it
 * runs, and a child must not inherit a lock it held), and takes no signal.
 * The supervisor's children inherit the listeners the thread holds at the
 * time; they are of no use to them (the allow-lists have no ioctl).
 *
 * Without libseccomp, starting it returns -ENOTSUP.
 */

#include <stdint.h>

#include "inject.h"

struct inject_notifier;

/* What the thread did, for the report. */
struct inject_notifier_stats {
	uint64_t answered;  /* notifications answered */
	uint64_t vanished;  /* notifications whose process died before the answer */
	uint32_t listeners; /* listeners handed over */
	uint32_t refused;   /* handovers it could not take (no fd, bad writer id) */
	int error;	    /* -errno that stopped the thread early, 0 if none */
};

/* Start answering for nwriters writers. On failure nothing is left to undo. */
int inject_notifier_start(const struct inject_ctx *ctx, uint32_t nwriters,
			  struct inject_notifier **ret);

/* The socket a writer sends its listener over, inherited by the children. */
int inject_notifier_handover_fd(const struct inject_notifier *n);

/* Stop the thread once no writer is left, close everything it holds, and say what it did. */
void inject_notifier_stop(struct inject_notifier *n, struct inject_notifier_stats *ret);
