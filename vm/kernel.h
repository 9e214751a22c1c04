/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The kernel `poof vm` boots and the module tree that goes with it.
 *
 * Search order: an explicit image (--kernel, else $POOF_VM_KERNEL); else the
 * newest /boot/vmlinuz-* whose /lib/modules/VERSION exists; else the newest
 * kernel scripts/fetch-test-kernel.sh put in CACHE/kernel/. Modules: an
 * explicit directory (--modules, else $POOF_VM_MODULES); else
 * /lib/modules/VERSION; else ROOT/lib/modules/VERSION beside ROOT/boot/IMAGE
 * (the layout of an unpacked Debian package).
 */

#include <limits.h>
#include <stddef.h>

#define KERNEL_VERSION_MAX 128

struct vm_kernel {
	char image[PATH_MAX];
	char modules[PATH_MAX];
	char version[KERNEL_VERSION_MAX];
	char missing[PATH_MAX]; /* on -ENOENT: the path that was looked for */
};

/*
 * The version string of a bzImage: the setup header's kernel_version field
 * (offset 0x20e) points to a NUL-terminated string at 0x200 + value; its
 * first word is the release ("6.1.0-56-amd64"). -ENOEXEC when not a bzImage.
 */
int kernel_image_version(const char *image, char *buf, size_t len);

/* Resolve image and modules; image/modules may be NULL. cache_dir: see above. */
int kernel_locate(const char *image, const char *modules, const char *cache_dir,
		  struct vm_kernel *ret);
