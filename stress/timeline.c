// SPDX-License-Identifier: LGPL-2.1-or-later
/* The timeline's samples: stored as they come, the arrays doubled when full. */
#include <errno.h>
#include <stdlib.h>

#include "timeline.h"

void timeline_free(struct timeline *t)
{
	free(t->t_ns);
	free(t->bytes);
	free(t->c);
	*t = (struct timeline){ 0 };
}

static int timeline_grow(struct timeline *t)
{
	unsigned cap = t->cap ? t->cap * 2 : 64;
	uint64_t *tn = realloc(t->t_ns, cap * sizeof(*tn));
	uint64_t *b;
	struct container_sample *c;

	if (!tn)
		return -ENOMEM;
	t->t_ns = tn;
	b = realloc(t->bytes, cap * sizeof(*b));
	if (!b)
		return -ENOMEM;
	t->bytes = b;
	c = realloc(t->c, (size_t)cap * MAX(t->ncontainers, 1u) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	t->c = c;
	t->cap = cap;
	return 0;
}

void timeline_sample(struct timeline *t, const struct run_containers *rc, uint64_t at_ns,
		     uint64_t bytes)
{
	if (t->nsamples == t->cap && timeline_grow(t) < 0)
		return;
	t->t_ns[t->nsamples] = at_ns;
	t->bytes[t->nsamples] = bytes;
	for (unsigned i = 0; rc && i < rc->n; i++) {
		const struct run_container *c = &rc->c[i];
		struct container_sample *o = &t->c[(size_t)t->nsamples * t->ncontainers + i];

		*o = (struct container_sample){ .current = UINT64_MAX };
		cg_container_memory_current(c->cg, &o->current);
		if (cg_container_memory_stat(c->cg, &o->stat) < 0)
			o->stat = (struct cg_memory_stat){ UINT64_MAX, UINT64_MAX, UINT64_MAX,
							   UINT64_MAX };
		o->oom_kills = c->events_known ? c->last.tree.oom_kill - c->start.tree.oom_kill : 0;
		if (containers_read_psi(c, &o->psi) < 0)
			o->psi = (struct psi_totals){ UINT64_MAX, UINT64_MAX };
	}
	t->nsamples++;
}

uint64_t timeline_interval_ns(unsigned n)
{
	return SAMPLE_NS * MAX(1u, (n + SAMPLE_CONTAINERS - 1) / SAMPLE_CONTAINERS);
}
