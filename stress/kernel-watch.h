/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the kernel said during a run: /dev/kmsg from the run's marker on,
 * classified (stress/kmsg.h), and the taint mask before and after. The
 * supervisor drains it whenever /dev/kmsg has news; the verdict is KERNEL
 * when a failure line appeared or a new taint bit was set. I/O and
 * filesystem error lines for the target's device make its losses
 * lost-reported: the kernel did tell someone.
 */

#include <stdbool.h>
#include <stdint.h>

#include "kmsg.h"

#define KWATCH_LINE_MAX 256

struct kernel_watch {
	struct kmsg_reader reader;
	bool active;
	int open_error;	 /* -errno when the log could not be watched */
	char device[32]; /* the target's block device ("loop3", "dm-0"); "" unknown */
	bool taint_known;
	uint64_t taint_before, taint_after;
	uint64_t records; /* kernel-facility records after the marker */
	uint64_t counts[_KMSG_EVENT_MAX];
	char first[_KMSG_EVENT_MAX][KWATCH_LINE_MAX]; /* first line of each event */
	bool target_error; /* an I/O error line for the target (any, when unknown) */
};

/* Start watching; never fails the run: open_error says why it is not active. */
void kernel_watch_start(struct kernel_watch *w, const char *marker, const char *target);

/* The fd to poll for news, or -1. */
int kernel_watch_fd(const struct kernel_watch *w);

/* Read and classify everything waiting. */
void kernel_watch_drain(struct kernel_watch *w);

/* Drain once more, read the taint mask after, close. */
void kernel_watch_stop(struct kernel_watch *w);

/* A failure line, or a taint bit that was not set before. */
bool kernel_watch_failed(const struct kernel_watch *w);

/* Pure: does a kernel line name this block device ("dev vda,", "(device dm-0)", "(vda)")? */
bool kernel_line_names_device(const char *text, const char *device);

/*
 * Pure: does a classified line report lost writes on the target, so that its
 * losses count as lost-reported? Only an I/O error does, on the target's
 * device ("" when unknown: any device).
 */
bool kernel_line_reports_loss(enum kmsg_event e, const char *text, const char *device);
