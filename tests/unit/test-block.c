// SPDX-License-Identifier: LGPL-2.1-or-later
/* Block format: round trips, and that every single flipped bit is caught. */
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
