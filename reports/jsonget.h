/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Typed lookups in a report's JSON document, each with a default. A path is
 * keys and array indexes joined by dots ("verify.classes.lost-silent",
 * "timeline.containers.0.name"). What is missing, null or of another type
 * gives the default: the renderers read reports of every schema age through
 * these and never trip over a key an older poof did not write.
 */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/macro.h"

static inline void json_object_putp(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
/* A document this scope owns: put when it ends. */
#define _cleanup_json_ _cleanup_(json_object_putp)

/* The value at path, or NULL when it is missing or JSON null. Borrowed. */
json_object *jget(json_object *root, const char *path);

/* Present and not null. */
bool jget_has(json_object *root, const char *path);

const char *jget_str(json_object *root, const char *path, const char *def);

/* An integer or a floating-point number; def for anything else. */
double jget_num(json_object *root, const char *path, double def);

/* An integer, or a number with no fraction; def for anything else. */
int64_t jget_int(json_object *root, const char *path, int64_t def);

bool jget_bool(json_object *root, const char *path, bool def);

/* The typed value only when it is an object or array; NULL otherwise. */
json_object *jget_obj(json_object *root, const char *path);
json_object *jget_array(json_object *root, const char *path);

/* The length of the array at path; 0 when it is not an array. */
size_t jget_len(json_object *root, const char *path);

/* Is v a JSON number (integer or floating point)? Its value in *ret. */
bool jnum(json_object *v, double *ret);

/*
 * The length of a, 0 when it is not an array, and its element i, NULL when
 * there is none: json-c's own asserts on anything but an array.
 */
size_t jlen(json_object *a);
json_object *jidx(json_object *a, size_t i);
