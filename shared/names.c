// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "macro.h"
#include "names.h"

const char *enum_to_name(const char *const *names, unsigned value)
{
	for (unsigned i = 0; names[i]; i++)
		if (i == value)
			return names[i];
	return "unknown";
}

int enum_from_name(const char *const *names, const char *name)
{
	for (unsigned i = 0; names[i]; i++)
		if (streq(names[i], name))
			return (int)i;
	return -EINVAL;
}
