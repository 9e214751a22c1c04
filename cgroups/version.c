// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/names.h"
#include "version.h"

const char *cg_version_name(enum cg_version v)
{
	static const char *const names[] = {
		[CG_VERSION_NONE] = "none",
		[CG_VERSION_V1] = "v1",
		[CG_VERSION_HYBRID] = "hybrid",
		[CG_VERSION_V2] = "v2",
		NULL,
	};

	return enum_to_name(names, v);
}

bool cg_controller_listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		p += strspn(p, " \t\n,");
		if (strncmp(p, name, n) == 0 && (p[n] == '\0' || strchr(" \t\n,", p[n])))
			return true;
		p += strcspn(p, " \t\n,");
	}
	return false;
}

static int copy_path_field(char *dst, size_t len, const char *src, size_t n)
{
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int cg_parse_self(const char *text, const char *controller, char *ret_v2, size_t v2_len,
		  char *ret_v1, size_t v1_len)
{
	ret_v2[0] = ret_v1[0] = '\0';
	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(end - line)), *c2;
		int r = 0;

		if (!c1)
			return -EINVAL;
		c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
		if (!c2)
			return -EINVAL;
		if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1) {
			r = copy_path_field(ret_v2, v2_len, c2 + 1, (size_t)(end - c2 - 1));
		} else {
			char list[256];

			if (copy_path_field(list, sizeof(list), c1 + 1, (size_t)(c2 - c1 - 1)) ==
				    0 &&
			    cg_controller_listed(list, controller))
				r = copy_path_field(ret_v1, v1_len, c2 + 1, (size_t)(end - c2 - 1));
		}
		if (r < 0)
			return r;
		line = *end ? end + 1 : end;
	}
	return 0;
}

static void libmnt_table_unrefp(struct libmnt_table **t)
{
	mnt_unref_table(*t);
}

static int prefixed(char *buf, size_t len, const char *root, const char *path)
{
	int n = snprintf(buf, len, "%s%s", root, path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int scan_mounts(const char *root, struct cg_layout *l, bool *ret_v1_any)
{
	_cleanup_(libmnt_table_unrefp) struct libmnt_table *tb = NULL;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	char path[PATH_MAX];
	int r;

	r = prefixed(path, sizeof(path), root, "/proc/self/mountinfo");
	if (r < 0)
		return r;
	tb = mnt_new_table_from_file(path);
	if (!tb)
		return -ENOENT;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	*ret_v1_any = false;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs), *target = mnt_fs_get_target(fs);

		if (streq(type, "cgroup2") && !l->v2_mount[0])
			r = copy_string(l->v2_mount, sizeof(l->v2_mount), target);
		else if (streq(type, "cgroup")) {
			*ret_v1_any = true;
			if (mnt_fs_match_options(fs, "memory") && !l->v1_memory_mount[0])
				r = copy_string(l->v1_memory_mount, sizeof(l->v1_memory_mount),
						target);
		}
		if (r < 0)
			break;
	}
	mnt_free_iter(it);
	return r;
}

static int read_v2_controllers(const char *root, struct cg_layout *l)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	size_t len;
	int r;

	if (snprintf(path, sizeof(path), "%s%s/cgroup.controllers", root, l->v2_mount) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	r = read_file_full(AT_FDCWD, path, 4096, (void **)&text, &len);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	l->v2_memory = cg_controller_listed(text, "memory");
	return 0;
}

static int read_self(const char *root, struct cg_layout *l)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	size_t len;
	int r;

	r = prefixed(path, sizeof(path), root, "/proc/self/cgroup");
	if (r < 0)
		return r;
	r = read_file_full(AT_FDCWD, path, 65536, (void **)&text, &len);
	if (r < 0)
		return r;
	return cg_parse_self(text, "memory", l->self_v2, sizeof(l->self_v2), l->self_v1_memory,
			     sizeof(l->self_v1_memory));
}

int cg_detect(const char *root, struct cg_layout *ret)
{
	struct cg_layout l = { 0 };
	bool v1_any;
	int r;

	root = root ? root : "";
	r = scan_mounts(root, &l, &v1_any);
	if (r < 0)
		return r;
	if (l.v2_mount[0]) {
		r = read_v2_controllers(root, &l);
		if (r < 0)
			return r;
	}
	r = read_self(root, &l);
	if (r < 0)
		return r;
	if (l.v2_mount[0])
		l.version = v1_any ? CG_VERSION_HYBRID : CG_VERSION_V2;
	else
		l.version = v1_any ? CG_VERSION_V1 : CG_VERSION_NONE;
	*ret = l;
	return 0;
}
