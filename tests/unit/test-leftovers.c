// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Leftover runs: which group, scope and process names are poof's, and what
 * leftovers_find() makes of a fake /proc, /sys and cgroup tree.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake-tree.h"
#include "judge/ledger.h"
#include "stress/leftovers.h"

#define HEX_ID "0123456789abcdef"

struct name_case {
	const char *name;
	bool all;
	const char *id; /* NULL: not one of poof's */
};

static void check_cases(const struct name_case *cases, size_t n,
			int (*parse)(const char *name, bool all, char *buf, size_t len))
{
	for (size_t i = 0; i < n; i++) {
		char id[128] = "";
		int r = parse(cases[i].name, cases[i].all, id, sizeof(id));

		if (!cases[i].id && r >= 0)
			fail_msg("\"%s\" (all=%d) gave run id \"%s\"", cases[i].name, cases[i].all,
				 id);
		if (cases[i].id && (r < 0 || strcmp(id, cases[i].id) != 0))
			fail_msg("\"%s\" (all=%d): %d \"%s\", expected \"%s\"", cases[i].name,
				 cases[i].all, r, id, cases[i].id);
	}
}

static void test_group_run_id(void **state)
{
	static const struct name_case cases[] = {
		{ "poof-" HEX_ID, false, HEX_ID },
		{ "poof-" HEX_ID "-supervisor", false, HEX_ID },
		{ "poof-" HEX_ID, true, HEX_ID },
		{ "poof-" HEX_ID "-supervisor", true, HEX_ID },
		/* Not a run id: only with --all. */
		{ "poof-test", false, NULL },
		{ "poof-test", true, "test" },
		{ "poof-test-supervisor", false, NULL },
		{ "poof-test-supervisor", true, "test" },
		{ "poof-0123456789ABCDEF", false, NULL },
		{ "poof-0123456789abcde", false, NULL },
		{ "poof-0123456789abcdef0", false, NULL },
		{ "poof-" HEX_ID ".scope", false, NULL },
		/* The suffix alone is the id, not an empty one. */
		{ "poof--supervisor", true, "-supervisor" },
		{ "poof-", false, NULL },
		{ "other-" HEX_ID, false, NULL },
		{ "other-" HEX_ID, true, NULL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]), leftover_group_run_id);
}

static void test_scope_run_id(void **state)
{
	static const struct name_case cases[] = {
		{ "poof-" HEX_ID ".scope", false, HEX_ID },
		{ "poof-" HEX_ID ".scope", true, HEX_ID },
		{ "poof-test.scope", false, NULL },
		{ "poof-test.scope", true, "test" },
		{ "poof-" HEX_ID, false, NULL },
		{ "poof-" HEX_ID, true, NULL },
		{ "poof-" HEX_ID ".service", true, NULL },
		{ "poof-.scope", true, NULL },
		{ "session-" HEX_ID ".scope", true, NULL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]), leftover_scope_run_id);
}

static void test_id_too_long(void **state)
{
	char id[8];

	(void)state;
	assert_int_equal(leftover_group_run_id("poof-" HEX_ID, true, id, sizeof(id)),
			 -ENAMETOOLONG);
	assert_int_equal(leftover_scope_run_id("poof-" HEX_ID ".scope", true, id, sizeof(id)),
			 -ENAMETOOLONG);
	assert_int_equal(leftover_group_run_id("poof-1234567", true, id, sizeof(id)), 0);
	assert_string_equal(id, "1234567");
}

static void test_is_worker(void **state)
{
	static const char *const workers[] = { "poof-w3", "poof-h12", "poof-w0", "poof-h9999",
					       "poof-worker" };
	static const char *const others[] = { "poof-x1", "poof-w",   "poof-w1a",    "poof-h",
					      "poof",	 "poof-",    "poof-w-1",    "bash",
					      "poof-W1", "xpoof-w1", "poof-workers" };

	(void)state;
	for (size_t i = 0; i < sizeof(workers) / sizeof(workers[0]); i++)
		if (!leftover_is_worker(workers[i]))
			fail_msg("\"%s\" is a worker", workers[i]);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (leftover_is_worker(others[i]))
			fail_msg("\"%s\" is no worker", others[i]);
}

static void test_supervisor_leaf(void **state)
{
	(void)state;
	assert_true(leftover_is_supervisor_leaf("/sys/fs/cgroup/poof/poof-" HEX_ID "-supervisor"));
	assert_false(leftover_is_supervisor_leaf("/sys/fs/cgroup/poof/poof-" HEX_ID));
	assert_false(leftover_is_supervisor_leaf("-supervisor"));
	assert_false(leftover_is_supervisor_leaf(""));
}

/* A fake machine after three runs died (see test_fake_tree). */
#define ID_KILLED "0123456789abcdef"  /* its groups, a member each, an escaped worker */
#define ID_MOUNTED "1111222233334444" /* only its scratch filesystem, still mounted */
#define ID_HELD "aaaabbbbccccdddd"    /* a process that is no worker holds its group */

static char fake_root[64];

static void put(const char *rel, const char *text)
{
	fake_tree_put(fake_root, rel, text);
}

/* A symlink in the fake /proc/PID/fd, pointing at a real-system path. */
static void put_fd(int pid, int fd, const char *target)
{
	char dir[64], path[PATH_MAX + 80];

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fake_tree_mkdir(fake_root, dir);
	snprintf(path, sizeof(path), "%s%s/%d", fake_root, dir, fd);
	assert_int_equal(symlink(target, path), 0);
}

static void put_ledger(const char *rel, uint64_t run_id)
{
	struct ledger_header h = { .run_id = run_id };

	memcpy(h.magic, LEDGER_MAGIC, sizeof(h.magic));
	fake_tree_put_data(fake_root, rel, &h, sizeof(h));
}

static int make_fake_tree(void **state)
{
	(void)state;
	fake_tree_make(fake_root, sizeof(fake_root), "leftovers");
	put("/proc/self/mountinfo",
	    "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	    "29 22 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
	    "41 22 7:7 / /var/tmp/poof/" ID_MOUNTED "/mnt rw - ext4 /dev/loop7 rw\n"
	    "42 22 7:8 / /srv/data rw - ext4 /dev/loop8 rw\n");
	put("/proc/self/cgroup", "0::/\n");
	put("/sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
	put("/sys/fs/cgroup/poof-" ID_KILLED "/cgroup.procs", "4242\n");
	put("/sys/fs/cgroup/poof-" ID_KILLED "/box/cgroup.procs", "4243\n");
	put("/sys/fs/cgroup/poof-" ID_KILLED "-supervisor/cgroup.procs", "");
	put("/sys/fs/cgroup/poof-" ID_HELD "/cgroup.procs", "");
	put("/sys/fs/cgroup/poof-notarun/cgroup.procs", "");
	put("/sys/fs/cgroup/system.slice/cgroup.procs", "1\n");
	put("/sys/block/loop7/loop/backing_file", "/var/tmp/poof/" ID_MOUNTED "/scratch.img\n");
	put("/sys/block/loop8/loop/backing_file", "/srv/data.img\n");
	put_ledger("/var/tmp/poof/" ID_MOUNTED "/ledger.live", 0x1111222233334444ULL);
	put("/var/tmp/poof/" ID_KILLED "/report.json", "{}\n");
	put("/proc/4242/comm", "poof-w0\n");
	put("/proc/4243/comm", "poof-h0\n");
	put("/proc/555/comm", "poof-w1\n"); /* escaped its group, holds the ledger */
	put_fd(555, 4, "/var/tmp/poof/" ID_KILLED "/ledger.live");
	put("/proc/777/comm", "bash\n");
	put_fd(777, 3, "/sys/fs/cgroup/poof-" ID_HELD);
	put_fd(777, 5, "/dev/null");
	put("/proc/900/comm", "sshd\n");
	put_fd(900, 3, "/var/tmp/poof-other/file");
	return 0;
}

static int remove_fake_tree(void **state)
{
	(void)state;
	return fake_tree_remove(fake_root);
}

static const struct leftover *run_named(const struct leftovers *l, const char *id)
{
	for (unsigned i = 0; i < l->nruns; i++)
		if (strcmp(l->runs[i].id, id) == 0)
			return &l->runs[i];
	fail_msg("run %s not found", id);
	return NULL;
}

static void assert_path(const char *got, const char *rel)
{
	char want[PATH_MAX];

	snprintf(want, sizeof(want), "%s%s", fake_root, rel);
	assert_string_equal(got, want);
}

static bool has_pid(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/* Three dead runs, each found from its own side, and what is not poof's left out. */
static void test_fake_tree(void **state)
{
	struct leftovers l;
	const struct leftover *run;

	(void)state;
	assert_int_equal(leftovers_find(fake_root, false, &l), 0);
	assert_int_equal(l.nruns, 3);

	run = run_named(&l, ID_KILLED);
	assert_int_equal(run->ngroups, 2);
	assert_path(run->groups[0], "/sys/fs/cgroup/poof-" ID_KILLED);
	assert_path(run->groups[1], "/sys/fs/cgroup/poof-" ID_KILLED "-supervisor");
	assert_path(run->rundir, "/var/tmp/poof/" ID_KILLED);
	assert_false(run->mounted);
	assert_int_equal(run->nmembers, 2);
	assert_true(has_pid(run->members, run->nmembers, 4242));
	assert_true(has_pid(run->members, run->nmembers, 4243));
	assert_int_equal(run->holder, 0);
	assert_int_equal(run->norphans, 1);
	assert_int_equal(run->orphans[0], 555);

	run = run_named(&l, ID_HELD);
	assert_int_equal(run->ngroups, 1);
	assert_int_equal(run->holder, 777);
	assert_string_equal(run->holder_comm, "bash");
	assert_int_equal(run->norphans, 0);
	assert_string_equal(run->rundir, "");

	run = run_named(&l, ID_MOUNTED);
	assert_true(run->mounted);
	assert_int_equal(run->ngroups, 0);
	assert_path(run->rundir, "/var/tmp/poof/" ID_MOUNTED);
	assert_int_equal(run->holder, 0);

	assert_int_equal(l.nskipped, 1);
	assert_path(l.skipped[0], "/sys/fs/cgroup/poof-notarun");
	assert_int_equal(l.scopes_error, 0);
	leftovers_free(&l);

	/* --all: a poof-* group that is no run id is cleaned too. */
	assert_int_equal(leftovers_find(fake_root, true, &l), 0);
	assert_int_equal(l.nruns, 4);
	assert_int_equal(run_named(&l, "notarun")->ngroups, 1);
	assert_int_equal(l.nskipped, 0);
	leftovers_free(&l);
}

/* A tree without the mount table: the step that failed is named. */
static void test_fake_tree_broken(void **state)
{
	char path[PATH_MAX];
	struct leftovers l;

	(void)state;
	snprintf(path, sizeof(path), "%s/nothing-here", fake_root);
	assert_true(leftovers_find(path, false, &l) < 0);
	assert_int_equal(l.failed_step, LEFTOVERS_STEP_LAYOUT);
	leftovers_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_run_id),	cmocka_unit_test(test_scope_run_id),
		cmocka_unit_test(test_id_too_long),	cmocka_unit_test(test_is_worker),
		cmocka_unit_test(test_supervisor_leaf),
	};
	const struct CMUnitTest tree_tests[] = {
		cmocka_unit_test(test_fake_tree),
		cmocka_unit_test(test_fake_tree_broken),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	return failed + cmocka_run_group_tests(tree_tests, make_fake_tree, remove_fake_tree);
}
