// SPDX-License-Identifier: LGPL-2.1-or-later
/* The respawn rules of one slot: a growing delay after young deaths, and a start limit. */
#include "respawn.h"

static uint64_t last_start(const struct respawn *r)
{
	return r->starts[(r->oldest + RESPAWN_BURST - 1) % RESPAWN_BURST];
}

void respawn_first(struct respawn *r, uint64_t now)
{
	*r = (struct respawn){ .pending = true, .first = true, .due_ns = now };
}

void respawn_started(struct respawn *r, uint64_t now)
{
	r->starts[r->oldest] = now;
	r->oldest = (r->oldest + 1) % RESPAWN_BURST;
	r->pending = false;
	r->first = false;
	r->deferred = false;
}

/* RestartSec in steps: 0 after a life long enough, else doubling from RESPAWN_DELAY_NS. */
static uint64_t delay_after(struct respawn *r, uint64_t now)
{
	uint64_t last = last_start(r);

	if (last && now - last < RESPAWN_YOUNG_NS)
		r->young++;
	else
		r->young = 0;
	if (r->young == 0)
		return 0;
	if (r->young > 6)
		return RESPAWN_DELAY_MAX_NS;
	return MIN(RESPAWN_DELAY_NS << (r->young - 1), RESPAWN_DELAY_MAX_NS);
}

uint64_t respawn_schedule(struct respawn *r, uint64_t now)
{
	uint64_t due = now + delay_after(r, now), oldest = r->starts[r->oldest];

	/* The ring is full of starts: the oldest must leave the interval first. */
	if (oldest && oldest + RESPAWN_INTERVAL_NS > due)
		due = oldest + RESPAWN_INTERVAL_NS;
	r->pending = true;
	r->deferred = false;
	r->due_ns = due;
	return due;
}

bool respawn_due(const struct respawn *r, uint64_t now)
{
	return r->pending && r->due_ns <= now;
}

bool respawn_cancel(struct respawn *r)
{
	bool was = r->pending && !r->first;

	r->pending = false;
	r->first = false;
	return was;
}
