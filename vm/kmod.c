// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define MODULES_DEP_MAX (64u << 20)

void kmod_name_of(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i + 1 < len && base[i] && base[i] != '.'; i++)
		buf[i] = base[i] == '-' ? '_' : base[i];
	buf[i] = '\0';
}

void kmod_list_free(struct kmod_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
	l->n = 0;
}

static bool list_has(const struct kmod_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->paths[i], path))
			return true;
	return false;
}

static int list_add(struct kmod_list *l, const char *path, size_t len)
{
	_cleanup_free_ char *p = strndup(path, len);
	char **n;

	if (!p)
		return -ENOMEM;
	if (list_has(l, p))
		return 0;
	n = realloc(l->paths, (l->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	l->paths = n;
	l->paths[l->n++] = steal_pointer(&p);
	return 0;
}

/* The line of modules.dep (NUL-terminated copy in line) whose module is name. */
static int find_dep_line(const char *dep, const char *name, char *line, size_t len)
{
	for (const char *p = dep; *p;) {
		const char *eol = strchrnul(p, '\n');
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		char mod[NAME_MAX + 1], path[PATH_MAX];

		if (colon && (size_t)(colon - p) < sizeof(path)) {
			memcpy(path, p, (size_t)(colon - p));
			path[colon - p] = '\0';
			kmod_name_of(path, mod, sizeof(mod));
			if (streq(mod, name)) {
				if ((size_t)(eol - p) >= len)
					return -ENAMETOOLONG;
				memcpy(line, p, (size_t)(eol - p));
				line[eol - p] = '\0';
				return 0;
			}
		}
		p = *eol ? eol + 1 : eol;
	}
	return -ENOENT;
}

/* "path: dep1 dep2 dep3" -> dep3, dep2, dep1, path. */
static int add_line(struct kmod_list *l, char *line)
{
	char *colon = strchr(line, ':');
	char *words[256];
	size_t n = 0;
	char *save = NULL;
	int r;

	*colon = '\0';
	for (char *w = strtok_r(colon + 1, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == ARRAY_SIZE(words))
			return -E2BIG;
		words[n++] = w;
	}
	while (n > 0) {
		r = list_add(l, words[n - 1], strlen(words[n - 1]));
		if (r < 0)
			return r;
		n--;
	}
	return list_add(l, line, strlen(line));
}

static bool is_builtin(const char *builtin, const char *name)
{
	char mod[NAME_MAX + 1];

	for (const char *p = builtin; p && *p;) {
		const char *eol = strchrnul(p, '\n');
		char path[PATH_MAX];

		if ((size_t)(eol - p) < sizeof(path)) {
			memcpy(path, p, (size_t)(eol - p));
			path[eol - p] = '\0';
			kmod_name_of(path, mod, sizeof(mod));
			if (streq(mod, name))
				return true;
		}
		p = *eol ? eol + 1 : eol;
	}
	return false;
}

static int read_text(const char *moddir, const char *name, char **ret)
{
	char path[PATH_MAX];
	void *data;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/%s", moddir, name);
	r = read_file_full(AT_FDCWD, path, MODULES_DEP_MAX, &data, &len);
	if (r < 0)
		return r;
	*ret = data;
	return 0;
}

int kmod_resolve(const char *moddir, const char *const *names, struct kmod_list *list,
		 char *missing, size_t missing_len)
{
	_cleanup_free_ char *dep = NULL, *builtin = NULL;
	char line[8192];
	int r;

	r = read_text(moddir, "modules.dep", &dep);
	if (r < 0) {
		snprintf(missing, missing_len, "%s/modules.dep", moddir);
		return r;
	}
	(void)read_text(moddir, "modules.builtin", &builtin);
	for (size_t i = 0; names[i]; i++) {
		bool optional = names[i][0] == '?';
		char name[NAME_MAX + 1];

		kmod_name_of(names[i] + optional, name, sizeof(name));
		r = find_dep_line(dep, name, line, sizeof(line));
		if (r == -ENOENT && (optional || is_builtin(builtin, name)))
			continue;
		if (r == -ENOENT)
			snprintf(missing, missing_len, "%s (in %s/modules.dep)", name, moddir);
		if (r >= 0)
			r = add_line(list, line);
		if (r < 0)
			return r;
	}
	return 0;
}
