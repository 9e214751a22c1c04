/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The order in which a pass visits a file's blocks. Random order is a
 * Fisher-Yates shuffle seeded by (seed, file, generation), so the verifier
 * can rebuild any pass's order to decide fsync coverage.
 */

#include <stdint.h>

#include "profiles/profile.h"

/* perm[pos] = block index, for pos in [0, n). */
void write_order_fill(enum write_order order, uint64_t seed, uint32_t file_id, uint32_t gen,
		      uint32_t n, uint32_t *perm);
