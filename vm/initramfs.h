/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The guest's initramfs: a newc cpio, uncompressed (under TCG the guest
 * unpacks it a second sooner than a gzip one), written with libarchive. It
 * holds busybox, poof, dmsetup and the mkfs programs found on the host with
 * the shared libraries ldd names for them, the modules of
 * virtio, ext4, xfs, btrfs and dm-flakey with their dependencies
 * (decompressed when the kernel ships .ko.xz/.ko.zst/.ko.gz), per-purpose
 * load lists (/lib/modules/load.{base,ext4,xfs,btrfs,dm,systemd}) and /init
 * (vm/guest-init.sh). Nothing in it depends on one run's arguments: those
 * travel on the transfer disk (vm/xfer.h).
 *
 * It is cached by content: CACHE/initramfs/<key>.cpio where key is XXH3
 * over every input file's path and bytes, the kernel image and /init, so a
 * new poof binary, kernel or module set makes a new image and nothing else
 * does. The cache keeps the few images used last (some 60 MiB each).
 * A cache hit marks the image used (its atime).
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

struct initramfs_config {
	const char *poof; /* the binary to run in the guest */
	const struct vm_kernel *kernel;
	const char *cache_dir;
};

struct initramfs_result {
	char path[PATH_MAX];
	bool cached; /* reused, not built */
	uint64_t key;
	char missing[PATH_MAX]; /* on -ENOENT: what could not be found */
};

int initramfs_prepare(const struct initramfs_config *c, struct initramfs_result *ret);

/* Where a program would be found: PATH, then /usr/sbin and /sbin. */
int find_executable(const char *name, char *buf, size_t len);
