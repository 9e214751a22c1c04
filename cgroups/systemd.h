/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The parts of the systemd manager that need no bus: the scope's name, what
 * systemd's answers mean as -errno, and why the manager cannot be used here
 * with the fix to name. Compiled with and without libsystemd, so the unit
 * tests cover them everywhere.
 */

#include <stddef.h>

#include "version.h"

/* "poof-<run_id>.scope": 0 or -ENAMETOOLONG. */
int cg_systemd_scope_name(const char *run_id, char *buf, size_t len);

/* A D-Bus error name from systemd as -errno; `fallback` (< 0) for names it does not know. */
int cg_systemd_bus_error_errno(const char *name, int fallback);

/* The `result` of a JobRemoved signal: "done" is 0, anything else -errno. */
int cg_systemd_job_result_errno(const char *result);

/*
 * Why `-o cgroup=systemd` cannot work, from the probe's result (see
 * cg_systemd_probe() in manager.h) and the layout: one clause for "cannot
 * use the systemd cgroup manager: ...", and the fix. NULL when it can work.
 */
const char *cg_systemd_refusal(int probe, const struct cg_layout *layout, const char **ret_fix);

/*
 * For poof cleanup: the poof-*.scope units systemd has, and each one's
 * cgroup (below the v2 mount, as ControlGroup says), as NULL-terminated
 * malloc'ed arrays in the same order (cg_strv_free()). -ENOTSUP without
 * sd-bus or a bus; the reason is in cg_systemd_last_message().
 */
int cg_systemd_list_scopes(char ***ret_units, char ***ret_cgroups);

/* StopUnit, then wait until systemd no longer knows the unit (or the deadline). */
int cg_systemd_stop_unit(const char *unit, uint64_t deadline_ns);
