// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof-profile(5) documents every key of the key table, each in the section
 * of the page for its kind, and no key the table does not have: the two are
 * kept in step by hand, and this is what notices when they drift.
 *
 * Run with the path of man/poof-profile.5.scd as its argument. A key is a
 * definition term of a "# RUN KEYS", "# WRITER KEYS", "# CONTAINER KEYS" or
 * "# HOG KEYS" section: an unindented line that opens with *key* or *key=*
 * and is followed by its tab-indented description.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "profiles/profile.h"
#include "shared/macro.h"

#define MAX_DOC_KEYS 256
#define LINE_MAX_LEN 512

struct doc_key {
	char section[16]; /* "run", "writer", "container", "hog" */
	char name[64];
};

static const struct {
	const char *header;
	const char *section; /* as profile_key_at() names it */
} key_sections[] = {
	{ "# RUN KEYS", "run" },
	{ "# WRITER KEYS", "writer" },
	{ "# CONTAINER KEYS", "container" },
	{ "# HOG KEYS", "hog" },
};

struct doc {
	struct doc_key keys[MAX_DOC_KEYS];
	unsigned n;
	bool seen[ARRAY_SIZE(key_sections)];
};

static const char *page_path;

/* "# WRITER KEYS" is "writer"; NULL for a header of any other section. */
static const char *section_of_header(const char *line, struct doc *d)
{
	for (unsigned i = 0; i < ARRAY_SIZE(key_sections); i++)
		if (streq(line, key_sections[i].header)) {
			d->seen[i] = true;
			return key_sections[i].section;
		}
	return NULL;
}

/* The key of a definition term "*key* = ..." or "*key=*...", or false. */
static bool term_key(const char *term, char *buf, size_t len)
{
	size_t n;

	if (term[0] != '*')
		return false;
	n = strspn(term + 1, "abcdefghijklmnopqrstuvwxyz0123456789-");
	if (n == 0 || n >= len || (term[1 + n] != '*' && strncmp(term + 1 + n, "=*", 2) != 0))
		return false;
	memcpy(buf, term + 1, n);
	buf[n] = '\0';
	return true;
}

static void doc_add(struct doc *d, const char *section, const char *name)
{
	assert_true(d->n < MAX_DOC_KEYS);
	snprintf(d->keys[d->n].section, sizeof(d->keys[d->n].section), "%s", section);
	snprintf(d->keys[d->n].name, sizeof(d->keys[d->n].name), "%s", name);
	d->n++;
}

static void strip_newline(char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
}

/* Every key the page defines, with the section it is defined in. */
static void doc_read(const char *path, struct doc *d)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char prev[LINE_MAX_LEN] = "", line[LINE_MAX_LEN], name[64];
	const char *section = NULL;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	*d = (struct doc){ 0 };
	while (fgets(line, sizeof(line), f)) {
		strip_newline(line);
		if (strncmp(line, "# ", 2) == 0)
			section = section_of_header(line, d);
		else if (section && line[0] == '\t' && term_key(prev, name, sizeof(name)))
			doc_add(d, section, name);
		snprintf(prev, sizeof(prev), "%s", line);
	}
}

static bool doc_has(const struct doc *d, const char *section, const char *name)
{
	for (unsigned i = 0; i < d->n; i++)
		if (streq(d->keys[i].section, section) && streq(d->keys[i].name, name))
			return true;
	return false;
}

static bool table_has(const char *section, const char *name)
{
	const char *n, *s;

	for (unsigned i = 0; profile_key_at(i, &n, &s) >= 0; i++)
		if (streq(s, section) && streq(n, name))
			return true;
	return false;
}

/* A page whose key sections were renamed would document nothing and pass. */
static void test_page_has_key_sections(void **state)
{
	struct doc d;

	(void)state;
	doc_read(page_path, &d);
	for (unsigned i = 0; i < ARRAY_SIZE(key_sections); i++)
		if (!d.seen[i])
			fail_msg("%s: no \"%s\" section", page_path, key_sections[i].header);
}

static void test_table_keys_documented(void **state)
{
	const char *name, *section;
	unsigned missing = 0;
	struct doc d;

	(void)state;
	doc_read(page_path, &d);
	for (unsigned i = 0; profile_key_at(i, &name, &section) >= 0; i++)
		if (!doc_has(&d, section, name)) {
			print_error("[%s] key %s is not in poof-profile(5)\n", section, name);
			missing++;
		}
	assert_int_equal(missing, 0);
}

static void test_documented_keys_in_table(void **state)
{
	unsigned unknown = 0;
	struct doc d;

	(void)state;
	doc_read(page_path, &d);
	for (unsigned i = 0; i < d.n; i++)
		if (!table_has(d.keys[i].section, d.keys[i].name)) {
			print_error(
				"poof-profile(5) documents [%s] key %s, which profiles do not have\n",
				d.keys[i].section, d.keys[i].name);
			unknown++;
		}
	assert_int_equal(unknown, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_has_key_sections),
		cmocka_unit_test(test_table_keys_documented),
		cmocka_unit_test(test_documented_keys_in_table),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH/poof-profile.5.scd\n", argv[0]);
		return 2;
	}
	page_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
