/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Checking a container's limits before anything is created (limits.c): the
 * checks every manager shares, and what the host imposes on all of them
 * (the limits above poof's cgroup, swap accounting). Each manager's
 * validate op adds what it alone cannot honour.
 */

#include <stdbool.h>
#include <stdint.h>

#include "manager.h"

/* A malloc'ed printf, for validation messages (NULL on ENOMEM). */
char *cg_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shared validation: memory.high <= memory.max, memory.max and pids.max > 0. */
int cg_validate_common(const struct cg_limits *limits, char **ret_message);

/*
 * The smallest limit in `file` on the path from dir up to (excluding) mount,
 * all with the root prefix already applied: CG_UNSET when none. Missing
 * files count as "no limit" (the root group has none).
 */
int cg_effective_limit(const char *mount, const char *dir, const char *file, uint64_t *ret);

/*
 * Is `want` for `knob` within the effective limit in `file` above the cgroup
 * `parent` (below `mount`)? 0 when it is or when want is CG_UNSET; -EINVAL
 * with *ret_message naming the knob, the parent and both values when it is
 * above; other -errno when the parent's limits could not be read.
 */
int cg_check_parent_limit(const char *mount, const char *parent, const char *file, const char *knob,
			  uint64_t want, char **ret_message);

/* Is swap configured (SwapTotal > 0 in root/proc/meminfo)? */
bool cg_swap_configured(const char *root);
