/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Memory hogs: processes placed in a container beside the writers to push
 * it over memory.max, each a different kind of memory the kernel must
 * account and reclaim:
 *   anon   anonymous memory, allocated and touched at a rate up to a size;
 *   shmem  a memfd grown at a rate: unreclaimable without swap;
 *   kmem   metadata churn in a directory on the target (create, rename,
 *          unlink small files) so dentries and inodes pile up in the
 *          container and the filesystem's own GFP_NOFS allocations fail.
 * A hog runs until it is killed; a killed hog is respawned like a writer.
 */

#include <stdbool.h>
#include <stdint.h>

#include "profiles/profile.h"

struct hog_config {
	enum hog_kind kind;
	uint64_t size; /* anon/shmem: bytes to reach; kmem: files kept alive */
	uint64_t rate; /* anon/shmem: bytes per second; kmem: operations per second; 0 = no limit */
	bool cycle;    /* at size: release everything and start again */
	int dirfd;     /* kmem: where to churn (a directory of its own) */
	uint32_t id;   /* for names and seeds */
	uint64_t *progress; /* shared counter the hog bumps (bytes or operations), may be NULL */
};

/* Runs in the forked child; returns the exit code (0 only if it was told to stop). */
int hog_main(const struct hog_config *cfg);
