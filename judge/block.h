/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The checksummed block every writer writes and the verifier reads back.
 *
 * On-media layout (little endian), 64-byte header then payload:
 *
 *   off size field
 *     0    4 magic        "POOF" (0x464f4f50 read as LE u32)
 *     4    2 version      BLOCK_VERSION
 *     6    1 size_log2    log2 of the block size (9..20)
 *     7    1 reserved     0
 *     8    8 run_id
 *    16    4 file_id
 *    20    4 writer_id
 *    24    8 block_index  index of the block in its file
 *    32    4 generation   pass number, >= 1 (0 never appears on media)
 *    36    4 reserved     0
 *    40    8 time_ns      CLOCK_REALTIME when the block was encoded
 *    48    8 header_csum  XXH3-64 of bytes 0..47
 *    56    8 data_csum    XXH3-64 of the payload, seeded with header_csum
 *
 * header_csum lets the verifier tell a valid header whose payload is damaged
 * (torn) from garbage (corrupt); data_csum chains the header in through its
 * seed, so together they are one checksum over header and payload.
 *
 * The payload is regenerable from (run_id, file_id, block_index, generation):
 * a run-wide pseudo-random base pattern XORed with a 64-bit key mixed from
 * those four. Generating it costs one XOR per word, so writers run at memory
 * speed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLOCK_MAGIC 0x464f4f50u
#define BLOCK_VERSION 1
#define BLOCK_HEADER_SIZE 64
#define BLOCK_SIZE_MIN 512u
#define BLOCK_SIZE_MAX (1u << 20)
#define BLOCK_SIZE_DEFAULT 4096u
#define BLOCK_GENERATION_MAX 0x3fffffffu

struct block_id {
	uint64_t run_id;
	uint32_t file_id;
	uint32_t writer_id;
	uint64_t index;
	uint32_t generation;
	uint64_t time_ns;
};

/* Run-wide payload base pattern; one per block size. */
struct block_pattern {
	uint64_t *words;
	size_t block_size;
};

enum block_state {
	BLOCK_VALID,   /* header and payload checksums match */
	BLOCK_ZERO,    /* every byte zero */
	BLOCK_TORN,    /* header valid, payload checksum wrong */
	BLOCK_CORRUPT, /* no valid header */
};

bool block_size_valid(uint64_t size);
int block_pattern_init(struct block_pattern *p, uint64_t run_id, size_t block_size);
void block_pattern_free(struct block_pattern *p);

/* Fill buf (block_size bytes, 8-byte aligned) with the block for id. */
void block_encode(const struct block_pattern *p, const struct block_id *id, void *buf);

/*
 * Decode buf. For BLOCK_VALID and BLOCK_TORN *ret_id holds the header fields;
 * otherwise it is zeroed.
 */
enum block_state block_decode(const void *buf, size_t block_size, struct block_id *ret_id);

/*
 * For a block whose header is valid: the first payload byte offset (from the
 * start of the block) that differs from what id's payload should be, or
 * block_size when the payload is exactly right.
 */
size_t block_payload_mismatch(const struct block_pattern *p, const struct block_id *id,
			      const void *buf);

bool block_is_zero(const void *buf, size_t size);
const char *block_state_name(enum block_state s);
