/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the files of profiles/ share, and nothing outside it includes: the
 * key table's types and lookups (keys.c), the value types its keys are read
 * and printed with (values.c), the enum name tables (names.c), the error
 * builders (error.c), the plan queries and checks that loading and
 * validation both make (plan.c), and reading one profile stream (build.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "profiles/profile.h"
#include "shared/names.h"
#include "shared/macro.h"

#define MAX_FSYNC_EVERY 1000000U
#define MAX_FILE_BLOCKS (1ULL << 31)
#define MIN_MEMORY_LIMIT (1ULL << 20) /* less cannot even hold the process */

/* ---- The key table (keys.c) ---- */

/* Which sections a key belongs to; bits, so that a section can take several. */
enum key_scope {
	KEY_RUN = 1 << 0,	/* [run] only; a field of struct plan */
	KEY_WRITER = 1 << 1,	/* [writer NAME], or a default for every group in [run] */
	KEY_CONTAINER = 1 << 2, /* [container NAME]; a field of struct container_spec */
	KEY_HOG = 1 << 3,	/* [hog NAME]; a field of struct hog_spec */
	KEY_ALL = KEY_RUN | KEY_WRITER | KEY_CONTAINER | KEY_HOG,
};

struct key_def;

/* How one kind of value is read from text and written back exactly. */
struct value_type {
	int (*parse)(const struct key_def *k, const char *value, void *field);
	void (*format)(const struct key_def *k, const void *field, char *buf, size_t len);
};

struct key_def {
	const char *name;
	enum key_scope scope;
	const struct value_type *type;
	size_t offset;		  /* into struct plan, writer_group, container_spec or hog_spec */
	uint64_t min, max;	  /* for numbers, durations and sizes */
	const char *const *names; /* for enums: NULL-terminated, indexed by value */
	const char *def;	  /* NULL: required, no default */
	const char *accepted;	  /* completes "expected ..." in error messages */
	unsigned hog_kinds;	  /* KEY_HOG: bits of the kinds it applies to; 0 = all */
	uint32_t pct_max;	  /* takes "N%" from 1 to pct_max; 0 = no percentages */
	size_t pct_offset;	  /* ... into the same object: its uint32_t percentage */
	uint64_t pct_clears;	  /* ... and what the size field holds meanwhile */
	bool first;		  /* applied before the other keys: their parsing depends on it */
};

/* Every key of a profile, in the order plan_print writes them. */
extern const struct key_def profile_keys[];
extern const unsigned n_profile_keys;

/* The key called name among the keys of scopes (bits of enum key_scope). */
const struct key_def *key_lookup(const char *name, unsigned scopes);

/* obj is the writer group, container or hog of a key that is not a run key. */
void *key_field(const struct key_def *k, struct plan *plan, void *obj);
const void *key_field_const(const struct key_def *k, const struct plan *plan, const void *obj);
int key_set(const struct key_def *k, const char *value, struct plan *plan, void *obj);
/* The value as a profile says it: "90%" for a percentage, else the type's own words. */
void key_format(const struct key_def *k, const struct plan *plan, const void *obj, char *buf,
		size_t len);

/* Whether a hog key means anything for this hog's kind (size, files). */
bool key_applies(const struct key_def *k, const void *obj);

/* Key names of scopes, each once: "count" is a container and a hog key. */
void list_keys(unsigned scopes, char *buf, size_t len);

/* "[run]", "[writer] and [hog]": the sections where a key name belongs. */
void key_sections_text(const char *name, char *buf, size_t len);

/* The defaults of every key, for each kind of section. */
struct plan_defaults {
	struct writer_group writer;
	struct container_spec container;
	struct hog_spec hog;
};

/* The plan with every run key at its default; *defaults gets the others. */
void plan_init(struct plan *plan, struct plan_defaults *defaults);

/* ---- Value types of the keys (values.c) ---- */

extern const struct value_type value_u64, value_u32, value_duration, value_duration_off, value_size,
	value_size_auto, value_block_size, value_bool, value_enum, value_fsync, value_limit,
	value_u64_or_max, value_name, value_hog_rate, value_cgroup;

/* The inject key's value (inject.c). */
extern const struct value_type value_inject;

/* NULL, or why an injected syscall is one no writer group calls (inject.c). */
const char *profile_inject_problem(const struct plan *plan, char *buf, size_t len);

/* Exact, unlike format_size(): "1536" stays "1536", never "1.5K". */
void format_exact_size(uint64_t bytes, char *buf, size_t len);

/* Names end up in `-o writer.NAME.key`, in cgroup names and in file names. */
bool name_valid(const char *name);

/* ---- Enum names (names.c), each NULL-terminated and indexed by value ---- */

extern const char *const fsync_names[];
extern const char *const order_names[];
extern const char *const engine_names[];
extern const char *const mmap_flush_names[];
extern const char *const keep_names[];
extern const char *const hog_kind_names[];
extern const char *const scratch_fs_names[];

/* ---- Error messages (error.c): the builders fill *err and return r, or -EINVAL ---- */

_printf_(5, 6) int error_set(struct profile_error *err, int r, unsigned line, const char *key,
			     const char *fmt, ...);
void error_init(struct profile_error *err, const char *file);
/* error_init() naming the plan's profile: its path, or "bundled:NAME". */
void error_init_plan(struct profile_error *err, const struct plan *plan);
int error_bad_value(struct profile_error *err, unsigned line, const char *key,
		    const struct key_def *k, const char *value);
int error_not_applicable(struct profile_error *err, unsigned line, const char *key,
			 const struct key_def *k, enum hog_kind kind);
int error_unknown_key(struct profile_error *err, unsigned line, const char *key, const char *name,
		      unsigned scopes);

/* "anon and shmem": the kinds in a hog_kinds mask. */
void hog_kinds_text(unsigned kinds, char *buf, size_t len);

/* ---- Plan queries, and checks shared by profile_load and plan_validate (plan.c) ---- */

#define CGROUP_NEEDED \
	"containers need a cgroup manager: set cgroup = auto (or cgroupfs, systemd, v1)"
#define EXPECT_OOM_NEEDS_LIMIT "expect-oom needs a container with a memory-max"

/* NULL, or what is wrong with the container a writer group or hog names. */
const char *placement_problem(const struct plan *plan, const char *container, bool required,
			      char *buf, size_t len);

/* NULL, or what is wrong with a container's limits together. */
const char *container_limit_problem(const struct container_spec *ct, char *buf, size_t len);

/* NULL, or what is wrong with the group's file-size and block-size together. */
const char *group_size_problem(const struct writer_group *g, char *buf, size_t len);

bool plan_has_memory_max(const struct plan *plan);

/* The writer groups, containers or hogs: the sections keys of one scope are set in. */
unsigned object_count(const struct plan *plan, enum key_scope scope);
void *object_at(struct plan *plan, enum key_scope scope, unsigned i);
const char *object_name(const struct plan *plan, enum key_scope scope, unsigned i);
int object_find(const struct plan *plan, enum key_scope scope, const char *name);

/* ---- Reading a profile (build.c) ---- */

/* The plan of the profile text in f; -EINVAL (or -ENOMEM) with *err filled. */
int profile_read(FILE *f, struct plan *ret, struct profile_error *err);

/* ---- Text helpers of the readers: the INI file and -o ---- */

static inline bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
