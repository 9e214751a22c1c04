/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What a report's JSON says, worded once for every format: the four checks
 * (verification, hangs, kernel, expect-oom) with their status and a
 * one-line message, their detail as plain text, what was found where a
 * lost block should be, and the next command to run. The HTML, JUnit and
 * KTAP renderers all say the same thing because they all ask here.
 *
 * A check's status follows the verdicts the run recorded ("verdicts", or
 * "verdict" in a report without them); the counts and lines only explain it.
 */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "shared/macro.h"

enum check_id {
	CHECK_VERIFICATION, /* FAIL: data lost or corrupted */
	CHECK_HANGS,	    /* HANG: stalls, unkillable writers, a target that stopped answering */
	CHECK_KERNEL,	    /* KERNEL: failure lines, a new taint, the filesystem giving up */
	CHECK_EXPECT_OOM,   /* INEFFECTIVE: the profile required OOM kills and none came */
	_CHECK_MAX,
};

enum check_status {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_SKIP,  /* not applicable, or not recorded: message says why */
	CHECK_ERROR, /* could not be judged (verification that could not run or stopped) */
};

struct check {
	enum check_id id;
	enum check_status status;
	char message[1024]; /* one line: counts and the first finding, or the reason for a skip */
};

const char *check_name(enum check_id id);
void facts_check(json_object *report, enum check_id id, struct check *ret);

/* The check's detail for a person, plain text, a line each: counts, losses, stacks, lines. */
void facts_check_detail(json_object *report, enum check_id id, FILE *out);

/* The entry of containers[] named name, or NULL. */
json_object *facts_container(json_object *report, const char *name);

/* "PASS", "FAIL", ...; "not recorded" when the report has no verdict. */
const char *facts_verdict(json_object *report);

/* Does the run's verdict include v ("FAIL", "HANG", "KERNEL", "INEFFECTIVE")? */
bool facts_has_verdict(json_object *report, const char *v);

/* "zeros", "generation 4", "unreadable (EIO)": what stood where a lost block should be. */
void facts_found(json_object *report, json_object *loss, char *buf, size_t len);

/* "w0000-f000000.dat block 3 (offset 12288): lost-silent, expected generation 2, found zeros" */
void facts_loss(json_object *report, json_object *loss, char *buf, size_t len);

/* "lost-silent 3, torn 1": the non-zero failing classes; "none" when there are none. */
void facts_loss_classes(json_object *report, char *buf, size_t len);

struct next_step {
	char advice[1024];  /* what to do and why */
	char command[1024]; /* the command to run, or "" */
};
void facts_next_step(json_object *report, struct next_step *ret);

/* Append to a NUL-terminated buf of size len, truncating. */
void appendf(char *buf, size_t len, const char *fmt, ...) _printf_(3, 4);

/* Kernel log (verdict class) names in the order the man page lists them. */
extern const char *const facts_loss_class_names[8];
