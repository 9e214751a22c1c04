// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a profile's INI text with libinih into a collector: its
 * sections and keys, each with its line, checked for where they may
 * appear but not yet for their values.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/ini.h"
#include "shared/parse.h"

/*
 * libinih's compiled-in MAX_SECTION: a longer section name would be cut short
 * without a word, so the line reader refuses it instead. (Lines longer than
 * its buffer are refused there too; a key longer than its MAX_NAME is cut
 * short, which only makes it an unknown key.)
 */
#define INI_SECTION_MAX 50

static const struct section_type {
	const char *word;   /* in the header: [writer NAME] */
	const char *noun;   /* "bad group name", "duplicate group" */
	const char *plural; /* "more than 16 writer groups" */
	unsigned scopes;    /* the keys it takes */
	unsigned max;
} section_types[] = {
	[SECTION_RUN] = { "run", "section", "[run] sections", KEY_RUN | KEY_WRITER, 1 },
	[SECTION_WRITER] = { "writer", "group", "writer groups", KEY_WRITER, PLAN_MAX_GROUPS },
	[SECTION_CONTAINER] = { "container", "container", "containers", KEY_CONTAINER,
				PLAN_MAX_CONTAINERS },
	[SECTION_HOG] = { "hog", "hog", "hogs", KEY_HOG, PLAN_MAX_HOGS },
};

struct collector *collector_new(void)
{
	return calloc(1, sizeof(struct collector));
}

void collector_freep(struct collector **c)
{
	if (*c)
		free((*c)->entries);
	free(*c);
}

/* Room for one more entry: a profile sets a few keys, not every key in every section. */
static int entries_grow(struct collector *c)
{
	size_t bound = MAX_SECTIONS * (size_t)n_profile_keys, want;
	struct entry *e;

	if (c->n_entries < c->max_entries)
		return 0;
	want = MIN(MAX(2 * (size_t)c->max_entries, (size_t)32), bound);
	if (want <= c->n_entries)
		return -E2BIG; /* cannot happen: duplicates are refused first */
	e = realloc(c->entries, want * sizeof(*e));
	if (!e)
		return -ENOMEM;
	c->entries = e;
	c->max_entries = (unsigned)want;
	return 0;
}

/* "run", or "writer NAME": how sections are named in keys of error messages. */
static void section_label(const struct collector *c, int sect, char *buf, size_t len)
{
	if (sect < 0)
		snprintf(buf, len, "(none)");
	else if (c->sections[sect].kind == SECTION_RUN)
		snprintf(buf, len, "run");
	else
		snprintf(buf, len, "%s %s", section_types[c->sections[sect].kind].word,
			 c->sections[sect].name);
}

void entry_label(const struct collector *c, int sect, const char *key, char *buf, size_t len)
{
	char section[PLAN_NAME_MAX + 16];

	section_label(c, sect, section, sizeof(section));
	snprintf(buf, len, "%s.%s", section, key);
}

static int section_find(const struct collector *c, enum section_kind kind, const char *name)
{
	for (unsigned i = 0; i < c->n_sections; i++)
		if (c->sections[i].kind == kind && streq(c->sections[i].name, name))
			return (int)i;
	return -1;
}

unsigned sections_count(const struct collector *c, enum section_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->n_sections; i++)
		n += c->sections[i].kind == kind;
	return n;
}

static int section_add_run(struct collector *c)
{
	if (c->run_section >= 0)
		return error_set(c->err, -EINVAL, c->line, "run",
				 "duplicate section [run] (first on line %u)",
				 c->sections[c->run_section].line);
	c->run_section = (int)c->n_sections;
	c->sections[c->n_sections++] = (struct section){ .kind = SECTION_RUN, .line = c->line };
	return 0;
}

/* [writer NAME], [container NAME] or [hog NAME]. */
static int section_add_named(struct collector *c, enum section_kind kind, const char *name)
{
	const struct section_type *t = &section_types[kind];
	struct section *s;
	int dup;

	if (!*name)
		return error_set(c->err, -EINVAL, c->line, t->word,
				 "[%s] needs a %s name: [%s NAME]", t->word, t->noun, t->word);
	if (!name_valid(name))
		return error_set(c->err, -EINVAL, c->line, t->word,
				 "bad %s name \"%s\": expected letters, digits, '-' and '_'",
				 t->noun, name);
	dup = section_find(c, kind, name);
	if (dup >= 0)
		return error_set(c->err, -EINVAL, c->line, t->word,
				 "duplicate %s [%s %s] (first on line %u)", t->noun, t->word, name,
				 c->sections[dup].line);
	if (sections_count(c, kind) >= t->max)
		return error_set(c->err, -EINVAL, c->line, t->word, "more than %u %s", t->max,
				 t->plural);
	s = &c->sections[c->n_sections++];
	*s = (struct section){ .kind = kind, .line = c->line };
	snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

static int section_add(struct collector *c, char *raw)
{
	char *name = strip(raw);

	if (streq(name, "run"))
		return section_add_run(c);
	for (unsigned kind = SECTION_WRITER; kind < _SECTION_MAX; kind++) {
		const char *word = section_types[kind].word;
		size_t len = strlen(word);

		if (startswith(name, word) &&
		    (name[len] == '\0' || isspace((unsigned char)name[len])))
			return section_add_named(c, kind, strip(name + len));
	}
	return error_set(c->err, -EINVAL, c->line, name,
			 "unknown section [%s]: expected [run], [container NAME], "
			 "[writer NAME] or [hog NAME]",
			 name);
}

/* Sections are noted here, as the lines go by, so that empty ones count too. */
static int note_section(struct collector *c, const char *line)
{
	char raw[INI_SECTION_MAX];
	const char *end;
	size_t len;

	if (*line != '[')
		return 0;
	end = strchr(line, ']');
	if (!end)
		return 0; /* inih reports the syntax error */
	len = (size_t)(end - line - 1);
	if (len >= sizeof(raw))
		return error_set(c->err, -EINVAL, c->line, NULL,
				 "section name longer than %zu characters", sizeof(raw) - 1);
	memcpy(raw, line + 1, len);
	raw[len] = '\0';
	return section_add(c, raw);
}

/*
 * Lines reach inih without leading blanks, so an indented line is never taken
 * as the continuation of the previous value, and without "#" comments that
 * follow blanks (inih itself only knows inline ";" comments).
 */
static void normalize_line(char *buf, unsigned lineno)
{
	size_t skip = 0;

	if (lineno == 1 && startswith(buf, "\xEF\xBB\xBF"))
		skip = 3;
	skip += strspn(buf + skip, " \t");
	memmove(buf, buf + skip, strlen(buf + skip) + 1);
	for (char *p = buf + 1; *buf && *p; p++)
		if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t')) {
			strcpy(p, "\n");
			break;
		}
}

/* An ini_reader: fgets that counts lines, since the handler is not told them. */
static char *read_line(char *buf, int size, void *userdata)
{
	struct collector *c = userdata;
	int ch;

	if (c->r < 0 || !fgets(buf, size, c->f))
		return NULL;
	c->line++;
	if (!strchr(buf, '\n') && (ch = getc(c->f)) != EOF) {
		ungetc(ch, c->f);
		c->r = error_set(c->err, -EINVAL, c->line, NULL, "line longer than %d characters",
				 size - 3);
		return NULL;
	}
	normalize_line(buf, c->line);
	c->r = note_section(c, buf);
	return c->r < 0 ? NULL : buf;
}

const struct entry *entry_find(const struct collector *c, int sect, const char *key)
{
	for (unsigned i = 0; sect >= 0 && i < c->n_entries; i++)
		if (c->entries[i].section == sect && streq(c->entries[i].key->name, key))
			return &c->entries[i];
	return NULL;
}

static int entry_add(struct collector *c, const char *name, const char *value)
{
	int sect = (int)c->n_sections - 1;
	char label[PLAN_NAME_MAX * 2], where[64];
	const struct section_type *t;
	const struct key_def *k;
	const struct entry *dup;
	struct entry *e;

	entry_label(c, sect, name, label, sizeof(label));
	if (sect < 0)
		return error_set(
			c->err, -EINVAL, c->line, name,
			"key \"%s\" outside any section: put it under [run] or [writer NAME]",
			name);
	t = &section_types[c->sections[sect].kind];
	k = key_lookup(name, t->scopes);
	if (!k && !key_lookup(name, KEY_ALL))
		return error_unknown_key(c->err, c->line, label, name, t->scopes);
	if (!k) {
		key_sections_text(name, where, sizeof(where));
		return error_set(c->err, -EINVAL, c->line, label,
				 "%s is a %s key: it cannot be set in a [%s] section", name, where,
				 t->word);
	}
	dup = entry_find(c, sect, name);
	if (dup)
		return error_set(c->err, -EINVAL, c->line, label,
				 "duplicate key %s (first set on line %u)", name, dup->line);
	if (entries_grow(c) < 0)
		return error_set(c->err, -ENOMEM, c->line, label, "out of memory reading %s", name);
	e = &c->entries[c->n_entries++];
	*e = (struct entry){ .section = sect, .key = k, .line = c->line };
	if (strlen(value) >= sizeof(e->value))
		return error_set(c->err, -EINVAL, c->line, label, "value of %s too long", name);
	strcpy(e->value, value);
	return 0;
}

/* An ini_handler: collect only; values are applied once the file is read. */
static int on_key(void *userdata, const char *section _unused_, const char *name, const char *value)
{
	struct collector *c = userdata;

	if (c->r >= 0)
		c->r = entry_add(c, name, value);
	return 1;
}

int collect(FILE *f, struct collector *c, struct profile_error *err)
{
	int r;

	c->f = f;
	c->err = err;
	c->run_section = -1;
	r = ini_parse_stream(read_line, c, on_key, c);
	if (r > 0 && (c->r >= 0 || (unsigned)r < err->line))
		return error_set(err, -EINVAL, (unsigned)r, NULL,
				 "syntax error: expected [section], key = value or a comment");
	if (c->r < 0)
		return c->r;
	if (r < 0)
		return error_set(err, -ENOMEM, 0, NULL, "out of memory reading the profile");
	return 0;
}
