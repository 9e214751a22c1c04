/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Kernel modules for the guest, resolved from MODULES/modules.dep without
 * libkmod: each named module after its dependencies (modules.dep lists them
 * so that loading the list backwards works), each once.
 */

#include <limits.h>
#include <stddef.h>

struct kmod_list {
	char **paths; /* relative to the modules directory, as in modules.dep */
	size_t n;
};

/*
 * Append the load order of names to list. A name starting with '?' is
 * optional (a soft dependency: skipped when absent); a name that is built
 * into the kernel (modules.builtin) is skipped. -ENOENT with the name in
 * missing when a required module is not there.
 */
int kmod_resolve(const char *moddir, const char *const *names, struct kmod_list *list,
		 char *missing, size_t missing_len);

void kmod_list_free(struct kmod_list *l);

/* "dm-flakey.ko.xz" -> "dm_flakey": the name modprobe would use. */
void kmod_name_of(const char *path, char *buf, size_t len);
