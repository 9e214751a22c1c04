// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Block format: round trips, that every single flipped bit is caught, that
 * version 1 stays the bytes it was, and that the AVX2 encoder writes the
 * same bytes as the plain one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "judge/block.h"
#include "judge/block-payload.h"
#include "shared/macro.h"
#include "shared/random.h"

static const uint32_t sizes[] = { 512, 1024, 4096, 65536, 1u << 20 };

static struct block_id sample_id(uint32_t gen)
{
	return (struct block_id){
		.run_id = 0x0123456789abcdefULL,
		.file_id = 7,
		.writer_id = 3,
		.index = 12345,
		.generation = gen,
		.time_ns = 1700000000123456789ULL,
	};
}

static void assert_id_equal(const struct block_id *a, const struct block_id *b)
{
	assert_int_equal(a->run_id, b->run_id);
	assert_int_equal(a->file_id, b->file_id);
	assert_int_equal(a->writer_id, b->writer_id);
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->generation, b->generation);
	assert_int_equal(a->time_ns, b->time_ns);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct block_pattern p;
		struct block_id id = sample_id(42), out;
		uint8_t *buf = aligned_alloc(4096, sizes[i] < 4096 ? 4096 : sizes[i]);

		assert_int_equal(block_pattern_init(&p, id.run_id, sizes[i]), 0);
		block_encode(&p, &id, buf);
		assert_int_equal(block_decode(buf, sizes[i], &out), BLOCK_VALID);
		assert_id_equal(&out, &id);
		assert_int_equal(block_payload_mismatch(&p, &id, buf), sizes[i]);
		block_pattern_free(&p);
		free(buf);
	}
}

static void test_payload_regenerable_and_distinct(void **state)
{
	struct block_pattern p;
	struct block_id a = sample_id(1), b = sample_id(2), c = sample_id(1);
	uint8_t *x = aligned_alloc(64, 4096), *y = aligned_alloc(64, 4096);

	(void)state;
	assert_int_equal(block_pattern_init(&p, a.run_id, 4096), 0);
	block_encode(&p, &a, x);
	block_encode(&p, &c, y);
	/* Same (run, file, block, generation, time): the same bytes. */
	assert_memory_equal(x, y, 4096);
	/* Another generation differs in every payload word. */
	block_encode(&p, &b, y);
	for (size_t off = BLOCK_HEADER_SIZE; off < 4096; off += 8)
		assert_memory_not_equal(x + off, y + off, 8);
	/* Another block index too. */
	c.index++;
	block_encode(&p, &c, y);
	assert_memory_not_equal(x + BLOCK_HEADER_SIZE, y + BLOCK_HEADER_SIZE, 64);
	block_pattern_free(&p);
	free(x);
	free(y);
}

static void test_every_bit_flip_caught(void **state)
{
	const uint32_t size = 512;
	struct block_pattern p;
	struct block_id id = sample_id(9), out;
	uint8_t *buf = aligned_alloc(64, size), *orig = aligned_alloc(64, size);

	(void)state;
	assert_int_equal(block_pattern_init(&p, id.run_id, size), 0);
	block_encode(&p, &id, orig);
	for (uint32_t bit = 0; bit < size * 8; bit++) {
		enum block_state st;

		memcpy(buf, orig, size);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		st = block_decode(buf, size, &out);
		if (bit / 8 < BLOCK_HEADER_SIZE - 8)
			assert_int_equal(st, BLOCK_CORRUPT); /* header field or header checksum */
		else
			assert_int_equal(st, BLOCK_TORN); /* data checksum or payload */
	}
	block_pattern_free(&p);
	free(buf);
	free(orig);
}

static void test_torn_mismatch_offset(void **state)
{
	struct block_pattern p;
	struct block_id id = sample_id(5), out;
	uint8_t *buf = aligned_alloc(64, 4096);

	(void)state;
	assert_int_equal(block_pattern_init(&p, id.run_id, 4096), 0);
	block_encode(&p, &id, buf);
	buf[1000] ^= 0x10;
	assert_int_equal(block_decode(buf, 4096, &out), BLOCK_TORN);
	assert_int_equal(out.generation, 5);
	assert_int_equal(block_payload_mismatch(&p, &out, buf), 1000);
	block_pattern_free(&p);
	free(buf);
}

static void test_zero_and_garbage(void **state)
{
	uint8_t *buf = calloc(1, 4096);
	struct block_id out;

	(void)state;
	assert_int_equal(block_decode(buf, 4096, &out), BLOCK_ZERO);
	buf[4095] = 1;
	assert_int_equal(block_decode(buf, 4096, &out), BLOCK_CORRUPT);
	free(buf);
}

static void test_size_mismatch_is_corrupt(void **state)
{
	struct block_pattern p;
	struct block_id id = sample_id(1), out;
	uint8_t *buf = aligned_alloc(64, 8192);

	(void)state;
	assert_int_equal(block_pattern_init(&p, id.run_id, 8192), 0);
	block_encode(&p, &id, buf);
	/* Read as a 4 KiB block: the header says 8 KiB, so it is not ours at this size. */
	assert_int_equal(block_decode(buf, 4096, &out), BLOCK_CORRUPT);
	block_pattern_free(&p);
	free(buf);
}

static void test_size_validation(void **state)
{
	static const struct {
		uint64_t size;
		bool valid;
	} cases[] = {
		{ 0, false },	     { 256, false },
		{ 511, false },	     { 512, true },
		{ 3000, false },     { 4096, true },
		{ 1u << 20, true },  { (1u << 20) + 512, false },
		{ 2u << 20, false },
	};
	struct block_pattern p;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(block_size_valid(cases[i].size), cases[i].valid);
		if (!cases[i].valid && cases[i].size < (4u << 20))
			assert_int_equal(block_pattern_init(&p, 1, cases[i].size), -EINVAL);
	}
}

/*
 * Known answers for sample_id(1): the checksums of version 1 as the first
 * encoder wrote them (plain SSE2, before there was an AVX2 copy). Whatever
 * this CPU runs must still give them.
 */
static void test_known_answers(void **state)
{
	static const struct {
		uint32_t size;
		uint64_t header_csum, data_csum;
	} known[] = {
		{ 512, 0x74a9920c9a7bf46bULL, 0x3f7fe11fe0ab5eb9ULL },
		{ 4096, 0x873fc8cdd87b73feULL, 0x9fa8cde25b9db841ULL },
		{ 1u << 20, 0x882986e923c3a575ULL, 0xd0f10317b0c2c259ULL },
	};
	struct block_id id = sample_id(1);

	(void)state;
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct block_pattern p;
		uint8_t *buf = aligned_alloc(64, known[i].size);
		uint64_t h, d;

		assert_non_null(buf);
		assert_int_equal(block_pattern_init(&p, id.run_id, known[i].size), 0);
		block_encode(&p, &id, buf);
		memcpy(&h, buf + 48, 8);
		memcpy(&d, buf + 56, 8);
		assert_true(h == known[i].header_csum);
		assert_true(d == known[i].data_csum);
		block_pattern_free(&p);
		free(buf);
	}
}

#if HAVE_BLOCK_AVX2
/* Fills and sums nwords of random words both ways; they must agree word for word. */
static void assert_same_both_ways(uint64_t *src, size_t nwords, uint64_t *state)
{
	uint64_t *a = calloc(nwords + 1, 8), *b = calloc(nwords + 1, 8);
	uint64_t key = splitmix64(state), seed = splitmix64(state);

	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < nwords; i++)
		src[i] = splitmix64(state);
	assert_true(payload_fill_sum(src, key, a, nwords, seed) ==
		    payload_fill_sum_avx2(src, key, b, nwords, seed));
	assert_memory_equal(a, b, nwords * 8 + 8);
	/* Every length up to a stripe or two, where XXH3 changes its code path. */
	for (size_t len = 0; len <= MIN(nwords * 8, (size_t)1100); len += 7)
		assert_true(payload_sum(src, len, seed) == payload_sum_avx2(src, len, seed));
	free(a);
	free(b);
}
#endif

static void test_avx2_same_bytes(void **state)
{
#if HAVE_BLOCK_AVX2
	uint64_t rng = 0x706f6f66;
	uint64_t *src = malloc(BLOCK_SIZE_MAX);

	(void)state;
	if (!__builtin_cpu_supports("avx2")) {
		free(src);
		skip();
	}
	assert_non_null(src);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		assert_same_both_ways(src, (sizes[i] - BLOCK_HEADER_SIZE) / 8, &rng);
	for (size_t n = 0; n < 80; n++)
		assert_same_both_ways(src, n, &rng);
	free(src);
#else
	(void)state;
	skip(); /* built without the AVX2 copy */
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_payload_regenerable_and_distinct),
		cmocka_unit_test(test_every_bit_flip_caught),
		cmocka_unit_test(test_torn_mismatch_offset),
		cmocka_unit_test(test_zero_and_garbage),
		cmocka_unit_test(test_size_mismatch_is_corrupt),
		cmocka_unit_test(test_size_validation),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_avx2_same_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
