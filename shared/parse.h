/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Parsers for values people type: all return 0 or -EINVAL (malformed) /
 * -ERANGE (out of range) and never touch *ret on failure.
 */

/* "4096", "4K", "32M", "1G", "2T" (binary multiples; optional trailing B/iB). */
int parse_size(const char *s, uint64_t *ret);

/*
 * A size, or a percentage of @whole ("25%"); percentages need whole > 0.
 */
int parse_size_or_percent(const char *s, uint64_t whole, uint64_t *ret);

/* "90%": a whole percentage within [min, max]. */
int parse_percent(const char *s, uint32_t min, uint32_t max, uint32_t *ret);

/* Does s end in '%' (so that it is meant as a percentage)? */
bool is_percent(const char *s);

/* pct percent of whole, rounded down; UINT64_MAX where it would overflow. */
uint64_t percent_of(uint64_t whole, uint32_t pct);

/* "10" (seconds), "1.5s", "500ms", "2m", "1h", "100us". */
int parse_duration(const char *s, uint64_t *ret_ns);

/* yes/no, true/false, on/off, 1/0. */
int parse_bool(const char *s, bool *ret);

/* Decimal unsigned integer within [min, max]. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/* "32M", "1.5G" style rendering into buf (at least 16 bytes): one decimal unless exact. */
const char *format_size(uint64_t bytes, char *buf, unsigned len);

/* "1m30s" style rendering into buf. */
const char *format_duration(uint64_t ns, char *buf, unsigned len);

/* s without its leading and trailing blanks; cuts them off in place. */
char *strip(char *s);
