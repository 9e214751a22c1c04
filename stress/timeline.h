/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The run's timeline: once a second, every container's memory.current,
 * memory.stat, memory.pressure totals and OOM kills, and the bytes the writers had acknowledged.
 * The supervisor samples it during the write phase; the reports draw it.
 */

#include <stdint.h>

#include "cgroups/events.h"
#include "containers.h"
#include "shared/macro.h"

#define SAMPLE_NS NSEC_PER_SEC /* the timeline's rate: one sample a second */

/* One container at one moment of the timeline. */
struct container_sample {
	uint64_t current; /* memory.current (v2) / memory.usage_in_bytes (v1) */
	struct cg_memory_stat stat;
	uint64_t oom_kills;    /* since the start */
	struct psi_totals psi; /* memory.pressure totals; UINT64_MAX when not read */
};

/* The timeline: every container once a second, and what the writers had written. */
struct timeline {
	unsigned ncontainers;
	unsigned nsamples, cap;
	uint64_t *t_ns;		    /* since the start, per sample */
	uint64_t *bytes;	    /* acknowledged bytes, per sample */
	struct container_sample *c; /* nsamples x ncontainers */
};

/*
 * Append one sample: at_ns since the start, `bytes` acknowledged so far, and
 * every container of rc (NULL when uncontained). A sample that cannot be
 * stored is dropped.
 */
void timeline_sample(struct timeline *t, const struct run_containers *rc, uint64_t at_ns,
		     uint64_t bytes);

void timeline_free(struct timeline *t);
