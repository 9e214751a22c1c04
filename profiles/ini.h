/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A profile as read from its INI text, before any value is applied: the
 * sections and the keys set in each, every one with its line, so that the
 * plan builder (build.c) can blame the line a problem comes from. ini.c
 * reads them with libinih; nothing here knows what a value means.
 */

#include <stdio.h>

#include "profiles/profile-internal.h"

enum section_kind { SECTION_RUN, SECTION_WRITER, SECTION_CONTAINER, SECTION_HOG, _SECTION_MAX };

#define MAX_SECTIONS (1 + PLAN_MAX_GROUPS + PLAN_MAX_CONTAINERS + PLAN_MAX_HOGS)

struct section {
	enum section_kind kind;
	char name[PLAN_NAME_MAX]; /* the NAME of [writer NAME], [container NAME], [hog NAME] */
	unsigned line;
};

struct entry {
	int section; /* index into collector.sections */
	const struct key_def *key;
	char value[256];
	unsigned line;
};

/* Every key is set at most once per section, which bounds the entries; they grow as read. */
struct collector {
	FILE *f;
	struct profile_error *err;
	int r;	       /* first failure; stops the reader */
	unsigned line; /* of the line inih is looking at */
	int run_section;
	struct section sections[MAX_SECTIONS];
	unsigned n_sections;
	unsigned n_entries;
	unsigned max_entries; /* room in entries */
	struct entry *entries;
};

/* An empty collector, or NULL. */
struct collector *collector_new(void);
void collector_freep(struct collector **c);

/* Read the sections and keys of f into c; -EINVAL (or -ENOMEM) with *err filled. */
int collect(FILE *f, struct collector *c, struct profile_error *err);

/* The entry of key in section sect, or NULL (also for sect < 0: no such section). */
const struct entry *entry_find(const struct collector *c, int sect, const char *key);

/* "writer NAME.key": a key as error messages name it. */
void entry_label(const struct collector *c, int sect, const char *key, char *buf, size_t len);

unsigned sections_count(const struct collector *c, enum section_kind kind);
