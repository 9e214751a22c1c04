// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The tests' reader of poof's JSON reports, with json-c (the library poof
 * writes them with): every report check in the suite goes through it.
 *
 *   poof-json FILE PATH          the value at PATH
 *   poof-json --sum FILE PATH    the sum of the numbers PATH matches
 *   poof-json --count FILE PATH  how many values PATH matches
 *
 * PATH is keys and array indexes joined by dots (verify.classes.ok,
 * write_phase.stalled.0.state); `*` matches every element of an array or
 * every member of an object (containers.*.oom_kill). Strings print bare,
 * null as null, booleans as true/false, numbers as JSON writes them,
 * objects and arrays as compact JSON. A path that leads nowhere, or a file
 * that does not parse, is exit 1 with the reason.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum mode { MODE_VALUE, MODE_SUM, MODE_COUNT };

struct walk {
	enum mode mode;
	unsigned matched;
	double sum;
	int failed;
};

static void emit(struct walk *w, json_object *v, const char *path)
{
	w->matched++;
	switch (w->mode) {
	case MODE_COUNT:
		return;
	case MODE_SUM:
		if (!json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double)) {
			fprintf(stderr, "poof-json: %s: not a number: %s\n", path,
				json_object_to_json_string(v));
			w->failed = 1;
			return;
		}
		w->sum += json_object_get_double(v);
		return;
	case MODE_VALUE:
		if (!v)
			puts("null");
		else if (json_object_is_type(v, json_type_string))
			puts(json_object_get_string(v));
		else
			puts(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		return;
	}
}

/* Follow the dotted path from v; `rest` is the path still to go (NULL: here). */
static void walk(struct walk *w, json_object *v, const char *rest, const char *path)
{
	const char *next;
	char key[256];
	size_t n;

	if (!rest) {
		emit(w, v, path);
		return;
	}
	n = strcspn(rest, ".");
	next = rest[n] ? rest + n + 1 : NULL;
	snprintf(key, sizeof(key), "%.*s", (int)n, rest);
	if (json_object_is_type(v, json_type_array)) {
		size_t len = json_object_array_length(v);

		if (strcmp(key, "*") == 0) {
			for (size_t i = 0; i < len; i++)
				walk(w, json_object_array_get_idx(v, i), next, path);
		} else {
			char *end;
			unsigned long i = strtoul(key, &end, 10);

			if (*key && !*end && i < len)
				walk(w, json_object_array_get_idx(v, i), next, path);
			else
				w->failed = fprintf(stderr, "poof-json: %s: no element %s\n", path,
						    key) > 0;
		}
	} else if (json_object_is_type(v, json_type_object)) {
		json_object *m;

		if (strcmp(key, "*") == 0) {
			json_object_object_foreach(v, k, val)
			{
				(void)k;
				walk(w, val, next, path);
			}
		} else if (json_object_object_get_ex(v, key, &m)) {
			walk(w, m, next, path);
		} else {
			w->failed = fprintf(stderr, "poof-json: %s: no key %s\n", path, key) > 0;
		}
	} else {
		w->failed = fprintf(stderr, "poof-json: %s: %s is not inside an object or array\n",
				    path, key) > 0;
	}
}

int main(int argc, char **argv)
{
	struct walk w = { .mode = MODE_VALUE };
	json_object *root;

	if (argc == 4 && strcmp(argv[1], "--sum") == 0)
		w.mode = MODE_SUM;
	else if (argc == 4 && strcmp(argv[1], "--count") == 0)
		w.mode = MODE_COUNT;
	else if (argc != 3) {
		fprintf(stderr, "usage: poof-json [--sum|--count] FILE PATH\n");
		return 2;
	}
	root = json_object_from_file(argv[argc - 2]);
	if (!root) {
		fprintf(stderr, "poof-json: %s: %s\n", argv[argc - 2], json_util_get_last_err());
		return 1;
	}
	walk(&w, root, argv[argc - 1], argv[argc - 1]);
	if (w.mode == MODE_SUM && !w.failed)
		printf("%.15g\n", w.sum);
	else if (w.mode == MODE_COUNT)
		printf("%u\n", w.matched);
	json_object_put(root);
	return w.failed || (w.mode == MODE_VALUE && w.matched == 0);
}
