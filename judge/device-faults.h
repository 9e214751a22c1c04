/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The faults a harness switched on in the target's block device during a
 * run: only these may excuse what a failing device does (SPEC section 4).
 * poof vm's guest keeps a fault log while it switches dm-flakey, one line
 * per switch:
 *
 *   SECONDS on|off KIND
 *
 * SECONDS on CLOCK_BOOTTIME, as /proc/uptime shows it; KIND is a fault
 * name (drop-writes, error-writes, suspend). The guest poof reads the log
 * once the writers are gone and keeps what it found in the ledger header.
 */

#include <stdbool.h>
#include <stdint.h>

#define DEVICE_FAULTS_MAX 32
#define DEVICE_FAULT_STILL_ON UINT64_MAX

enum device_fault_kind {
	DEVICE_FAULT_DROP_WRITES,  /* writes dropped, success returned: silent loss */
	DEVICE_FAULT_ERROR_WRITES, /* writes failed with EIO: reported loss */
	DEVICE_FAULT_SUSPEND,	   /* the device stopped answering */
	_DEVICE_FAULT_MAX,
};

struct device_fault_window {
	enum device_fault_kind kind;
	uint64_t on_ns, off_ns; /* CLOCK_BOOTTIME; off_ns DEVICE_FAULT_STILL_ON while on */
};

struct device_faults {
	struct device_fault_window w[DEVICE_FAULTS_MAX];
	unsigned n;
};

const char *device_fault_name(enum device_fault_kind k);

/* Does this fault make the device report errors, so that it explains lost-reported blocks? */
bool device_fault_reports_errors(enum device_fault_kind k);

/*
 * Parse a fault log. -EINVAL names the bad line in *ret_line (1-based):
 * a malformed line, an unknown kind, an "off" without its "on", time going
 * backwards; -E2BIG past DEVICE_FAULTS_MAX windows.
 */
int device_faults_parse(const char *text, struct device_faults *ret, unsigned *ret_line);

/* Read and parse the fault log at path (never through a symlink). */
int device_faults_read(const char *path, struct device_faults *ret, unsigned *ret_line);

/*
 * The first fault that was on at some moment of [from_ns, to_ns], of a kind
 * that reports errors when errors_only; NULL when none was.
 */
const struct device_fault_window *device_faults_during(const struct device_faults *f,
						       uint64_t from_ns, uint64_t to_ns,
						       bool errors_only);
