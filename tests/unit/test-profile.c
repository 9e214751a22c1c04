// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Profiles: the bundled ones load, every mistake is reported with its file,
 * line and key, overrides win over the profile, and plan_print reads back.
 */
#include <errno.h>
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

#include "profiles/profile.h"
#include "shared/macro.h"

#define SEC NSEC_PER_SEC
#define MSEC NSEC_PER_MSEC

struct tmp_profile {
	char path[PLAN_PATH_MAX];
};

static void tmp_profile_write(struct tmp_profile *t, const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(t->path, sizeof(t->path), "%s/poof-test-XXXXXX.ini", dir && *dir ? dir : "/tmp");
	fd = mkstemps(t->path, strlen(".ini"));
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Load text as a profile file; the file is gone again on return. */
static int load_text(const char *text, struct plan *plan, struct profile_error *err, char *ret_path,
		     size_t len)
{
	struct tmp_profile t;
	int r;

	tmp_profile_write(&t, text);
	r = profile_load(t.path, plan, err);
	unlink(t.path);
	if (ret_path)
		snprintf(ret_path, len, "%s", t.path);
	return r;
}

static void test_bundled_profiles_load(void **state)
{
	(void)state;
	assert_true(n_bundled_profiles >= 2);
	for (unsigned i = 0; i < n_bundled_profiles; i++) {
		struct profile_error err = { 0 };
		struct plan plan;
		int r = profile_load(bundled_profiles[i].name, &plan, &err);

		if (r < 0)
			print_message("%s:%u: %s: %s\n", err.file, err.line, err.key, err.message);
		assert_int_equal(r, 0);
		assert_int_equal(plan_validate(&plan, &err), 0);
		assert_string_equal(plan.profile, bundled_profiles[i].name);
		assert_string_equal(plan.profile_path, "");
		/* each opens with a comment saying what it stresses */
		assert_true(bundled_profiles[i].text[0] == '#');
	}
}

static void test_smoke_settings(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(profile_load("smoke", &plan, &err), 0);
	assert_true(plan.duration_ns == 4 * SEC);
	assert_true(plan.kill_writers_ns == 700 * MSEC);
	assert_int_equal(plan.ngroups, 1);
	assert_string_equal(plan.groups[0].name, "main");
	assert_int_equal(plan.groups[0].count, 2);
	assert_int_equal(plan.groups[0].files, 2);
	assert_true(plan.groups[0].file_size == 2 << 20);
	assert_int_equal(plan.groups[0].fsync, FSYNC_EVERY);
	assert_int_equal(plan.groups[0].fsync_every, 32);
}

static void test_tight_container_settings(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(profile_load("tight-container", &plan, &err), 0);
	assert_true(plan.duration_ns == 60 * SEC);
	assert_true(plan.kill_writers_ns == 2 * SEC);
	assert_int_equal(plan.ngroups, 1);
	assert_int_equal(plan.groups[0].count, 4);
	assert_true(plan.groups[0].file_size == 8 << 20);
	assert_int_equal(plan.groups[0].fsync, FSYNC_EVERY);
	assert_int_equal(plan.groups[0].fsync_every, 64);
}

static void check_defaults(const struct plan *p)
{
	const struct writer_group *g = &p->groups[0];

	assert_true(p->duration_ns == 10 * SEC);
	assert_true(p->seed == 0);
	assert_true(p->kill_writers_ns == 0);
	assert_int_equal(p->cgroup, CGROUP_NONE);
	assert_int_equal(p->scratch_fs, SCRATCH_EXT4);
	assert_true(p->scratch_size == 0);
	assert_int_equal(p->keep, KEEP_ON_LOSS);
	assert_true(p->remount);
	assert_false(p->strict_errors);
	assert_int_equal(p->report_losses, 20);
	assert_true(p->stop_timeout_ns == 10 * SEC);
	assert_int_equal(p->ngroups, 1);
	assert_string_equal(g->name, "main");
	assert_int_equal(g->count, 2);
	assert_int_equal(g->files, 2);
	assert_true(g->file_size == 4 << 20);
	assert_int_equal(g->block_size, 4096);
	assert_int_equal(g->engine, ENGINE_PWRITE);
	assert_int_equal(g->fsync, FSYNC_EVERY);
	assert_int_equal(g->fsync_every, 64);
	assert_int_equal(g->order, ORDER_SEQUENTIAL);
	assert_int_equal(g->passes, 0);
}

static void test_defaults(void **state)
{
	static const char *const texts[] = { "", "[run]\n", "# nothing but a comment\n" };
	struct profile_error err;
	struct plan plan;
	char path[PLAN_PATH_MAX], name[PLAN_PATH_MAX];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(texts); i++) {
		assert_int_equal(load_text(texts[i], &plan, &err, path, sizeof(path)), 0);
		check_defaults(&plan);
		assert_string_equal(plan.profile_path, path);
		/* the profile is named after the file, without ".ini" */
		snprintf(name, sizeof(name), "%s", strrchr(path, '/') + 1);
		name[strlen(name) - 4] = '\0';
		assert_string_equal(plan.profile, name);
	}
}

/* [run] defaults reach groups declared before [run]; groups keep file order. */
static void test_section_order(void **state)
{
	static const char text[] = "[writer big]\n"
				   "file-size = 64M\n"
				   "[writer small]\n"
				   "; a comment\n"
				   "# another\n"
				   "  fsync = fdatasync   ; inline comment\n"
				   "  order = random # inline comment\n"
				   "[run]\n"
				   "files = 3\n"
				   "block-size = 64K\n"
				   "duration = 1m\n";
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
	assert_true(plan.duration_ns == 60 * SEC);
	assert_int_equal(plan.ngroups, 2);
	assert_string_equal(plan.groups[0].name, "big");
	assert_string_equal(plan.groups[1].name, "small");
	assert_true(plan.groups[0].file_size == 64 << 20);
	assert_true(plan.groups[1].file_size == 4 << 20);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(plan.groups[i].files, 3);
		assert_int_equal(plan.groups[i].block_size, 65536);
	}
	assert_int_equal(plan.groups[0].fsync, FSYNC_EVERY);
	assert_int_equal(plan.groups[1].fsync, FSYNC_FDATASYNC);
	assert_int_equal(plan.groups[1].fsync_every, 16);
	assert_int_equal(plan.groups[1].order, ORDER_RANDOM);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

static void test_value_forms(void **state)
{
	static const struct {
		const char *line;
		enum fsync_policy fsync;
		uint32_t every;
		uint32_t block_size;
	} cases[] = {
		{ "fsync = none", FSYNC_NONE, 0, 4096 },
		{ "fsync = end", FSYNC_END, 0, 4096 },
		{ "fsync = every=1", FSYNC_EVERY, 1, 4096 },
		{ "fsync = every=1000000", FSYNC_EVERY, 1000000, 4096 },
		{ "fsync = fdatasync=8", FSYNC_FDATASYNC, 8, 4096 },
		{ "fsync = sync_file_range", FSYNC_SYNC_RANGE, 16, 4096 },
		{ "fsync = sync_file_range=3", FSYNC_SYNC_RANGE, 3, 4096 },
		{ "block-size = 512", FSYNC_EVERY, 64, 512 },
		{ "block-size = 1M", FSYNC_EVERY, 64, 1 << 20 },
		{ "block-size = 64k", FSYNC_EVERY, 64, 65536 },
	};
	struct profile_error err;
	struct plan plan;
	char text[200];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), "[writer w]\n%s\n", cases[i].line);
		assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
		assert_int_equal(plan.groups[0].fsync, cases[i].fsync);
		assert_int_equal(plan.groups[0].fsync_every, cases[i].every);
		assert_int_equal(plan.groups[0].block_size, cases[i].block_size);
	}
}

static void test_run_value_forms(void **state)
{
	static const char text[] = "[run]\n"
				   "kill-writers = 0\n"
				   "seed = 18446744073709551615\n"
				   "scratch-size = 64M\n"
				   "scratch-fs = btrfs\n"
				   "keep = never\n"
				   "remount = off\n"
				   "strict-errors = true\n"
				   "report-losses = 100000\n"
				   "stop-timeout = 250ms\n"
				   "engine = write\n"
				   "passes = 3\n";
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
	assert_true(plan.kill_writers_ns == 0);
	assert_true(plan.seed == UINT64_MAX);
	assert_true(plan.scratch_size == 64 << 20);
	assert_int_equal(plan.scratch_fs, SCRATCH_BTRFS);
	assert_int_equal(plan.keep, KEEP_NEVER);
	assert_false(plan.remount);
	assert_true(plan.strict_errors);
	assert_int_equal(plan.report_losses, 100000);
	assert_true(plan.stop_timeout_ns == 250 * MSEC);
	assert_int_equal(plan.groups[0].engine, ENGINE_WRITE);
	assert_int_equal(plan.groups[0].passes, 3);
}

struct bad_profile {
	const char *what;
	const char *text;
	unsigned line;
	const char *key;
	const char *message; /* a part of the message */
};

static const struct bad_profile bad_profiles[] = {
	{ "unknown key", "[run]\nduration = 4s\nbogus = 1\n", 3, "run.bogus", "unknown key" },
	{ "bad size", "[run]\n\n# the size\nfile-size = banana\n", 4, "run.file-size",
	  "bad value \"banana\" for file-size: expected a size like 4096, 64K, 32M, 1G" },
	{ "bad size suffix", "[writer a]\nfile-size = 12Q\n", 2, "writer a.file-size", "\"12Q\"" },
	{ "bad duration", "[run]\nduration = 10 parsecs\n", 2, "run.duration",
	  "bad value \"10 parsecs\" for duration" },
	{ "zero duration", "[run]\nduration = 0\n", 2, "run.duration", "above 0" },
	{ "bad fsync", "[writer main]\nfsync = sometimes\n", 2, "writer main.fsync", "every=N" },
	{ "fsync every without N", "[writer main]\nfsync = every\n", 2, "writer main.fsync",
	  "\"every\"" },
	{ "fsync N zero", "[run]\nfsync = every=0\n", 2, "run.fsync", "1 to 1000000" },
	{ "fsync N too big", "[run]\nfsync = fdatasync=1000001\n", 2, "run.fsync", "fsync" },
	{ "fsync none with N", "[run]\nfsync = none=3\n", 2, "run.fsync", "fsync" },
	{ "run-only key in writer", "[writer main]\nwriters = 3\nduration = 5s\n", 3,
	  "writer main.duration", "[run] key" },
	{ "duplicate key", "[run]\nseed = 1\n\nseed = 2\n", 4, "run.seed", "line 2" },
	{ "duplicate key in writer", "[writer a]\nfiles = 1\nfiles = 2\n", 3, "writer a.files",
	  "duplicate" },
	{ "unknown section", "[run]\nseed = 1\n[bogus]\n", 3, "bogus", "unknown section" },
	{ "writer without name", "[run]\n[writer]\nfiles = 1\n", 2, "writer", "NAME" },
	{ "bad group name", "[writer a.b]\n", 1, "writer", "group name" },
	{ "duplicate group", "[writer a]\n[writer b]\n[writer a]\n", 3, "writer", "line 1" },
	{ "duplicate [run]", "[run]\n[run]\n", 2, "run", "line 1" },
	{ "key outside a section", "seed = 1\n[run]\n", 1, "seed", "outside" },
	{ "syntax error", "[run]\nseed = 1\nthis is no key\n", 3, "", "syntax" },
	{ "unclosed section", "[run]\n[writer a\n", 2, "", "syntax" },
	{ "block-size 3000", "[writer main]\nblock-size = 3000\n", 2, "writer main.block-size",
	  "power of two" },
	{ "block-size too big", "[run]\nblock-size = 2M\n", 2, "run.block-size", "512 to 1M" },
	{ "block-size too small", "[run]\nblock-size = 256\n", 2, "run.block-size", "512" },
	{ "file-size not a multiple", "[writer main]\nblock-size = 4K\nfile-size = 6K\n", 3,
	  "writer main.file-size", "not a multiple of block-size 4K" },
	{ "file-size in [run] not a multiple", "[run]\nfile-size = 5000\n[writer a]\n", 2,
	  "run.file-size", "not a multiple" },
	{ "block-size in group too big for file",
	  "[run]\nfile-size = 8K\n[writer a]\n"
	  "block-size = 16K\n",
	  4, "writer a.block-size", "smaller than one block" },
	{ "writers out of range", "[run]\nwriters = 1025\n", 2, "run.writers", "1 to 1024" },
	{ "files zero", "[run]\nfiles = 0\n", 2, "run.files", "1 to 65536" },
	{ "report-losses too big", "[run]\nreport-losses = 100001\n", 2, "run.report-losses",
	  "0 to 100000" },
	{ "cgroup", "[run]\ncgroup = systemd\n", 2, "run.cgroup", "expected none" },
	{ "scratch-fs", "[run]\nscratch-fs = zfs\n", 2, "run.scratch-fs", "ext4, xfs or btrfs" },
	{ "scratch-size too small", "[run]\nscratch-size = 32M\n", 2, "run.scratch-size", "64M" },
	{ "bad bool", "[run]\nremount = perhaps\n", 2, "run.remount", "yes or no" },
	{ "bad engine", "[writer x]\nengine = mmap\n", 2, "writer x.engine", "pwrite or write" },
	{ "bad order", "[writer x]\norder = backwards\n", 2, "writer x.order", "sequential" },
	{ "long line",
	  "[run]\nseed = "
	  "1111111111111111111111111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111111111111111111111111111111111111111111111111111\n",
	  2, "", "longer than" },
};

static void check_bad_profile(const struct bad_profile *b)
{
	struct profile_error err;
	struct plan plan;
	char path[PLAN_PATH_MAX];
	int r;

	r = load_text(b->text, &plan, &err, path, sizeof(path));
	if (r != -EINVAL || err.line != b->line || strcmp(err.key, b->key) != 0 ||
	    !strstr(err.message, b->message))
		print_message("%s: %s:%u: %s: %s\n", b->what, err.file, err.line, err.key,
			      err.message);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, b->line);
	assert_string_equal(err.key, b->key);
	assert_non_null(strstr(err.message, b->message));
}

static void test_bad_profiles(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(bad_profiles); i++)
		check_bad_profile(&bad_profiles[i]);
}

static void test_too_many_groups(void **state)
{
	struct profile_error err;
	struct plan plan;
	char text[1024] = "[run]\n";
	size_t used = strlen(text);

	(void)state;
	for (unsigned i = 0; i < PLAN_MAX_GROUPS; i++)
		used += snprintf(text + used, sizeof(text) - used, "[writer g%u]\n", i);
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
	assert_int_equal(plan.ngroups, PLAN_MAX_GROUPS);
	snprintf(text + used, sizeof(text) - used, "[writer one-too-many]\n");
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), -EINVAL);
	assert_int_equal(err.line, PLAN_MAX_GROUPS + 2);
	assert_non_null(strstr(err.message, "more than 16"));
}

static void test_unknown_profile(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(profile_load("no-such-profile", &plan, &err), -ENOENT);
	assert_non_null(strstr(err.message, "no-such-profile"));
	assert_non_null(strstr(err.message, "smoke"));
	assert_non_null(strstr(err.message, "tight-container"));
	assert_int_equal(profile_load("/nonexistent/x.ini", &plan, &err), -ENOENT);
	assert_string_equal(err.file, "/nonexistent/x.ini");
	assert_int_equal(profile_load("missing.ini", &plan, &err), -ENOENT);
	assert_string_equal(err.file, "missing.ini");
}

static void load_two_groups(struct plan *plan)
{
	static const char text[] = "[run]\nfiles = 3\n[writer a]\nfiles = 5\n[writer b]\n";
	struct profile_error err;

	assert_int_equal(load_text(text, plan, &err, NULL, 0), 0);
	assert_int_equal(plan->groups[0].files, 5);
	assert_int_equal(plan->groups[1].files, 3);
}

/* The command line wins: a writer key for all groups, writer.NAME.key for one. */
static void test_override_precedence(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	load_two_groups(&plan);
	assert_int_equal(profile_override(&plan, "files=7", &err), 0);
	assert_int_equal(plan.groups[0].files, 7);
	assert_int_equal(plan.groups[1].files, 7);
	assert_int_equal(profile_override(&plan, "writer.b.files=9", &err), 0);
	assert_int_equal(plan.groups[0].files, 7);
	assert_int_equal(plan.groups[1].files, 9);
	assert_int_equal(profile_override(&plan, " duration = 90s ", &err), 0);
	assert_true(plan.duration_ns == 90 * SEC);
	assert_int_equal(profile_override(&plan, "fsync=every=8", &err), 0);
	assert_int_equal(plan.groups[1].fsync_every, 8);
	assert_int_equal(profile_override(&plan, "run.kill-writers=off", &err), 0);
	assert_true(plan.kill_writers_ns == 0);
	assert_int_equal(profile_override(&plan, "writer.a.file-size=8M", &err), 0);
	assert_true(plan.groups[0].file_size == 8 << 20);
	assert_true(plan.groups[1].file_size == 4 << 20);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

static void test_override_errors(void **state)
{
	static const struct {
		const char *assignment;
		const char *key;
		const char *message;
	} cases[] = {
		{ "writer.nope.files=1", "writer.nope.files", "groups: a, b" },
		{ "duration", "duration", "missing '='" },
		{ "=5", "", "empty key" },
		{ "bogus=1", "bogus", "unknown key" },
		{ "file-size=banana", "file-size", "bad value \"banana\" for file-size" },
		{ "writer.a.duration=5s", "writer.a.duration", "[run] key" },
		{ "writer.a=5", "writer.a", "writer.NAME.KEY" },
		{ "writer.a.bogus=1", "writer.a.bogus", "unknown key" },
		{ "seed=", "seed", "bad value \"\"" },
	};
	struct profile_error err;
	struct plan plan, before;

	(void)state;
	load_two_groups(&plan);
	before = plan;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = profile_override(&plan, cases[i].assignment, &err);

		if (r != -EINVAL || strcmp(err.key, cases[i].key) != 0 ||
		    !strstr(err.message, cases[i].message))
			print_message("%s: %s: %s\n", cases[i].assignment, err.key, err.message);
		assert_int_equal(r, -EINVAL);
		assert_string_equal(err.file, "-o");
		assert_int_equal(err.line, 0);
		assert_string_equal(err.key, cases[i].key);
		assert_non_null(strstr(err.message, cases[i].message));
		assert_memory_equal(&plan, &before, sizeof(plan));
	}
}

static void test_validate(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	load_two_groups(&plan);
	assert_int_equal(profile_override(&plan, "writer.b.file-size=6K", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_string_equal(err.key, "writer b.file-size");
	assert_non_null(strstr(err.message, "multiple"));

	load_two_groups(&plan);
	assert_int_equal(profile_override(&plan, "writers=600", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "1200 writers"));

	load_two_groups(&plan);
	assert_int_equal(profile_override(&plan, "writers=1000", &err), 0);
	assert_int_equal(profile_override(&plan, "writer.b.writers=1", &err), 0);
	assert_int_equal(profile_override(&plan, "files=70", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "70070 files"));

	load_two_groups(&plan);
	assert_int_equal(profile_override(&plan, "block-size=512", &err), 0);
	assert_int_equal(profile_override(&plan, "file-size=1T", &err), 0);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "2^31"));

	load_two_groups(&plan);
	plan.groups[1].fsync_every = 0;
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_string_equal(err.key, "writer b.fsync");

	load_two_groups(&plan);
	plan.duration_ns = 0;
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_string_equal(err.key, "run.duration");
}

static void assert_groups_equal(const struct writer_group *a, const struct writer_group *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->files, b->files);
	assert_true(a->file_size == b->file_size);
	assert_int_equal(a->block_size, b->block_size);
	assert_int_equal(a->engine, b->engine);
	assert_int_equal(a->fsync, b->fsync);
	assert_int_equal(a->fsync_every, b->fsync_every);
	assert_int_equal(a->order, b->order);
	assert_int_equal(a->passes, b->passes);
}

static void assert_plans_equal(const struct plan *a, const struct plan *b)
{
	assert_true(a->duration_ns == b->duration_ns);
	assert_true(a->seed == b->seed);
	assert_true(a->kill_writers_ns == b->kill_writers_ns);
	assert_int_equal(a->cgroup, b->cgroup);
	assert_int_equal(a->scratch_fs, b->scratch_fs);
	assert_true(a->scratch_size == b->scratch_size);
	assert_int_equal(a->keep, b->keep);
	assert_int_equal(a->remount, b->remount);
	assert_int_equal(a->strict_errors, b->strict_errors);
	assert_int_equal(a->report_losses, b->report_losses);
	assert_true(a->stop_timeout_ns == b->stop_timeout_ns);
	assert_int_equal(a->ngroups, b->ngroups);
	for (unsigned i = 0; i < a->ngroups; i++)
		assert_groups_equal(&a->groups[i], &b->groups[i]);
}

static void check_round_trip(const struct plan *plan)
{
	_cleanup_free_ char *text = NULL;
	struct profile_error err;
	struct plan back;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	plan_print(plan, f);
	assert_int_equal(fclose(f), 0);
	if (load_text(text, &back, &err, NULL, 0) < 0)
		print_message("%s\n%u: %s: %s\n", text, err.line, err.key, err.message);
	assert_int_equal(load_text(text, &back, &err, NULL, 0), 0);
	assert_plans_equal(plan, &back);
}

static void test_print_round_trip(void **state)
{
	static const char *const overrides[] = {
		"seed=12345",
		"kill-writers=1500us",
		"duration=1h",
		"scratch-size=65M",
		"scratch-fs=xfs",
		"keep=always",
		"remount=no",
		"strict-errors=yes",
		"report-losses=0",
		"stop-timeout=3ns",
		"writer.a.fsync=end",
		"writer.b.fsync=sync_file_range=5",
		"writer.a.file-size=1536",
		"writer.a.block-size=512",
		"writer.b.engine=write",
		"writer.b.order=random",
		"writer.b.passes=4",
		"writer.a.writers=1",
	};
	struct profile_error err;
	struct plan plan;

	(void)state;
	for (unsigned i = 0; i < n_bundled_profiles; i++) {
		assert_int_equal(profile_load(bundled_profiles[i].name, &plan, &err), 0);
		check_round_trip(&plan);
	}
	load_two_groups(&plan);
	for (unsigned i = 0; i < ARRAY_SIZE(overrides); i++)
		assert_int_equal(profile_override(&plan, overrides[i], &err), 0);
	assert_int_equal(plan_validate(&plan, &err), 0);
	check_round_trip(&plan);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fsync_policy_name(FSYNC_NONE), "none");
	assert_string_equal(fsync_policy_name(FSYNC_EVERY), "every");
	assert_string_equal(fsync_policy_name(FSYNC_END), "end");
	assert_string_equal(fsync_policy_name(FSYNC_FDATASYNC), "fdatasync");
	assert_string_equal(fsync_policy_name(FSYNC_SYNC_RANGE), "sync_file_range");
	assert_string_equal(write_order_name(ORDER_RANDOM), "random");
	assert_string_equal(engine_kind_name(ENGINE_WRITE), "write");
	assert_string_equal(engine_kind_name(_ENGINE_MAX), "unknown");
	assert_string_equal(scratch_fs_name(SCRATCH_BTRFS), "btrfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled_profiles_load),
		cmocka_unit_test(test_smoke_settings),
		cmocka_unit_test(test_tight_container_settings),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_section_order),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_run_value_forms),
		cmocka_unit_test(test_bad_profiles),
		cmocka_unit_test(test_too_many_groups),
		cmocka_unit_test(test_unknown_profile),
		cmocka_unit_test(test_override_precedence),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
