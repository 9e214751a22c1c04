// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * block-payload.h built for AVX2. The pragma comes before every include:
 * GCC then defines __AVX2__, and XXH3's inline code picks its AVX2 loop.
 * Nothing here may run on a CPU without AVX2; block.c asks the CPU first.
 */
#pragma GCC target("avx2")

#include "judge/block-payload.h"

uint64_t payload_fill_sum_avx2(const uint64_t *src, uint64_t key, uint64_t *dst, size_t nwords,
			       uint64_t seed)
{
	return payload_fill_sum(src, key, dst, nwords, seed);
}

uint64_t payload_sum_avx2(const void *payload, size_t len, uint64_t seed)
{
	return payload_sum(payload, len, seed);
}
