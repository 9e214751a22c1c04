/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Creating and removing group directories (group.c): libcgroup where it
 * fits (libcgroup.c), plain files otherwise.
 */

#include <stddef.h>
#include <stdint.h>

struct cg_setting {
	const char *file;
	char value[32];
};

/*
 * Create the group at `path` (root prefix included) whose path below the
 * hierarchy mount is `rel`, and write settings in order. With libcgroup
 * compiled in, a real system (empty root) and a `controller` name, libcgroup
 * does it (cgroup_create_cgroup); otherwise mkdir and plain writes. On a
 * failed setting the new group is removed again. -EEXIST when it exists.
 */
int cg_group_create(const char *root, const char *path, const char *rel, const char *controller,
		    const struct cg_setting *settings, size_t nsettings);

/* Remove an empty group (libcgroup's CGFLAG_DELETE_EMPTY_ONLY, or rmdir), retrying EBUSY. */
int cg_group_remove(const char *root, const char *path, const char *rel, const char *controller,
		    uint64_t deadline_ns);

/* The libcgroup calls (libcgroup.c; -ENOTSUP stubs without it). */
int cg_lib_create(const char *rel, const char *controller, const struct cg_setting *settings,
		  size_t nsettings);
int cg_lib_delete_empty(const char *rel, const char *controller);
