/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The run's containers: every [container NAME] of the plan, times its
 * replicas (NAME-0, NAME-1, ... when count > 1), each a cgroup made by the
 * chosen manager (cgroups/manager.h), with the memory.events counters at
 * the start of the run and at the last look.
 */

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroups/manager.h"
#include "profiles/profile.h"
#include "watch/psi.h"

struct run_container {
	char name[PLAN_NAME_MAX + 8];
	unsigned spec; /* index into plan->containers */
	struct cg_container *cg;
	struct cg_events start, last;
	bool events_known;
	int psi_fd;	       /* memory.pressure trigger (v2), -1 without */
	uint64_t psi_episodes; /* times the trigger fired */
	struct psi_totals psi_start, psi_end;
	bool psi_known;
};

struct run_containers {
	struct cg_run *run;
	enum cg_manager_kind manager;
	struct run_container *c;
	unsigned n;
	struct pollfd *events_pfd; /* per container: memory.events to poll for a change (v2) */
};

/* Index of the first run container of spec `spec`; replica r is first + r. */
unsigned containers_first(const struct run_containers *rc, unsigned spec);

/*
 * Check every container's limits with the manager before anything exists:
 * -EINVAL with *ret_message naming the container and the knob.
 */
int containers_validate(const struct plan *plan, const struct cg_layout *layout,
			enum cg_manager_kind manager, char **ret_message);

/* Open the run's cgroup subtree and create every container in it. */
int containers_open(const struct plan *plan, const struct cg_layout *layout,
		    enum cg_manager_kind manager, const char *run_id, struct run_containers *ret);

/* Read memory.events of every container into last (start on the first call). */
void containers_read_events(struct run_containers *rc);

/*
 * What a sample needs of the memory events, cheaply: on v2 memory.events
 * of the containers the kernel marked changed since the last read
 * (POLLPRI), on v1, which has no such mark, only the OOM kills. The other
 * counters of last are as fresh as the last containers_read_events().
 */
void containers_sample_events(struct run_containers *rc);

/* OOM kills since the start, all containers. */
uint64_t containers_oom_kills(const struct run_containers *rc);

/* The enum cg_watch bits some container of the run lacked (pressure: also when unreadable). */
unsigned containers_watch_lacking(const struct run_containers *rc);

/* The container's memory.pressure totals now: 0, or -errno (-ENOENT without PSI). */
int containers_read_psi(const struct run_container *c, struct psi_totals *ret);

/* Read each container's memory.pressure totals at the end of the run. */
void containers_read_psi_end(struct run_containers *rc);

/* Kill everything in every container (cgroup.kill or a kill loop). */
void containers_kill(struct run_containers *rc);

/* Wait until every container is empty, or the deadline: the number still populated. */
unsigned containers_wait_empty(struct run_containers *rc, uint64_t deadline_ns);

/* Remove every group of the run and free it. */
int containers_close(struct run_containers *rc, uint64_t deadline_ns);
