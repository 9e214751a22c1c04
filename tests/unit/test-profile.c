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
#define MIB (1ULL << 20)
#define UNLIM PLAN_UNLIMITED

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
	assert_true(plan.kill_writers_ns == 0); /* the OOM killer does it */
	assert_int_equal(plan.cgroup, CG_MANAGER_AUTO);
	assert_true(plan.expect_oom);
	/* One container at memory.max=32M, swap 0: the definition. */
	assert_int_equal(plan.ncontainers, 1);
	assert_true(plan.containers[0].memory_max == 32 << 20);
	assert_true(plan.containers[0].swap_max == 0);
	assert_int_equal(plan.containers[0].count, 1);
	/* Four buffered writers with periodic fsync, in it. */
	assert_int_equal(plan.ngroups, 1);
	assert_int_equal(plan.groups[0].count, 4);
	assert_string_equal(plan.groups[0].container, "box");
	assert_true(plan.groups[0].file_size == 8 << 20);
	assert_int_equal(plan.groups[0].fsync, FSYNC_EVERY);
	assert_int_equal(plan.groups[0].fsync_every, 64);
	/* One anonymous hog, in it. */
	assert_int_equal(plan.nhogs, 1);
	assert_int_equal(plan.hogs[0].kind, HOG_ANON);
	assert_string_equal(plan.hogs[0].container, "box");
	assert_true(plan.hogs[0].size == 64 << 20);
}

static void test_oom_storm_settings(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(profile_load("oom-storm", &plan, &err), 0);
	assert_true(plan.duration_ns == 60 * SEC);
	assert_int_equal(plan.cgroup, CG_MANAGER_AUTO);
	assert_true(plan.expect_oom);
	/* Eight replicas of one 16 MiB container without swap. */
	assert_int_equal(plan.ncontainers, 1);
	assert_int_equal(plan.containers[0].count, 8);
	assert_true(plan.containers[0].memory_max == 16 << 20);
	assert_true(plan.containers[0].swap_max == 0);
	/* One writer and one small anonymous hog in each. */
	assert_int_equal(plan.ngroups, 1);
	assert_int_equal(plan.groups[0].count, 1);
	assert_string_equal(plan.groups[0].container, plan.containers[0].name);
	assert_int_equal(plan.nhogs, 1);
	assert_int_equal(plan.hogs[0].kind, HOG_ANON);
	assert_int_equal(plan.hogs[0].count, 1);
	assert_string_equal(plan.hogs[0].container, plan.containers[0].name);
	assert_true(plan.hogs[0].size <= 16 << 20);
	/* The writer totals count once per replica and stay within limits. */
	assert_int_equal(plan_validate(&plan, &err), 0);
}

/* The engine profiles: every writer in the one tight container, through its engine. */
static void test_engine_profiles(void **state)
{
	static const struct {
		const char *name;
		enum engine_kind engine;
	} cases[] = { { "io-uring", ENGINE_IO_URING }, { "mmap", ENGINE_MMAP } };
	struct profile_error err;
	struct plan plan;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(profile_load(cases[i].name, &plan, &err), 0);
		assert_true(plan.expect_oom);
		assert_int_equal(plan.ncontainers, 1);
		assert_true(plan.containers[0].memory_max == 32 << 20);
		assert_int_equal(plan.ngroups, 1);
		assert_int_equal(plan.groups[0].engine, cases[i].engine);
		assert_string_equal(plan.groups[0].container, plan.containers[0].name);
		assert_int_equal(plan_validate(&plan, &err), 0);
	}
	assert_int_equal(profile_load("io-uring", &plan, &err), 0);
	assert_int_equal(plan.groups[0].queue_depth, 64);
	assert_int_equal(profile_load("mmap", &plan, &err), 0);
	assert_int_equal(plan.groups[0].mmap_flush, MMAP_FLUSH_MSYNC);
}

/* fsync-storm: fsync, fdatasync through a ring and sync_file_range, all often, all squeezed. */
static void test_fsync_storm_settings(void **state)
{
	struct profile_error err;
	struct plan plan;
	unsigned policies = 0;

	(void)state;
	assert_int_equal(profile_load("fsync-storm", &plan, &err), 0);
	assert_true(plan.expect_oom);
	assert_int_equal(plan.ncontainers, 1);
	assert_int_equal(plan.nhogs, 1);
	for (unsigned i = 0; i < plan.ngroups; i++) {
		assert_string_equal(plan.groups[i].container, plan.containers[0].name);
		assert_true(plan.groups[i].fsync_every <= 8);
		policies |= 1u << plan.groups[i].fsync;
		if (plan.groups[i].fsync == FSYNC_FDATASYNC)
			assert_int_equal(plan.groups[i].engine, ENGINE_IO_URING);
	}
	assert_int_equal(policies,
			 1u << FSYNC_EVERY | 1u << FSYNC_FDATASYNC | 1u << FSYNC_SYNC_RANGE);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

static void test_kmem_squeeze_settings(void **state)
{
	struct profile_error err;
	struct plan plan;
	bool kmem = false, anon = false;

	(void)state;
	assert_int_equal(profile_load("kmem-squeeze", &plan, &err), 0);
	assert_true(plan.expect_oom);
	assert_int_equal(plan.ncontainers, 1);
	assert_int_equal(plan.containers[0].count, 1);
	assert_true(plan.containers[0].memory_max == 48 << 20);
	assert_true(plan.containers[0].swap_max == 0);
	assert_true(plan.ngroups >= 1);
	assert_string_equal(plan.groups[0].container, plan.containers[0].name);
	/* Metadata churn with many files alive, and a small anonymous hog. */
	assert_int_equal(plan.nhogs, 2);
	for (unsigned i = 0; i < plan.nhogs; i++) {
		assert_string_equal(plan.hogs[i].container, plan.containers[0].name);
		if (plan.hogs[i].kind == HOG_KMEM) {
			kmem = true;
			assert_true(plan.hogs[i].files == 200000);
		} else if (plan.hogs[i].kind == HOG_ANON) {
			anon = true;
			assert_true(plan.hogs[i].size < plan.containers[0].memory_max);
		}
	}
	assert_true(kmem && anon);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

static void test_no_victim_settings(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(profile_load("no-victim", &plan, &err), 0);
	/* Nothing can be killed, so no OOM kill is expected. */
	assert_false(plan.expect_oom);
	assert_int_equal(plan.kill_writers_ns, 0);
	assert_int_equal(plan.ncontainers, 1);
	assert_int_equal(plan.containers[0].count, 1);
	assert_true(plan.containers[0].oom_immune);
	assert_false(plan.containers[0].oom_group);
	assert_true(plan.containers[0].memory_max == 32 << 20);
	assert_true(plan.containers[0].swap_max == 0);
	assert_int_equal(plan.ngroups, 1);
	assert_string_equal(plan.groups[0].container, plan.containers[0].name);
	/* An anonymous hog that holds the container at its limit. */
	assert_int_equal(plan.nhogs, 1);
	assert_int_equal(plan.hogs[0].kind, HOG_ANON);
	assert_false(plan.hogs[0].cycle);
	assert_true(plan.hogs[0].size == plan.containers[0].memory_max);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

static void check_defaults(const struct plan *p)
{
	const struct writer_group *g = &p->groups[0];

	assert_true(p->duration_ns == 10 * SEC);
	assert_true(p->seed == 0);
	assert_true(p->kill_writers_ns == 0);
	assert_int_equal(p->cgroup, CG_MANAGER_NONE);
	assert_int_equal(p->scratch_fs, SCRATCH_EXT4);
	assert_true(p->scratch_size == 0);
	assert_int_equal(p->keep, KEEP_ON_LOSS);
	assert_true(p->remount);
	assert_false(p->strict_errors);
	assert_int_equal(p->report_losses, 20);
	assert_true(p->stop_timeout_ns == 10 * SEC);
	assert_false(p->expect_oom);
	assert_int_equal(p->ncontainers, 0);
	assert_int_equal(p->nhogs, 0);
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
	assert_string_equal(g->container, "");
}

static void test_defaults(void **state)
{
	static const char *const texts[] = { "[run]\n", "# defaults\n[run]\n\n" };
	static const char *const empty[] = { "", "# nothing but a comment\n", "\n\n" };
	struct profile_error err;
	struct plan plan;
	char path[PLAN_PATH_MAX], name[PLAN_PATH_MAX];

	(void)state;
	/* A file with no section would run the defaults without a word: refused. */
	for (unsigned i = 0; i < ARRAY_SIZE(empty); i++) {
		assert_int_equal(load_text(empty[i], &plan, &err, path, sizeof(path)), -EINVAL);
		assert_non_null(strstr(err.message, "the profile is empty"));
		assert_int_equal(err.line, 0);
	}
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

#define CGROUP_NEEDED \
	"containers need a cgroup manager: set cgroup = auto (or cgroupfs, systemd, v1)"
/* Lines 1 to 5; a hog's own keys follow from line 6. */
#define HOG_PROFILE "[run]\ncgroup = auto\n[container c]\n[hog h]\ncontainer = c\n"

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
	{ "unknown section", "[run]\nseed = 1\n[bogus]\n", 3, "bogus",
	  "expected [run], [container NAME], [writer NAME] or [hog NAME]" },
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
	{ "cgroup", "[run]\ncgroup = cgroupv3\n", 2, "run.cgroup",
	  "expected none, auto, cgroupfs, systemd or v1" },
	{ "scratch-fs", "[run]\nscratch-fs = zfs\n", 2, "run.scratch-fs", "ext4, xfs or btrfs" },
	{ "scratch-size too small", "[run]\nscratch-size = 32M\n", 2, "run.scratch-size", "64M" },
	{ "bad bool", "[run]\nremount = perhaps\n", 2, "run.remount", "yes or no" },
	{ "bad engine", "[writer x]\nengine = aio\n", 2, "writer x.engine",
	  "pwrite, write, io_uring or mmap" },
	{ "bad mmap-flush", "[writer x]\nmmap-flush = munmap\n", 2, "writer x.mmap-flush",
	  "msync or fsync" },
	{ "queue-depth zero", "[writer x]\nqueue-depth = 0\n", 2, "writer x.queue-depth",
	  "1 to 256" },
	{ "queue-depth too deep", "[run]\nqueue-depth = 257\n", 2, "run.queue-depth", "1 to 256" },
	{ "bad order", "[writer x]\norder = backwards\n", 2, "writer x.order", "sequential" },
	{ "long line",
	  "[run]\nseed = "
	  "1111111111111111111111111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111111111111111111111111111111111111111111111111111\n",
	  2, "", "longer than" }, /* [container NAME] */
	{ "container without name", "[container]\n", 1, "container", "[container NAME]" },
	{ "bad container name", "[container a.b]\n", 1, "container", "bad container name" },
	{ "duplicate container", "[container a]\n[writer a]\n[container a]\n", 3, "container",
	  "duplicate container [container a] (first on line 1)" },
	{ "container count 0", "[container c]\ncount = 0\n", 2, "container c.count", "1 to 64" },
	{ "container count 65", "[container c]\ncount = 65\n", 2, "container c.count", "1 to 64" },
	{ "memory-max below 1M", "[container c]\nmemory-max = 1023K\n", 2, "container c.memory-max",
	  "at least 1M" },
	{ "memory-max zero", "[container c]\nmemory-max = 0\n", 2, "container c.memory-max",
	  "or max" },
	{ "memory-max percent", "[container c]\nmemory-max = 50%\n", 2, "container c.memory-max",
	  "\"50%\"" },
	{ "memory-high below 1M", "[container c]\nmemory-high = 4K\n", 2, "container c.memory-high",
	  "at least 1M" },
	{ "memory-high above memory-max", "[container c]\nmemory-high = 64M\nmemory-max = 32M\n", 2,
	  "container c.memory-high", "memory-high 64M is above memory-max 32M" },
	{ "swap-max", "[container c]\nswap-max = lots\n", 2, "container c.swap-max", "or max" },
	{ "pids-max 0", "[container c]\npids-max = 0\n", 2, "container c.pids-max", "at least 1" },
	{ "oom-group", "[container c]\noom-group = maybe\n", 2, "container c.oom-group",
	  "yes or no" },
	{ "oom-immune", "[container c]\noom-immune = 2\n", 2, "container c.oom-immune",
	  "yes or no" },
	{ "writer key in container", "[container c]\nfiles = 2\n", 2, "container c.files",
	  "files is a [writer] and [hog] key: it cannot be set in a [container] section" },
	{ "run key in container", "[container c]\nduration = 2s\n", 2, "container c.duration",
	  "[run] key" },
	{ "container key in writer", "[writer w]\nmemory-max = 32M\n", 2, "writer w.memory-max",
	  "memory-max is a [container] key" },
	{ "container key in run", "[run]\noom-group = yes\n", 2, "run.oom-group",
	  "cannot be set in a [run] section" },
	{ "hog key in container", "[container c]\nkind = anon\n", 2, "container c.kind",
	  "[hog] key" },
	{ "container key twice", "[container c]\nswap-max = 0\nswap-max = 1M\n", 3,
	  "container c.swap-max", "duplicate key" },
	/* [hog NAME] */
	{ "hog without name", "[hog]\n", 1, "hog", "[hog NAME]" },
	{ "bad hog name", "[hog a b]\n", 1, "hog", "bad hog name \"a b\"" },
	{ "duplicate hog", "[hog h]\n[container h]\n[hog h]\n", 3, "hog", "line 1" },
	{ "unknown hog key", "[hog h]\nbogus = 1\n", 2, "hog h.bogus",
	  "keys: container, kind, count, size, files, rate, cycle" },
	{ "hog without kind", "[run]\ncgroup = auto\n[container c]\n[hog h]\ncontainer = c\n", 4,
	  "hog h.kind", "needs a kind" },
	{ "bad hog kind", HOG_PROFILE "kind = swap\n", 6, "hog h.kind", "anon, shmem or kmem" },
	{ "hog without container", "[run]\ncgroup = auto\n[container c]\n[hog h]\nkind = anon\n", 4,
	  "hog h.container", "squeeze the whole machine" },
	{ "hog with empty container",
	  "[run]\ncgroup = auto\n[container c]\n[hog h]\nkind = anon\ncontainer =\n", 6,
	  "hog h.container", "needs a container" },
	{ "hog in unknown container",
	  "[run]\ncgroup = auto\n[container c]\n[container d]\n[hog h]\nkind = anon\n"
	  "container = e\n",
	  7, "hog h.container", "no [container e] in the profile; containers: c, d" },
	{ "hog without any container", "[hog h]\nkind = anon\ncontainer = c\n", 3,
	  "hog h.container", "containers: (none)" },
	{ "hog count 0", HOG_PROFILE "kind = anon\ncount = 0\n", 7, "hog h.count", "1 to 64" },
	{ "hog count 65", HOG_PROFILE "kind = anon\ncount = 65\n", 7, "hog h.count", "1 to 64" },
	{ "hog size small", HOG_PROFILE "kind = shmem\nsize = 1K\n", 7, "hog h.size",
	  "at least 4K" },
	{ "hog size for kmem", HOG_PROFILE "size = 1M\nkind = kmem\n", 6, "hog h.size",
	  "size does not apply to kmem hogs, only to anon and shmem hogs" },
	{ "hog files for anon", HOG_PROFILE "kind = anon\nfiles = 10\n", 7, "hog h.files",
	  "files does not apply to anon hogs, only to kmem hogs" },
	{ "hog files 0", HOG_PROFILE "kind = kmem\nfiles = 0\n", 7, "hog h.files",
	  "1 to 10000000" },
	{ "hog files too many", HOG_PROFILE "kind = kmem\nfiles = 10000001\n", 7, "hog h.files",
	  "1 to 10000000" },
	{ "hog rate", HOG_PROFILE "kind = anon\nrate = fast\n", 7, "hog h.rate",
	  "a size per second" },
	{ "hog rate size for kmem", HOG_PROFILE "rate = 16M\nkind = kmem\n", 6, "hog h.rate",
	  "bad value \"16M\"" },
	{ "hog rate per minute", HOG_PROFILE "kind = anon\nrate = 16M/m\n", 7, "hog h.rate",
	  "16M/s" },
	{ "hog cycle", HOG_PROFILE "kind = anon\ncycle = often\n", 7, "hog h.cycle", "yes or no" },
	{ "hog key in writer", "[writer w]\nkind = anon\n", 2, "writer w.kind", "[hog] key" },
	/* placements, cgroup and expect-oom */
	{ "writer in unknown container",
	  "[run]\ncgroup = auto\n[container c]\n[writer w]\ncontainer = d\n", 5,
	  "writer w.container", "no [container d] in the profile; containers: c" },
	{ "bad container value", "[writer w]\ncontainer = a/b\n", 2, "writer w.container",
	  "the name of a [container] section" },
	{ "[run] container unknown", "[run]\ncgroup = auto\ncontainer = d\n[writer w]\n", 3,
	  "run.container", "no [container d]" },
	{ "[run] container unknown, main group", "[run]\ncgroup = auto\ncontainer = d\n", 3,
	  "run.container", "no [container d]" },
	{ "placed writer with cgroup none", "[container c]\n[writer w]\ncontainer = c\n", 3,
	  "writer w.container", CGROUP_NEEDED },
	{ "placed writer with cgroup = none",
	  "[run]\ncgroup = none\n[container c]\n[writer w]\ncontainer = c\n", 2, "run.cgroup",
	  CGROUP_NEEDED },
	{ "[run] container with cgroup none", "[container c]\n[run]\ncontainer = c\n", 3,
	  "run.container", CGROUP_NEEDED },
	{ "hog with cgroup none",
	  "[container c]\n[writer w]\n[hog h]\nkind = anon\ncontainer = c\n", 5, "hog h.container",
	  CGROUP_NEEDED },
	{ "expect-oom without containers", "[run]\nexpect-oom = yes\n", 2, "run.expect-oom",
	  "expect-oom needs a container with a memory-max" },
	{ "expect-oom without memory-max",
	  "[run]\ncgroup = auto\nexpect-oom = yes\n[container c]\nmemory-high = 32M\n", 3,
	  "run.expect-oom", "expect-oom needs a container with a memory-max" },
	{ "expect-oom", "[run]\nexpect-oom = sure\n", 2, "run.expect-oom", "yes or no" },
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
	assert_int_equal(a->file_size_pct, b->file_size_pct);
	assert_int_equal(a->block_size, b->block_size);
	assert_int_equal(a->engine, b->engine);
	assert_int_equal(a->fsync, b->fsync);
	assert_int_equal(a->fsync_every, b->fsync_every);
	assert_int_equal(a->order, b->order);
	assert_int_equal(a->passes, b->passes);
	assert_string_equal(a->container, b->container);
}

static void assert_containers_equal(const struct container_spec *a, const struct container_spec *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->count, b->count);
	assert_true(a->memory_max == b->memory_max);
	assert_true(a->memory_high == b->memory_high);
	assert_int_equal(a->memory_high_pct, b->memory_high_pct);
	assert_true(a->swap_max == b->swap_max);
	assert_true(a->pids_max == b->pids_max);
	assert_int_equal(a->oom_group, b->oom_group);
	assert_int_equal(a->oom_immune, b->oom_immune);
}

static void assert_hogs_equal(const struct hog_spec *a, const struct hog_spec *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->container, b->container);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->count, b->count);
	assert_true(a->size == b->size);
	assert_int_equal(a->size_pct, b->size_pct);
	assert_true(a->files == b->files);
	assert_true(a->rate == b->rate);
	assert_int_equal(a->cycle, b->cycle);
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
	assert_int_equal(a->expect_oom, b->expect_oom);
	assert_int_equal(a->ngroups, b->ngroups);
	for (unsigned i = 0; i < a->ngroups; i++)
		assert_groups_equal(&a->groups[i], &b->groups[i]);
	assert_int_equal(a->ncontainers, b->ncontainers);
	for (unsigned i = 0; i < a->ncontainers; i++)
		assert_containers_equal(&a->containers[i], &b->containers[i]);
	assert_int_equal(a->nhogs, b->nhogs);
	for (unsigned i = 0; i < a->nhogs; i++)
		assert_hogs_equal(&a->hogs[i], &b->hogs[i]);
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

static void test_container_keys(void **state)
{
	static const struct {
		const char *line;
		struct container_spec want; /* name "c" */
	} cases[] = {
		{ "oom-group = no",
		  { .count = 1, .memory_max = UNLIM, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "count = 64",
		  { .count = 64, .memory_max = UNLIM, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "memory-max = 1M",
		  { .count = 1, .memory_max = MIB, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "memory-max = 32m",
		  { .count = 1, .memory_max = 32 * MIB, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "memory-max = 1048576",
		  { .count = 1, .memory_max = MIB, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "memory-max = max",
		  { .count = 1, .memory_max = UNLIM, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "memory-high = 24M",
		  { .count = 1, .memory_max = UNLIM, .memory_high = 24 * MIB, .pids_max = UNLIM } },
		{ "swap-max = max",
		  { .count = 1,
		    .memory_max = UNLIM,
		    .memory_high = UNLIM,
		    .swap_max = UNLIM,
		    .pids_max = UNLIM } },
		{ "swap-max = 64M",
		  { .count = 1,
		    .memory_max = UNLIM,
		    .memory_high = UNLIM,
		    .swap_max = 64 * MIB,
		    .pids_max = UNLIM } },
		{ "swap-max = 0",
		  { .count = 1, .memory_max = UNLIM, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "pids-max = 1",
		  { .count = 1, .memory_max = UNLIM, .memory_high = UNLIM, .pids_max = 1 } },
		{ "pids-max = max",
		  { .count = 1, .memory_max = UNLIM, .memory_high = UNLIM, .pids_max = UNLIM } },
		{ "oom-group = yes",
		  { .count = 1,
		    .memory_max = UNLIM,
		    .memory_high = UNLIM,
		    .pids_max = UNLIM,
		    .oom_group = true } },
		{ "oom-immune = on",
		  { .count = 1,
		    .memory_max = UNLIM,
		    .memory_high = UNLIM,
		    .pids_max = UNLIM,
		    .oom_immune = true } },
	};
	struct profile_error err;
	struct plan plan;
	char text[200];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct container_spec *want = &cases[i].want;
		const struct container_spec *got = &plan.containers[0];

		/* nothing is placed in it, so cgroup = none is fine */
		snprintf(text, sizeof(text), "[container c]\n%s\n", cases[i].line);
		assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
		assert_int_equal(plan.ncontainers, 1);
		assert_string_equal(got->name, "c");
		assert_int_equal(got->count, want->count);
		assert_true(got->memory_max == want->memory_max);
		assert_true(got->memory_high == want->memory_high);
		assert_true(got->swap_max == want->swap_max);
		assert_true(got->pids_max == want->pids_max);
		assert_int_equal(got->oom_group, want->oom_group);
		assert_int_equal(got->oom_immune, want->oom_immune);
		assert_int_equal(plan_validate(&plan, &err), 0);
	}
}

static void test_hog_keys(void **state)
{
	static const struct {
		const char *lines; /* after container = c */
		struct hog_spec want;
	} cases[] = {
		{ "kind = anon",
		  { .kind = HOG_ANON, .count = 1, .size = 64 * MIB, .files = 100000 } },
		{ "kind = shmem\nsize = 128M",
		  { .kind = HOG_SHMEM, .count = 1, .size = 128 * MIB, .files = 100000 } },
		{ "kind = shmem\nsize = 4K",
		  { .kind = HOG_SHMEM, .count = 1, .size = 4096, .files = 100000 } },
		{ "kind = anon\nrate = 16M",
		  { .kind = HOG_ANON,
		    .count = 1,
		    .size = 64 * MIB,
		    .files = 100000,
		    .rate = 16 * MIB } },
		{ "kind = anon\nrate = 16M/s",
		  { .kind = HOG_ANON,
		    .count = 1,
		    .size = 64 * MIB,
		    .files = 100000,
		    .rate = 16 * MIB } },
		{ "kind = shmem\nrate = 0",
		  { .kind = HOG_SHMEM, .count = 1, .size = 64 * MIB, .files = 100000 } },
		{ "kind = kmem",
		  { .kind = HOG_KMEM, .count = 1, .size = 64 * MIB, .files = 100000 } },
		{ "kind = kmem\nfiles = 1",
		  { .kind = HOG_KMEM, .count = 1, .size = 64 * MIB, .files = 1 } },
		{ "kind = kmem\nfiles = 10000000",
		  { .kind = HOG_KMEM, .count = 1, .size = 64 * MIB, .files = 10000000 } },
		{ "kind = kmem\nrate = 5000",
		  { .kind = HOG_KMEM, .count = 1, .size = 64 * MIB, .files = 100000, .rate = 5000 } },
		/* the kind is applied first, whatever the order of the lines */
		{ "rate = 5000/s\nkind = kmem",
		  { .kind = HOG_KMEM, .count = 1, .size = 64 * MIB, .files = 100000, .rate = 5000 } },
		{ "rate = 1K\nkind = anon",
		  { .kind = HOG_ANON, .count = 1, .size = 64 * MIB, .files = 100000, .rate = 1024 } },
		{ "kind = anon\ncount = 64",
		  { .kind = HOG_ANON, .count = 64, .size = 64 * MIB, .files = 100000 } },
		{ "kind = anon\ncycle = yes",
		  { .kind = HOG_ANON,
		    .count = 1,
		    .size = 64 * MIB,
		    .files = 100000,
		    .cycle = true } },
	};
	struct profile_error err;
	struct plan plan;
	char text[200];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct hog_spec *want = &cases[i].want;
		const struct hog_spec *got = &plan.hogs[0];

		snprintf(text, sizeof(text), HOG_PROFILE "%s\n", cases[i].lines);
		if (load_text(text, &plan, &err, NULL, 0) < 0)
			print_message("%s: %u: %s: %s\n", cases[i].lines, err.line, err.key,
				      err.message);
		assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
		assert_int_equal(plan.nhogs, 1);
		assert_string_equal(got->name, "h");
		assert_string_equal(got->container, "c");
		assert_int_equal(got->kind, want->kind);
		assert_int_equal(got->count, want->count);
		assert_true(got->size == want->size);
		assert_true(got->files == want->files);
		assert_true(got->rate == want->rate);
		assert_int_equal(got->cycle, want->cycle);
		assert_int_equal(plan_validate(&plan, &err), 0);
	}
}

static void test_cgroup_values(void **state)
{
	static const struct {
		const char *value;
		enum cg_manager_kind mode;
	} cases[] = {
		{ "none", CG_MANAGER_NONE },
		{ "auto", CG_MANAGER_AUTO },
		{ "cgroupfs", CG_MANAGER_CGROUPFS },
		{ "systemd", CG_MANAGER_SYSTEMD },
		{ "v1", CG_MANAGER_V1 },
	};
	struct profile_error err;
	struct plan plan;
	char text[100];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), "[run]\ncgroup = %s\n", cases[i].value);
		assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
		assert_int_equal(plan.cgroup, cases[i].mode);
	}
}

/* Writers and hogs in containers; containers alone need no cgroup manager. */
static void test_containers_profile(void **state)
{
	static const char text[] = "[run]\n"
				   "cgroup = auto\n"
				   "expect-oom = yes\n"
				   "container = tight\n"
				   "[container tight]\n"
				   "memory-max = 32M\n"
				   "memory-high = 32M\n"
				   "[writer in]\n"
				   "[writer out]\n"
				   "container =\n"
				   "[hog eat]\n"
				   "container = tight\n"
				   "kind = anon\n";
	struct profile_error err;
	struct plan plan;

	(void)state;
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
	assert_true(plan.expect_oom);
	assert_int_equal(plan.cgroup, CG_MANAGER_AUTO);
	assert_string_equal(plan.groups[0].container, "tight");
	assert_string_equal(plan.groups[1].container, "");
	assert_string_equal(plan.hogs[0].container, "tight");
	assert_true(plan.containers[0].memory_high == 32 * MIB);
	assert_int_equal(plan_validate(&plan, &err), 0);

	/* expect-oom is satisfied by a container nothing is placed in */
	assert_int_equal(load_text("[run]\nexpect-oom = yes\n[container c]\nmemory-max = 8M\n",
				   &plan, &err, NULL, 0),
			 0);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

/* max sections of a kind load, one more is refused on its header line. */
static void check_too_many(const char *prefix, const char *word, const char *body, unsigned max,
			   const char *message)
{
	struct profile_error err;
	struct plan plan;
	char text[4096];
	size_t used = (size_t)snprintf(text, sizeof(text), "%s", prefix);
	unsigned lines = 0, section_lines = 1;

	for (const char *p = prefix; *p; p++)
		lines += *p == '\n';
	for (const char *p = body; *p; p++)
		section_lines += *p == '\n';
	for (unsigned i = 0; i < max; i++)
		used += snprintf(text + used, sizeof(text) - used, "[%s x%u]\n%s", word, i, body);
	assert_true(used < sizeof(text));
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), 0);
	assert_int_equal(plan_validate(&plan, &err), 0);
	snprintf(text + used, sizeof(text) - used, "[%s one-too-many]\n%s", word, body);
	assert_int_equal(load_text(text, &plan, &err, NULL, 0), -EINVAL);
	assert_int_equal(err.line, lines + section_lines * max + 1);
	assert_string_equal(err.key, word);
	assert_non_null(strstr(err.message, message));
}

static void test_too_many_containers_and_hogs(void **state)
{
	(void)state;
	check_too_many("", "container", "memory-max = 8M\n", PLAN_MAX_CONTAINERS,
		       "more than 16 containers");
	check_too_many("[run]\ncgroup = auto\n[container c]\n", "hog",
		       "kind = anon\ncontainer = c\n", PLAN_MAX_HOGS, "more than 16 hogs");
}

/* Lines 1 to 15: two containers, a writer group in one, two hogs. */
static const char containers_text[] = "[run]\n"
				      "cgroup = auto\n"
				      "[container tight]\n"
				      "memory-max = 32M\n"
				      "[container loose]\n"
				      "count = 2\n"
				      "[writer a]\n"
				      "container = tight\n"
				      "[writer b]\n"
				      "[hog eat]\n"
				      "container = tight\n"
				      "kind = anon\n"
				      "[hog churn]\n"
				      "container = loose\n"
				      "kind = kmem\n";

static void load_containers(struct plan *plan)
{
	struct profile_error err;

	if (load_text(containers_text, plan, &err, NULL, 0) < 0)
		print_message("%u: %s: %s\n", err.line, err.key, err.message);
	assert_int_equal(load_text(containers_text, plan, &err, NULL, 0), 0);
	assert_int_equal(plan->ncontainers, 2);
	assert_int_equal(plan->ngroups, 2);
	assert_int_equal(plan->nhogs, 2);
	assert_int_equal(plan_validate(plan, &err), 0);
}

static void apply_overrides(struct plan *plan, const char *const *overrides, size_t n)
{
	struct profile_error err;

	for (size_t i = 0; i < n; i++) {
		int r = profile_override(plan, overrides[i], &err);

		if (r < 0)
			print_message("%s: %s: %s\n", overrides[i], err.key, err.message);
		assert_int_equal(r, 0);
	}
}

/* A container or hog key for all of them, container.NAME.key or hog.NAME.key for one. */
static void test_override_containers_and_hogs(void **state)
{
	static const char *const overrides[] = {
		"memory-max=64M",
		"container.loose.memory-max=128M",
		"container.tight.count=3",
		"oom-group=yes",
		"size=32M",  /* only the anon hog takes it */
		"rate=1000", /* bytes/s for eat, operations/s for churn */
		"hog.eat.rate=16M/s",
		"hog.churn.files=500",
		"cycle=yes",
		"container=loose", /* a writer key: every group */
		"writer.b.container=",
		"hog.eat.container=loose",
		"cgroup=systemd",
		"expect-oom=yes",
	};
	struct profile_error err;
	struct plan plan;

	(void)state;
	load_containers(&plan);
	apply_overrides(&plan, overrides, ARRAY_SIZE(overrides));
	assert_true(plan.containers[0].memory_max == 64 * MIB);
	assert_true(plan.containers[1].memory_max == 128 * MIB);
	assert_int_equal(plan.containers[0].count, 3);
	assert_int_equal(plan.containers[1].count, 2);
	assert_true(plan.containers[0].oom_group && plan.containers[1].oom_group);
	assert_true(plan.hogs[0].size == 32 * MIB);
	assert_true(plan.hogs[1].size == 64 * MIB);
	assert_true(plan.hogs[0].rate == 16 * MIB);
	assert_true(plan.hogs[1].rate == 1000);
	assert_true(plan.hogs[1].files == 500);
	assert_true(plan.hogs[0].cycle && plan.hogs[1].cycle);
	assert_string_equal(plan.groups[0].container, "loose");
	assert_string_equal(plan.groups[1].container, "");
	assert_string_equal(plan.hogs[0].container, "loose");
	assert_int_equal(plan.cgroup, CG_MANAGER_SYSTEMD);
	assert_true(plan.expect_oom);
	assert_int_equal(plan_validate(&plan, &err), 0);
}

struct bad_override {
	const char *assignment;
	const char *key;
	const char *message;
};

static void check_bad_overrides(struct plan *plan, const struct bad_override *cases, size_t n)
{
	struct profile_error err;
	struct plan before = *plan;

	for (size_t i = 0; i < n; i++) {
		int r = profile_override(plan, cases[i].assignment, &err);

		if (r != -EINVAL || strcmp(err.key, cases[i].key) != 0 ||
		    !strstr(err.message, cases[i].message))
			print_message("%s: %s: %s\n", cases[i].assignment, err.key, err.message);
		assert_int_equal(r, -EINVAL);
		assert_string_equal(err.file, "-o");
		assert_int_equal(err.line, 0);
		assert_string_equal(err.key, cases[i].key);
		assert_non_null(strstr(err.message, cases[i].message));
		/* all or nothing */
		assert_memory_equal(plan, &before, sizeof(*plan));
	}
}

static void test_override_container_errors(void **state)
{
	static const struct bad_override cases[] = {
		{ "container.nope.count=1", "container.nope.count",
		  "no container \"nope\"; containers: tight, loose" },
		{ "hog.nope.size=1M", "hog.nope.size", "no hog \"nope\"; hogs: eat, churn" },
		{ "container.tight.files=1", "container.tight.files",
		  "files is a [writer] and [hog] key: it cannot be set for one container" },
		{ "hog.eat.memory-max=1G", "hog.eat.memory-max", "[container] key" },
		{ "writer.a.kind=anon", "writer.a.kind", "[hog] key" },
		{ "container.tight=1", "container.tight", "expected container.NAME.KEY=VALUE" },
		{ "hog.eat=1", "hog.eat", "expected hog.NAME.KEY=VALUE" },
		{ "container.tight.bogus=1", "container.tight.bogus", "unknown key" },
		{ "hog.churn.size=1M", "hog.churn.size", "size does not apply to kmem hogs" },
		{ "hog.eat.files=5", "hog.eat.files", "files does not apply to anon hogs" },
		{ "hog.eat.kind=swap", "hog.eat.kind", "anon, shmem or kmem" },
		{ "hog.churn.rate=16M", "hog.churn.rate", "bad value \"16M\"" },
		{ "count=2", "count", "container.NAME.count or hog.NAME.count" },
		{ "memory-max=1K", "memory-max", "at least 1M" },
		{ "rate=16M", "rate", "bad value \"16M\"" }, /* fine for eat, not for churn */
		{ "run.memory-max=1G", "run.memory-max",
		  "memory-max is a [container] key: it cannot be set with run.memory-max" },
		{ "cgroup=cgroupv3", "cgroup", "none, auto, cgroupfs, systemd or v1" },
		{ "expect-oom=perhaps", "expect-oom", "yes or no" },
		{ "container=a/b", "container", "the name of a [container] section" },
	};
	struct plan plan;

	(void)state;
	load_containers(&plan);
	check_bad_overrides(&plan, cases, ARRAY_SIZE(cases));
}

/* A key for every container or hog needs one that takes it. */
static void test_override_nothing_to_set(void **state)
{
	static const struct bad_override no_sections[] = {
		{ "memory-max=32M", "memory-max", "no [container] section to set memory-max in" },
		{ "kind=anon", "kind", "no [hog] section to set kind in" },
	};
	static const struct bad_override kmem_only[] = {
		{ "size=1M", "size",
		  "size applies only to anon and shmem hogs, and there are none" },
	};
	struct profile_error err;
	struct plan plan;

	(void)state;
	load_two_groups(&plan);
	check_bad_overrides(&plan, no_sections, ARRAY_SIZE(no_sections));
	assert_int_equal(load_text(HOG_PROFILE "kind = kmem\n", &plan, &err, NULL, 0), 0);
	check_bad_overrides(&plan, kmem_only, ARRAY_SIZE(kmem_only));
}

/* What overrides can break, plan_validate catches. */
static void test_validate_containers(void **state)
{
	static const struct {
		const char *overrides[3];
		const char *key;
		const char *message;
	} cases[] = {
		{ { "writer.a.container=nope" },
		  "writer a.container",
		  "no [container nope] in the profile; containers: tight, loose" },
		{ { "hog.eat.container=" }, "hog eat.container", "a hog needs a container" },
		{ { "hog.eat.container=gone" }, "hog eat.container", "no [container gone]" },
		{ { "cgroup=none" }, "run.cgroup", CGROUP_NEEDED },
		{ { "container.tight.memory-high=64M" },
		  "container tight.memory-high",
		  "memory-high 64M is above memory-max 32M" },
		{ { "container.loose.memory-high=64M", "container.loose.memory-max=63M" },
		  "container loose.memory-high",
		  "above memory-max 63M" },
		{ { "expect-oom=yes", "container.tight.memory-max=max" },
		  "run.expect-oom",
		  "expect-oom needs a container with a memory-max" },
		/* every replica of loose runs its own copy of group b */
		{ { "container.loose.count=64", "writer.b.container=loose", "writers=16" },
		  "writers",
		  "1040 writers in all groups (container replicas included)" },
	};
	struct profile_error err;
	struct plan plan;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = 0;

		while (n < ARRAY_SIZE(cases[i].overrides) && cases[i].overrides[n])
			n++;
		load_containers(&plan);
		apply_overrides(&plan, cases[i].overrides, n);
		assert_int_equal(plan_validate(&plan, &err), -EINVAL);
		if (strcmp(err.key, cases[i].key) != 0 || !strstr(err.message, cases[i].message))
			print_message("%s: %s: %s\n", cases[i].overrides[0], err.key, err.message);
		assert_string_equal(err.key, cases[i].key);
		assert_non_null(strstr(err.message, cases[i].message));
	}
	/* cgroup = none is fine once nothing is placed in a container */
	load_containers(&plan);
	assert_int_equal(profile_override(&plan, "cgroup=none", &err), 0);
	assert_int_equal(profile_override(&plan, "container=", &err), 0);
	plan.nhogs = 0;
	assert_int_equal(plan_validate(&plan, &err), 0);
}

static void test_print_round_trip_containers(void **state)
{
	static const char *const overrides[] = {
		"cgroup=v1",
		"expect-oom=yes",
		"container.tight.memory-high=24M",
		"container.tight.oom-immune=yes",
		"container.loose.swap-max=max",
		"container.loose.pids-max=100",
		"container.loose.oom-group=yes",
		"container.loose.memory-max=1536K",
		"writer.b.container=loose",
		"hog.eat.kind=shmem",
		"hog.eat.rate=1536",
		"hog.eat.size=5K",
		"hog.eat.cycle=yes",
		"hog.churn.rate=7",
		"hog.churn.count=3",
		"hog.churn.files=12345",
	};
	struct profile_error err;
	struct plan plan;

	(void)state;
	load_containers(&plan);
	check_round_trip(&plan);
	apply_overrides(&plan, overrides, ARRAY_SIZE(overrides));
	assert_int_equal(plan_validate(&plan, &err), 0);
	check_round_trip(&plan);
}

/* Percentages: kept as given, printed back as given, resolved once their whole is known. */
static void test_percentages(void **state)
{
	static const char *const overrides[] = {
		"container.tight.memory-high=90%",
		"hog.eat.size=150%",
		"writer.a.file-size=50%",
		"writer.a.block-size=64K",
	};
	struct profile_error err;
	struct plan plan;

	(void)state;
	load_containers(&plan);
	apply_overrides(&plan, overrides, ARRAY_SIZE(overrides));
	assert_int_equal(plan.containers[0].memory_high_pct, 90);
	assert_true(plan.containers[0].memory_high == UNLIM);
	assert_int_equal(plan.hogs[0].size_pct, 150);
	assert_int_equal(plan.groups[0].file_size_pct, 50);
	assert_true(plan.groups[0].file_size == 0);
	assert_int_equal(plan_validate(&plan, &err), 0);
	check_round_trip(&plan);
	assert_true(plan_sizes_files_by_space(&plan));

	assert_int_equal(plan_resolve_percentages(&plan, &err), 0);
	/* 90% of 32M, rounded down; 150% of 32M */
	assert_true(plan.containers[0].memory_high == (32ULL << 20) * 9 / 10);
	assert_int_equal(plan.containers[0].memory_high_pct, 0);
	assert_true(plan.hogs[0].size == 48ULL << 20);
	/* 2 writers x 2 files share 50% of 1G: 128M each, in whole 64K blocks */
	assert_int_equal(plan_size_files(&plan, 1ULL << 30, &err), 0);
	assert_true(plan.groups[0].file_size == 128ULL << 20);
	assert_false(plan_sizes_files_by_space(&plan));
	/* a written size is left alone */
	assert_true(plan.groups[1].file_size == 4ULL << 20);
}

static void check_percent_refused(const char *override, const char *key, const char *words)
{
	struct profile_error err;
	struct plan plan;

	load_containers(&plan);
	assert_int_equal(profile_override(&plan, override, &err), -EINVAL);
	if (!strstr(err.key, key) || !strstr(err.message, words))
		fail_msg("%s: got %s: %s", override, err.key, err.message);
}

/* What a percentage may not be, and the keys that take none. */
static void test_percentages_refused(void **state)
{
	struct profile_error err;
	struct plan plan;

	(void)state;
	check_percent_refused("file-size=0%", "file-size", "1% to 100%");
	check_percent_refused("file-size=101%", "file-size", "1% to 100%");
	check_percent_refused("file-size=12.5%", "file-size", "1% to 100%");
	check_percent_refused("container.tight.memory-high=%", "memory-high", "memory-max");
	check_percent_refused("hog.eat.size=1001%", "size", "1000%");
	check_percent_refused("container.tight.memory-max=50%", "memory-max", "or max");
	check_percent_refused("container.tight.swap-max=50%", "swap-max", "or max");
	check_percent_refused("scratch-size=50%", "scratch-size", "auto");

	/* Shares of memory-max need one. */
	load_containers(&plan);
	apply_overrides(&plan, (const char *const[]){ "container.loose.memory-high=90%" }, 1);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "share of memory-max, which is max"));
	load_containers(&plan);
	apply_overrides(&plan,
			(const char *const[]){ "container.tight.memory-max=max",
					       "hog.eat.size=50%" },
			2);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "share of container tight's memory-max"));

	/* The groups' shares of the free space add up to at most 100%. */
	load_containers(&plan);
	apply_overrides(&plan, (const char *const[]){ "file-size=60%" }, 1);
	assert_int_equal(plan_validate(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "add up to 120%"));

	/* A share too small for one block. */
	load_containers(&plan);
	apply_overrides(&plan, (const char *const[]){ "writer.a.file-size=1%" }, 1);
	assert_int_equal(plan_size_files(&plan, 1ULL << 20, &err), -EINVAL);
	assert_string_equal(err.key, "writer a.file-size");
	assert_non_null(strstr(err.message, "1% of the target's 1M free, shared by 4 files"));
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
		cmocka_unit_test(test_engine_profiles),
		cmocka_unit_test(test_fsync_storm_settings),
		cmocka_unit_test(test_smoke_settings),
		cmocka_unit_test(test_tight_container_settings),
		cmocka_unit_test(test_oom_storm_settings),
		cmocka_unit_test(test_kmem_squeeze_settings),
		cmocka_unit_test(test_no_victim_settings),
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
		cmocka_unit_test(test_container_keys),
		cmocka_unit_test(test_hog_keys),
		cmocka_unit_test(test_cgroup_values),
		cmocka_unit_test(test_containers_profile),
		cmocka_unit_test(test_too_many_containers_and_hogs),
		cmocka_unit_test(test_override_containers_and_hogs),
		cmocka_unit_test(test_override_container_errors),
		cmocka_unit_test(test_override_nothing_to_set),
		cmocka_unit_test(test_validate_containers),
		cmocka_unit_test(test_print_round_trip_containers),
		cmocka_unit_test(test_percentages),
		cmocka_unit_test(test_percentages_refused),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
