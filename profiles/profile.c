// SPDX-License-Identifier: LGPL-2.1-or-later
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "profiles/profile.h"
#include "shared/macro.h"
#include "shared/parse.h"

/*
 * libinih's compiled-in MAX_SECTION: a longer section name would be cut short
 * without a word, so the line reader refuses it instead. (Lines longer than
 * its buffer are refused there too; a key longer than its MAX_NAME is cut
 * short, which only makes it an unknown key.)
 */
#define INI_SECTION_MAX 50

#define MIN_SCRATCH_SIZE (64ULL << 20)
#define MIN_BLOCK_SIZE 512U
#define MAX_BLOCK_SIZE (1U << 20)
#define MAX_FSYNC_EVERY 1000000U
#define DEFAULT_FSYNC_EVERY 16U
#define MAX_FILE_BLOCKS (1ULL << 31)
#define MIN_MEMORY_LIMIT (1ULL << 20) /* less cannot even hold the process */
#define MAX_HOG_COUNT 64
#define MAX_HOG_FILES 10000000

/* Which sections a key belongs to; bits, so that a section can take several. */
enum key_scope {
	KEY_RUN = 1 << 0,	/* [run] only; a field of struct plan */
	KEY_WRITER = 1 << 1,	/* [writer NAME], or a default for every group in [run] */
	KEY_CONTAINER = 1 << 2, /* [container NAME]; a field of struct container_spec */
	KEY_HOG = 1 << 3,	/* [hog NAME]; a field of struct hog_spec */
	KEY_ALL = KEY_RUN | KEY_WRITER | KEY_CONTAINER | KEY_HOG,
};

struct key_def;
typedef int (*key_parse_t)(const struct key_def *k, const char *value, void *field);
typedef void (*key_format_t)(const struct key_def *k, const void *field, char *buf, size_t len);

struct key_def {
	const char *name;
	enum key_scope scope;
	key_parse_t parse;
	key_format_t format;
	size_t offset;		  /* into struct plan, writer_group, container_spec or hog_spec */
	uint64_t min, max;	  /* for numbers, durations and sizes */
	const char *const *names; /* for enums: NULL-terminated, indexed by value */
	const char *def;	  /* NULL: required, no default */
	const char *accepted;	  /* completes "expected ..." in error messages */
	unsigned hog_kinds;	  /* KEY_HOG: bits of the kinds it applies to; 0 = all */
	bool first;		  /* applied before the other keys: their parsing depends on it */
};

static const char *const fsync_names[] = {
	[FSYNC_NONE] = "none",
	[FSYNC_EVERY] = "every",
	[FSYNC_END] = "end",
	[FSYNC_FDATASYNC] = "fdatasync",
	[FSYNC_SYNC_RANGE] = "sync_file_range",
	NULL,
};
static const char *const order_names[] = {
	[ORDER_SEQUENTIAL] = "sequential",
	[ORDER_RANDOM] = "random",
	NULL,
};
static const char *const engine_names[] = {
	[ENGINE_PWRITE] = "pwrite",
	[ENGINE_WRITE] = "write",
	NULL,
};
static const char *const keep_names[] = {
	[KEEP_ON_LOSS] = "on-loss",
	[KEEP_ALWAYS] = "always",
	[KEEP_NEVER] = "never",
	NULL,
};
static const char *const cgroup_names[] = {
	[CGROUP_NONE] = "none",	      [CGROUP_AUTO] = "auto", [CGROUP_CGROUPFS] = "cgroupfs",
	[CGROUP_SYSTEMD] = "systemd", [CGROUP_V1] = "v1",     NULL,
};
static const char *const hog_kind_names[] = {
	[HOG_ANON] = "anon",
	[HOG_SHMEM] = "shmem",
	[HOG_KMEM] = "kmem",
	NULL,
};
static const char *const scratch_fs_names[] = {
	[SCRATCH_EXT4] = "ext4",
	[SCRATCH_XFS] = "xfs",
	[SCRATCH_BTRFS] = "btrfs",
	NULL,
};

/* Enum fields are written through an unsigned pointer. */
_Static_assert(sizeof(enum engine_kind) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum fsync_policy) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum hog_kind) == sizeof(unsigned), "enum size");
_Static_assert(ARRAY_SIZE(hog_kind_names) == _HOG_KIND_MAX + 1, "a name per hog kind");

static int parse_key_u64(const struct key_def *k, const char *v, void *field)
{
	return parse_uint(v, k->min, k->max, field);
}

static int parse_key_u32(const struct key_def *k, const char *v, void *field)
{
	uint64_t n;
	int r = parse_uint(v, k->min, k->max, &n);

	if (r < 0)
		return r;
	*(uint32_t *)field = (uint32_t)n;
	return 0;
}

static int parse_key_duration(const struct key_def *k, const char *v, void *field)
{
	uint64_t ns;
	int r = parse_duration(v, &ns);

	if (r < 0)
		return r;
	if (ns < k->min || ns > k->max)
		return -ERANGE;
	*(uint64_t *)field = ns;
	return 0;
}

/* A duration, or "0"/"off" for never. */
static int parse_key_duration_off(const struct key_def *k, const char *v, void *field)
{
	if (streq(v, "off")) {
		*(uint64_t *)field = 0;
		return 0;
	}
	return parse_key_duration(k, v, field);
}

static int parse_key_size(const struct key_def *k, const char *v, void *field)
{
	uint64_t n;
	int r = parse_size(v, &n);

	if (r < 0)
		return r;
	if (n < k->min || n > k->max)
		return -ERANGE;
	*(uint64_t *)field = n;
	return 0;
}

/* A size within [min, max], or "0"/"auto" to let poof choose. */
static int parse_key_size_auto(const struct key_def *k, const char *v, void *field)
{
	uint64_t n;
	int r;

	if (streq(v, "auto")) {
		*(uint64_t *)field = 0;
		return 0;
	}
	r = parse_size(v, &n);
	if (r < 0)
		return r;
	if (n != 0 && (n < k->min || n > k->max))
		return -ERANGE;
	*(uint64_t *)field = n;
	return 0;
}

static int parse_key_block_size(const struct key_def *k, const char *v, void *field)
{
	uint64_t n;
	int r = parse_size(v, &n);

	if (r < 0)
		return r;
	if (n < k->min || n > k->max || (n & (n - 1)) != 0)
		return -ERANGE;
	*(uint32_t *)field = (uint32_t)n;
	return 0;
}

static int parse_key_bool(const struct key_def *k _unused_, const char *v, void *field)
{
	return parse_bool(v, field);
}

static int name_lookup(const char *const *names, const char *v)
{
	for (unsigned i = 0; names[i]; i++)
		if (streq(names[i], v))
			return (int)i;
	return -EINVAL;
}

static int parse_key_enum(const struct key_def *k, const char *v, void *field)
{
	int i = name_lookup(k->names, v);

	if (i < 0)
		return i;
	*(unsigned *)field = (unsigned)i;
	return 0;
}

/* none | end | every=N | fdatasync[=N] | sync_file_range[=N]; field is the whole group. */
static int parse_key_fsync(const struct key_def *k _unused_, const char *v, void *field)
{
	struct writer_group *g = field;
	char policy[32];
	const char *eq = strchr(v, '=');
	size_t len = eq ? (size_t)(eq - v) : strlen(v);
	uint64_t every = DEFAULT_FSYNC_EVERY;
	int p, r;

	if (len >= sizeof(policy))
		return -EINVAL;
	memcpy(policy, v, len);
	policy[len] = '\0';
	p = name_lookup(fsync_names, policy);
	if (p < 0)
		return p;
	if (p == FSYNC_NONE || p == FSYNC_END) {
		if (eq)
			return -EINVAL;
		every = 0;
	} else if (eq) {
		r = parse_uint(eq + 1, 1, MAX_FSYNC_EVERY, &every);
		if (r < 0)
			return r;
	} else if (p == FSYNC_EVERY) {
		return -EINVAL; /* "every" means nothing without its N */
	}
	g->fsync = (enum fsync_policy)p;
	g->fsync_every = (uint32_t)every;
	return 0;
}

/* A size within [min, max], or "max" for no limit. */
static int parse_key_limit(const struct key_def *k, const char *v, void *field)
{
	if (streq(v, "max")) {
		*(uint64_t *)field = PLAN_UNLIMITED;
		return 0;
	}
	return parse_key_size(k, v, field);
}

/* An integer within [min, max], or "max" for no limit. */
static int parse_key_u64_or_max(const struct key_def *k, const char *v, void *field)
{
	if (streq(v, "max")) {
		*(uint64_t *)field = PLAN_UNLIMITED;
		return 0;
	}
	return parse_key_u64(k, v, field);
}

/* Names end up in `-o writer.NAME.key`, in cgroup names and in file names. */
static bool name_valid(const char *name)
{
	return *name && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789_-") == strlen(name);
}

/* The name of a section, or "" for none; the field is char[PLAN_NAME_MAX]. */
static int parse_key_name(const struct key_def *k _unused_, const char *v, void *field)
{
	if (strlen(v) >= PLAN_NAME_MAX || (*v && !name_valid(v)))
		return -EINVAL;
	strcpy(field, v);
	return 0;
}

/*
 * A size per second ("16M", "16M/s") for anon and shmem hogs, operations per
 * second for kmem hogs; the field is the whole hog, whose kind is set first.
 */
static int parse_key_hog_rate(const struct key_def *k _unused_, const char *v, void *field)
{
	struct hog_spec *h = field;
	char buf[64];
	size_t len = strlen(v);
	uint64_t n;
	int r;

	if (len >= 2 && streq(v + len - 2, "/s"))
		len -= 2;
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (h->kind == HOG_KMEM)
		r = parse_uint(buf, 0, UINT64_MAX, &n);
	else
		r = parse_size(buf, &n);
	if (r < 0)
		return r;
	h->rate = n;
	return 0;
}

static void format_key_u64(const struct key_def *k _unused_, const void *field, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field);
}

static void format_key_u32(const struct key_def *k _unused_, const void *field, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%u", *(const uint32_t *)field);
}

/* Exact, so that profile_load reads back the same number of nanoseconds. */
static void format_exact_duration(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "h", 3600 * NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC }, { "s", NSEC_PER_SEC },
		{ "ms", NSEC_PER_MSEC },      { "us", NSEC_PER_USEC },	  { "ns", 1 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(units); i++)
		if (ns != 0 && ns % units[i].ns == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ns / units[i].ns),
				 units[i].suffix);
			return;
		}
	snprintf(buf, len, "0");
}

static void format_key_duration(const struct key_def *k _unused_, const void *field, char *buf,
				size_t len)
{
	format_exact_duration(*(const uint64_t *)field, buf, len);
}

static void format_key_duration_off(const struct key_def *k _unused_, const void *field, char *buf,
				    size_t len)
{
	uint64_t ns = *(const uint64_t *)field;

	if (ns == 0)
		snprintf(buf, len, "off");
	else
		format_exact_duration(ns, buf, len);
}

/* Exact, unlike format_size(): "1536" stays "1536", never "1.5K". */
static void format_exact_size(uint64_t bytes, char *buf, size_t len)
{
	static const char suffix[] = "TGMK";

	for (unsigned i = 0; i < 4; i++) {
		unsigned shift = 10 * (4 - i);

		if (bytes != 0 && bytes % (1ULL << shift) == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> shift),
				 suffix[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

static void format_key_size(const struct key_def *k _unused_, const void *field, char *buf,
			    size_t len)
{
	format_exact_size(*(const uint64_t *)field, buf, len);
}

static void format_key_size_auto(const struct key_def *k _unused_, const void *field, char *buf,
				 size_t len)
{
	uint64_t bytes = *(const uint64_t *)field;

	if (bytes == 0)
		snprintf(buf, len, "auto");
	else
		format_exact_size(bytes, buf, len);
}

static void format_key_block_size(const struct key_def *k _unused_, const void *field, char *buf,
				  size_t len)
{
	format_exact_size(*(const uint32_t *)field, buf, len);
}

static void format_key_bool(const struct key_def *k _unused_, const void *field, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s", *(const bool *)field ? "yes" : "no");
}

static void format_key_enum(const struct key_def *k, const void *field, char *buf, size_t len)
{
	snprintf(buf, len, "%s", k->names[*(const unsigned *)field]);
}

static void format_key_limit(const struct key_def *k _unused_, const void *field, char *buf,
			     size_t len)
{
	uint64_t n = *(const uint64_t *)field;

	if (n == PLAN_UNLIMITED)
		snprintf(buf, len, "max");
	else
		format_exact_size(n, buf, len);
}

static void format_key_u64_or_max(const struct key_def *k, const void *field, char *buf, size_t len)
{
	if (*(const uint64_t *)field == PLAN_UNLIMITED)
		snprintf(buf, len, "max");
	else
		format_key_u64(k, field, buf, len);
}

static void format_key_name(const struct key_def *k _unused_, const void *field, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s", (const char *)field);
}

static void format_key_hog_rate(const struct key_def *k _unused_, const void *field, char *buf,
				size_t len)
{
	const struct hog_spec *h = field;

	if (h->kind == HOG_KMEM)
		snprintf(buf, len, "%llu", (unsigned long long)h->rate);
	else
		format_exact_size(h->rate, buf, len);
}

static void format_key_fsync(const struct key_def *k _unused_, const void *field, char *buf,
			     size_t len)
{
	const struct writer_group *g = field;

	if (g->fsync == FSYNC_NONE || g->fsync == FSYNC_END)
		snprintf(buf, len, "%s", fsync_names[g->fsync]);
	else
		snprintf(buf, len, "%s=%u", fsync_names[g->fsync], g->fsync_every);
}

#define RUN(field) .scope = KEY_RUN, .offset = offsetof(struct plan, field)
#define WRITER(field) .scope = KEY_WRITER, .offset = offsetof(struct writer_group, field)
#define CONTAINER(field) .scope = KEY_CONTAINER, .offset = offsetof(struct container_spec, field)
#define HOG(field) .scope = KEY_HOG, .offset = offsetof(struct hog_spec, field)
#define LIMIT .parse = parse_key_limit, .format = format_key_limit
#define NAME .parse = parse_key_name, .format = format_key_name
#define HOG_MEMORY ((1U << HOG_ANON) | (1U << HOG_SHMEM))
#define HOG_FILES (1U << HOG_KMEM)
#define NUMBER .parse = parse_key_u64, .format = format_key_u64
#define NUMBER32 .parse = parse_key_u32, .format = format_key_u32
#define DURATION .parse = parse_key_duration, .format = format_key_duration
#define ENUM(n) .parse = parse_key_enum, .format = format_key_enum, .names = (n)
#define BOOL .parse = parse_key_bool, .format = format_key_bool
#define SIZE_EXAMPLES "like 4096, 64K, 32M, 1G"

/* Every key of a profile; man/poof-profile.5.scd documents the same table. */
static const struct key_def keys[] = {
	{ "duration", RUN(duration_ns), DURATION, .min = 1, .max = UINT64_MAX, .def = "10s",
	  .accepted = "a duration above 0 like 90s, 500ms, 10m, 1h" },
	{ "seed", RUN(seed), NUMBER, .max = UINT64_MAX, .def = "0",
	  .accepted = "an integer (0 derives the seed from the run id)" },
	{ "kill-writers", RUN(kill_writers_ns), .parse = parse_key_duration_off,
	  .format = format_key_duration_off, .max = UINT64_MAX, .def = "off",
	  .accepted = "a duration like 2s or 700ms, or 0/off" },
	{ "cgroup", RUN(cgroup), ENUM(cgroup_names), .def = "none",
	  .accepted = "none, auto, cgroupfs, systemd or v1" },
	{ "scratch-fs", RUN(scratch_fs), ENUM(scratch_fs_names), .def = "ext4",
	  .accepted = "ext4, xfs or btrfs" },
	{ "scratch-size", RUN(scratch_size), .parse = parse_key_size_auto,
	  .format = format_key_size_auto, .min = MIN_SCRATCH_SIZE, .max = UINT64_MAX, .def = "auto",
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
	{ "writers", WRITER(count), NUMBER32, .min = 1, .max = PLAN_MAX_WRITERS, .def = "2",
	  .accepted = "an integer from 1 to 1024" },
	{ "files", WRITER(files), NUMBER32, .min = 1, .max = PLAN_MAX_FILES, .def = "2",
	  .accepted = "an integer from 1 to 65536" },
	{ "file-size", WRITER(file_size), .parse = parse_key_size, .format = format_key_size,
	  .min = 1, .max = UINT64_MAX, .def = "4M",
	  .accepted = "a size " SIZE_EXAMPLES ", a multiple of block-size" },
	{ "block-size", WRITER(block_size), .parse = parse_key_block_size,
	  .format = format_key_block_size, .min = MIN_BLOCK_SIZE, .max = MAX_BLOCK_SIZE,
	  .def = "4K", .accepted = "a power of two from 512 to 1M like 4096, 4K, 64K" },
	{ "engine", WRITER(engine), ENUM(engine_names), .def = "pwrite",
	  .accepted = "pwrite or write" },
	/* the field is the whole group: the policy sets fsync and fsync_every */
	{ "fsync", .scope = KEY_WRITER, .offset = 0, .parse = parse_key_fsync,
	  .format = format_key_fsync, .def = "every=64",
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
	  .max = PLAN_UNLIMITED - 1, .def = "max",
	  .accepted = "a size of at least 1M like 24M, 1G, or max" },
	{ "swap-max", CONTAINER(swap_max), LIMIT, .max = PLAN_UNLIMITED - 1, .def = "0",
	  .accepted = "a size like 0, 64M, 1G, or max" },
	{ "pids-max", CONTAINER(pids_max), .parse = parse_key_u64_or_max,
	  .format = format_key_u64_or_max, .min = 1, .max = PLAN_UNLIMITED - 1, .def = "max",
	  .accepted = "an integer of at least 1, or max" },
	{ "oom-group", CONTAINER(oom_group), BOOL, .def = "no", .accepted = "yes or no" },
	{ "oom-immune", CONTAINER(oom_immune), BOOL, .def = "no", .accepted = "yes or no" },

	{ "container", HOG(container), NAME, .def = NULL,
	  .accepted = "the name of a [container] section" },
	{ "kind", HOG(kind), ENUM(hog_kind_names), .def = NULL, .first = true,
	  .accepted = "anon, shmem or kmem" },
	{ "count", HOG(count), NUMBER32, .min = 1, .max = MAX_HOG_COUNT, .def = "1",
	  .accepted = "an integer from 1 to 64" },
	{ "size", HOG(size), .parse = parse_key_size, .format = format_key_size, .min = 4096,
	  .max = UINT64_MAX, .def = "64M", .hog_kinds = HOG_MEMORY,
	  .accepted = "a size of at least 4K like 64M, 1G" },
	{ "files", HOG(files), NUMBER, .min = 1, .max = MAX_HOG_FILES, .def = "100000",
	  .hog_kinds = HOG_FILES, .accepted = "an integer from 1 to 10000000" },
	/* the field is the whole hog: what a rate counts depends on its kind */
	{ "rate", .scope = KEY_HOG, .offset = 0, .parse = parse_key_hog_rate,
	  .format = format_key_hog_rate, .def = "0",
	  .accepted = "a size per second like 16M or 16M/s (anon, shmem hogs), "
		      "operations per second like 5000 (kmem hogs), or 0 for no limit" },
	{ "cycle", HOG(cycle), BOOL, .def = "no", .accepted = "yes or no" },
};

/* The key called name among the keys of scopes (bits of enum key_scope). */
static const struct key_def *key_lookup(const char *name, unsigned scopes)
{
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if ((keys[i].scope & scopes) && streq(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* obj is the writer group, container or hog of a key that is not a run key. */
static void *key_field(const struct key_def *k, struct plan *plan, void *obj)
{
	return (char *)(k->scope == KEY_RUN ? (void *)plan : obj) + k->offset;
}

static const void *key_field_const(const struct key_def *k, const struct plan *plan,
				   const void *obj)
{
	return (const char *)(k->scope == KEY_RUN ? (const void *)plan : obj) + k->offset;
}

static int key_set(const struct key_def *k, const char *value, struct plan *plan, void *obj)
{
	return k->parse(k, value, key_field(k, plan, obj));
}

/* Whether a hog key means anything for this hog's kind (size, files). */
static bool key_applies(const struct key_def *k, const void *obj)
{
	const struct hog_spec *h = obj;

	return k->scope != KEY_HOG || k->hog_kinds == 0 || (k->hog_kinds & (1U << h->kind));
}

/* "anon and shmem": the kinds in a hog_kinds mask. */
static void hog_kinds_text(unsigned kinds, char *buf, size_t len)
{
	size_t used = 0;
	unsigned n = 0, total = (unsigned)__builtin_popcount(kinds);

	buf[0] = '\0';
	for (unsigned i = 0; i < _HOG_KIND_MAX && used < len; i++) {
		if (!(kinds & (1U << i)))
			continue;
		n++;
		used += snprintf(buf + used, len - used, "%s%s",
				 n == 1	    ? "" :
				 n == total ? " and " :
					      ", ",
				 hog_kind_names[i]);
	}
}

static _printf_(5, 6) int error_set(struct profile_error *err, int r, unsigned line,
				    const char *key, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	snprintf(err->key, sizeof(err->key), "%s", key ?: "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return r;
}

static void error_init(struct profile_error *err, const char *file)
{
	*err = (struct profile_error){ 0 };
	snprintf(err->file, sizeof(err->file), "%s", file);
}

static int error_bad_value(struct profile_error *err, unsigned line, const char *key,
			   const struct key_def *k, const char *value)
{
	return error_set(err, -EINVAL, line, key, "bad value \"%s\" for %s: expected %s", value,
			 k->name, k->accepted);
}

static int error_not_applicable(struct profile_error *err, unsigned line, const char *key,
				const struct key_def *k, enum hog_kind kind)
{
	char kinds[32];

	hog_kinds_text(k->hog_kinds, kinds, sizeof(kinds));
	return error_set(err, -EINVAL, line, key, "%s does not apply to %s hogs, only to %s hogs",
			 k->name, hog_kind_names[kind], kinds);
}

/* Key names of scopes, each once: "count" is a container and a hog key. */
static void list_keys(unsigned scopes, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(keys) && used < len; i++)
		if ((keys[i].scope & scopes) && key_lookup(keys[i].name, scopes) == &keys[i])
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 keys[i].name);
}

static int error_unknown_key(struct profile_error *err, unsigned line, const char *key,
			     const char *name, unsigned scopes)
{
	char known[400];

	list_keys(scopes, known, sizeof(known));
	return error_set(err, -EINVAL, line, key, "unknown key \"%s\"; keys: %s", name, known);
}

/* "[run]", "[writer] and [hog]": the sections where a key name belongs. */
static void key_sections_text(const char *name, char *buf, size_t len)
{
	static const char *const sections[] = { "[run]", "[writer]", "[container]", "[hog]" };
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(sections) && used < len; i++)
		if (key_lookup(name, 1U << i))
			used += snprintf(buf + used, len - used, "%s%s", used ? " and " : "",
					 sections[i]);
}

/* The defaults of every key, for each kind of section. */
struct plan_defaults {
	struct writer_group writer;
	struct container_spec container;
	struct hog_spec hog;
};

static void *defaults_object(struct plan_defaults *d, enum key_scope scope)
{
	if (scope == KEY_CONTAINER)
		return &d->container;
	if (scope == KEY_HOG)
		return &d->hog;
	return &d->writer;
}

/* The plan with every run key at its default; *defaults gets the others. */
static void plan_init(struct plan *plan, struct plan_defaults *defaults)
{
	*plan = (struct plan){ 0 };
	*defaults = (struct plan_defaults){ 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key_def *k = &keys[i];
		int r;

		if (!k->def)
			continue;
		r = key_set(k, k->def, plan, defaults_object(defaults, k->scope));
		assert(r >= 0);
		(void)r;
	}
}

/* ---- Collecting a profile: sections and keys, each with its line ---- */

enum section_kind { SECTION_RUN, SECTION_WRITER, SECTION_CONTAINER, SECTION_HOG, _SECTION_MAX };

static const struct section_type {
	const char *word;   /* in the header: [writer NAME] */
	const char *noun;   /* "bad group name", "duplicate group" */
	const char *plural; /* "more than 16 writer groups" */
	unsigned scopes;    /* the keys it takes */
	unsigned max;
} section_types[] = {
	[SECTION_RUN] = { "run", "section", "[run] sections", KEY_RUN | KEY_WRITER, 1 },
	[SECTION_WRITER] = { "writer", "group", "writer groups", KEY_WRITER, PLAN_MAX_GROUPS },
	[SECTION_CONTAINER] = { "container", "container", "containers", KEY_CONTAINER,
				PLAN_MAX_CONTAINERS },
	[SECTION_HOG] = { "hog", "hog", "hogs", KEY_HOG, PLAN_MAX_HOGS },
};

#define MAX_SECTIONS (1 + PLAN_MAX_GROUPS + PLAN_MAX_CONTAINERS + PLAN_MAX_HOGS)

struct section {
	enum section_kind kind;
	char name[PLAN_NAME_MAX]; /* the NAME of [writer NAME], [container NAME], [hog NAME] */
	unsigned line;
};

struct entry {
	int section; /* index into collector.sections */
	const struct key_def *key;
	char value[256];
	unsigned line;
};

/* Every key is set at most once per section, which bounds the entries. */
struct collector {
	FILE *f;
	struct profile_error *err;
	int r;	       /* first failure; stops the reader */
	unsigned line; /* of the line inih is looking at */
	int run_section;
	struct section sections[MAX_SECTIONS];
	unsigned n_sections;
	struct entry entries[MAX_SECTIONS * ARRAY_SIZE(keys)];
	unsigned n_entries;
};

static void collector_freep(struct collector **c)
{
	free(*c);
}

static char *strip(char *s)
{
	char *end;

	s += strspn(s, " \t\r\n");
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "run", or "writer NAME": how sections are named in keys of error messages. */
static void section_label(const struct collector *c, int sect, char *buf, size_t len)
{
	if (sect < 0)
		snprintf(buf, len, "(none)");
	else if (c->sections[sect].kind == SECTION_RUN)
		snprintf(buf, len, "run");
	else
		snprintf(buf, len, "%s %s", section_types[c->sections[sect].kind].word,
			 c->sections[sect].name);
}

static void entry_label(const struct collector *c, int sect, const char *key, char *buf, size_t len)
{
	char section[PLAN_NAME_MAX + 16];

	section_label(c, sect, section, sizeof(section));
	snprintf(buf, len, "%s.%s", section, key);
}

static int section_find(const struct collector *c, enum section_kind kind, const char *name)
{
	for (unsigned i = 0; i < c->n_sections; i++)
		if (c->sections[i].kind == kind && streq(c->sections[i].name, name))
			return (int)i;
	return -1;
}

static unsigned sections_count(const struct collector *c, enum section_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->n_sections; i++)
		n += c->sections[i].kind == kind;
	return n;
}

static int section_add_run(struct collector *c)
{
	if (c->run_section >= 0)
		return error_set(c->err, -EINVAL, c->line, "run",
				 "duplicate section [run] (first on line %u)",
				 c->sections[c->run_section].line);
	c->run_section = (int)c->n_sections;
	c->sections[c->n_sections++] = (struct section){ .kind = SECTION_RUN, .line = c->line };
	return 0;
}

/* [writer NAME], [container NAME] or [hog NAME]. */
static int section_add_named(struct collector *c, enum section_kind kind, const char *name)
{
	const struct section_type *t = &section_types[kind];
	struct section *s;
	int dup;

	if (!*name)
		return error_set(c->err, -EINVAL, c->line, t->word,
				 "[%s] needs a %s name: [%s NAME]", t->word, t->noun, t->word);
	if (!name_valid(name))
		return error_set(c->err, -EINVAL, c->line, t->word,
				 "bad %s name \"%s\": expected letters, digits, '-' and '_'",
				 t->noun, name);
	dup = section_find(c, kind, name);
	if (dup >= 0)
		return error_set(c->err, -EINVAL, c->line, t->word,
				 "duplicate %s [%s %s] (first on line %u)", t->noun, t->word, name,
				 c->sections[dup].line);
	if (sections_count(c, kind) >= t->max)
		return error_set(c->err, -EINVAL, c->line, t->word, "more than %u %s", t->max,
				 t->plural);
	s = &c->sections[c->n_sections++];
	*s = (struct section){ .kind = kind, .line = c->line };
	snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

static int section_add(struct collector *c, char *raw)
{
	char *name = strip(raw);

	if (streq(name, "run"))
		return section_add_run(c);
	for (unsigned kind = SECTION_WRITER; kind < _SECTION_MAX; kind++) {
		const char *word = section_types[kind].word;
		size_t len = strlen(word);

		if (startswith(name, word) &&
		    (name[len] == '\0' || isspace((unsigned char)name[len])))
			return section_add_named(c, kind, strip(name + len));
	}
	return error_set(c->err, -EINVAL, c->line, name,
			 "unknown section [%s]: expected [run], [container NAME], "
			 "[writer NAME] or [hog NAME]",
			 name);
}

/* Sections are noted here, as the lines go by, so that empty ones count too. */
static int note_section(struct collector *c, const char *line)
{
	char raw[INI_SECTION_MAX];
	const char *end;
	size_t len;

	if (*line != '[')
		return 0;
	end = strchr(line, ']');
	if (!end)
		return 0; /* inih reports the syntax error */
	len = (size_t)(end - line - 1);
	if (len >= sizeof(raw))
		return error_set(c->err, -EINVAL, c->line, NULL,
				 "section name longer than %zu characters", sizeof(raw) - 1);
	memcpy(raw, line + 1, len);
	raw[len] = '\0';
	return section_add(c, raw);
}

/*
 * Lines reach inih without leading blanks, so an indented line is never taken
 * as the continuation of the previous value, and without "#" comments that
 * follow blanks (inih itself only knows inline ";" comments).
 */
static void normalize_line(char *buf, unsigned lineno)
{
	size_t skip = 0;

	if (lineno == 1 && startswith(buf, "\xEF\xBB\xBF"))
		skip = 3;
	skip += strspn(buf + skip, " \t");
	memmove(buf, buf + skip, strlen(buf + skip) + 1);
	for (char *p = buf + 1; *buf && *p; p++)
		if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t')) {
			strcpy(p, "\n");
			break;
		}
}

/* An ini_reader: fgets that counts lines, since the handler is not told them. */
static char *read_line(char *buf, int size, void *userdata)
{
	struct collector *c = userdata;
	int ch;

	if (c->r < 0 || !fgets(buf, size, c->f))
		return NULL;
	c->line++;
	if (!strchr(buf, '\n') && (ch = getc(c->f)) != EOF) {
		ungetc(ch, c->f);
		c->r = error_set(c->err, -EINVAL, c->line, NULL, "line longer than %d characters",
				 size - 3);
		return NULL;
	}
	normalize_line(buf, c->line);
	c->r = note_section(c, buf);
	return c->r < 0 ? NULL : buf;
}

static const struct entry *entry_find(const struct collector *c, int sect, const char *key)
{
	for (unsigned i = 0; sect >= 0 && i < c->n_entries; i++)
		if (c->entries[i].section == sect && streq(c->entries[i].key->name, key))
			return &c->entries[i];
	return NULL;
}

static int entry_add(struct collector *c, const char *name, const char *value)
{
	int sect = (int)c->n_sections - 1;
	char label[PLAN_NAME_MAX * 2], where[64];
	const struct section_type *t;
	const struct key_def *k;
	const struct entry *dup;
	struct entry *e;

	entry_label(c, sect, name, label, sizeof(label));
	if (sect < 0)
		return error_set(
			c->err, -EINVAL, c->line, name,
			"key \"%s\" outside any section: put it under [run] or [writer NAME]",
			name);
	t = &section_types[c->sections[sect].kind];
	k = key_lookup(name, t->scopes);
	if (!k && !key_lookup(name, KEY_ALL))
		return error_unknown_key(c->err, c->line, label, name, t->scopes);
	if (!k) {
		key_sections_text(name, where, sizeof(where));
		return error_set(c->err, -EINVAL, c->line, label,
				 "%s is a %s key: it cannot be set in a [%s] section", name, where,
				 t->word);
	}
	dup = entry_find(c, sect, name);
	if (dup)
		return error_set(c->err, -EINVAL, c->line, label,
				 "duplicate key %s (first set on line %u)", name, dup->line);
	e = &c->entries[c->n_entries++];
	*e = (struct entry){ .section = sect, .key = k, .line = c->line };
	if (strlen(value) >= sizeof(e->value))
		return error_set(c->err, -EINVAL, c->line, label, "value of %s too long", name);
	strcpy(e->value, value);
	return 0;
}

/* An ini_handler: collect only; values are applied once the file is read. */
static int on_key(void *userdata, const char *section _unused_, const char *name, const char *value)
{
	struct collector *c = userdata;

	if (c->r >= 0)
		c->r = entry_add(c, name, value);
	return 1;
}

static int collect(FILE *f, struct collector *c, struct profile_error *err)
{
	int r;

	c->f = f;
	c->err = err;
	c->run_section = -1;
	r = ini_parse_stream(read_line, c, on_key, c);
	if (r > 0 && (c->r >= 0 || (unsigned)r < err->line))
		return error_set(err, -EINVAL, (unsigned)r, NULL,
				 "syntax error: expected [section], key = value or a comment");
	if (c->r < 0)
		return c->r;
	if (r < 0)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory reading the profile");
	return 0;
}

/* ---- Applying what was collected ---- */

static int apply_entry(const struct collector *c, const struct entry *e, struct plan *plan,
		       void *obj)
{
	char label[PLAN_NAME_MAX * 2];

	if (key_applies(e->key, obj) && key_set(e->key, e->value, plan, obj) >= 0)
		return 0;
	entry_label(c, e->section, e->key->name, label, sizeof(label));
	if (!key_applies(e->key, obj))
		return error_not_applicable(c->err, e->line, label, e->key,
					    ((const struct hog_spec *)obj)->kind);
	return error_bad_value(c->err, e->line, label, e->key, e->value);
}

/* The keys marked first (a hog's kind), then the others in file order. */
static int apply_section(const struct collector *c, int sect, struct plan *plan, void *obj)
{
	for (int first = 1; first >= 0; first--)
		for (unsigned i = 0; i < c->n_entries; i++) {
			const struct entry *e = &c->entries[i];
			int r;

			if (e->section != sect || e->key->first != first)
				continue;
			r = apply_entry(c, e, plan, obj);
			if (r < 0)
				return r;
		}
	return 0;
}

/* ---- Checks shared by profile_load (with lines) and plan_validate ---- */

#define CGROUP_NEEDED \
	"containers need a cgroup manager: set cgroup = auto (or cgroupfs, systemd, v1)"
#define EXPECT_OOM_NEEDS_LIMIT "expect-oom needs a container with a memory-max"

static int container_find(const struct plan *plan, const char *name)
{
	for (unsigned i = 0; i < plan->ncontainers; i++)
		if (streq(plan->containers[i].name, name))
			return (int)i;
	return -1;
}

static void list_containers(const struct plan *plan, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "(none)");
	for (unsigned i = 0; i < plan->ncontainers && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 plan->containers[i].name);
}

/* NULL, or what is wrong with the container a writer group or hog names. */
static const char *placement_problem(const struct plan *plan, const char *container, bool required,
				     char *buf, size_t len)
{
	char known[256];

	if (!*container && required)
		snprintf(buf, len,
			 "a hog needs a container: outside any it would squeeze the whole "
			 "machine; set container = NAME of a [container NAME] section");
	else if (*container && container_find(plan, container) < 0) {
		list_containers(plan, known, sizeof(known));
		snprintf(buf, len, "no [container %s] in the profile; containers: %s", container,
			 known);
	} else
		return NULL;
	return buf;
}

/* NULL, or what is wrong with a container's limits together. */
static const char *container_limit_problem(const struct container_spec *ct, char *buf, size_t len)
{
	char high[32], max[32];

	if (ct->memory_high == PLAN_UNLIMITED || ct->memory_high <= ct->memory_max)
		return NULL;
	format_exact_size(ct->memory_high, high, sizeof(high));
	format_exact_size(ct->memory_max, max, sizeof(max));
	snprintf(buf, len, "memory-high %s is above memory-max %s", high, max);
	return buf;
}

/* Whether any writer group or hog runs in a container, so a cgroup manager is needed. */
static bool plan_places_anything(const struct plan *plan)
{
	for (unsigned i = 0; i < plan->ngroups; i++)
		if (plan->groups[i].container[0])
			return true;
	return plan->nhogs > 0;
}

static bool plan_has_memory_max(const struct plan *plan)
{
	for (unsigned i = 0; i < plan->ncontainers; i++)
		if (plan->containers[i].memory_max != PLAN_UNLIMITED)
			return true;
	return false;
}

/* ---- Building the plan from what was collected ---- */

static int error_entry(const struct collector *c, const struct entry *e, const char *message)
{
	char label[PLAN_NAME_MAX * 2];

	if (!e)
		return error_set(c->err, -EINVAL, 0, NULL, "%s", message);
	entry_label(c, e->section, e->key->name, label, sizeof(label));
	return error_set(c->err, -EINVAL, e->line, label, "%s", message);
}

/* The key that placed a writer group (its own, or the [run] default) or a hog, or NULL. */
static const struct entry *placement_entry(const struct collector *c, int sect)
{
	const struct entry *e = entry_find(c, sect, "container");

	if (!e && (sect < 0 || c->sections[sect].kind == SECTION_WRITER))
		e = entry_find(c, c->run_section, "container");
	return e;
}

static int check_placement(const struct collector *c, int sect, const struct plan *plan,
			   const char *container, bool required)
{
	char problem[400], label[PLAN_NAME_MAX * 2];
	const struct entry *e;

	if (!placement_problem(plan, container, required, problem, sizeof(problem)))
		return 0;
	e = placement_entry(c, sect);
	if (e || sect < 0)
		return error_entry(c, e, problem);
	entry_label(c, sect, "container", label, sizeof(label));
	return error_set(c->err, -EINVAL, c->sections[sect].line, label, "%s", problem);
}

/* NULL, or what is wrong with the group's file-size and block-size together. */
static const char *group_size_problem(const struct writer_group *g, char *buf, size_t len)
{
	char fs[32], bs[32];

	format_exact_size(g->file_size, fs, sizeof(fs));
	format_exact_size(g->block_size, bs, sizeof(bs));
	if (g->block_size == 0)
		snprintf(buf, len, "block-size is not set");
	else if (g->file_size < g->block_size)
		snprintf(buf, len, "file-size %s is smaller than one block (block-size %s)", fs,
			 bs);
	else if (g->file_size % g->block_size != 0)
		snprintf(buf, len, "file-size %s is not a multiple of block-size %s", fs, bs);
	else if (g->file_size / g->block_size >= MAX_FILE_BLOCKS)
		snprintf(buf, len, "file-size %s holds 2^31 blocks of %s or more", fs, bs);
	else
		return NULL;
	return buf;
}

/* The line to blame: the group's own size keys first, then the [run] defaults. */
static int check_group_sizes(const struct collector *c, int sect, const struct writer_group *g)
{
	const int sections[] = { sect, sect, c->run_section, c->run_section };
	const char *const names[] = { "file-size", "block-size", "file-size", "block-size" };
	char problem[200], label[PLAN_NAME_MAX * 2];

	if (!group_size_problem(g, problem, sizeof(problem)))
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		const struct entry *e = entry_find(c, sections[i], names[i]);

		if (!e)
			continue;
		entry_label(c, sections[i], names[i], label, sizeof(label));
		return error_set(c->err, -EINVAL, e->line, label, "%s", problem);
	}
	return error_set(c->err, -EINVAL, 0, NULL, "%s", problem);
}

static int add_group(const struct collector *c, int sect, const struct plan_defaults *defaults,
		     struct plan *plan)
{
	struct writer_group *g = &plan->groups[plan->ngroups++];
	int r;

	*g = defaults->writer;
	snprintf(g->name, sizeof(g->name), "%s", sect >= 0 ? c->sections[sect].name : "main");
	r = apply_section(c, sect, plan, g);
	if (r < 0)
		return r;
	r = check_group_sizes(c, sect, g);
	if (r < 0)
		return r;
	return check_placement(c, sect, plan, g->container, false);
}

static int add_container(const struct collector *c, int sect, const struct plan_defaults *defaults,
			 struct plan *plan)
{
	struct container_spec *ct = &plan->containers[plan->ncontainers++];
	char problem[200];
	int r;

	*ct = defaults->container;
	snprintf(ct->name, sizeof(ct->name), "%s", c->sections[sect].name);
	r = apply_section(c, sect, plan, ct);
	if (r < 0)
		return r;
	if (!container_limit_problem(ct, problem, sizeof(problem)))
		return 0;
	return error_entry(c, entry_find(c, sect, "memory-high"), problem);
}

static int add_hog(const struct collector *c, int sect, const struct plan_defaults *defaults,
		   struct plan *plan)
{
	struct hog_spec *h = &plan->hogs[plan->nhogs++];
	char label[PLAN_NAME_MAX * 2];
	int r;

	*h = defaults->hog;
	snprintf(h->name, sizeof(h->name), "%s", c->sections[sect].name);
	if (!entry_find(c, sect, "kind")) {
		entry_label(c, sect, "kind", label, sizeof(label));
		return error_set(c->err, -EINVAL, c->sections[sect].line, label,
				 "a hog needs a kind: set kind = anon, shmem or kmem");
	}
	r = apply_section(c, sect, plan, h);
	if (r < 0)
		return r;
	return check_placement(c, sect, plan, h->container, true);
}

/* The first key that put a writer group or hog in a container, or NULL. */
static const struct entry *first_placement(const struct collector *c)
{
	const struct entry *e;

	if (sections_count(c, SECTION_WRITER) == 0) {
		e = placement_entry(c, -1);
		if (e && e->value[0])
			return e;
	}
	for (unsigned i = 0; i < c->n_sections; i++) {
		if (c->sections[i].kind != SECTION_WRITER && c->sections[i].kind != SECTION_HOG)
			continue;
		e = placement_entry(c, (int)i);
		if (e && e->value[0])
			return e;
	}
	return NULL;
}

/* Blame `cgroup = none` where it is written, else the first placement. */
static int check_run(const struct collector *c, const struct plan *plan)
{
	const struct entry *e;

	if (plan->cgroup == CGROUP_NONE && plan_places_anything(plan)) {
		e = entry_find(c, c->run_section, "cgroup") ?: first_placement(c);
		return error_entry(c, e, CGROUP_NEEDED);
	}
	if (plan->expect_oom && !plan_has_memory_max(plan))
		return error_entry(c, entry_find(c, c->run_section, "expect-oom"),
				   EXPECT_OOM_NEEDS_LIMIT);
	return 0;
}

typedef int (*section_add_t)(const struct collector *c, int sect,
			     const struct plan_defaults *defaults, struct plan *plan);

/* Containers first: writer groups and hogs name them. */
static const struct {
	enum section_kind kind;
	section_add_t add;
} build_order[] = {
	{ SECTION_CONTAINER, add_container },
	{ SECTION_WRITER, add_group },
	{ SECTION_HOG, add_hog },
};

/* [run] first, then every other section over the defaults: section order is free. */
static int plan_build(const struct collector *c, struct plan *plan)
{
	struct plan_defaults defaults;
	int r;

	plan_init(plan, &defaults);
	if (c->run_section >= 0) {
		r = apply_section(c, c->run_section, plan, &defaults.writer);
		if (r < 0)
			return r;
	}
	for (unsigned b = 0; b < ARRAY_SIZE(build_order); b++) {
		for (unsigned i = 0; i < c->n_sections; i++) {
			if (c->sections[i].kind != build_order[b].kind)
				continue;
			r = build_order[b].add(c, (int)i, &defaults, plan);
			if (r < 0)
				return r;
		}
		if (build_order[b].kind == SECTION_WRITER && plan->ngroups == 0) {
			r = add_group(c, -1, &defaults, plan);
			if (r < 0)
				return r;
		}
	}
	return check_run(c, plan);
}

static int load_stream(FILE *f, struct plan *plan, struct profile_error *err)
{
	_cleanup_(collector_freep) struct collector *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory");
	r = collect(f, c, err);
	if (r < 0)
		return r;
	return plan_build(c, plan);
}

/* ---- Finding a profile ---- */

static bool is_path(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') || (len >= 4 && streq(s + len - 4, ".ini"));
}

static void list_bundled(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n_bundled_profiles && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 bundled_profiles[i].name);
}

static int load_bundled(const struct bundled_profile *b, struct plan *ret,
			struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	char file[PLAN_PATH_MAX];
	struct plan plan;
	int r;

	snprintf(file, sizeof(file), "bundled:%s", b->name);
	error_init(err, file);
	f = fmemopen((void *)b->text, strlen(b->text), "r");
	if (!f) {
		r = negative_errno();
		return error_set(err, r, 0, NULL, "cannot read the profile: %s", strerror(-r));
	}
	r = load_stream(f, &plan, err);
	if (r < 0)
		return r;
	snprintf(plan.profile, sizeof(plan.profile), "%s", b->name);
	*ret = plan;
	return 0;
}

static int load_name(const char *name, struct plan *ret, struct profile_error *err)
{
	char known[256];

	for (unsigned i = 0; i < n_bundled_profiles; i++)
		if (streq(bundled_profiles[i].name, name))
			return load_bundled(&bundled_profiles[i], ret, err);
	error_init(err, name);
	list_bundled(known, sizeof(known));
	return error_set(err, -ENOENT, 0, NULL,
			 "unknown profile \"%s\"; bundled profiles: %s (or give a file path)", name,
			 known);
}

/* "profiles/big-files.ini" is profile "big-files". */
static void profile_name_from_path(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n >= 4 && streq(base + n - 4, ".ini"))
		n -= 4;
	snprintf(buf, len, "%.*s", (int)MIN(n, len - 1), base);
}

static int load_path(const char *path, struct plan *ret, struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	char known[256];
	struct plan plan;
	int r;

	error_init(err, path);
	if (strlen(path) >= sizeof(plan.profile_path))
		return error_set(err, -ENAMETOOLONG, 0, NULL, "profile path too long");
	f = fopen(path, "re");
	if (!f) {
		r = negative_errno();
		list_bundled(known, sizeof(known));
		return error_set(err, r, 0, NULL, "cannot open profile: %s (bundled profiles: %s)",
				 strerror(-r), known);
	}
	r = load_stream(f, &plan, err);
	if (r < 0)
		return r;
	profile_name_from_path(path, plan.profile, sizeof(plan.profile));
	snprintf(plan.profile_path, sizeof(plan.profile_path), "%s", path);
	*ret = plan;
	return 0;
}

int profile_load(const char *name_or_path, struct plan *ret, struct profile_error *err)
{
	struct profile_error ignored;

	if (!err)
		err = &ignored;
	if (!name_or_path || !*name_or_path) {
		error_init(err, "");
		return error_set(err, -EINVAL, 0, NULL, "empty profile name");
	}
	if (is_path(name_or_path))
		return load_path(name_or_path, ret, err);
	return load_name(name_or_path, ret, err);
}

/* ---- Overrides ---- */

/* The sections -o can name one of: writer.NAME.KEY, container.NAME.KEY, hog.NAME.KEY. */
static const struct override_type {
	const char *word; /* writer.NAME.KEY */
	enum key_scope scope;
	const char *noun;   /* "no writer group \"x\"" */
	const char *plural; /* "; groups: a, b" */
} override_types[] = {
	{ "writer", KEY_WRITER, "writer group", "groups" },
	{ "container", KEY_CONTAINER, "container", "containers" },
	{ "hog", KEY_HOG, "hog", "hogs" },
};

static unsigned object_count(const struct plan *plan, enum key_scope scope)
{
	if (scope == KEY_WRITER)
		return plan->ngroups;
	if (scope == KEY_CONTAINER)
		return plan->ncontainers;
	return plan->nhogs;
}

/* The i-th writer group, container or hog: what keys of scope are set in. */
static void *object_at(struct plan *plan, enum key_scope scope, unsigned i)
{
	if (scope == KEY_WRITER)
		return &plan->groups[i];
	if (scope == KEY_CONTAINER)
		return &plan->containers[i];
	return &plan->hogs[i];
}

static const char *object_name(const struct plan *plan, enum key_scope scope, unsigned i)
{
	if (scope == KEY_WRITER)
		return plan->groups[i].name;
	if (scope == KEY_CONTAINER)
		return plan->containers[i].name;
	return plan->hogs[i].name;
}

static int object_find(const struct plan *plan, enum key_scope scope, const char *name)
{
	for (unsigned i = 0; i < object_count(plan, scope); i++)
		if (streq(object_name(plan, scope, i), name))
			return (int)i;
	return -1;
}

static void list_objects(const struct plan *plan, enum key_scope scope, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "(none)");
	for (unsigned i = 0; i < object_count(plan, scope) && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 object_name(plan, scope, i));
}

static int override_object(struct plan *plan, const struct key_def *k, unsigned i, const char *key,
			   const char *value, struct profile_error *err)
{
	void *obj = object_at(plan, k->scope, i);

	if (!key_applies(k, obj))
		return error_not_applicable(err, 0, key, k, ((const struct hog_spec *)obj)->kind);
	if (key_set(k, value, plan, obj) < 0)
		return error_bad_value(err, 0, key, k, value);
	return 0;
}

/* writer.NAME.KEY=VALUE (or container., hog.): one section. */
static int override_named(struct plan *plan, const struct override_type *t, char *spec,
			  const char *key, const char *value, struct profile_error *err)
{
	char *dot = strchr(spec, '.');
	char where[64], names[256];
	const struct key_def *k;
	int i;

	if (!dot)
		return error_set(err, -EINVAL, 0, key, "expected %s.NAME.KEY=VALUE", t->word);
	*dot = '\0';
	k = key_lookup(dot + 1, t->scope);
	if (!k && !key_lookup(dot + 1, KEY_ALL))
		return error_unknown_key(err, 0, key, dot + 1, t->scope);
	if (!k) {
		key_sections_text(dot + 1, where, sizeof(where));
		return error_set(err, -EINVAL, 0, key,
				 "%s is a %s key: it cannot be set for one %s", dot + 1, where,
				 t->noun);
	}
	i = object_find(plan, t->scope, spec);
	if (i < 0) {
		list_objects(plan, t->scope, names, sizeof(names));
		return error_set(err, -EINVAL, 0, key, "no %s \"%s\"; %s: %s", t->noun, spec,
				 t->plural, names);
	}
	return override_object(plan, k, (unsigned)i, key, value, err);
}

/* A bare key: run and writer keys first, then container keys, then hog keys. */
static int override_key_lookup(const char *name, unsigned scopes, const char *key,
			       const struct key_def **ret, struct profile_error *err)
{
	const struct key_def *k = key_lookup(name, scopes & (KEY_RUN | KEY_WRITER));
	const struct key_def *kc = key_lookup(name, scopes & KEY_CONTAINER);
	const struct key_def *kh = key_lookup(name, scopes & KEY_HOG);
	char where[64];

	if (!k && kc && kh)
		return error_set(err, -EINVAL, 0, key,
				 "%s is a [container] and a [hog] key: set it with "
				 "container.NAME.%s or hog.NAME.%s",
				 name, name, name);
	*ret = k ?: kc ?: kh;
	if (*ret)
		return 0;
	if (!key_lookup(name, KEY_ALL))
		return error_unknown_key(err, 0, key, name, scopes);
	key_sections_text(name, where, sizeof(where));
	return error_set(err, -EINVAL, 0, key, "%s is a %s key: it cannot be set with run.%s", name,
			 where, name);
}

/* No section took a key set for all of them. */
static int error_nothing_to_set(const struct plan *plan, const struct key_def *k, const char *key,
				struct profile_error *err)
{
	char kinds[32];

	if (object_count(plan, k->scope) == 0)
		return error_set(err, -EINVAL, 0, key, "no [%s] section to set %s in",
				 k->scope == KEY_CONTAINER ? "container" : "hog", k->name);
	hog_kinds_text(k->hog_kinds, kinds, sizeof(kinds));
	return error_set(err, -EINVAL, 0, key, "%s applies only to %s hogs, and there are none",
			 k->name, kinds);
}

/*
 * A run key, or a key for every section that takes it: every writer group,
 * container, or hog of a kind it applies to. All or nothing.
 */
static int override_all(struct plan *plan, const char *name, unsigned scopes, const char *key,
			const char *value, struct profile_error *err)
{
	const struct key_def *k;
	struct plan next;
	unsigned set = 0;
	int r = override_key_lookup(name, scopes, key, &k, err);

	if (r < 0)
		return r;
	if (k->scope == KEY_RUN) {
		if (key_set(k, value, plan, NULL) < 0)
			return error_bad_value(err, 0, key, k, value);
		return 0;
	}
	next = *plan;
	for (unsigned i = 0; i < object_count(&next, k->scope); i++) {
		if (!key_applies(k, object_at(&next, k->scope, i)))
			continue;
		r = override_object(&next, k, i, key, value, err);
		if (r < 0)
			return r;
		set++;
	}
	if (set == 0)
		return error_nothing_to_set(plan, k, key, err);
	*plan = next;
	return 0;
}

static int override_prefixed(struct plan *plan, const struct override_type *t, const char *key,
			     const char *value, struct profile_error *err)
{
	_cleanup_free_ char *spec = strdup(key + strlen(t->word) + 1);

	if (!spec)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory");
	return override_named(plan, t, spec, key, value, err);
}

int profile_override(struct plan *plan, const char *assignment, struct profile_error *err)
{
	_cleanup_free_ char *copy = NULL;
	struct profile_error ignored;
	char *eq, *key, *value;

	if (!err)
		err = &ignored;
	error_init(err, "-o");
	copy = strdup(assignment ?: "");
	if (!copy)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory");
	eq = strchr(copy, '=');
	if (!eq)
		return error_set(err, -EINVAL, 0, strip(copy),
				 "missing '=' in \"%s\": expected KEY=VALUE", assignment ?: "");
	*eq = '\0';
	key = strip(copy);
	value = strip(eq + 1);
	if (!*key)
		return error_set(err, -EINVAL, 0, NULL, "empty key in \"%s\": expected KEY=VALUE",
				 assignment);
	snprintf(err->key, sizeof(err->key), "%s", key);
	for (unsigned i = 0; i < ARRAY_SIZE(override_types); i++) {
		const struct override_type *t = &override_types[i];

		if (startswith(key, t->word) && key[strlen(t->word)] == '.')
			return override_prefixed(plan, t, key, value, err);
	}
	if (startswith(key, "run."))
		return override_all(plan, key + strlen("run."), KEY_RUN | KEY_WRITER, key, value,
				    err);
	return override_all(plan, key, KEY_ALL, key, value, err);
}

/* ---- Validation ---- */

static int validate_group(const struct plan *plan, const struct writer_group *g,
			  struct profile_error *err)
{
	char problem[400], label[PLAN_NAME_MAX * 2];
	bool uses_every = g->fsync == FSYNC_EVERY || g->fsync == FSYNC_FDATASYNC ||
			  g->fsync == FSYNC_SYNC_RANGE;

	if (group_size_problem(g, problem, sizeof(problem))) {
		snprintf(label, sizeof(label), "writer %s.file-size", g->name);
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	}
	snprintf(label, sizeof(label), "writer %s.fsync", g->name);
	if (uses_every && (g->fsync_every < 1 || g->fsync_every > MAX_FSYNC_EVERY))
		return error_set(err, -EINVAL, 0, label, "fsync %s needs N from 1 to %u",
				 fsync_policy_name(g->fsync), MAX_FSYNC_EVERY);
	snprintf(label, sizeof(label), "writer %s.writers", g->name);
	if (g->count < 1 || g->files < 1)
		return error_set(err, -EINVAL, 0, label, "a group needs writers and files");
	snprintf(label, sizeof(label), "writer %s.container", g->name);
	if (placement_problem(plan, g->container, false, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	return 0;
}

/* Names are unique among sections of one kind (a group and a container may share one). */
static int validate_name(const struct plan *plan, enum key_scope scope, unsigned i,
			 const char *word, struct profile_error *err)
{
	const char *name = object_name(plan, scope, i);

	if (!name_valid(name))
		return error_set(err, -EINVAL, 0, word,
				 "bad %s name \"%s\": expected letters, digits, '-' and '_'", word,
				 name);
	if (object_find(plan, scope, name) != (int)i)
		return error_set(err, -EINVAL, 0, word, "duplicate %s [%s %s]", word, word, name);
	return 0;
}

static int validate_container(const struct plan *plan, unsigned i, struct profile_error *err)
{
	const struct container_spec *ct = &plan->containers[i];
	char problem[200], label[PLAN_NAME_MAX * 2];
	int r = validate_name(plan, KEY_CONTAINER, i, "container", err);

	if (r < 0)
		return r;
	snprintf(label, sizeof(label), "container %s.memory-max", ct->name);
	if (ct->memory_max < MIN_MEMORY_LIMIT)
		return error_set(err, -EINVAL, 0, label, "memory-max below 1M");
	snprintf(label, sizeof(label), "container %s.count", ct->name);
	if (ct->count < 1 || ct->count > PLAN_MAX_CONTAINER_REPLICAS)
		return error_set(err, -EINVAL, 0, label, "count %u: expected 1 to %d", ct->count,
				 PLAN_MAX_CONTAINER_REPLICAS);
	snprintf(label, sizeof(label), "container %s.memory-high", ct->name);
	if (container_limit_problem(ct, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	return 0;
}

static int validate_hog(const struct plan *plan, unsigned i, struct profile_error *err)
{
	const struct hog_spec *h = &plan->hogs[i];
	char problem[400], label[PLAN_NAME_MAX * 2];
	int r = validate_name(plan, KEY_HOG, i, "hog", err);

	if (r < 0)
		return r;
	snprintf(label, sizeof(label), "hog %s.kind", h->name);
	if ((unsigned)h->kind >= _HOG_KIND_MAX)
		return error_set(err, -EINVAL, 0, label, "unknown hog kind %u", h->kind);
	snprintf(label, sizeof(label), "hog %s.container", h->name);
	if (placement_problem(plan, h->container, true, problem, sizeof(problem)))
		return error_set(err, -EINVAL, 0, label, "%s", problem);
	return 0;
}

static int validate_sections(const struct plan *plan, struct profile_error *err)
{
	int r = 0;

	if (plan->ngroups < 1 || plan->ngroups > PLAN_MAX_GROUPS)
		return error_set(err, -EINVAL, 0, "writer", "%u writer groups: expected 1 to %d",
				 plan->ngroups, PLAN_MAX_GROUPS);
	if (plan->ncontainers > PLAN_MAX_CONTAINERS)
		return error_set(err, -EINVAL, 0, "container", "%u containers: at most %d",
				 plan->ncontainers, PLAN_MAX_CONTAINERS);
	if (plan->nhogs > PLAN_MAX_HOGS)
		return error_set(err, -EINVAL, 0, "hog", "%u hogs: at most %d", plan->nhogs,
				 PLAN_MAX_HOGS);
	for (unsigned i = 0; r >= 0 && i < plan->ncontainers; i++)
		r = validate_container(plan, i, err);
	for (unsigned i = 0; r >= 0 && i < plan->ngroups; i++)
		r = validate_group(plan, &plan->groups[i], err);
	for (unsigned i = 0; r >= 0 && i < plan->nhogs; i++)
		r = validate_hog(plan, i, err);
	return r;
}

static int validate_run(const struct plan *plan, struct profile_error *err)
{
	if (plan->duration_ns == 0)
		return error_set(err, -EINVAL, 0, "run.duration", "duration must be above 0");
	if (plan->cgroup == CGROUP_NONE && plan_places_anything(plan))
		return error_set(err, -EINVAL, 0, "run.cgroup", "%s", CGROUP_NEEDED);
	if (plan->expect_oom && !plan_has_memory_max(plan))
		return error_set(err, -EINVAL, 0, "run.expect-oom", "%s", EXPECT_OOM_NEEDS_LIMIT);
	return 0;
}

/* Every replica of a container runs its own copy of the groups placed in it. */
static uint32_t group_replicas(const struct plan *plan, const struct writer_group *g)
{
	int i = g->container[0] ? container_find(plan, g->container) : -1;

	return i < 0 ? 1 : plan->containers[i].count;
}

static int validate_totals(const struct plan *plan, struct profile_error *err)
{
	uint64_t writers = 0, files = 0;

	for (unsigned i = 0; i < plan->ngroups; i++) {
		uint64_t n = (uint64_t)plan->groups[i].count *
			     group_replicas(plan, &plan->groups[i]);

		writers += n;
		files += n * plan->groups[i].files;
	}
	if (writers > PLAN_MAX_WRITERS)
		return error_set(err, -EINVAL, 0, "writers",
				 "%llu writers in all groups (container replicas included): "
				 "at most %d",
				 (unsigned long long)writers, PLAN_MAX_WRITERS);
	if (files > PLAN_MAX_FILES)
		return error_set(err, -EINVAL, 0, "files",
				 "%llu files in all groups (writers x files): at most %d",
				 (unsigned long long)files, PLAN_MAX_FILES);
	return 0;
}

int plan_validate(const struct plan *plan, struct profile_error *err)
{
	struct profile_error ignored;
	char source[PLAN_PATH_MAX];
	int r;

	if (!err)
		err = &ignored;
	if (plan->profile_path[0])
		snprintf(source, sizeof(source), "%s", plan->profile_path);
	else
		snprintf(source, sizeof(source), "bundled:%s", plan->profile);
	error_init(err, source);
	r = validate_run(plan, err);
	if (r < 0)
		return r;
	r = validate_sections(plan, err);
	if (r < 0)
		return r;
	return validate_totals(plan, err);
}

/* ---- Printing and names ---- */

static void print_key(const struct key_def *k, const struct plan *plan, const void *obj, FILE *out)
{
	char value[PLAN_NAME_MAX + 32];

	k->format(k, key_field_const(k, plan, obj), value, sizeof(value));
	fprintf(out, "%s =%s%s\n", k->name, value[0] ? " " : "", value);
}

/* "[writer NAME]" and the keys of scope that apply to obj. */
static void print_section(const char *word, const char *name, enum key_scope scope,
			  const struct plan *plan, const void *obj, FILE *out)
{
	fprintf(out, "\n[%s %s]\n", word, name);
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].scope == scope && key_applies(&keys[i], obj))
			print_key(&keys[i], plan, obj, out);
}

/* A profile name can be any file name; keep the comment on one line. */
static void print_comment_text(const char *s, FILE *out)
{
	for (; *s; s++)
		fputc(iscntrl((unsigned char)*s) ? '?' : *s, out);
}

void plan_print(const struct plan *plan, FILE *out)
{
	fputs("# Effective plan of profile ", out);
	print_comment_text(plan->profile, out);
	fputs(" (every key, overrides applied; see poof-profile(5))\n\n[run]\n", out);
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].scope == KEY_RUN)
			print_key(&keys[i], plan, NULL, out);
	for (unsigned i = 0; i < plan->ncontainers; i++)
		print_section("container", plan->containers[i].name, KEY_CONTAINER, plan,
			      &plan->containers[i], out);
	for (unsigned i = 0; i < plan->ngroups; i++)
		print_section("writer", plan->groups[i].name, KEY_WRITER, plan, &plan->groups[i],
			      out);
	for (unsigned i = 0; i < plan->nhogs; i++)
		print_section("hog", plan->hogs[i].name, KEY_HOG, plan, &plan->hogs[i], out);
}

static const char *enum_name(const char *const *names, size_t n, unsigned v)
{
	/* n counts the NULL terminator */
	return v < n - 1 ? names[v] : "unknown";
}

const char *fsync_policy_name(enum fsync_policy p)
{
	return enum_name(fsync_names, ARRAY_SIZE(fsync_names), p);
}

const char *write_order_name(enum write_order o)
{
	return enum_name(order_names, ARRAY_SIZE(order_names), o);
}

const char *engine_kind_name(enum engine_kind e)
{
	return enum_name(engine_names, ARRAY_SIZE(engine_names), e);
}

const char *scratch_fs_name(enum scratch_fs fs)
{
	return enum_name(scratch_fs_names, ARRAY_SIZE(scratch_fs_names), fs);
}
