// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Typed lookups with defaults in a report's JSON document: see jsonget.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"

/* One step of a path: a member of an object, or an element of an array by its index. */
static json_object *step(json_object *v, const char *key, size_t len)
{
	char name[128];
	char *end;
	unsigned long i;
	json_object *m;

	if (len >= sizeof(name))
		return NULL;
	memcpy(name, key, len);
	name[len] = '\0';
	if (json_object_is_type(v, json_type_object))
		return json_object_object_get_ex(v, name, &m) ? m : NULL;
	if (!json_object_is_type(v, json_type_array) || len == 0)
		return NULL;
	i = strtoul(name, &end, 10);
	if (*end || i >= json_object_array_length(v))
		return NULL;
	return json_object_array_get_idx(v, i);
}

json_object *jget(json_object *root, const char *path)
{
	json_object *v = root;

	if (!path || !*path)
		return root;
	while (v) {
		size_t n = strcspn(path, ".");

		v = step(v, path, n);
		if (!path[n])
			break;
		path += n + 1;
	}
	return v;
}

bool jget_has(json_object *root, const char *path)
{
	return jget(root, path) != NULL;
}

const char *jget_str(json_object *root, const char *path, const char *def)
{
	json_object *v = jget(root, path);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : def;
}

bool jnum(json_object *v, double *ret)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		d = (double)json_object_get_int64(v);
	else if (json_object_is_type(v, json_type_double))
		d = json_object_get_double(v);
	else
		return false;
	if (!isfinite(d))
		return false;
	*ret = d;
	return true;
}

double jget_num(json_object *root, const char *path, double def)
{
	double d;

	return jnum(jget(root, path), &d) ? d : def;
}

int64_t jget_int(json_object *root, const char *path, int64_t def)
{
	json_object *v = jget(root, path);
	double d;

	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	if (!jnum(v, &d) || d != floor(d) || fabs(d) > 9e15)
		return def;
	return (int64_t)d;
}

bool jget_bool(json_object *root, const char *path, bool def)
{
	json_object *v = jget(root, path);

	return json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : def;
}

json_object *jget_obj(json_object *root, const char *path)
{
	json_object *v = jget(root, path);

	return json_object_is_type(v, json_type_object) ? v : NULL;
}

json_object *jget_array(json_object *root, const char *path)
{
	json_object *v = jget(root, path);

	return json_object_is_type(v, json_type_array) ? v : NULL;
}

size_t jlen(json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

json_object *jidx(json_object *a, size_t i)
{
	return i < jlen(a) ? json_object_array_get_idx(a, i) : NULL;
}

size_t jget_len(json_object *root, const char *path)
{
	return jlen(jget(root, path));
}
