// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "parse.h"

/* strtoull accepts leading whitespace and '-'; people's typos should not pass. */
static int parse_digits(const char *s, uint64_t *ret, const char **ret_end)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	*ret = v;
	*ret_end = end;
	return 0;
}

static int size_shift(const char *suffix, unsigned *ret)
{
	static const struct {
		const char *name;
		unsigned shift;
	} table[] = {
		{ "", 0 },     { "B", 0 },   { "K", 10 },   { "KB", 10 },  { "KIB", 10 },
		{ "M", 20 },   { "MB", 20 }, { "MIB", 20 }, { "G", 30 },   { "GB", 30 },
		{ "GIB", 30 }, { "T", 40 },  { "TB", 40 },  { "TIB", 40 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(table); i++)
		if (strcasecmp(suffix, table[i].name) == 0) {
			*ret = table[i].shift;
			return 0;
		}
	return -EINVAL;
}

int parse_size(const char *s, uint64_t *ret)
{
	const char *end;
	uint64_t v;
	unsigned shift;
	int r;

	r = parse_digits(s, &v, &end);
	if (r < 0)
		return r;
	r = size_shift(end, &shift);
	if (r < 0)
		return r;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

int parse_size_or_percent(const char *s, uint64_t whole, uint64_t *ret)
{
	const char *end;
	uint64_t v;
	int r;

	if (!s)
		return -EINVAL;
	if (s[0] == '\0' || s[strlen(s) - 1] != '%')
		return parse_size(s, ret);
	r = parse_digits(s, &v, &end);
	if (r < 0)
		return r;
	if (strcmp(end, "%") != 0)
		return -EINVAL;
	if (whole == 0 || v > 100)
		return -ERANGE;
	*ret = (uint64_t)((long double)whole * v / 100);
	return 0;
}

bool is_percent(const char *s)
{
	return s && *s && s[strlen(s) - 1] == '%';
}

int parse_percent(const char *s, uint32_t min, uint32_t max, uint32_t *ret)
{
	const char *end;
	uint64_t v;
	int r;

	if (!is_percent(s))
		return -EINVAL;
	r = parse_digits(s, &v, &end);
	if (r < 0)
		return r;
	if (strcmp(end, "%") != 0)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

uint64_t percent_of(uint64_t whole, uint32_t pct)
{
	uint64_t hundreds = whole / 100, rest = whole % 100 * pct / 100;

	if (pct && hundreds > (UINT64_MAX - rest) / pct)
		return UINT64_MAX;
	return hundreds * pct + rest;
}

int parse_duration(const char *s, uint64_t *ret_ns)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "", NSEC_PER_SEC },	      { "s", NSEC_PER_SEC },
		{ "sec", NSEC_PER_SEC },      { "ms", NSEC_PER_MSEC },
		{ "us", NSEC_PER_USEC },      { "ns", 1 },
		{ "m", 60 * NSEC_PER_SEC },   { "min", 60 * NSEC_PER_SEC },
		{ "h", 3600 * NSEC_PER_SEC },
	};
	char *end;
	double v;

	if (!s || !(isdigit((unsigned char)s[0]) || s[0] == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || !isfinite(v))
		return -ERANGE;
	for (unsigned i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].name) == 0) {
			long double ns = (long double)v * units[i].ns;

			if (ns > (long double)UINT64_MAX / 2)
				return -ERANGE;
			*ret_ns = (uint64_t)(ns + 0.5L);
			return 0;
		}
	return -EINVAL;
}

int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	if (!s)
		return -EINVAL;
	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	const char *end;
	uint64_t v;
	int r;

	r = parse_digits(s, &v, &end);
	if (r < 0)
		return r;
	if (*end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

const char *format_size(uint64_t bytes, char *buf, unsigned len)
{
	static const char suffix[] = "KMGT";

	for (int i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (bytes < unit)
			continue;
		if (bytes % unit == 0)
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes / unit), suffix[i]);
		else
			snprintf(buf, len, "%.1f%c", (double)bytes / unit, suffix[i]);
		return buf;
	}
	snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	return buf;
}

const char *format_duration(uint64_t ns, char *buf, unsigned len)
{
	uint64_t s = ns / NSEC_PER_SEC;

	if (ns < NSEC_PER_SEC)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / NSEC_PER_MSEC));
	else if (s < 60)
		snprintf(buf, len, "%.1fs", (double)ns / NSEC_PER_SEC);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60));
	return buf;
}

char *strip(char *s)
{
	char *end;

	s += strspn(s, " \t\r\n");
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}
