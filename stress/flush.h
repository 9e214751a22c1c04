/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * poof's final syncfs() of the target, with a deadline: a hung device must
 * not hang the supervisor.
 *
 * The call runs in a child process named "poof-syncfs". A task waiting on a
 * device that stopped answering sleeps uninterruptibly: neither a signal
 * nor a timer gets it out. Were it a thread of poof, poof itself could not
 * exit until the device answered; a child is instead left behind, reported
 * by pid, and finishes on its own once the device comes back.
 */

#include <stdint.h>
#include <sys/types.h>

/*
 * syncfs() the filesystem of dirfd. Returns its result (0 or -errno), or
 * -ETIMEDOUT when it had not returned after timeout_ns; then *ret_stuck is
 * the pid of the child still inside syncfs(), else 0.
 */
int flush_target(int dirfd, uint64_t timeout_ns, pid_t *ret_stuck);
