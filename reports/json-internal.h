/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Between the two halves of the JSON report: json.c (the verdict, the
 * plan, the write phase, verification, the kernel, the ledger) and
 * json-run.c (what the run watched over time: the environment, the
 * phases, the timeline and the OOM kills).
 */

#include <json-c/json.h>
#include <string.h>

#include "report.h"
#include "shared/clock.h"

static inline void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

static inline void add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static inline void add_int(json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static inline void add_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

static inline void add_seconds(json_object *o, const char *key, uint64_t ns)
{
	json_object_object_add(o, key, json_object_new_double((double)ns / NSEC_PER_SEC));
}

/* null for success, the errno name ("EIO") for -errno. */
static inline void add_errno(json_object *o, const char *key, int err)
{
	add_str(o, key, err < 0 ? strerrorname_np(-err) : NULL);
}

json_object *report_environment_json(void);
json_object *report_overrides_json(const struct report *r);
/* null when the run recorded no phase. */
json_object *report_phases_json(const struct report *r);
json_object *report_timeline_json(const struct report *r);
/* null when the kernel log was not watched. */
json_object *report_oom_kills_json(const struct report *r);
