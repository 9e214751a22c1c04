// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The key table: every key of a profile, the section it belongs to, its
 * field in the plan, its value type, range, default and the words that
 * say what it accepts; and the lookups over it.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "profiles/profile-internal.h"
#include "shared/parse.h"

#define MIN_SCRATCH_SIZE (64ULL << 20)
#define MIN_BLOCK_SIZE 512U
#define MAX_BLOCK_SIZE (1U << 20)
#define MAX_HOG_COUNT 64
#define MAX_HOG_FILES 10000000
#define MAX_QUEUE_DEPTH 256

#define RUN(field) .scope = KEY_RUN, .offset = offsetof(struct plan, field)
#define WRITER(field) .scope = KEY_WRITER, .offset = offsetof(struct writer_group, field)
#define CONTAINER(field) .scope = KEY_CONTAINER, .offset = offsetof(struct container_spec, field)
#define HOG(field) .scope = KEY_HOG, .offset = offsetof(struct hog_spec, field)
#define LIMIT .type = &value_limit
#define NAME .type = &value_name
#define HOG_MEMORY ((1U << HOG_ANON) | (1U << HOG_SHMEM))
#define HOG_FILES (1U << HOG_KMEM)
#define NUMBER .type = &value_u64
#define NUMBER32 .type = &value_u32
#define DURATION .type = &value_duration
#define ENUM(n) .type = &value_enum, .names = (n)
#define BOOL .type = &value_bool
#define SIZE_EXAMPLES "like 4096, 64K, 32M, 1G"
/* A size key that also takes "N%", from 1 to max, into field; the size holds clears meanwhile. */
#define PERCENT(type, field, pmax, clears) \
	.pct_max = (pmax), .pct_offset = offsetof(type, field), .pct_clears = (clears)

/* Every key of a profile; man/poof-profile.5.scd documents the same table. */
const struct key_def profile_keys[] = {
	{ "duration", RUN(duration_ns), DURATION, .min = 1, .max = UINT64_MAX, .def = "10s",
	  .accepted = "a duration above 0 like 90s, 500ms, 10m, 1h" },
	{ "seed", RUN(seed), NUMBER, .max = UINT64_MAX, .def = "0",
	  .accepted = "an integer (0 derives the seed from the run id)" },
	{ "kill-writers", RUN(kill_writers_ns), .type = &value_duration_off, .max = UINT64_MAX,
	  .def = "off", .accepted = "a duration like 2s or 700ms, or 0/off" },
	{ "cgroup", RUN(cgroup), .type = &value_cgroup, .def = "none",
	  .accepted = "none, auto, cgroupfs, systemd or v1" },
	{ "scratch-fs", RUN(scratch_fs), ENUM(scratch_fs_names), .def = "ext4",
	  .accepted = "ext4, xfs or btrfs" },
	{ "scratch-size", RUN(scratch_size), .type = &value_size_auto, .min = MIN_SCRATCH_SIZE,
	  .max = UINT64_MAX, .def = "auto",
	  .accepted = "a size of at least 64M like 256M, 2G, or 0/auto" },
	{ "keep", RUN(keep), ENUM(keep_names), .def = "on-loss",
	  .accepted = "on-loss, always or never" },
	{ "remount", RUN(remount), BOOL, .def = "yes", .accepted = "yes or no" },
	{ "strict-errors", RUN(strict_errors), BOOL, .def = "no", .accepted = "yes or no" },
	{ "report-losses", RUN(report_losses), NUMBER32, .max = 100000, .def = "20",
	  .accepted = "an integer from 0 to 100000" },
	{ "stop-timeout", RUN(stop_timeout_ns), DURATION, .min = 1, .max = UINT64_MAX, .def = "10s",
	  .accepted = "a duration above 0 like 10s or 500ms" },
	{ "stall-timeout", RUN(stall_timeout_ns), DURATION, .min = 100 * 1000 * 1000ULL,
	  .max = UINT64_MAX, .def = "20s", .accepted = "a duration of at least 100ms like 20s" },
	{ "io-timeout", RUN(io_timeout_ns), DURATION, .min = 100 * 1000 * 1000ULL,
	  .max = UINT64_MAX, .def = STRINGIFY(PLAN_IO_TIMEOUT_DEFAULT_S) "s",
	  .accepted = "a duration of at least 100ms like 60s" },
	{ "expect-oom", RUN(expect_oom), BOOL, .def = "no", .accepted = "yes or no" },
	{ "sandbox", RUN(sandbox), BOOL, .def = "yes", .accepted = "yes or no" },
	{ "inject", RUN(inject), .type = &value_inject, .def = "none",
	  .accepted = INJECT_ACCEPTED },
	{ "inject-seed", RUN(inject_seed), NUMBER, .max = UINT64_MAX, .def = "0",
	  .accepted = "an integer (0 uses the run's seed)" },
	{ "writers", WRITER(count), NUMBER32, .min = 1, .max = PLAN_MAX_WRITERS, .def = "2",
	  .accepted = "an integer from 1 to 1024" },
	{ "files", WRITER(files), NUMBER32, .min = 1, .max = PLAN_MAX_FILES, .def = "2",
	  .accepted = "an integer from 1 to 65536" },
	{ "file-size", WRITER(file_size), .type = &value_size, .min = 1, .max = UINT64_MAX,
	  PERCENT(struct writer_group, file_size_pct, 100, 0), .def = "4M",
	  .accepted = "a size " SIZE_EXAMPLES ", a multiple of block-size, or the group's share "
		      "of the target's free space from 1% to 100%" },
	{ "block-size", WRITER(block_size), .type = &value_block_size, .min = MIN_BLOCK_SIZE,
	  .max = MAX_BLOCK_SIZE, .def = "4K",
	  .accepted = "a power of two from 512 to 1M like 4096, 4K, 64K" },
	{ "engine", WRITER(engine), ENUM(engine_names), .def = "pwrite",
	  .accepted = "pwrite, write, io_uring or mmap" },
	{ "queue-depth", WRITER(queue_depth), NUMBER32, .min = 1, .max = MAX_QUEUE_DEPTH,
	  .def = "16", .accepted = "an integer from 1 to 256" },
	{ "mmap-flush", WRITER(mmap_flush), ENUM(mmap_flush_names), .def = "msync",
	  .accepted = "msync or fsync" },
	/* the field is the whole group: the policy sets fsync and fsync_every */
	{ "fsync", .scope = KEY_WRITER, .offset = 0, .type = &value_fsync, .def = "every=64",
	  .accepted = "none, end, every=N, fdatasync[=N] or sync_file_range[=N] "
		      "with N from 1 to 1000000" },
	{ "order", WRITER(order), ENUM(order_names), .def = "sequential",
	  .accepted = "sequential or random" },
	{ "passes", WRITER(passes), NUMBER32, .max = UINT32_MAX, .def = "0",
	  .accepted = "an integer (0 writes until the run ends)" },
	{ "container", WRITER(container), NAME, .def = "",
	  .accepted = "the name of a [container] section, or nothing for none" },

	{ "count", CONTAINER(count), NUMBER32, .min = 1, .max = PLAN_MAX_CONTAINER_REPLICAS,
	  .def = "1", .accepted = "an integer from 1 to 64" },
	{ "memory-max", CONTAINER(memory_max), LIMIT, .min = MIN_MEMORY_LIMIT,
	  .max = PLAN_UNLIMITED - 1, .def = "max",
	  .accepted = "a size of at least 1M like 32M, 1G, or max" },
	{ "memory-high", CONTAINER(memory_high), LIMIT, .min = MIN_MEMORY_LIMIT,
	  .max = PLAN_UNLIMITED - 1,
	  PERCENT(struct container_spec, memory_high_pct, 100, PLAN_UNLIMITED), .def = "max",
	  .accepted = "a size of at least 1M like 24M, 1G, a share of memory-max from 1% to "
		      "100%, or max" },
	{ "swap-max", CONTAINER(swap_max), LIMIT, .max = PLAN_UNLIMITED - 1, .def = "0",
	  .accepted = "a size like 0, 64M, 1G, or max" },
	{ "pids-max", CONTAINER(pids_max), .type = &value_u64_or_max, .min = 1,
	  .max = PLAN_UNLIMITED - 1, .def = "max", .accepted = "an integer of at least 1, or max" },
	{ "oom-group", CONTAINER(oom_group), BOOL, .def = "no", .accepted = "yes or no" },
	{ "oom-immune", CONTAINER(oom_immune), BOOL, .def = "no", .accepted = "yes or no" },

	{ "container", HOG(container), NAME, .def = NULL,
	  .accepted = "the name of a [container] section" },
	{ "kind", HOG(kind), ENUM(hog_kind_names), .def = NULL, .first = true,
	  .accepted = "anon, shmem or kmem" },
	{ "count", HOG(count), NUMBER32, .min = 1, .max = MAX_HOG_COUNT, .def = "1",
	  .accepted = "an integer from 1 to 64" },
	{ "size", HOG(size), .type = &value_size, .min = 4096, .max = UINT64_MAX, .def = "64M",
	  .hog_kinds = HOG_MEMORY, PERCENT(struct hog_spec, size_pct, 1000, 0),
	  .accepted = "a size of at least 4K like 64M, 1G, or a share of its container's "
		      "memory-max from 1% to 1000% like 150%" },
	{ "files", HOG(files), NUMBER, .min = 1, .max = MAX_HOG_FILES, .def = "100000",
	  .hog_kinds = HOG_FILES, .accepted = "an integer from 1 to 10000000" },
	/* the field is the whole hog: what a rate counts depends on its kind */
	{ "rate", .scope = KEY_HOG, .offset = 0, .type = &value_hog_rate, .def = "0",
	  .accepted = "a size per second like 16M or 16M/s (anon, shmem hogs), "
		      "operations per second like 5000 (kmem hogs), or 0 for no limit" },
	{ "cycle", HOG(cycle), BOOL, .def = "no", .accepted = "yes or no" },
};

const unsigned n_profile_keys = ARRAY_SIZE(profile_keys);

/* The section word of each scope bit, in bit order. */
static const char *const scope_words[] = { "run", "writer", "container", "hog" };

const struct key_def *key_lookup(const char *name, unsigned scopes)
{
	for (unsigned i = 0; i < n_profile_keys; i++)
		if ((profile_keys[i].scope & scopes) && streq(profile_keys[i].name, name))
			return &profile_keys[i];
	return NULL;
}

void *key_field(const struct key_def *k, struct plan *plan, void *obj)
{
	return (char *)(k->scope == KEY_RUN ? (void *)plan : obj) + k->offset;
}

const void *key_field_const(const struct key_def *k, const struct plan *plan, const void *obj)
{
	return (const char *)(k->scope == KEY_RUN ? (const void *)plan : obj) + k->offset;
}

static uint32_t *key_pct_field(const struct key_def *k, const void *field)
{
	return (uint32_t *)((char *)field - k->offset + k->pct_offset);
}

int key_set(const struct key_def *k, const char *value, struct plan *plan, void *obj)
{
	void *field = key_field(k, plan, obj);
	uint32_t pct = 0;
	int r;

	if (!k->pct_max)
		return k->type->parse(k, value, field);
	if (is_percent(value)) {
		r = parse_percent(value, 1, k->pct_max, &pct);
		if (r >= 0)
			*(uint64_t *)field = k->pct_clears;
	} else
		r = k->type->parse(k, value, field);
	if (r >= 0)
		*key_pct_field(k, field) = pct;
	return r;
}

void key_format(const struct key_def *k, const struct plan *plan, const void *obj, char *buf,
		size_t len)
{
	const void *field = key_field_const(k, plan, obj);

	if (k->pct_max && *key_pct_field(k, field))
		snprintf(buf, len, "%u%%", *key_pct_field(k, field));
	else
		k->type->format(k, field, buf, len);
}

bool key_applies(const struct key_def *k, const void *obj)
{
	const struct hog_spec *h = obj;

	return k->scope != KEY_HOG || k->hog_kinds == 0 || (k->hog_kinds & (1U << h->kind));
}

void list_keys(unsigned scopes, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n_profile_keys && used < len; i++)
		if ((profile_keys[i].scope & scopes) &&
		    key_lookup(profile_keys[i].name, scopes) == &profile_keys[i])
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 profile_keys[i].name);
}

void key_sections_text(const char *name, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(scope_words) && used < len; i++)
		if (key_lookup(name, 1U << i))
			used += snprintf(buf + used, len - used, "%s[%s]", used ? " and " : "",
					 scope_words[i]);
}

int profile_key_at(unsigned i, const char **ret_name, const char **ret_section)
{
	if (i >= n_profile_keys)
		return -ENOENT;
	/* every key of the table has exactly one scope */
	*ret_name = profile_keys[i].name;
	*ret_section = scope_words[__builtin_ctz(profile_keys[i].scope)];
	return 0;
}

static void *defaults_object(struct plan_defaults *d, enum key_scope scope)
{
	if (scope == KEY_CONTAINER)
		return &d->container;
	if (scope == KEY_HOG)
		return &d->hog;
	return &d->writer;
}

void plan_init(struct plan *plan, struct plan_defaults *defaults)
{
	*plan = (struct plan){ 0 };
	*defaults = (struct plan_defaults){ 0 };
	for (unsigned i = 0; i < n_profile_keys; i++) {
		const struct key_def *k = &profile_keys[i];
		int r;

		if (!k->def)
			continue;
		r = key_set(k, k->def, plan, defaults_object(defaults, k->scope));
		assert(r >= 0);
		(void)r;
	}
}

void plan_run_defaults(struct plan *ret)
{
	struct plan_defaults ignored;

	plan_init(ret, &ignored);
}
