// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "macro.h"

int array_make_room(void *items_p, size_t *cap, size_t n, size_t size, size_t first, size_t max)
{
	size_t grown_cap;
	void *items, *grown;

	if (n >= max)
		return -ENOBUFS;
	if (n < *cap)
		return 0;
	grown_cap = MIN(*cap ? 2 * *cap : first, max);
	memcpy(&items, items_p, sizeof(items)); /* any T **: read as bytes, no aliasing */
	grown = reallocarray(items, grown_cap, size);
	if (!grown)
		return -ENOMEM;
	memcpy(items_p, &grown, sizeof(grown));
	*cap = grown_cap;
	return 0;
}
