/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The run's timeline: once a second (less often with many containers),
 * every container's memory.current, memory.stat, memory.pressure totals and
 * OOM kills, and the bytes the writers had acknowledged. The supervisor
 * samples it during the write phase; the reports draw it.
 */

#include <stdint.h>

#include "cgroups/events.h"
#include "containers.h"
#include "shared/macro.h"

#define SAMPLE_NS NSEC_PER_SEC /* the timeline's rate: one sample a second, */
#define SAMPLE_CONTAINERS 16   /* for up to this many containers; one in 2 s up to 32, ... */

/* One container at one moment of the timeline. */
struct container_sample {
	uint64_t current; /* memory.current (v2) / memory.usage_in_bytes (v1) */
	struct cg_memory_stat stat;
	uint64_t oom_kills;    /* since the start */
	struct psi_totals psi; /* memory.pressure totals; UINT64_MAX when not read */
};

/* The timeline: every container once an interval, and what the writers had written. */
struct timeline {
	unsigned ncontainers;
	uint64_t interval_ns; /* timeline_interval_ns() */
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

/*
 * The time between two samples of n containers: SAMPLE_NS, times one more
 * for every SAMPLE_CONTAINERS beyond the first, so that the cost of the
 * samples stays that of SAMPLE_CONTAINERS a second (each is a few files
 * read and parsed).
 */
uint64_t timeline_interval_ns(unsigned n);
