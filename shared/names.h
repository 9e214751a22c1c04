/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Name tables: an enum's names in one array indexed by its values and ended
 * by NULL, so that the array is the only list of that enum's names, and
 * these two functions are the only code that reads one.
 */

/* The name of value, or "unknown" for a value past the end of the table. */
const char *enum_to_name(const char *const *names, unsigned value);

/* The value whose name is name, or -EINVAL. */
int enum_from_name(const char *const *names, const char *name);
