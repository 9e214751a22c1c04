// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ring-batch.h"
#include "shared/macro.h"

bool ring_batch_extends(const struct ring_batch *b, const struct engine_io *io, unsigned max)
{
	const struct engine_io *last;

	if (b->n == 0 || b->n >= max || b->n >= RING_BATCH_MAX || io->op != ENGINE_OP_WRITE)
		return false;
	last = b->ios[b->n - 1];
	return last->op == ENGINE_OP_WRITE && last->file == io->file &&
	       last->off + last->len == io->off;
}

void ring_batch_add(struct ring_batch *b, struct engine_io *io)
{
	b->ios[b->n] = io;
	b->iov[b->n] = (struct iovec){ .iov_base = io->buf, .iov_len = io->len };
	b->n++;
}

size_t ring_batch_len(const struct ring_batch *b)
{
	size_t len = 0;

	for (unsigned i = 0; i < b->n; i++)
		len += b->ios[i]->len;
	return len;
}

void ring_batch_split(const struct ring_batch *b, int res, struct engine_io **done,
		      unsigned *ret_ndone, struct engine_io **rest, unsigned *ret_nrest)
{
	size_t left = res > 0 ? (size_t)res : 0;
	unsigned i = 0, ndone = 0, nrest = 0;

	/* An error, or no progress, is the first write's answer: it is where the kernel stopped. */
	if (res <= 0) {
		b->ios[0]->res = res;
		done[ndone++] = b->ios[i++];
	}
	for (; i < b->n && left > 0; i++) {
		struct engine_io *io = b->ios[i];

		io->res = (int)MIN(left, io->len);
		left -= (size_t)io->res;
		done[ndone++] = io;
	}
	for (; i < b->n; i++)
		rest[nrest++] = b->ios[i];
	*ret_ndone = ndone;
	*ret_nrest = nrest;
}
