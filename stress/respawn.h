/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * When the supervisor starts a child that died again: the rules of
 * systemd's Restart= for one slot (a writer, or one hog process), kept per
 * slot in a struct respawn. Pure bookkeeping on the caller's clock; the
 * supervisor does the starting (stress/reap.c).
 *
 *   RestartSec, in steps: a child that died young (it lived less than
 *   RESPAWN_YOUNG_NS) waits RESPAWN_DELAY_NS before the next start,
 *   doubled for every young death in a row up to RESPAWN_DELAY_MAX_NS. A
 *   child that lived longer is started again at once.
 *
 *   StartLimitBurst and StartLimitIntervalSec: at most RESPAWN_BURST starts
 *   in any RESPAWN_INTERVAL_NS. A start beyond that waits until the oldest
 *   of those starts is RESPAWN_INTERVAL_NS old; it is put off, never
 *   dropped (unlike systemd, which fails the unit).
 */

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

#define RESPAWN_YOUNG_NS (500 * NSEC_PER_MSEC)
#define RESPAWN_DELAY_NS (100 * NSEC_PER_MSEC)
#define RESPAWN_DELAY_MAX_NS (3200 * NSEC_PER_MSEC)
#define RESPAWN_BURST 10
#define RESPAWN_INTERVAL_NS (5 * NSEC_PER_SEC)

struct respawn {
	uint64_t starts[RESPAWN_BURST]; /* the last starts, a ring; 0: none yet */
	unsigned oldest;		/* index of the oldest start in the ring */
	unsigned young;			/* young deaths in a row */
	bool pending;			/* a start is due at due_ns */
	bool first;			/* that start is the slot's first, not a respawn */
	bool deferred;			/* the pending start was put off (counted once) */
	uint64_t due_ns;
};

/* The slot's first start is due at `now`. */
void respawn_first(struct respawn *r, uint64_t now);

/* A child of the slot started at `now`. */
void respawn_started(struct respawn *r, uint64_t now);

/*
 * The slot's child died at `now`: the start is pending from the returned
 * moment on (`now` when nothing holds it back).
 */
uint64_t respawn_schedule(struct respawn *r, uint64_t now);

/* Is a start pending and due at `now`? */
bool respawn_due(const struct respawn *r, uint64_t now);

/* Forget the pending start (the run stops): was a respawn pending (not a first start)? */
bool respawn_cancel(struct respawn *r);
