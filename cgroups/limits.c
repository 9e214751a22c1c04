// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A container's limits, checked before anything is created: the checks
 * every manager shares, the limits the host sets above poof's cgroup, and
 * the dispatch to the chosen manager's own check (what it cannot honour).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manager-internal.h"
#include "shared/fileio.h"
#include "shared/macro.h"

char *cg_message(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

enum cg_limits_problem cg_limits_problem(const struct cg_limits *l)
{
	if (l->memory_high != CG_UNSET && l->memory_max != CG_UNSET &&
	    l->memory_high > l->memory_max)
		return CG_LIMITS_HIGH_ABOVE_MAX;
	if (l->memory_max == 0)
		return CG_LIMITS_NO_MEMORY;
	if (l->pids_max == 0)
		return CG_LIMITS_NO_PIDS;
	if (l->oom_group > 1)
		return CG_LIMITS_BAD_OOM_GROUP;
	return CG_LIMITS_OK;
}

/*
 * Limits reach cgroups from a plan the profile validator already checked
 * with the same rules (cg_limits_problem); cg_limits_validate() is also an
 * entry point of its own, so a set that can never work is refused by
 * whoever asks, in the knobs' words.
 */
int cg_validate_common(const struct cg_limits *l, char **ret_message)
{
	switch (cg_limits_problem(l)) {
	case CG_LIMITS_HIGH_ABOVE_MAX:
		*ret_message = cg_message("memory.high=%" PRIu64 " is above memory.max=%" PRIu64,
					  l->memory_high, l->memory_max);
		return -EINVAL;
	case CG_LIMITS_NO_MEMORY:
		*ret_message = cg_message("memory.max=0 would leave no memory at all");
		return -EINVAL;
	case CG_LIMITS_NO_PIDS:
		*ret_message = cg_message("pids.max=0 would not allow a single process");
		return -EINVAL;
	case CG_LIMITS_BAD_OOM_GROUP:
		*ret_message = cg_message("memory.oom.group must be 0 or 1");
		return -EINVAL;
	case CG_LIMITS_OK:
		break;
	}
	return 0;
}

int cg_effective_limit(const char *mount, const char *dir, const char *file, uint64_t *ret)
{
	size_t mlen = strlen(mount);
	uint64_t best = CG_UNSET;
	char p[PATH_MAX];
	int r;

	if (strncmp(dir, mount, mlen) != 0)
		return -EINVAL;
	r = copy_string(p, sizeof(p), dir);
	if (r < 0)
		return r;
	while (strlen(p) > mlen) {
		_cleanup_close_ int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		uint64_t v;

		if (fd < 0)
			return -errno;
		r = cg_read_limit_at(fd, file, &v);
		if (r >= 0)
			best = MIN(best, v);
		else if (r != -ENOENT)
			return r;
		*strrchr(p, '/') = '\0';
	}
	*ret = best;
	return 0;
}

int cg_check_parent_limit(const char *mount, const char *parent, const char *file, const char *knob,
			  uint64_t want, char **ret_message)
{
	uint64_t have;
	int r;

	if (want == CG_UNSET)
		return 0;
	r = cg_effective_limit(mount, parent, file, &have);
	if (r < 0)
		return r;
	if (have != CG_UNSET && want > have) {
		*ret_message = cg_message("%s=%" PRIu64 " is above the limit of the cgroup poof "
					  "runs in (%s: %s=%" PRIu64 ")",
					  knob, want, parent, file, have);
		return -EINVAL;
	}
	return 0;
}

bool cg_swap_configured(const char *root)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	const char *s;
	size_t len;

	if (cg_path(path, sizeof(path), "%s/proc/meminfo", root) < 0 ||
	    read_file_full(AT_FDCWD, path, 1 << 20, (void **)&text, &len) < 0)
		return true; /* cannot tell: assume the worst */
	s = strstr(text, "SwapTotal:");
	return !s || strtoull(s + strlen("SwapTotal:"), NULL, 10) > 0;
}

int cg_limits_validate(const struct cg_layout *layout, enum cg_manager_kind kind, const char *root,
		       const struct cg_limits *limits, char **ret_message)
{
	const struct cg_ops *ops = cg_ops_of(kind);
	char *msg = NULL;
	int r;

	if (!ops)
		return -EINVAL;
	r = cg_validate_common(limits, &msg);
	if (r >= 0)
		r = ops->validate(layout, root ? root : "", limits, &msg);
	if (r < 0 && ret_message)
		*ret_message = msg;
	else
		free(msg);
	return r;
}
