// SPDX-License-Identifier: LGPL-2.1-or-later
#include "fake-tree.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shared/fileio.h"

void fake_tree_make(char *root, size_t len, const char *name)
{
	assert_true((size_t)snprintf(root, len, "/var/tmp/poof-test-%s-XXXXXX", name) < len);
	assert_non_null(mkdtemp(root));
}

void fake_tree_mkdir(const char *root, const char *rel)
{
	char dir[PATH_MAX];

	assert_true((size_t)snprintf(dir, sizeof(dir), "%s%s", root, rel) < sizeof(dir));
	assert_int_equal(mkdir_parents(dir, 0755), 0);
}

void fake_tree_put_data(const char *root, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX], dir[PATH_MAX];

	assert_true((size_t)snprintf(path, sizeof(path), "%s%s", root, rel) < sizeof(path));
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_parents(dir, 0755), 0);
	assert_int_equal(write_path_atomic(path, data, len, 0644), 0);
}

void fake_tree_put(const char *root, const char *rel, const char *text)
{
	fake_tree_put_data(root, rel, text, strlen(text));
}

int fake_tree_remove(const char *root)
{
	char cmd[PATH_MAX + 16];

	if (!root[0] || snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root) >= (int)sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}
