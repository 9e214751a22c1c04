/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The hot part of every block: its payload, the run's pattern XORed with
 * the block's key, and the payload's checksum. block.c compiles these for
 * plain x86-64 (SSE2); where the build has HAVE_BLOCK_AVX2, block-avx2.c
 * compiles them once more for AVX2, and block.c calls that copy where the
 * CPU has AVX2. XXH3 and the XOR then run twice as wide: a 4 KiB block is
 * encoded in 0.19 us instead of 0.36 us, a tenth of what a buffered 4 KiB
 * pwrite costs the writer. Both copies give the same bytes (test-block).
 */

#include <stddef.h>
#include <stdint.h>
#define XXH_INLINE_ALL /* XXH3 inlined, built for its includer's instruction set */
#include <xxhash.h>

static inline uint64_t payload_sum(const void *payload, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(payload, len, seed);
}

/* Fills nwords of dst with src ^ key; returns their checksum under seed. */
static inline uint64_t payload_fill_sum(const uint64_t *restrict src, uint64_t key,
					uint64_t *restrict dst, size_t nwords, uint64_t seed)
{
	/* Restrict: under -fno-strict-aliasing a store to dst could change src. */
	for (size_t i = 0; i < nwords; i++)
		dst[i] = src[i] ^ key;
	return payload_sum(dst, nwords * 8, seed);
}

#if HAVE_BLOCK_AVX2
/* The same two for AVX2 (block-avx2.c): call them only where the CPU has it. */
uint64_t payload_fill_sum_avx2(const uint64_t *src, uint64_t key, uint64_t *dst, size_t nwords,
			       uint64_t seed);
uint64_t payload_sum_avx2(const void *payload, size_t len, uint64_t seed);
#endif
