// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <unistd.h>

#include "engine.h"

static ssize_t pwrite_write(struct engine_file *f, const void *buf, size_t len, uint64_t off)
{
	ssize_t n = pwrite(f->fd, buf, len, (off_t)off);

	return n < 0 ? -errno : n;
}

const struct engine_ops engine_pwrite_ops = {
	.name = "pwrite",
	.write = pwrite_write,
};
