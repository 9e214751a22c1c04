// SPDX-License-Identifier: LGPL-2.1-or-later
/* /proc/PID/cgroup: the v2 line and a v1 hierarchy's, and controller lists. */
#include <limits.h>

#include "cgroups/version.h"
#include "fuzz.h"
#include "shared/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = fuzz_text(data, size);
	char v2[PATH_MAX], v1[PATH_MAX], small[8];

	(void)cg_parse_self(s, "memory", v2, sizeof(v2), v1, sizeof(v1));
	/* Buffers too small for what the lines name must be refused, not overrun. */
	(void)cg_parse_self(s, "pids", small, sizeof(small), small, sizeof(small));
	(void)cg_controller_listed(s, "memory");
	return 0;
}
