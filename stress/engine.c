// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "engine.h"
#include "shared/macro.h"

static const struct engine_ops *const engines[_ENGINE_MAX] = {
	[ENGINE_PWRITE] = &engine_pwrite_ops,
	[ENGINE_WRITE] = &engine_write_ops,
	[ENGINE_IO_URING] = &engine_io_uring_ops,
	[ENGINE_MMAP] = &engine_mmap_ops,
};

const struct engine_ops *engine_get(enum engine_kind kind)
{
	return (unsigned)kind < ARRAY_SIZE(engines) ? engines[kind] : NULL;
}

uint32_t engine_depth(const struct engine_ops *ops, uint32_t queue_depth)
{
	return ops->async ? MAX(queue_depth, 1u) : 1;
}

int engine_open(const struct engine_ops *ops, const struct engine_params *p, struct engine *e)
{
	int r;

	*e = (struct engine){ .ops = ops, .p = *p };
	r = ops->init ? ops->init(e) : 0;
	if (r < 0)
		*e = (struct engine){ 0 };
	return r;
}

void engine_close(struct engine *e)
{
	if (e->ops && e->ops->exit)
		e->ops->exit(e);
	*e = (struct engine){ 0 };
}

int engine_queue(struct engine *e, struct engine_io *io)
{
	return e->ops->queue(e, io);
}

int engine_commit(struct engine *e)
{
	return e->ops->commit ? e->ops->commit(e) : 0;
}

int engine_reap(struct engine *e, unsigned min, struct engine_io **ret, unsigned max)
{
	return e->ops->reap ? e->ops->reap(e, min, ret, max) : 0;
}

void engine_pass(struct engine *e, struct engine_file *f)
{
	if (e->ops->pass)
		e->ops->pass(e, f);
}

int engine_sync_fd(int fd, enum sync_kind kind)
{
	int r;

	do {
		if (kind == SYNC_FSYNC)
			r = fsync(fd);
		else if (kind == SYNC_FDATASYNC)
			r = fdatasync(fd);
		else
			r = sync_file_range(fd, 0, 0,
					    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
						    SYNC_FILE_RANGE_WAIT_AFTER);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}
