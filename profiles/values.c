// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kinds of value a profile key takes - numbers, durations, sizes,
 * limits, enums, names, fsync policies, hog rates - each read from text
 * within its key's range and written back exactly, so that plan_print's
 * output loads to the same plan.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profiles/profile-internal.h"
#include "shared/parse.h"

#define DEFAULT_FSYNC_EVERY 16U

/* Enum fields are written through an unsigned pointer. */
_Static_assert(sizeof(enum engine_kind) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum mmap_flush) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum fsync_policy) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum hog_kind) == sizeof(unsigned), "enum size");

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

static int parse_key_enum(const struct key_def *k, const char *v, void *field)
{
	int i = enum_from_name(k->names, v);

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
	p = enum_from_name(fsync_names, policy);
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

bool name_valid(const char *name)
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

/* The managers are named where they are implemented: cgroups/ owns the names. */
static int parse_key_cgroup(const struct key_def *k _unused_, const char *v, void *field)
{
	return cg_manager_from_name(v, field);
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

void format_exact_size(uint64_t bytes, char *buf, size_t len)
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
	snprintf(buf, len, "%s", enum_to_name(k->names, *(const unsigned *)field));
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
		snprintf(buf, len, "%s", fsync_policy_name(g->fsync));
	else
		snprintf(buf, len, "%s=%u", fsync_policy_name(g->fsync), g->fsync_every);
}

static void format_key_cgroup(const struct key_def *k _unused_, const void *field, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s", cg_manager_name(*(const enum cg_manager_kind *)field));
}

#define VALUE_TYPE(n) \
	const struct value_type value_##n = { .parse = parse_key_##n, .format = format_key_##n }

VALUE_TYPE(u64);
VALUE_TYPE(u32);
VALUE_TYPE(duration);
VALUE_TYPE(duration_off);
VALUE_TYPE(size);
VALUE_TYPE(size_auto);
VALUE_TYPE(block_size);
VALUE_TYPE(bool);
VALUE_TYPE(enum);
VALUE_TYPE(fsync);
VALUE_TYPE(limit);
VALUE_TYPE(u64_or_max);
VALUE_TYPE(name);
VALUE_TYPE(hog_rate);
VALUE_TYPE(cgroup);
