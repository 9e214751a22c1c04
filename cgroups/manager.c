// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cgroup managers in one explicit table, their names, and choosing the
 * manager a run uses from the host's layout (manager.h describes them).
 */
#include <errno.h>

#include "manager-internal.h"
#include "shared/macro.h"
#include "shared/names.h"

/* The managers, by kind: an explicit table, no self-registration. */
static const struct cg_ops *const managers[_CG_MANAGER_MAX] = {
	[CG_MANAGER_CGROUPFS] = &cg_cgroupfs_ops,
	[CG_MANAGER_SYSTEMD] = &cg_systemd_ops,
	[CG_MANAGER_V1] = &cg_v1_ops,
	[CG_MANAGER_NONE] = &cg_none_ops,
};

static const char *const manager_names[_CG_MANAGER_MAX + 1] = {
	[CG_MANAGER_AUTO] = "auto",	  [CG_MANAGER_CGROUPFS] = "cgroupfs",
	[CG_MANAGER_SYSTEMD] = "systemd", [CG_MANAGER_V1] = "v1",
	[CG_MANAGER_NONE] = "none",	  NULL,
};

const char *cg_manager_name(enum cg_manager_kind kind)
{
	return enum_to_name(manager_names, kind);
}

int cg_manager_from_name(const char *name, enum cg_manager_kind *ret)
{
	int kind = enum_from_name(manager_names, name);

	if (kind < 0)
		return kind;
	*ret = (enum cg_manager_kind)kind;
	return 0;
}

bool cg_layout_has_v2_memory(const struct cg_layout *l)
{
	return l->v2_mount[0] && l->v2_memory &&
	       (l->version == CG_VERSION_V2 || l->version == CG_VERSION_HYBRID);
}

static bool have_v1_memory(const struct cg_layout *l)
{
	return l->v1_memory_mount[0] != '\0';
}

static bool usable(const struct cg_layout *l, enum cg_manager_kind kind, bool systemd_usable)
{
	switch (kind) {
	case CG_MANAGER_SYSTEMD:
		/* Hybrid and v1 hosts: the v1 manager, see systemd.c. */
		return systemd_usable && cg_layout_has_v2_memory(l);
	case CG_MANAGER_CGROUPFS:
		return cg_layout_has_v2_memory(l);
	case CG_MANAGER_V1:
		return have_v1_memory(l);
	case CG_MANAGER_NONE:
		return true;
	default:
		return false;
	}
}

int cg_choose_manager(const struct cg_layout *l, enum cg_manager_kind requested,
		      bool systemd_usable, enum cg_manager_kind *ret)
{
	static const enum cg_manager_kind order[] = {
		CG_MANAGER_SYSTEMD,
		CG_MANAGER_CGROUPFS,
		CG_MANAGER_V1,
	};

	if ((unsigned)requested >= _CG_MANAGER_MAX)
		return -EINVAL;
	if (requested != CG_MANAGER_AUTO) {
		if (!usable(l, requested, systemd_usable))
			return -ENOTSUP;
		*ret = requested;
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
		if (usable(l, order[i], systemd_usable)) {
			*ret = order[i];
			return 0;
		}
	return -ENOTSUP;
}

const struct cg_ops *cg_ops_of(enum cg_manager_kind kind)
{
	return (unsigned)kind < _CG_MANAGER_MAX ? managers[kind] : NULL;
}
