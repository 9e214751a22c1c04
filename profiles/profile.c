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

enum key_scope {
	KEY_RUN,    /* [run] only; a field of struct plan */
	KEY_WRITER, /* [writer NAME], or a default for every group in [run] */
};

struct key_def;
typedef int (*key_parse_t)(const struct key_def *k, const char *value, void *field);
typedef void (*key_format_t)(const struct key_def *k, const void *field, char *buf, size_t len);

struct key_def {
	const char *name;
	enum key_scope scope;
	key_parse_t parse;
	key_format_t format;
	size_t offset;		  /* into struct plan or struct writer_group */
	uint64_t min, max;	  /* for numbers, durations and sizes */
	const char *const *names; /* for enums: NULL-terminated, indexed by value */
	const char *def;
	const char *accepted; /* completes "expected ..." in error messages */
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
	[CGROUP_NONE] = "none",
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
	{ "cgroup", RUN(cgroup), ENUM(cgroup_names), .def = "none", .accepted = "none" },
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
};

static const struct key_def *key_lookup(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (streq(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static void *key_field(const struct key_def *k, struct plan *plan, struct writer_group *g)
{
	return (char *)(k->scope == KEY_RUN ? (void *)plan : (void *)g) + k->offset;
}

static const void *key_field_const(const struct key_def *k, const struct plan *plan,
				   const struct writer_group *g)
{
	return (const char *)(k->scope == KEY_RUN ? (const void *)plan : (const void *)g) +
	       k->offset;
}

static int key_set(const struct key_def *k, const char *value, struct plan *plan,
		   struct writer_group *g)
{
	return k->parse(k, value, key_field(k, plan, g));
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

static void list_keys(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(keys) && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", keys[i].name);
}

static int error_unknown_key(struct profile_error *err, unsigned line, const char *key,
			     const char *name)
{
	char known[400];

	list_keys(known, sizeof(known));
	return error_set(err, -EINVAL, line, key, "unknown key \"%s\"; keys: %s", name, known);
}

/* The plan with every key at its default; *defaults gets the writer keys. */
static void plan_init(struct plan *plan, struct writer_group *defaults)
{
	*plan = (struct plan){ 0 };
	*defaults = (struct writer_group){ 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++) {
		int r = key_set(&keys[i], keys[i].def, plan, defaults);

		assert(r >= 0);
		(void)r;
	}
}

/* ---- Collecting a profile: sections and keys, each with its line ---- */

enum section_kind { SECTION_RUN, SECTION_WRITER };

struct section {
	enum section_kind kind;
	char name[PLAN_NAME_MAX]; /* the group of a [writer NAME] */
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
	struct section sections[PLAN_MAX_GROUPS + 1];
	unsigned n_sections;
	struct entry entries[(PLAN_MAX_GROUPS + 1) * ARRAY_SIZE(keys)];
	unsigned n_entries;
};

static void collector_freep(struct collector **c)
{
	free(*c);
}

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
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
		snprintf(buf, len, "writer %s", c->sections[sect].name);
}

static void entry_label(const struct collector *c, int sect, const char *key, char *buf, size_t len)
{
	char section[PLAN_NAME_MAX + 8];

	section_label(c, sect, section, sizeof(section));
	snprintf(buf, len, "%s.%s", section, key);
}

/* Group names end up in `-o writer.NAME.key` and in cgroup and file names. */
static bool group_name_valid(const char *name)
{
	return *name && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789_-") == strlen(name);
}

static int section_find_group(const struct collector *c, const char *name)
{
	for (unsigned i = 0; i < c->n_sections; i++)
		if (c->sections[i].kind == SECTION_WRITER && streq(c->sections[i].name, name))
			return (int)i;
	return -1;
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

static int section_add_writer(struct collector *c, const char *name)
{
	struct section *s;
	int dup;

	if (!*name)
		return error_set(c->err, -EINVAL, c->line, "writer",
				 "[writer] needs a group name: [writer NAME]");
	if (!group_name_valid(name))
		return error_set(c->err, -EINVAL, c->line, "writer",
				 "bad group name \"%s\": expected letters, digits, '-' and '_'",
				 name);
	dup = section_find_group(c, name);
	if (dup >= 0)
		return error_set(c->err, -EINVAL, c->line, "writer",
				 "duplicate group [writer %s] (first on line %u)", name,
				 c->sections[dup].line);
	if (c->n_sections - (c->run_section >= 0) >= PLAN_MAX_GROUPS)
		return error_set(c->err, -EINVAL, c->line, "writer", "more than %d writer groups",
				 PLAN_MAX_GROUPS);
	s = &c->sections[c->n_sections++];
	*s = (struct section){ .kind = SECTION_WRITER, .line = c->line };
	snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

static int section_add(struct collector *c, char *raw)
{
	char *name = strip(raw);

	if (streq(name, "run"))
		return section_add_run(c);
	if (startswith(name, "writer") && (name[6] == '\0' || isspace((unsigned char)name[6])))
		return section_add_writer(c, strip(name + 6));
	return error_set(c->err, -EINVAL, c->line, name,
			 "unknown section [%s]: expected [run] or [writer NAME]", name);
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
	char label[PLAN_NAME_MAX * 2];
	const struct key_def *k = key_lookup(name);
	const struct entry *dup;
	struct entry *e;

	entry_label(c, sect, name, label, sizeof(label));
	if (sect < 0)
		return error_set(
			c->err, -EINVAL, c->line, name,
			"key \"%s\" outside any section: put it under [run] or [writer NAME]",
			name);
	if (!k)
		return error_unknown_key(c->err, c->line, label, name);
	if (k->scope == KEY_RUN && c->sections[sect].kind == SECTION_WRITER)
		return error_set(c->err, -EINVAL, c->line, label,
				 "%s is a [run] key: it cannot be set in a [writer] section", name);
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

/* ---- Building the plan from what was collected ---- */

static int apply_section(const struct collector *c, int sect, struct plan *plan,
			 struct writer_group *g)
{
	char label[PLAN_NAME_MAX * 2];

	for (unsigned i = 0; i < c->n_entries; i++) {
		const struct entry *e = &c->entries[i];

		if (e->section != sect || key_set(e->key, e->value, plan, g) >= 0)
			continue;
		entry_label(c, sect, e->key->name, label, sizeof(label));
		return error_bad_value(c->err, e->line, label, e->key, e->value);
	}
	return 0;
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

static int add_group(const struct collector *c, int sect, const struct writer_group *defaults,
		     struct plan *plan)
{
	struct writer_group *g = &plan->groups[plan->ngroups++];
	int r;

	*g = *defaults;
	snprintf(g->name, sizeof(g->name), "%s", sect >= 0 ? c->sections[sect].name : "main");
	r = apply_section(c, sect, plan, g);
	if (r < 0)
		return r;
	return check_group_sizes(c, sect, g);
}

/* [run] first, then every group over the [run] defaults: section order is free. */
static int plan_build(const struct collector *c, struct plan *plan)
{
	struct writer_group defaults;
	int r;

	plan_init(plan, &defaults);
	if (c->run_section >= 0) {
		r = apply_section(c, c->run_section, plan, &defaults);
		if (r < 0)
			return r;
	}
	for (unsigned i = 0; i < c->n_sections; i++) {
		if (c->sections[i].kind != SECTION_WRITER)
			continue;
		r = add_group(c, (int)i, &defaults, plan);
		if (r < 0)
			return r;
	}
	if (plan->ngroups == 0)
		return add_group(c, -1, &defaults, plan);
	return 0;
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
	_cleanup_(fclosep) FILE *f = NULL;
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
	_cleanup_(fclosep) FILE *f = NULL;
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

static int group_find(const struct plan *plan, const char *name)
{
	for (unsigned i = 0; i < plan->ngroups; i++)
		if (streq(plan->groups[i].name, name))
			return (int)i;
	return -1;
}

static void list_groups(const struct plan *plan, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < plan->ngroups && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 plan->groups[i].name);
}

/* writer.NAME.KEY=VALUE: one group. */
static int override_group(struct plan *plan, char *spec, const char *key, const char *value,
			  struct profile_error *err)
{
	char *dot = strchr(spec, '.');
	const struct key_def *k;
	char groups[256];
	int i;

	if (!dot)
		return error_set(err, -EINVAL, 0, key, "expected writer.NAME.KEY=VALUE");
	*dot = '\0';
	k = key_lookup(dot + 1);
	if (!k)
		return error_unknown_key(err, 0, key, dot + 1);
	if (k->scope == KEY_RUN)
		return error_set(err, -EINVAL, 0, key,
				 "%s is a [run] key: it cannot be set for one writer group",
				 k->name);
	i = group_find(plan, spec);
	if (i < 0) {
		list_groups(plan, groups, sizeof(groups));
		return error_set(err, -EINVAL, 0, key, "no writer group \"%s\"; groups: %s", spec,
				 groups);
	}
	if (key_set(k, value, plan, &plan->groups[i]) < 0)
		return error_bad_value(err, 0, key, k, value);
	return 0;
}

/* A run key, or a writer key for every group (parsing is the same for each). */
static int override_all(struct plan *plan, const char *name, const char *key, const char *value,
			struct profile_error *err)
{
	const struct key_def *k = key_lookup(name);

	if (!k)
		return error_unknown_key(err, 0, key, name);
	if (k->scope == KEY_RUN) {
		if (key_set(k, value, plan, NULL) < 0)
			return error_bad_value(err, 0, key, k, value);
		return 0;
	}
	for (unsigned i = 0; i < plan->ngroups; i++)
		if (key_set(k, value, plan, &plan->groups[i]) < 0)
			return error_bad_value(err, 0, key, k, value);
	return 0;
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
	if (startswith(key, "writer.")) {
		_cleanup_free_ char *spec = strdup(key + strlen("writer."));

		if (!spec)
			return error_set(err, -ENOMEM, 0, NULL, "out of memory");
		return override_group(plan, spec, key, value, err);
	}
	if (startswith(key, "run."))
		return override_all(plan, key + strlen("run."), key, value, err);
	return override_all(plan, key, key, value, err);
}

/* ---- Validation ---- */

static int validate_group(const struct writer_group *g, struct profile_error *err)
{
	char problem[200], label[PLAN_NAME_MAX * 2];
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
	return 0;
}

static int validate_totals(const struct plan *plan, struct profile_error *err)
{
	uint64_t writers = 0, files = 0;

	for (unsigned i = 0; i < plan->ngroups; i++) {
		writers += plan->groups[i].count;
		files += (uint64_t)plan->groups[i].count * plan->groups[i].files;
	}
	if (writers > PLAN_MAX_WRITERS)
		return error_set(err, -EINVAL, 0, "writers",
				 "%llu writers in all groups: at most %d",
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
	if (plan->duration_ns == 0)
		return error_set(err, -EINVAL, 0, "run.duration", "duration must be above 0");
	if (plan->ngroups < 1 || plan->ngroups > PLAN_MAX_GROUPS)
		return error_set(err, -EINVAL, 0, "writer", "%u writer groups: expected 1 to %d",
				 plan->ngroups, PLAN_MAX_GROUPS);
	for (unsigned i = 0; i < plan->ngroups; i++) {
		r = validate_group(&plan->groups[i], err);
		if (r < 0)
			return r;
	}
	return validate_totals(plan, err);
}

/* ---- Printing and names ---- */

static void print_key(const struct key_def *k, const struct plan *plan,
		      const struct writer_group *g, FILE *out)
{
	char value[64];

	k->format(k, key_field_const(k, plan, g), value, sizeof(value));
	fprintf(out, "%s = %s\n", k->name, value);
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
	for (unsigned g = 0; g < plan->ngroups; g++) {
		fprintf(out, "\n[writer %s]\n", plan->groups[g].name);
		for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
			if (keys[i].scope == KEY_WRITER)
				print_key(&keys[i], plan, &plan->groups[g], out);
	}
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
