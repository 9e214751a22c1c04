/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the kernel said during a run: /dev/kmsg from the run's marker on,
 * classified (stress/kmsg.h), and the taint mask before and after. The
 * supervisor drains it whenever /dev/kmsg has news; the verdict is KERNEL
 * when a failure line appeared or a new taint bit was set. I/O error lines
 * for the target's device make its losses lost-reported: the kernel did tell
 * someone. Error, abort and shutdown lines of the filesystem under test are
 * kept apart (struct kernel_fs_trouble): the verdict decides whether the
 * run's own device fault explains them (reports/report.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "watch/kmsg.h"

#define KWATCH_LINE_MAX 256

/* The filesystem under test complaining of itself: its fs-error and fs-shutdown lines. */
struct kernel_fs_trouble {
	uint64_t lines;
	uint64_t first_usec; /* since the run's marker */
	char first[KWATCH_LINE_MAX];
	bool shut_down; /* it shut down, turned read-only, or aborted its journal */
	uint64_t shut_down_usec;
	char shut_down_line[KWATCH_LINE_MAX];
};

/* One OOM kill the kernel logged, with the cgroup of its victim. */
struct kernel_oom_kill {
	uint64_t usec; /* since the run's marker */
	int pid;
	char comm[64];
	char task_memcg[512]; /* the victim's cgroup, as the kernel names it (below its root) */
};

#define KWATCH_OOM_KILLS_MAX 100000 /* kills beyond are counted, not kept */
#define KWATCH_LOG_NAME "kernel.log"

struct kernel_watch {
	struct kmsg_reader reader;
	int log_fd;    /* the kernel log excerpt, when kept (KWATCH_LOG_NAME), else -1 */
	int log_error; /* -errno: the excerpt could not be written in full */
	char *log_buf; /* its lines not yet written: one write(2) a drain, not one a line */
	size_t log_len;
	struct kernel_oom_kill *kills; /* every OOM kill from the "oom-kill:" and group lines */
	size_t nkills, kills_cap;
	uint64_t kills_dropped; /* beyond KWATCH_OOM_KILLS_MAX, or out of memory */
	int last_victim;	/* index in kills of the last "oom-kill:" victim, or -1 */
	bool active;
	int open_error;	 /* -errno when the log could not be watched */
	char device[32]; /* the target's block device ("loop3", "dm-0"); "" unknown */
	bool taint_known;
	uint64_t taint_before, taint_after;
	uint64_t records; /* kernel-facility records after the marker */
	uint64_t counts[_KMSG_EVENT_MAX];
	char first[_KMSG_EVENT_MAX][KWATCH_LINE_MAX]; /* first line of each event */
	bool target_error;	     /* an I/O error line for the target (any, when unknown) */
	struct kernel_fs_trouble fs; /* lines naming the target (any, when unknown) */
};

/*
 * Start watching; never fails the run: open_error says why it is not active.
 * Every kernel record read is also written to log_fd, dmesg-like, when it is
 * not -1 (the watch owns it from here and closes it in kernel_watch_free).
 */
void kernel_watch_start(struct kernel_watch *w, const char *marker, const char *target, int log_fd);

/* Keep the OOM kill a record (classified as e) tells of, if any (oom-kills.c). */
void kernel_oom_note(struct kernel_watch *w, const struct kmsg_record *r, enum kmsg_event e);

/* Pure: "... Killed process PID (COMM) ...": 0 with pid and comm, else -1. */
int kernel_parse_killed(const char *text, int *ret_pid, char *ret_comm, size_t len);

/* Free what the watch holds (its OOM kills, the log excerpt's buffer and fd). */
void kernel_watch_free(struct kernel_watch *w);

/* The fd to poll for news, or -1. */
int kernel_watch_fd(const struct kernel_watch *w);

/* Read and classify everything waiting. */
void kernel_watch_drain(struct kernel_watch *w);

/* Drain once more, read the taint mask after, close. */
void kernel_watch_stop(struct kernel_watch *w);

/* A failure line, or a taint bit that was not set before. */
bool kernel_watch_failed(const struct kernel_watch *w);

/*
 * Pure: does a kernel line name this block device ("dev vda,", "(device dm-0)",
 * "(vda)", or its ext4 journal "dm-0-8")?
 */
bool kernel_line_names_device(const char *text, const char *device);

/*
 * Pure: does a classified line report lost writes on the target, so that its
 * losses count as lost-reported? Only an I/O error does, on the target's
 * device ("" when unknown: any device): a block-layer line, or a filesystem's
 * line that says so.
 */
bool kernel_line_reports_loss(enum kmsg_event e, const char *text, const char *device);

/* Pure: is this line the filesystem under test complaining of itself? */
bool kernel_line_fs_trouble(enum kmsg_event e, const char *text, const char *device);

/* Did the filesystem under test log an error, abort, shut down or turn read-only? */
bool kernel_watch_fs_failed(const struct kernel_watch *w);

/*
 * The block device the filesystem at path is mounted from, as kernel lines
 * name it ("vda", "dm-0", "loop3"); "" when unknown (ret holds len bytes).
 */
void kernel_target_device(const char *path, char *ret, size_t len);
