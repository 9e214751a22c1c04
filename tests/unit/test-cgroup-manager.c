// SPDX-License-Identifier: LGPL-2.1-or-later
/* Manager choice over a table of layouts, limit validation over fake trees. */
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

#include <cmocka.h>

#include "fake-tree.h"

#include "cgroups/manager.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define M (1024ULL * 1024)

static const struct cg_layout hybrid = {
	.version = CG_VERSION_HYBRID,
	.v2_mount = "/sys/fs/cgroup/unified",
	.v1_memory_mount = "/sys/fs/cgroup/memory",
	.self_v2 = "/",
	.self_v1_memory = "/parent",
};

static const struct cg_layout v2_memory = {
	.version = CG_VERSION_V2,
	.v2_mount = "/sys/fs/cgroup",
	.self_v2 = "/a/b",
	.v2_memory = true,
};

static const struct cg_layout v2_no_memory = {
	.version = CG_VERSION_V2,
	.v2_mount = "/nomem",
	.self_v2 = "/",
};

static const struct cg_layout hybrid_v2_memory = {
	.version = CG_VERSION_HYBRID,
	.v2_mount = "/sys/fs/cgroup/unified",
	.v1_memory_mount = "/sys/fs/cgroup/memory",
	.self_v2 = "/",
	.self_v1_memory = "/",
	.v2_memory = true,
};

static const struct cg_layout v1_only = {
	.version = CG_VERSION_V1,
	.v1_memory_mount = "/sys/fs/cgroup/memory",
	.self_v1_memory = "/user.slice",
};

static const struct cg_layout nothing = { .version = CG_VERSION_NONE };

static void test_choose(void **state)
{
	static const struct {
		const char *what;
		const struct cg_layout *layout;
		enum cg_manager_kind requested;
		bool systemd;
		int ret;
		enum cg_manager_kind want;
	} cases[] = {
		{ "hybrid host, auto", &hybrid, CG_MANAGER_AUTO, false, 0, CG_MANAGER_V1 },
		{ "hybrid host under systemd: memory is v1", &hybrid, CG_MANAGER_AUTO, true, 0,
		  CG_MANAGER_V1 },
		{ "hybrid host, systemd asked", &hybrid, CG_MANAGER_SYSTEMD, true, -ENOTSUP, 0 },
		{ "hybrid with memory on v2 under systemd", &hybrid_v2_memory, CG_MANAGER_AUTO,
		  true, 0, CG_MANAGER_SYSTEMD },
		{ "hybrid host, cgroupfs asked", &hybrid, CG_MANAGER_CGROUPFS, false, -ENOTSUP, 0 },
		{ "hybrid host, v1 asked", &hybrid, CG_MANAGER_V1, false, 0, CG_MANAGER_V1 },
		{ "hybrid with memory on v2 prefers cgroupfs", &hybrid_v2_memory, CG_MANAGER_AUTO,
		  false, 0, CG_MANAGER_CGROUPFS },
		{ "v2 VM, auto", &v2_memory, CG_MANAGER_AUTO, false, 0, CG_MANAGER_CGROUPFS },
		{ "v2 with systemd", &v2_memory, CG_MANAGER_AUTO, true, 0, CG_MANAGER_SYSTEMD },
		{ "v2, systemd asked but no bus", &v2_memory, CG_MANAGER_SYSTEMD, false, -ENOTSUP,
		  0 },
		{ "v2, v1 asked", &v2_memory, CG_MANAGER_V1, false, -ENOTSUP, 0 },
		{ "v2 without memory", &v2_no_memory, CG_MANAGER_AUTO, false, -ENOTSUP, 0 },
		{ "v2 without memory, systemd cannot help", &v2_no_memory, CG_MANAGER_AUTO, true,
		  -ENOTSUP, 0 },
		{ "v1 only", &v1_only, CG_MANAGER_AUTO, false, 0, CG_MANAGER_V1 },
		{ "no cgroups", &nothing, CG_MANAGER_AUTO, false, -ENOTSUP, 0 },
		{ "no cgroups, none asked", &nothing, CG_MANAGER_NONE, false, 0, CG_MANAGER_NONE },
		{ "none asked on v2", &v2_memory, CG_MANAGER_NONE, true, 0, CG_MANAGER_NONE },
		{ "out of range", &v2_memory, _CG_MANAGER_MAX, false, -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum cg_manager_kind got = CG_MANAGER_AUTO;
		int r = cg_choose_manager(cases[i].layout, cases[i].requested, cases[i].systemd,
					  &got);

		if (r != cases[i].ret)
			fail_msg("%s: returned %d, want %d", cases[i].what, r, cases[i].ret);
		if (r == 0 && got != cases[i].want)
			fail_msg("%s: chose %s, want %s", cases[i].what, cg_manager_name(got),
				 cg_manager_name(cases[i].want));
	}
}

static void test_names(void **state)
{
	enum cg_manager_kind k;

	(void)state;
	for (unsigned i = 0; i < _CG_MANAGER_MAX; i++) {
		assert_int_equal(cg_manager_from_name(cg_manager_name(i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(cg_manager_from_name("cgroupfs2", &k), -EINVAL);
}

/* ---- validation over a fake tree ---- */

static char root[PATH_MAX];

static void write_fake(const char *rel, const char *text)
{
	fake_tree_put(root, rel, text);
}

static int setup_tree(void **state)
{
	(void)state;
	fake_tree_make(root, sizeof(root), "cgm");
	write_fake("/proc/meminfo", "MemTotal: 24000000 kB\nSwapTotal:       0 kB\n");
	/* v1: the parent is limited to 64M, memsw likewise; the root is unlimited. */
	write_fake("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
	write_fake("/sys/fs/cgroup/memory/parent/memory.limit_in_bytes", "67108864\n");
	write_fake("/sys/fs/cgroup/memory/parent/memory.memsw.limit_in_bytes", "67108864\n");
	/* v2: a is limited to 32M, b (poof's own) has no memory limit but pids.max 100. */
	write_fake("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
	write_fake("/sys/fs/cgroup/a/memory.max", "33554432\n");
	write_fake("/sys/fs/cgroup/a/b/cgroup.controllers", "memory pids\n");
	write_fake("/sys/fs/cgroup/a/b/memory.max", "max\n");
	write_fake("/sys/fs/cgroup/a/b/memory.swap.max", "max\n");
	write_fake("/sys/fs/cgroup/a/b/pids.max", "100\n");
	/* A cgroup2 tree without memory, like the hybrid host's unified mount. */
	write_fake("/nomem/cgroup.controllers", "hugetlb\n");
	return 0;
}

static int teardown_tree(void **state)
{
	(void)state;
	return fake_tree_remove(root);
}

struct validate_case {
	const char *what;
	const struct cg_layout *layout;
	enum cg_manager_kind kind;
	struct cg_limits limits;
	int ret;
	const char *message_has;
};

/* Every knob unset, then the case's own: later initializers win on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#define L(...)                                                                         \
	{                                                                              \
		.memory_max = CG_UNSET, .memory_high = CG_UNSET, .swap_max = CG_UNSET, \
		.pids_max = CG_UNSET, .oom_group = -1, __VA_ARGS__                     \
	}

static const struct validate_case validate_cases[] = {
	{ "v1 16M below a 64M parent", &hybrid, CG_MANAGER_V1,
	  L(.memory_max = 16 * M, .swap_max = 0), 0, NULL },
	{ "v1 128M above a 64M parent", &hybrid, CG_MANAGER_V1, L(.memory_max = 128 * M), -EINVAL,
	  "memory.max=134217728" },
	{ "v1 memsw above the parent's", &hybrid, CG_MANAGER_V1,
	  L(.memory_max = 60 * M, .swap_max = 8 * M), -EINVAL, "memory.memsw.limit_in_bytes" },
	{ "v1 has no memory.high", &hybrid, CG_MANAGER_V1, L(.memory_high = 8 * M), -EINVAL,
	  "memory.high" },
	{ "v1 has no oom.group", &hybrid, CG_MANAGER_V1, L(.oom_group = 1), -EINVAL,
	  "memory.oom.group" },
	{ "v1 oom.group 0 is harmless", &hybrid, CG_MANAGER_V1, L(.oom_group = 0), 0, NULL },
	{ "v1 has no pids.max", &hybrid, CG_MANAGER_V1, L(.pids_max = 10), -EINVAL, "pids.max" },
	{ "v1 swap needs memory.max", &hybrid, CG_MANAGER_V1, L(.swap_max = 0), -EINVAL,
	  "memory.swap.max" },
	{ "high above max", &v2_memory, CG_MANAGER_CGROUPFS,
	  L(.memory_max = 16 * M, .memory_high = 20 * M), -EINVAL, "memory.high" },
	{ "pids.max 0", &v2_memory, CG_MANAGER_CGROUPFS, L(.pids_max = 0), -EINVAL, "pids.max" },
	{ "memory.max 0", &v2_memory, CG_MANAGER_CGROUPFS, L(.memory_max = 0), -EINVAL,
	  "memory.max" },
	{ "v2 within limits", &v2_memory, CG_MANAGER_CGROUPFS,
	  L(.memory_max = 16 * M, .memory_high = 12 * M, .swap_max = 0, .pids_max = 64,
	    .oom_group = 1),
	  0, NULL },
	{ "v2 above a grandparent's 32M", &v2_memory, CG_MANAGER_CGROUPFS, L(.memory_max = 64 * M),
	  -EINVAL, "/a/b" },
	{ "v2 memory.high above the parents' max", &v2_memory, CG_MANAGER_CGROUPFS,
	  L(.memory_high = 64 * M), -EINVAL, "memory.max" },
	{ "v2 pids above the parent's", &v2_memory, CG_MANAGER_CGROUPFS, L(.pids_max = 200),
	  -EINVAL, "pids.max=200" },
	{ "v2 tree without memory", &v2_no_memory, CG_MANAGER_CGROUPFS, L(.memory_max = 16 * M),
	  -EINVAL, "memory controller" },
	{ "v2 tree without memory, no limits", &v2_no_memory, CG_MANAGER_CGROUPFS, L(), 0, NULL },
	{ "none refuses limits", &v2_memory, CG_MANAGER_NONE, L(.memory_max = 16 * M), -EINVAL,
	  "cgroup=none" },
	{ "none without limits", &v2_memory, CG_MANAGER_NONE, L(), 0, NULL },
	{ "systemd checks below the v2 root, not poof's cgroup", &v2_memory, CG_MANAGER_SYSTEMD,
	  L(.memory_max = 64 * M, .pids_max = 200), 0, NULL },
	{ "systemd: memory.high above max", &v2_memory, CG_MANAGER_SYSTEMD,
	  L(.memory_max = 16 * M, .memory_high = 20 * M), -EINVAL, "memory.high" },
	{ "systemd on a hybrid host", &hybrid, CG_MANAGER_SYSTEMD, L(.memory_max = 16 * M),
	  -ENOTSUP, "-o cgroup=v1" },
};

#pragma GCC diagnostic pop

static void test_validate(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(validate_cases); i++) {
		const struct validate_case *c = &validate_cases[i];
		char *msg = NULL;
		int r = cg_limits_validate(c->layout, c->kind, root, &c->limits, &msg);

		if (r != c->ret)
			fail_msg("%s: returned %d, want %d (%s)", c->what, r, c->ret,
				 msg ? msg : "no message");
		if (c->message_has && (!msg || !strstr(msg, c->message_has)))
			fail_msg("%s: message '%s' lacks '%s'", c->what, msg ? msg : "",
				 c->message_has);
		free(msg);
	}
}

static void test_list_run_groups(void **state)
{
	char dir[PATH_MAX + 16], **names = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/groups", root);
	assert_int_equal(cg_list_run_groups(dir, &names), 0); /* missing: empty */
	assert_null(names[0]);
	cg_strv_free(names);
	write_fake("/groups/poof-b/x", "");
	write_fake("/groups/poof-a-supervisor/x", "");
	write_fake("/groups/other/x", "");
	write_fake("/groups/poof-file", "not a directory");
	assert_int_equal(cg_list_run_groups(dir, &names), 0);
	assert_string_equal(names[0], "poof-a-supervisor");
	assert_string_equal(names[1], "poof-b");
	assert_null(names[2]);
	cg_strv_free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_list_run_groups),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
