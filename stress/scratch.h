/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * poof's own target: a sparse image in the run directory, formatted with
 * mkfs and loop-mounted for the run, so a first run touches nothing of the
 * user's and verification can remount it to start from a cold page cache.
 * The image is attached to a loop device and mounted through descriptors
 * (mount-fd.h), never by a path looked up again.
 */

#include <stdbool.h>
#include <stdint.h>

#include "profiles/profile.h"

#define SCRATCH_IMAGE_NAME "scratch.img"
#define SCRATCH_MOUNT_NAME "mnt"
#define SCRATCH_LOG_NAME "mkfs.log"

/*
 * The image and its mountpoint live in the run directory, and everything
 * there is reached through its fd: never through a symlink planted in the
 * run directory (-ELOOP, with `failed` naming the path).
 */
/* Which of the scratch filesystem's paths a failure is about. */
enum scratch_path {
	SCRATCH_PATH_NONE,
	SCRATCH_PATH_IMAGE,
	SCRATCH_PATH_MOUNTPOINT,
	SCRATCH_PATH_LOG
};

struct scratch {
	enum scratch_fs fs;
	int dirfd; /* the run directory, borrowed; -1 when only the paths are known */
	char image[1100];
	char mountpoint[1100];
	char log[1100];		  /* mkfs output, kept for error messages */
	enum scratch_path failed; /* after a failure: the path it is about */
	bool mounted;
	bool lazy_umount; /* the device stopped answering: detach, never wait on it */
};

/* The path a failure is about, or NULL. */
const char *scratch_failed_path(const struct scratch *s);

/* Smallest image the filesystem's mkfs accepts, and the auto size for a plan. */
uint64_t scratch_min_size(enum scratch_fs fs);
uint64_t scratch_auto_size(const struct plan *plan);

/* The mkfs program for fs, and the Debian package that ships it. */
const char *scratch_mkfs_program(enum scratch_fs fs);
const char *scratch_mkfs_package(enum scratch_fs fs);

/*
 * Create scratch.img (sparse, `size` bytes) in the run directory open at
 * rundirfd (its path is rundir, for messages), mkfs it, mount it on mnt
 * there. Nothing may exist at either name: a symlink is -ELOOP. -ENOENT
 * when the mkfs program is missing, -EIO when mkfs failed (its output in
 * log); on any failure nothing this call made is left but the log.
 */
int scratch_create(int rundirfd, const char *rundir, enum scratch_fs fs, uint64_t size,
		   struct scratch *ret);

/*
 * The kept image of a past run (poof verify): scratch.img must be a regular
 * file and mnt, which is made when missing, a directory; a symlink at either
 * is -ELOOP.
 */
int scratch_attach(int rundirfd, const char *rundir, enum scratch_fs fs, struct scratch *ret);

/* Loop-attach the image and mount it on mnt, both through descriptors. */
int scratch_mount(struct scratch *s);
int scratch_umount(struct scratch *s);

/* Unmount if mounted, remove the image (unless keep_image) and the mountpoint. */
int scratch_destroy(struct scratch *s, bool keep_image);
