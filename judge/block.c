// SPDX-License-Identifier: LGPL-2.1-or-later
#include <endian.h>
#include <errno.h>
#include <string.h>
#include "judge/block.h"
#include "judge/block-payload.h" /* XXH3 inlined: ~1.5x the shared library on 4 KiB blocks */
#include "shared/macro.h"
#include "shared/random.h"
#include "shared/names.h"

#define OFF_MAGIC 0
#define OFF_VERSION 4
#define OFF_SIZE_LOG2 6
#define OFF_RUN_ID 8
#define OFF_FILE_ID 16
#define OFF_WRITER_ID 20
#define OFF_INDEX 24
#define OFF_GENERATION 32
#define OFF_TIME 40
#define OFF_HEADER_CSUM 48
#define OFF_DATA_CSUM 56

static inline void put16(uint8_t *b, size_t off, uint16_t v)
{
	v = htole16(v);
	memcpy(b + off, &v, sizeof(v));
}

static inline void put32(uint8_t *b, size_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(b + off, &v, sizeof(v));
}

static inline void put64(uint8_t *b, size_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(b + off, &v, sizeof(v));
}

static inline uint16_t get16(const uint8_t *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, sizeof(v));
	return le16toh(v);
}

static inline uint32_t get32(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, sizeof(v));
	return le32toh(v);
}

static inline uint64_t get64(const uint8_t *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof(v));
	return le64toh(v);
}

bool block_size_valid(uint64_t size)
{
	return size >= BLOCK_SIZE_MIN && size <= BLOCK_SIZE_MAX && (size & (size - 1)) == 0;
}

int block_pattern_init(struct block_pattern *p, uint64_t run_id, size_t block_size)
{
	size_t nwords = (block_size - BLOCK_HEADER_SIZE) / 8;
	uint64_t state = run_id ^ 0x706f6f6670617474ULL;

	if (!block_size_valid(block_size))
		return -EINVAL;
	p->words = aligned_alloc(64, ALIGN_UP(nwords * 8, 64));
	if (!p->words)
		return -ENOMEM;
	for (size_t i = 0; i < nwords; i++)
		p->words[i] = splitmix64(&state);
	p->block_size = block_size;
	return 0;
}

void block_pattern_free(struct block_pattern *p)
{
	free(p->words);
	p->words = NULL;
}

static uint64_t payload_key(const struct block_id *id)
{
	uint64_t k = id->run_id;

	k = mix64(k ^ ((uint64_t)id->file_id << 32 | id->generation));
	k = mix64(k ^ id->index);
	return k;
}

/* The writer's hot path: the payload keyed key, and its checksum under seed. */
static uint64_t payload_encode(const struct block_pattern *p, uint64_t key, uint8_t *payload,
			       uint64_t seed)
{
	size_t nwords = (p->block_size - BLOCK_HEADER_SIZE) / 8;
	uint64_t *dst = (uint64_t *)(void *)payload;

#if HAVE_BLOCK_AVX2
	if (__builtin_cpu_supports("avx2"))
		return payload_fill_sum_avx2(p->words, key, dst, nwords, seed);
#endif
	return payload_fill_sum(p->words, key, dst, nwords, seed);
}

static uint64_t header_checksum(const uint8_t *b)
{
	return XXH3_64bits(b, OFF_HEADER_CSUM);
}

static uint64_t data_checksum(const uint8_t *b, size_t block_size, uint64_t header_csum)
{
	const uint8_t *payload = b + BLOCK_HEADER_SIZE;
	size_t len = block_size - BLOCK_HEADER_SIZE;

#if HAVE_BLOCK_AVX2
	if (__builtin_cpu_supports("avx2"))
		return payload_sum_avx2(payload, len, header_csum);
#endif
	return payload_sum(payload, len, header_csum);
}

void block_encode(const struct block_pattern *p, const struct block_id *id, void *buf)
{
	uint8_t *b = buf;
	uint64_t hcsum;

	memset(b, 0, BLOCK_HEADER_SIZE);
	put32(b, OFF_MAGIC, BLOCK_MAGIC);
	put16(b, OFF_VERSION, BLOCK_VERSION);
	b[OFF_SIZE_LOG2] = (uint8_t)__builtin_ctzll(p->block_size);
	put64(b, OFF_RUN_ID, id->run_id);
	put32(b, OFF_FILE_ID, id->file_id);
	put32(b, OFF_WRITER_ID, id->writer_id);
	put64(b, OFF_INDEX, id->index);
	put32(b, OFF_GENERATION, id->generation);
	put64(b, OFF_TIME, id->time_ns);
	hcsum = header_checksum(b);
	put64(b, OFF_HEADER_CSUM, hcsum);
	put64(b, OFF_DATA_CSUM, payload_encode(p, payload_key(id), b + BLOCK_HEADER_SIZE, hcsum));
}

bool block_is_zero(const void *buf, size_t size)
{
	const uint64_t *w = buf;

	for (size_t i = 0; i < size / 8; i++)
		if (w[i])
			return false;
	return true;
}

static bool header_valid(const uint8_t *b, size_t block_size)
{
	return get32(b, OFF_MAGIC) == BLOCK_MAGIC && get16(b, OFF_VERSION) == BLOCK_VERSION &&
	       b[OFF_SIZE_LOG2] == __builtin_ctzll(block_size) &&
	       get64(b, OFF_HEADER_CSUM) == header_checksum(b);
}

enum block_state block_decode(const void *buf, size_t block_size, struct block_id *ret_id)
{
	const uint8_t *b = buf;

	memset(ret_id, 0, sizeof(*ret_id));
	if (!header_valid(b, block_size))
		return block_is_zero(buf, block_size) ? BLOCK_ZERO : BLOCK_CORRUPT;
	ret_id->run_id = get64(b, OFF_RUN_ID);
	ret_id->file_id = get32(b, OFF_FILE_ID);
	ret_id->writer_id = get32(b, OFF_WRITER_ID);
	ret_id->index = get64(b, OFF_INDEX);
	ret_id->generation = get32(b, OFF_GENERATION);
	ret_id->time_ns = get64(b, OFF_TIME);
	if (get64(b, OFF_DATA_CSUM) != data_checksum(b, block_size, get64(b, OFF_HEADER_CSUM)))
		return BLOCK_TORN;
	return BLOCK_VALID;
}

size_t block_payload_mismatch(const struct block_pattern *p, const struct block_id *id,
			      const void *buf)
{
	size_t nwords = (p->block_size - BLOCK_HEADER_SIZE) / 8;
	const uint8_t *b = buf;
	uint64_t key = payload_key(id);

	for (size_t i = 0; i < nwords; i++) {
		uint64_t w;

		memcpy(&w, b + BLOCK_HEADER_SIZE + i * 8, 8);
		if (w != (p->words[i] ^ key)) {
			uint64_t diff = w ^ p->words[i] ^ key;

			return BLOCK_HEADER_SIZE + i * 8 + __builtin_ctzll(diff) / 8;
		}
	}
	return p->block_size;
}

const char *block_state_name(enum block_state s)
{
	static const char *const names[] = {
		[BLOCK_VALID] = "valid",
		[BLOCK_ZERO] = "zeros",
		[BLOCK_TORN] = "torn",
		[BLOCK_CORRUPT] = "corrupt",
		NULL,
	};

	return enum_to_name(names, s);
}
