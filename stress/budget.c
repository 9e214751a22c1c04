// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The respawns' CPU budget (supervisor-internal.h): 0.5% of one core, so
 * that a storm too large for it is held back by the supervisor rather than
 * by the machine.
 */
#include "supervisor-internal.h"

void budget_start(struct supervisor *s, uint64_t now)
{
	s->spawn_cpu_ns = SPAWN_CPU_BURST;
	s->budget_at_ns = now;
	s->budget_cpu_ns = supervisor_cpu_ns(s);
	s->budget_respawn_ns = 0;
}

void budget_update(struct supervisor *s, uint64_t now, uint64_t cpu_ns)
{
	uint64_t earned = (now - s->budget_at_ns) / CPU_BUDGET_DIVISOR;
	uint64_t charge = s->budget_respawn_ns;

	s->spawn_cpu_ns = MIN(s->spawn_cpu_ns + (int64_t)earned - (int64_t)charge,
			      (int64_t)SPAWN_CPU_BURST);
	s->budget_at_ns = now;
	s->budget_cpu_ns = cpu_ns;
	s->budget_respawn_ns = 0;
}

uint64_t budget_wait_ns(const struct supervisor *s)
{
	int64_t need = (int64_t)SPAWN_CPU_BATCH - s->spawn_cpu_ns;

	return need > 0 ? (uint64_t)need * CPU_BUDGET_DIVISOR : 0;
}
