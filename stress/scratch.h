/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * poof's own target: a sparse image in the run directory, formatted with
 * mkfs and loop-mounted (libmount) for the run, so a first run touches
 * nothing of the user's and verification can remount it to start from a
 * cold page cache.
 */

#include <stdbool.h>
#include <stdint.h>

#include "profiles/profile.h"

#define SCRATCH_IMAGE_NAME "scratch.img"
#define SCRATCH_MOUNT_NAME "mnt"

struct scratch {
	enum scratch_fs fs;
	char image[1100];
	char mountpoint[1100];
	char log[1100]; /* mkfs output, kept for error messages */
	bool mounted;
	bool lazy_umount; /* the device stopped answering: detach, never wait on it */
};

/* Smallest image the filesystem's mkfs accepts, and the auto size for a plan. */
uint64_t scratch_min_size(enum scratch_fs fs);
uint64_t scratch_auto_size(const struct plan *plan);

/* The mkfs program for fs, and the Debian package that ships it. */
const char *scratch_mkfs_program(enum scratch_fs fs);
const char *scratch_mkfs_package(enum scratch_fs fs);

/*
 * Create rundir/scratch.img (sparse, `size` bytes), mkfs it, mount it on
 * rundir/mnt. -ENOENT when the mkfs program is missing; on any failure
 * nothing is left behind.
 */
int scratch_create(const char *rundir, enum scratch_fs fs, uint64_t size, struct scratch *ret);

/* Describe an existing image (for `poof verify` of a kept scratch image). */
int scratch_attach(const char *rundir, const char *image, enum scratch_fs fs, struct scratch *ret);

int scratch_mount(struct scratch *s);
int scratch_umount(struct scratch *s);

/* Unmount if mounted, remove the image (unless keep_image) and the mountpoint. */
int scratch_destroy(struct scratch *s, bool keep_image);
