/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The kernel log, read from /dev/kmsg from a marker poof writes at run
 * start, and the classification of its records into the events a run
 * reports (SPEC section 5). Only kernel-facility records count: a line a
 * user process writes into /dev/kmsg gets the user facility and can never
 * fail a run.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KMSG_TEXT_MAX 1024

struct kmsg_record {
	unsigned level;	   /* 0 (emerg) .. 7 (debug) */
	unsigned facility; /* 0 = kernel */
	uint64_t seq;
	uint64_t ts_usec; /* since boot */
	char text[KMSG_TEXT_MAX];
};

enum kmsg_event {
	KMSG_NONE,
	KMSG_HUNG_TASK,	  /* "task X blocked for more than N seconds" */
	KMSG_SOFT_LOCKUP, /* "BUG: soft lockup" */
	KMSG_HARD_LOCKUP, /* "hard LOCKUP" */
	KMSG_RCU_STALL,	  /* "rcu: ... detected stalls" */
	KMSG_BUG,	  /* "BUG:", "kernel BUG at" */
	KMSG_OOPS,	  /* "Oops:" */
	KMSG_WARNING,	  /* "WARNING: CPU: N PID: N at ..." */
	KMSG_PANIC,	  /* "Kernel panic - not syncing" */
	KMSG_FS_ERROR,	  /* a filesystem's or its journal's error line */
	KMSG_FS_SHUTDOWN, /* a filesystem shut down, turned read-only, or aborted */
	KMSG_IO_ERROR,	  /* block I/O and writeback errors */
	KMSG_OOM_KILL,	  /* "Killed process" / oom-kill: summary: attribution, not failure */
	_KMSG_EVENT_MAX,
};

/* An OOM kill, from the "oom-kill:" summary line. */
struct kmsg_oom {
	char memcg[512];      /* oom_memcg=: the cgroup whose limit was hit */
	char task_memcg[512]; /* task_memcg= */
	char task[64];	      /* task= */
	int pid;
};

/*
 * Parse one /dev/kmsg record: "PRIO,SEQ,TS,FLAGS[,...];TEXT\n" followed by
 * optional continuation lines (" KEY=VALUE") that are ignored. Text longer
 * than KMSG_TEXT_MAX is cut. -EINVAL when malformed.
 */
int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret);

/* What a record means for the run; KMSG_NONE for anything not kernel-facility. */
enum kmsg_event kmsg_classify(const struct kmsg_record *r);

/* Does this event alone make the verdict KERNEL (exit 3)? */
bool kmsg_event_is_kernel_failure(enum kmsg_event e);

const char *kmsg_event_name(enum kmsg_event e);

/* Parse an "oom-kill:constraint=...,oom_memcg=...,task=...,pid=..." line. */
int kmsg_parse_oom(const char *text, struct kmsg_oom *ret);

/* Reading /dev/kmsg as a stream of records. */
struct kmsg_reader {
	int fd;
	uint64_t marker_seq;  /* the marker's sequence number, once seen */
	uint64_t marker_usec; /* ... and its timestamp: the run's start in the log's clock */
	bool marker_seen;
	uint64_t lost; /* records overwritten before they could be read (EPIPE) */
	char marker[96];
};

/*
 * Open path (/dev/kmsg, or a test file), skip everything already logged,
 * and write the marker line (unless write_marker is false, e.g. for files).
 */
int kmsg_open(const char *path, const char *marker, bool write_marker, struct kmsg_reader *ret);

/*
 * Next record after the marker: 1 with *ret filled, 0 when none is waiting
 * (non-blocking), -errno on failure. Overwritten records are counted in
 * r->lost and skipped.
 */
int kmsg_next(struct kmsg_reader *r, struct kmsg_record *ret);

void kmsg_close(struct kmsg_reader *r);

/* The kernel taint mask (/proc/sys/kernel/tainted under root). */
int kernel_taint(const char *root, uint64_t *ret);
