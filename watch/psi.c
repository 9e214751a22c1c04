// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch/psi.h"
#include "shared/fileio.h"
#include "shared/macro.h"

static int total_of(const char *text, const char *kind, uint64_t *ret)
{
	const char *line = strstr(text, kind), *t;
	char *end;

	if (!line || (line != text && line[-1] != '\n'))
		return -EINVAL;
	t = strstr(line, "total=");
	if (!t || memchr(line, '\n', (size_t)(t - line)))
		return -EINVAL;
	errno = 0;
	*ret = strtoull(t + 6, &end, 10);
	if (errno || end == t + 6)
		return -EINVAL;
	return 0;
}

int psi_parse(const char *text, struct psi_totals *ret)
{
	struct psi_totals p;

	if (total_of(text, "some ", &p.some_us) < 0)
		return -EINVAL;
	/* Older kernels have no "full" line for some resources: 0 then. */
	if (total_of(text, "full ", &p.full_us) < 0)
		p.full_us = 0;
	*ret = p;
	return 0;
}

int psi_read(const char *path, struct psi_totals *ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = read_file_full(AT_FDCWD, path, 4096, (void **)&text, &len);

	return r < 0 ? r : psi_parse(text, ret);
}

int psi_trigger_open(const char *path)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (write(fd, PSI_TRIGGER, strlen(PSI_TRIGGER) + 1) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}
