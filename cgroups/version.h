/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Which cgroup layout this machine has, detected once from the mount table
 * (libmount) and /proc/self/cgroup. The layout is not a manager: shared code
 * branches on it, and the manager (cgroupfs, systemd, v1, none) is chosen
 * from it separately.
 *
 * Every path is read below a root prefix ("" on a real system) so tests can
 * point the detection at a fake tree.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum cg_version {
	CG_VERSION_NONE,   /* no cgroup filesystem mounted */
	CG_VERSION_V1,	   /* only v1 hierarchies */
	CG_VERSION_HYBRID, /* v1 hierarchies plus a cgroup2 mount beside them */
	CG_VERSION_V2,	   /* cgroup2 mounted as the unified hierarchy */
};

struct cg_layout {
	enum cg_version version;
	char v2_mount[PATH_MAX];	/* cgroup2 mount point, "" if none */
	char v1_memory_mount[PATH_MAX]; /* v1 hierarchy with the memory controller, "" if none */
	char self_v2[PATH_MAX];		/* own cgroup in the v2 hierarchy ("0::PATH") */
	char self_v1_memory[PATH_MAX];	/* own cgroup in the v1 memory hierarchy */
	bool v2_memory;			/* "memory" listed in the v2 root's cgroup.controllers */
};

int cg_detect(const char *root, struct cg_layout *ret);

const char *cg_version_name(enum cg_version v);

/*
 * Parse /proc/self/cgroup text: the v2 path ("0::PATH") and the path in the
 * v1 hierarchy carrying `controller` ("N:a,b:PATH"). Missing lines leave the
 * buffers empty. -EINVAL on a malformed line.
 */
int cg_parse_self(const char *text, const char *controller, char *ret_v2, size_t v2_len,
		  char *ret_v1, size_t v1_len);

/* Does a whitespace-separated controller list ("cpu io memory") contain name? */
bool cg_controller_listed(const char *list, const char *name);
