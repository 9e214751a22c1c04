/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A fake machine for code that reads its kernel paths below a root prefix
 * (STYLE rule 10): a scratch directory under /var/tmp, files put into it by
 * their real-system path, removed at the end. Failures are cmocka failures.
 */

#include <stddef.h>

/* mkdtemp /var/tmp/poof-test-NAME-XXXXXX into root. */
void fake_tree_make(char *root, size_t len, const char *name);

/* root + rel with text in it, directories made on the way. */
void fake_tree_put(const char *root, const char *rel, const char *text);
void fake_tree_put_data(const char *root, const char *rel, const void *data, size_t len);

/* The directory root + rel and its parents. */
void fake_tree_mkdir(const char *root, const char *rel);

/* rm -rf root: 0, or -1 when it failed. */
int fake_tree_remove(const char *root);
