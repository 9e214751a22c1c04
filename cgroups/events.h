/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure parsers for the text of cgroup files, both versions. No I/O: the
 * managers read the files (pread on kept fds) and hand the text here, so
 * every format is covered by table-driven unit tests.
 *
 * All return 0, or -EINVAL for a malformed line. Keys the kernel may add
 * later are ignored; keys the kernel does not have leave their field at 0
 * (counters) or CG_UNSET (sizes), so callers can tell "absent" from "zero"
 * where it matters.
 */

#include <stdbool.h>
#include <stdint.h>

#define CG_UNSET UINT64_MAX

/* Counters of memory.events (v2), or what v1 has of them. */
struct cg_memory_events {
	uint64_t low;
	uint64_t high;
	uint64_t max;
	uint64_t oom;
	uint64_t oom_kill;
	uint64_t oom_group_kill;
};

struct cg_events {
	struct cg_memory_events tree;  /* memory.events: this group and its descendants */
	struct cg_memory_events local; /* memory.events.local, when has_local */
	bool has_local;
	/*
	 * v1 only: memory.oom_control `under_oom` (the group sits at its limit
	 * with the OOM killer unable to make progress). v1 has no `oom`, `high`,
	 * `low` or `oom_group_kill` counters; its `max` is memory.failcnt.
	 */
	bool under_oom;
};

/* memory.stat keys poof's timeline uses, mapped onto v2 names. */
struct cg_memory_stat {
	uint64_t anon;		 /* v2 anon; v1 (total_)rss */
	uint64_t file;		 /* v2 file; v1 (total_)cache */
	uint64_t file_dirty;	 /* v2 file_dirty; v1 (total_)dirty */
	uint64_t file_writeback; /* v2 file_writeback; v1 (total_)writeback */
};

/* cgroup.events (v2). */
struct cg_group_events {
	bool populated;
	bool frozen;
};

/* Flat keyed "key value\n" text (memory.events, memory.stat, cgroup.events ...). */
struct cg_key {
	const char *key;
	uint64_t *value;
};
int cg_parse_keyed(const char *text, const struct cg_key *keys, unsigned nkeys);

/* memory.events or memory.events.local (v2). */
int cg_parse_memory_events(const char *text, struct cg_memory_events *ret);

/* memory.oom_control (v1): oom_kill into ret->tree.oom_kill, under_oom. */
int cg_parse_oom_control(const char *text, struct cg_events *ret);

/* memory.stat of v2. Absent keys stay CG_UNSET. */
int cg_parse_memory_stat_v2(const char *text, struct cg_memory_stat *ret);

/*
 * memory.stat of v1: the hierarchical total_* keys where present (like v2's
 * memory.stat, which counts descendants), else the local ones.
 */
int cg_parse_memory_stat_v1(const char *text, struct cg_memory_stat *ret);

/* cgroup.events (v2). -EINVAL when `populated` is missing. */
int cg_parse_group_events(const char *text, struct cg_group_events *ret);

/*
 * A limit file: "max" (v2) or a number; v1's "unlimited" (a page-rounded
 * LONG_MAX such as 9223372036854771712) and anything from 2^62 up read as
 * CG_UNSET, meaning no limit.
 */
int cg_parse_limit(const char *text, uint64_t *ret);

/* Does a process list (cgroup.procs, tasks) name at least one pid? */
bool cg_procs_nonempty(const char *text);
