// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <unistd.h>

#include "engine.h"

/* One pwrite(2) or one sync per request, completed at once. */
static int pwrite_queue(struct engine *e, struct engine_io *io)
{
	ssize_t n;

	(void)e;
	if (io->op == ENGINE_OP_SYNC) {
		io->res = engine_sync_fd(io->file->fd, io->sync);
		return ENGINE_DONE;
	}
	n = pwrite(io->file->fd, io->buf, io->len, (off_t)io->off);
	io->res = n < 0 ? -errno : (int)n;
	return ENGINE_DONE;
}

const struct engine_ops engine_pwrite_ops = {
	.name = "pwrite",
	.queue = pwrite_queue,
};
