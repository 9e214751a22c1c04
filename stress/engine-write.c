// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <unistd.h>

#include "engine.h"

/* write(2) at the file position; seeks only when the order jumps. */
static int write_at(struct engine_file *f, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	if (f->pos != off) {
		if (lseek(f->fd, (off_t)off, SEEK_SET) < 0) {
			f->pos = UINT64_MAX;
			return -errno;
		}
		f->pos = off;
	}
	n = write(f->fd, buf, len);
	if (n < 0) {
		/* The position is unknown after a failed write: seek next time. */
		f->pos = UINT64_MAX;
		return -errno;
	}
	f->pos += (uint64_t)n;
	return (int)n;
}

static int write_queue(struct engine *e, struct engine_io *io)
{
	(void)e;
	if (io->op == ENGINE_OP_SYNC)
		io->res = engine_sync_fd(io->file->fd, io->sync);
	else
		io->res = write_at(io->file, io->buf, io->len, io->off);
	return ENGINE_DONE;
}

const struct engine_ops engine_write_ops = {
	.name = "write",
	.queue = write_queue,
};
