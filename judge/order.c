// SPDX-License-Identifier: LGPL-2.1-or-later
#include "judge/order.h"
#include "shared/random.h"

void write_order_fill(enum write_order order, uint64_t seed, uint32_t file_id, uint32_t gen,
		      uint32_t n, uint32_t *perm)
{
	uint64_t state = mix64(seed ^ ((uint64_t)file_id << 32 | gen));

	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	if (order != ORDER_RANDOM)
		return;
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)random_below(&state, i);
		uint32_t t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}
