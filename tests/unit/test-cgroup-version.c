// SPDX-License-Identifier: LGPL-2.1-or-later
/* cgroup layout detection over fake /proc and /sys trees. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake-tree.h"

#include "cgroups/version.h"
#include "shared/fileio.h"

/* Mount lines of the machines this project meets. */
#define MI_ROOT "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
#define MI_TMPFS "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
#define MI_V1_CPU "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
#define MI_V1_MEM "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
#define MI_V1_PIDS "36 31 0:33 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
#define MI_UNIFIED \
	"40 31 0:36 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
#define MI_V2 "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"

struct layout_case {
	const char *what;
	const char *mountinfo;
	const char *self;
	const char *controllers_path; /* relative to the fake root, NULL for none */
	const char *controllers;
	enum cg_version version;
	const char *v2_mount;
	const char *v1_memory_mount;
	const char *self_v2;
	const char *self_v1_memory;
	bool v2_memory;
};

static const struct layout_case cases[] = {
	{
		"hybrid host: memory on v1, cgroup2 with hugetlb only",
		MI_ROOT MI_TMPFS MI_V1_CPU MI_V1_MEM MI_V1_PIDS MI_UNIFIED,
		"8:pids:/\n4:memory:/process_api/10ce\n1:cpu:/\n0::/\n",
		"/sys/fs/cgroup/unified/cgroup.controllers",
		"hugetlb\n",
		CG_VERSION_HYBRID,
		"/sys/fs/cgroup/unified",
		"/sys/fs/cgroup/memory",
		"/",
		"/process_api/10ce",
		false,
	},
	{
		"unified v2 (Debian 12 VM)",
		MI_ROOT MI_V2,
		"0::/init.scope\n",
		"/sys/fs/cgroup/cgroup.controllers",
		"cpuset cpu io memory hugetlb pids rdma misc\n",
		CG_VERSION_V2,
		"/sys/fs/cgroup",
		"",
		"/init.scope",
		"",
		true,
	},
	{
		"v1 only",
		MI_ROOT MI_TMPFS MI_V1_CPU MI_V1_MEM,
		"4:memory:/user.slice\n1:cpu:/\n",
		NULL,
		NULL,
		CG_VERSION_V1,
		"",
		"/sys/fs/cgroup/memory",
		"",
		"/user.slice",
		false,
	},
	{
		"no cgroups at all",
		MI_ROOT,
		"",
		NULL,
		NULL,
		CG_VERSION_NONE,
		"",
		"",
		"",
		"",
		false,
	},
};

static void test_layouts(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct layout_case *c = &cases[i];
		char root[PATH_MAX];
		struct cg_layout l;

		fake_tree_make(root, sizeof(root), "cg");
		fake_tree_put(root, "/proc/self/mountinfo", c->mountinfo);
		fake_tree_put(root, "/proc/self/cgroup", c->self);
		if (c->controllers_path)
			fake_tree_put(root, c->controllers_path, c->controllers);
		assert_int_equal(cg_detect(root, &l), 0);
		if (l.version != c->version)
			fail_msg("%s: version %s, want %s", c->what, cg_version_name(l.version),
				 cg_version_name(c->version));
		assert_string_equal(l.v2_mount, c->v2_mount);
		assert_string_equal(l.v1_memory_mount, c->v1_memory_mount);
		assert_string_equal(l.self_v2, c->self_v2);
		assert_string_equal(l.self_v1_memory, c->self_v1_memory);
		assert_int_equal(l.v2_memory, c->v2_memory);
		assert_int_equal(fake_tree_remove(root), 0);
	}
}

static void test_parse_self_errors(void **state)
{
	char v2[64], v1[64];

	(void)state;
	assert_int_equal(cg_parse_self("garbage\n", "memory", v2, sizeof(v2), v1, sizeof(v1)),
			 -EINVAL);
	assert_int_equal(cg_parse_self("4:memory\n", "memory", v2, sizeof(v2), v1, sizeof(v1)),
			 -EINVAL);
	/* Controllers co-mounted in one hierarchy. */
	assert_int_equal(cg_parse_self("3:cpu,memory:/a\n", "memory", v2, sizeof(v2), v1,
				       sizeof(v1)),
			 0);
	assert_string_equal(v1, "/a");
	/* A path that does not fit is refused, not cut. */
	assert_int_equal(cg_parse_self("0::/aaaaaaaaaaaaaaaaaaaaaa\n", "memory", v2, 8, v1,
				       sizeof(v1)),
			 -ENAMETOOLONG);
}

static void test_controller_list(void **state)
{
	(void)state;
	assert_true(cg_controller_listed("cpu io memory pids", "memory"));
	assert_true(cg_controller_listed("memory", "memory"));
	assert_false(cg_controller_listed("memory_recursiveprot", "memory"));
	assert_false(cg_controller_listed("hugetlb\n", "memory"));
	assert_true(cg_controller_listed("cpu,memory", "memory"));
	assert_false(cg_controller_listed("", "memory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_parse_self_errors),
		cmocka_unit_test(test_controller_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
