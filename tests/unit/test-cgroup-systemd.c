// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The systemd manager's logic that needs no systemd: the scope's name, what
 * systemd's errors and job results mean, why the manager is refused and the
 * fix named, and the probe's answer when PID 1 is systemd but no bus
 * answers (a fake root and bus addresses that lead nowhere).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake-tree.h"

#include "cgroups/manager.h"
#include "cgroups/systemd.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"

static void test_scope_name(void **state)
{
	char buf[64], tiny[12];

	(void)state;
	assert_int_equal(cg_systemd_scope_name("20240101-0a1b", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "poof-20240101-0a1b.scope");
	assert_int_equal(cg_systemd_scope_name("20240101-0a1b", tiny, sizeof(tiny)), -ENAMETOOLONG);
}

static void test_bus_errors(void **state)
{
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "org.freedesktop.systemd1.UnitExists", -EEXIST },
		{ "org.freedesktop.systemd1.NoSuchUnit", -ENOENT },
		{ "org.freedesktop.DBus.Error.AccessDenied", -EACCES },
		{ "org.freedesktop.DBus.Error.ServiceUnknown", -ECONNREFUSED },
		{ "org.freedesktop.DBus.Error.NoReply", -ETIMEDOUT },
		{ "org.freedesktop.DBus.Error.UnknownProperty", -EINVAL },
		{ "org.freedesktop.DBus.Error.InvalidArgs", -EINVAL },
		{ "org.example.Unknown", -EPROTO },
		{ NULL, -EPROTO },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (cg_systemd_bus_error_errno(cases[i].name, -EPROTO) != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].name ? cases[i].name : "NULL",
				 cg_systemd_bus_error_errno(cases[i].name, -EPROTO), cases[i].want);
}

static void test_job_results(void **state)
{
	(void)state;
	assert_int_equal(cg_systemd_job_result_errno("done"), 0);
	assert_int_equal(cg_systemd_job_result_errno("canceled"), -ECANCELED);
	assert_int_equal(cg_systemd_job_result_errno("timeout"), -ETIMEDOUT);
	assert_int_equal(cg_systemd_job_result_errno("failed"), -EIO);
	assert_int_equal(cg_systemd_job_result_errno("dependency"), -ENOLINK);
	assert_int_equal(cg_systemd_job_result_errno("something new"), -EIO);
	assert_int_equal(cg_systemd_job_result_errno(NULL), -EIO);
}

static const struct cg_layout v2 = {
	.version = CG_VERSION_V2,
	.v2_mount = "/sys/fs/cgroup",
	.self_v2 = "/system.slice/x.service",
	.v2_memory = true,
};

static const struct cg_layout hybrid = {
	.version = CG_VERSION_HYBRID,
	.v2_mount = "/sys/fs/cgroup/unified",
	.v1_memory_mount = "/sys/fs/cgroup/memory",
	.self_v2 = "/",
	.self_v1_memory = "/",
};

static void test_refusal(void **state)
{
	static const struct {
		const char *what;
		int probe;
		const struct cg_layout *layout;
		const char *why_has, *fix_has;
	} cases[] = {
		{ "usable", 0, &v2, NULL, NULL },
		{ "built without libsystemd", -ENOTSUP, &v2, "without sd-bus",
		  "-Dsystemd=enabled" },
		{ "PID 1 is not systemd", -EHOSTDOWN, &v2, "PID 1 is not systemd",
		  "-o cgroup=auto" },
		{ "no bus socket", -ENOENT, &v2, "did not answer", "dbus.socket" },
		{ "bus timed out", -ETIMEDOUT, &v2, "did not answer", "-o cgroup=auto" },
		{ "hybrid host", 0, &hybrid, "unified (v2)", "-o cgroup=v1" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *fix = "unset";
		const char *why = cg_systemd_refusal(cases[i].probe, cases[i].layout, &fix);

		if (!cases[i].why_has) {
			if (why || fix)
				fail_msg("%s: refused: %s", cases[i].what,
					 why ? why : "(fix only)");
			continue;
		}
		if (!why || !strstr(why, cases[i].why_has))
			fail_msg("%s: why '%s' lacks '%s'", cases[i].what, why ? why : "",
				 cases[i].why_has);
		if (!fix || !strstr(fix, cases[i].fix_has))
			fail_msg("%s: fix '%s' lacks '%s'", cases[i].what, fix ? fix : "",
				 cases[i].fix_has);
	}
}

/* Not systemd: no bus is touched. systemd without a bus: the bus's error. */
static void test_probe(void **state)
{
	char root[PATH_MAX];

	(void)state;
	fake_tree_make(root, sizeof(root), "sd");
	assert_int_equal(cg_systemd_probe(root, NSEC_PER_SEC),
			 HAVE_SYSTEMD ? -EHOSTDOWN : -ENOTSUP);
	fake_tree_mkdir(root, "/run/systemd/system");
	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/poof-test-bus", 1);
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/poof-test-bus", 1);
	assert_int_equal(cg_systemd_probe(root, NSEC_PER_SEC), HAVE_SYSTEMD ? -ENOENT : -ENOTSUP);
	assert_int_equal(fake_tree_remove(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_name),  cmocka_unit_test(test_bus_errors),
		cmocka_unit_test(test_job_results), cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
