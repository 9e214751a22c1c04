// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `-o KEY=VALUE`: a key set over a loaded plan, for the run, for every
 * section that takes it, or for one section by name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profiles/profile-internal.h"
#include "shared/parse.h"

/* The sections -o can name one of: writer.NAME.KEY, container.NAME.KEY, hog.NAME.KEY. */
static const struct override_type {
	const char *word; /* writer.NAME.KEY */
	enum key_scope scope;
	const char *noun;   /* "no writer group \"x\"" */
	const char *plural; /* "; groups: a, b" */
} override_types[] = {
	{ "writer", KEY_WRITER, "writer group", "groups" },
	{ "container", KEY_CONTAINER, "container", "containers" },
	{ "hog", KEY_HOG, "hog", "hogs" },
};

static void list_objects(const struct plan *plan, enum key_scope scope, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "(none)");
	for (unsigned i = 0; i < object_count(plan, scope) && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 object_name(plan, scope, i));
}

static int override_object(struct plan *plan, const struct key_def *k, unsigned i, const char *key,
			   const char *value, struct profile_error *err)
{
	void *obj = object_at(plan, k->scope, i);

	if (!key_applies(k, obj))
		return error_not_applicable(err, 0, key, k, ((const struct hog_spec *)obj)->kind);
	if (key_set(k, value, plan, obj) < 0)
		return error_bad_value(err, 0, key, k, value);
	return 0;
}

/* writer.NAME.KEY=VALUE (or container., hog.): one section. */
static int override_named(struct plan *plan, const struct override_type *t, char *spec,
			  const char *key, const char *value, struct profile_error *err)
{
	char *dot = strchr(spec, '.');
	char where[64], names[256];
	const struct key_def *k;
	int i;

	if (!dot)
		return error_set(err, -EINVAL, 0, key, "expected %s.NAME.KEY=VALUE", t->word);
	*dot = '\0';
	k = key_lookup(dot + 1, t->scope);
	if (!k && !key_lookup(dot + 1, KEY_ALL))
		return error_unknown_key(err, 0, key, dot + 1, t->scope);
	if (!k) {
		key_sections_text(dot + 1, where, sizeof(where));
		return error_set(err, -EINVAL, 0, key,
				 "%s is a %s key: it cannot be set for one %s", dot + 1, where,
				 t->noun);
	}
	i = object_find(plan, t->scope, spec);
	if (i < 0) {
		list_objects(plan, t->scope, names, sizeof(names));
		return error_set(err, -EINVAL, 0, key, "no %s \"%s\"; %s: %s", t->noun, spec,
				 t->plural, names);
	}
	return override_object(plan, k, (unsigned)i, key, value, err);
}

/* A bare key: run and writer keys first, then container keys, then hog keys. */
static int override_key_lookup(const char *name, unsigned scopes, const char *key,
			       const struct key_def **ret, struct profile_error *err)
{
	const struct key_def *k = key_lookup(name, scopes & (KEY_RUN | KEY_WRITER));
	const struct key_def *kc = key_lookup(name, scopes & KEY_CONTAINER);
	const struct key_def *kh = key_lookup(name, scopes & KEY_HOG);
	char where[64];

	if (!k && kc && kh)
		return error_set(err, -EINVAL, 0, key,
				 "%s is a [container] and a [hog] key: set it with "
				 "container.NAME.%s or hog.NAME.%s",
				 name, name, name);
	*ret = k ?: kc ?: kh;
	if (*ret)
		return 0;
	if (!key_lookup(name, KEY_ALL))
		return error_unknown_key(err, 0, key, name, scopes);
	key_sections_text(name, where, sizeof(where));
	return error_set(err, -EINVAL, 0, key, "%s is a %s key: it cannot be set with run.%s", name,
			 where, name);
}

/* No section took a key set for all of them. */
static int error_nothing_to_set(const struct plan *plan, const struct key_def *k, const char *key,
				struct profile_error *err)
{
	char kinds[32];

	if (object_count(plan, k->scope) == 0)
		return error_set(err, -EINVAL, 0, key, "no [%s] section to set %s in",
				 k->scope == KEY_CONTAINER ? "container" : "hog", k->name);
	hog_kinds_text(k->hog_kinds, kinds, sizeof(kinds));
	return error_set(err, -EINVAL, 0, key, "%s applies only to %s hogs, and there are none",
			 k->name, kinds);
}

/*
 * A run key, or a key for every section that takes it: every writer group,
 * container, or hog of a kind it applies to. All or nothing.
 */
static int override_all(struct plan *plan, const char *name, unsigned scopes, const char *key,
			const char *value, struct profile_error *err)
{
	const struct key_def *k;
	struct plan next;
	unsigned set = 0;
	int r = override_key_lookup(name, scopes, key, &k, err);

	if (r < 0)
		return r;
	if (k->scope == KEY_RUN) {
		if (key_set(k, value, plan, NULL) < 0)
			return error_bad_value(err, 0, key, k, value);
		return 0;
	}
	next = *plan;
	for (unsigned i = 0; i < object_count(&next, k->scope); i++) {
		if (!key_applies(k, object_at(&next, k->scope, i)))
			continue;
		r = override_object(&next, k, i, key, value, err);
		if (r < 0)
			return r;
		set++;
	}
	if (set == 0)
		return error_nothing_to_set(plan, k, key, err);
	*plan = next;
	return 0;
}

static int override_prefixed(struct plan *plan, const struct override_type *t, const char *key,
			     const char *value, struct profile_error *err)
{
	_cleanup_free_ char *spec = strdup(key + strlen(t->word) + 1);

	if (!spec)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory");
	return override_named(plan, t, spec, key, value, err);
}

/* KEY=VALUE, stripped: *ret_key and *ret_value point into *ret_copy, the caller's to free. */
static int assignment_parse(const char *assignment, char **ret_copy, char **ret_key,
			    char **ret_value, struct profile_error *err)
{
	_cleanup_free_ char *copy = strdup(assignment ?: "");
	char *eq;

	error_init(err, "-o");
	if (!copy)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory");
	eq = strchr(copy, '=');
	if (!eq)
		return error_set(err, -EINVAL, 0, strip(copy),
				 "missing '=' in \"%s\": expected KEY=VALUE", assignment ?: "");
	*eq = '\0';
	*ret_key = strip(copy);
	*ret_value = strip(eq + 1);
	if (!**ret_key)
		return error_set(err, -EINVAL, 0, NULL, "empty key in \"%s\": expected KEY=VALUE",
				 assignment);
	snprintf(err->key, sizeof(err->key), "%s", *ret_key);
	*ret_copy = steal_pointer(&copy);
	return 0;
}

int profile_override(struct plan *plan, const char *assignment, struct profile_error *err)
{
	_cleanup_free_ char *copy = NULL;
	struct profile_error ignored;
	char *key, *value;
	int r;

	if (!err)
		err = &ignored;
	r = assignment_parse(assignment, &copy, &key, &value, err);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < ARRAY_SIZE(override_types); i++) {
		const struct override_type *t = &override_types[i];

		if (startswith(key, t->word) && key[strlen(t->word)] == '.')
			return override_prefixed(plan, t, key, value, err);
	}
	if (startswith(key, "run."))
		return override_all(plan, key + strlen("run."), KEY_RUN | KEY_WRITER, key, value,
				    err);
	return override_all(plan, key, KEY_ALL, key, value, err);
}

/* The keys a command takes, each with what it accepts: the fix for any other key. */
static int error_key_not_taken(const char *key, const char *const *allowed,
			       struct profile_error *err)
{
	char known[400];
	size_t used = 0;

	known[0] = '\0';
	for (unsigned i = 0; allowed[i] && used < sizeof(known); i++) {
		const struct key_def *k = key_lookup(allowed[i], KEY_RUN);

		used += snprintf(known + used, sizeof(known) - used, "%s%s (%s)", i ? ", " : "",
				 allowed[i], k ? k->accepted : "?");
	}
	return error_set(err, -EINVAL, 0, key, "\"%s\" cannot be set here; keys: %s", key, known);
}

int profile_override_keys(struct plan *plan, const char *assignment, const char *const *allowed,
			  struct profile_error *err)
{
	_cleanup_free_ char *copy = NULL;
	struct profile_error ignored;
	const struct key_def *k;
	char *key, *value;
	int r;

	if (!err)
		err = &ignored;
	r = assignment_parse(assignment, &copy, &key, &value, err);
	if (r < 0)
		return r;
	k = key_lookup(key, KEY_RUN);
	if (!k || enum_from_name(allowed, key) < 0)
		return error_key_not_taken(key, allowed, err);
	if (key_set(k, value, plan, NULL) < 0)
		return error_bad_value(err, 0, key, k, value);
	return 0;
}
