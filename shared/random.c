// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <sys/random.h>

#include "random.h"

int random_u64(uint64_t *ret)
{
	uint64_t v;
	ssize_t n;

	do
		n = getrandom(&v, sizeof(v), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(v))
		return n < 0 ? -errno : -EIO;
	*ret = v;
	return 0;
}
