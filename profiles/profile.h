/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A profile (INI, parsed with libinih) plus `-o key=value` overrides become
 * a run plan. Every key, its default and its accepted values live in one
 * table in keys.c; man/poof-profile.5.scd documents the same keys.
 *
 * Sections:
 *   [run]            run-wide keys, and defaults for every writer key
 *   [writer NAME]    a group of identical writers; any writer key
 * With no [writer] section the plan has one group named "main" built from
 * the [run] defaults.
 *
 * Overrides: `-o key=value` sets a run key, or a writer key in [run] *and*
 * in every writer group (the command line wins over the profile);
 * `-o writer.NAME.key=value` sets it in one group.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroups/manager.h"
#include "profiles/inject.h"

/* No container: a writer or group outside every [container]. */
#define CONTAINER_NONE UINT32_MAX

#define PLAN_MAX_GROUPS 16
#define PLAN_NAME_MAX 64
#define PLAN_PATH_MAX 1024
#define PLAN_MAX_WRITERS 1024
#define PLAN_MAX_FILES 65536
#define PLAN_MAX_CONTAINERS 16 /* container sections; replicas multiply them */
#define PLAN_MAX_CONTAINER_REPLICAS 64
#define PLAN_MAX_HOGS 16
#define PLAN_UNLIMITED UINT64_MAX /* "max" for a memory or pids limit */

enum fsync_policy {
	FSYNC_NONE,
	FSYNC_EVERY,	  /* fsync after every N blocks */
	FSYNC_END,	  /* fsync at the end of every pass */
	FSYNC_FDATASYNC,  /* fdatasync after every N blocks */
	FSYNC_SYNC_RANGE, /* sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER) every N blocks */
};

enum write_order { ORDER_SEQUENTIAL, ORDER_RANDOM };

enum engine_kind { ENGINE_PWRITE, ENGINE_WRITE, ENGINE_IO_URING, ENGINE_MMAP, _ENGINE_MAX };

/* How the mmap engine makes a file durable: msync(MS_SYNC) of the range, or fsync of the file. */
enum mmap_flush { MMAP_FLUSH_MSYNC, MMAP_FLUSH_FSYNC };

enum keep_policy { KEEP_ON_LOSS, KEEP_ALWAYS, KEEP_NEVER };

enum hog_kind { HOG_ANON, HOG_SHMEM, HOG_KMEM, _HOG_KIND_MAX };

enum scratch_fs { SCRATCH_EXT4, SCRATCH_XFS, SCRATCH_BTRFS };

struct writer_group {
	char name[PLAN_NAME_MAX];
	uint32_t count;	    /* writer processes; key "writers" */
	uint32_t files;	    /* files per writer; key "files" */
	uint64_t file_size; /* bytes, multiple of block_size; key "file-size" */
	/*
	 * "file-size = N%": the group's files share N% of the target's free
	 * space, file_size is 0 until plan_size_files() sets it.
	 */
	uint32_t file_size_pct;
	uint32_t block_size; /* power of two, 512..1M; key "block-size" */
	enum engine_kind engine;
	enum fsync_policy fsync;
	uint32_t fsync_every;	    /* N for every/fdatasync/sync_file_range */
	uint32_t queue_depth;	    /* key "queue-depth": requests in flight (io_uring) */
	enum mmap_flush mmap_flush; /* key "mmap-flush" */
	enum write_order order;
	uint32_t passes;	       /* 0 = until the run ends */
	char container[PLAN_NAME_MAX]; /* key "container"; "" = outside containers */
};

/*
 * [container NAME]: one cgroup (or `count` replicas NAME-0, NAME-1, ...,
 * each with its own copy of the writers and hogs placed in it).
 */
struct container_spec {
	char name[PLAN_NAME_MAX];
	uint32_t count;		  /* "count", replicas, 1..PLAN_MAX_CONTAINER_REPLICAS */
	uint64_t memory_max;	  /* "memory-max", bytes or PLAN_UNLIMITED */
	uint64_t memory_high;	  /* "memory-high", bytes or PLAN_UNLIMITED (unset) */
	uint32_t memory_high_pct; /* "memory-high = N%" of memory_max; 0 when given in bytes */
	uint64_t swap_max;	  /* "swap-max", bytes or PLAN_UNLIMITED; default 0 */
	uint64_t pids_max;	  /* "pids-max", or PLAN_UNLIMITED */
	bool oom_group;		  /* "oom-group": memory.oom.group */
	bool oom_immune;	  /* "oom-immune": every task at oom_score_adj -1000 */
};

/* [hog NAME]: processes that squeeze a container; see stress/hog.h. */
struct hog_spec {
	char name[PLAN_NAME_MAX];
	char container[PLAN_NAME_MAX]; /* "container", required */
	enum hog_kind kind;	       /* "kind": anon, shmem, kmem */
	uint32_t count;		       /* "count" processes per container replica */
	uint64_t size;		       /* "size": bytes (anon, shmem) */
	uint32_t size_pct;	       /* "size = N%" of its container's memory-max, or 0 */
	uint64_t files;		       /* "files": files kept alive (kmem) */
	uint64_t rate; /* "rate": bytes/s (anon, shmem) or ops/s (kmem); 0 = no limit */
	bool cycle;    /* "cycle": release and start again at size */
};

/* io-timeout's default, also what `poof verify` allows each read (it has no profile). */
#define PLAN_IO_TIMEOUT_DEFAULT_S 60

struct plan {
	char profile[PLAN_NAME_MAX];	  /* bundled name, or file name of a path */
	char profile_path[PLAN_PATH_MAX]; /* "" for a bundled profile */
	uint64_t duration_ns;		  /* "duration" */
	uint64_t seed;			  /* "seed"; 0 = from the run id */
	uint64_t kill_writers_ns;	  /* "kill-writers": mean interval, 0 = off */
	enum cg_manager_kind cgroup;	  /* "cgroup" */
	enum scratch_fs scratch_fs;	  /* "scratch-fs" */
	uint64_t scratch_size;		  /* "scratch-size"; 0 = sized from the writers */
	enum keep_policy keep;		  /* "keep": data files or scratch image after the run */
	bool remount;			  /* "remount": remount the scratch fs before verifying */
	bool strict_errors;		  /* "strict-errors" */
	uint32_t report_losses;		  /* "report-losses": losses listed in full */
	uint64_t stop_timeout_ns;	  /* "stop-timeout" */
	uint64_t stall_timeout_ns;	  /* "stall-timeout": no heartbeat this long is a stall */
	uint64_t io_timeout_ns;		  /* "io-timeout": the final syncfs, each verify read */
	bool expect_oom;		  /* "expect-oom": no OOM kill is INEFFECTIVE */
	bool sandbox;			  /* "sandbox": workers under their seccomp allow-list */
	struct inject_spec inject;	  /* "inject": errors injected into the writers' syscalls */
	uint64_t inject_seed;		  /* "inject-seed": 0 = the run's seed */
	struct writer_group groups[PLAN_MAX_GROUPS];
	unsigned ngroups;
	struct container_spec containers[PLAN_MAX_CONTAINERS];
	unsigned ncontainers;
	struct hog_spec hogs[PLAN_MAX_HOGS];
	unsigned nhogs;
};

/* Where a profile or override went wrong; every field is for the message. */
struct profile_error {
	char file[PLAN_PATH_MAX]; /* profile path, or "-o" for the command line */
	unsigned line;		  /* 0 when not from a file */
	char key[PLAN_NAME_MAX * 2];
	char message[512]; /* what was wrong and what is accepted */
};

/*
 * Load a bundled profile by name, or a file when name_or_path contains a '/'
 * or ends in ".ini". -ENOENT (unknown name / missing file: the message lists
 * the bundled names), -EINVAL with *err filled for any bad content.
 */
int profile_load(const char *name_or_path, struct plan *ret, struct profile_error *err);

/* Apply one "key=value" override; -EINVAL with *err filled. */
int profile_override(struct plan *plan, const char *assignment, struct profile_error *err);

/*
 * profile_override() for a command that takes only some run keys without a
 * profile (poof verify): allowed is a NULL-terminated list of run key
 * names, and any other key is refused with a message that lists them and
 * what each accepts. -EINVAL with *err filled.
 */
int profile_override_keys(struct plan *plan, const char *assignment, const char *const *allowed,
			  struct profile_error *err);

/* A plan with every run key at its default and no section, for such a command. */
void plan_run_defaults(struct plan *ret);

/*
 * Cross-key checks after all overrides (file size a multiple of block size,
 * totals within limits, percentages of something that is set). -EINVAL
 * with *err filled.
 */
int plan_validate(const struct plan *plan, struct profile_error *err);

/*
 * Turn the percentages of a validated plan that are of other keys into
 * sizes: memory-high of memory-max, a hog's size of its container's
 * memory-max. -EINVAL with *err filled when a result is out of range.
 */
int plan_resolve_percentages(struct plan *plan, struct profile_error *err);

/* Does a writer group give file-size as a share of the target's free space? */
bool plan_sizes_files_by_space(const struct plan *plan);

/*
 * file-size = N%: each group's files share N% of free_bytes, the target's
 * free space, rounded down to whole blocks. -EINVAL with *err filled when
 * a file would be smaller than one block.
 */
int plan_size_files(struct plan *plan, uint64_t free_bytes, struct profile_error *err);

/* Bundled profiles, compiled into the binary. */
struct bundled_profile {
	const char *name;
	const char *text;
};
extern const struct bundled_profile bundled_profiles[];
extern const unsigned n_bundled_profiles;

/* Whether any writer group or hog runs in a container, so that a cgroup manager is needed. */
bool plan_uses_containers(const struct plan *plan);

/*
 * How many copies of group g run: every replica of its container runs its
 * own, so a container's count; 1 outside any container.
 */
uint32_t plan_group_replicas(const struct plan *plan, const struct writer_group *g);

/* Index of [container name] in the plan, or CONTAINER_NONE. */
unsigned plan_container_index(const struct plan *plan, const char *name);

/* Replicas of the container named `name` in the plan: its count, or 0 if unknown. */
unsigned plan_container_replicas(const struct plan *plan, const char *name);

/* The cgroup limits of a [container] section: the one way from its keys to cgroup knobs. */
void plan_container_limits(const struct container_spec *spec, struct cg_limits *ret);

/*
 * The i-th key of the key table: its name and the section it is set in,
 * "run", "writer", "container" or "hog" (writer keys are also the defaults
 * in [run]). -ENOENT past the last key. For checking that the manual lists
 * the same keys.
 */
int profile_key_at(unsigned i, const char **ret_name, const char **ret_section);

/* Print the effective plan as an INI profile (for `poof profiles show`). */
void plan_print(const struct plan *plan, FILE *out);

const char *fsync_policy_name(enum fsync_policy p);
const char *write_order_name(enum write_order o);
const char *engine_kind_name(enum engine_kind e);
const char *mmap_flush_name(enum mmap_flush f);
const char *scratch_fs_name(enum scratch_fs fs);
/* "ext4", "xfs", "btrfs": 0, or -EINVAL (*ret untouched) for any other name. */
int scratch_fs_from_name(const char *name, enum scratch_fs *ret);
const char *hog_kind_name(enum hog_kind k);
int hog_kind_from_name(const char *name, enum hog_kind *ret);
