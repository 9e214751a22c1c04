/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The spawner: a small helper process the supervisor forks once, before
 * the first child starts, that starts writers and hogs on request. A fork
 * costs its caller a copy of its page tables and, afterwards, a copied page
 * for every page it writes; the helper writes almost nothing between two
 * starts, while the supervisor writes all the time. The helper starts each
 * child with clone3(CLONE_PARENT): the child is the supervisor's, which
 * reaps it as before, and dies with it (PR_SET_PDEATHSIG). Requests are
 * answered one at a time over a socket pair: the supervisor knows a child's
 * pid before it reaps anything again.
 *
 * Its CPU time is the supervisor's: every answer carries the helper's CPU
 * time so far, and its last figure comes from wait4(2) when it is reaped.
 * When the helper cannot start or is gone, the supervisor starts children
 * itself (stress/spawn.c).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct spawner {
	pid_t pid;	 /* the helper, 0 when there is none */
	int fd;		 /* this process's end of the socket pair, -1 when there is none */
	uint64_t cpu_ns; /* the helper's CPU time, as of its last answer or its exit */
};

#define SPAWNER_INIT ((struct spawner){ .pid = 0, .fd = -1 })
