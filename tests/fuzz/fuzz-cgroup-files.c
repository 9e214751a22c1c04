// SPDX-License-Identifier: LGPL-2.1-or-later
/* The text of cgroup files: memory.events, memory.stat (v1, v2), oom_control, limits. */
#include "cgroups/events.h"
#include "fuzz.h"
#include "shared/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = fuzz_text(data, size);
	struct cg_memory_events me;
	struct cg_events ev = { 0 };
	struct cg_memory_stat st;
	struct cg_group_events ge;
	uint64_t limit;

	(void)cg_parse_memory_events(s, &me);
	(void)cg_parse_oom_control(s, &ev);
	(void)cg_parse_memory_stat_v2(s, &st);
	(void)cg_parse_memory_stat_v1(s, &st);
	(void)cg_parse_group_events(s, &ge);
	(void)cg_parse_limit(s, &limit);
	(void)cg_procs_nonempty(s);
	return 0;
}
