/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A run of block writes that follow each other in one file, handed to the
 * kernel as one vectored write: the io_uring engine's unit of submission
 * (stress/engine-io-uring.c). It knows no ring, so a test can feed it any
 * answer (tests/unit/test-ring-batch.c).
 *
 * Each write keeps its own request and its own answer: one answer for the
 * batch is split over its writes in file order, as the kernel wrote them.
 * A write the answer covers whole is answered with its length; the one it
 * ends in with the bytes it got (a short write, whose rest the writer
 * queues again); an error answers the first write only. The writes after
 * the point where the kernel stopped were not attempted: they get no answer
 * and go out again, so no block is acknowledged, or failed, by an answer
 * that was not about its bytes.
 */

#include <stdbool.h>
#include <sys/uio.h>

#include "engine.h"

/* Writes in one batch at most. */
#define RING_BATCH_MAX 32

struct ring_batch {
	struct engine_io *ios[RING_BATCH_MAX];
	struct iovec iov[RING_BATCH_MAX]; /* what the vectored write sends */
	unsigned n;
};

/* Whether io can be added to b: a write of the same file starting where b ends. */
bool ring_batch_extends(const struct ring_batch *b, const struct engine_io *io, unsigned max);

/* Add io at the end of b; the caller checked that it fits. */
void ring_batch_add(struct ring_batch *b, struct engine_io *io);

/* The bytes b writes: the sum of its writes' lengths. */
size_t ring_batch_len(const struct ring_batch *b);

/*
 * Split the kernel's answer res over b's writes: the writes answered go to
 * done[] with their res set, in file order, the writes not attempted to
 * rest[], in file order. *ret_ndone + *ret_nrest == b->n, and done[] gets
 * at least one: the first write is always answered.
 */
void ring_batch_split(const struct ring_batch *b, int res, struct engine_io **done,
		      unsigned *ret_ndone, struct engine_io **rest, unsigned *ret_nrest);
