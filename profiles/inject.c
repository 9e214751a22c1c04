// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The value of the inject key: SYSCALL:ERRNO:RATE rules, read from text and
 * written back exactly, and its place among the value types of the key
 * table. Which writers call which syscall is checked once the plan is
 * complete (profile_inject_problem).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profiles/inject.h"
#include "profiles/profile-internal.h"
#include "shared/parse.h"

#define ERRNO_MAX 4095 /* the kernel's MAX_ERRNO */
#define PERCENT_DECIMALS 4
#define RULE_TEXT_MAX 64

static const char *const inject_call_names[] = {
	[INJECT_WRITE] = "write",
	[INJECT_PWRITE64] = "pwrite64",
	[INJECT_FSYNC] = "fsync",
	[INJECT_FDATASYNC] = "fdatasync",
	[INJECT_SYNC_FILE_RANGE] = "sync_file_range",
	[INJECT_MSYNC] = "msync",
	NULL,
};

_Static_assert(ARRAY_SIZE(inject_call_names) == _INJECT_CALL_MAX + 1, "a name per call");

const char *inject_call_name(enum inject_call c)
{
	return enum_to_name(inject_call_names, c);
}

int inject_call_from_name(const char *name)
{
	/* pwrite is what users write (glibc's wrapper); the system call is pwrite64. */
	if (streq(name, "pwrite"))
		return INJECT_PWRITE64;
	return enum_from_name(inject_call_names, name);
}

bool inject_spec_any(const struct inject_spec *s)
{
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		if (s->rules[c].error)
			return true;
	return false;
}

int errno_from_name(const char *name)
{
	for (int e = 1; e <= ERRNO_MAX; e++) {
		const char *n = strerrorname_np(e);

		if (n && streq(n, name))
			return e;
	}
	return -EINVAL;
}

/* "N/D" with 0 <= N <= D, D >= 1, both 32-bit; or "0". */
static int rate_fraction(const char *s, struct inject_rate *ret)
{
	const char *slash = strchr(s, '/');
	char num[24];
	uint64_t n, d;
	int r;

	if (!slash) {
		if (!streq(s, "0"))
			return -EINVAL; /* a bare number could mean a share or a percentage */
		*ret = (struct inject_rate){ .num = 0, .den = 1 };
		return 0;
	}
	if ((size_t)(slash - s) >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, (size_t)(slash - s));
	num[slash - s] = '\0';
	r = parse_uint(num, 0, UINT32_MAX, &n);
	if (r >= 0)
		r = parse_uint(slash + 1, 1, UINT32_MAX, &d);
	if (r < 0)
		return r;
	if (n > d)
		return -ERANGE;
	*ret = (struct inject_rate){ .num = (uint32_t)n, .den = (uint32_t)d };
	return 0;
}

/* "P%" or "P.DDDD%", 0 to 100, at most PERCENT_DECIMALS decimals: millionths. */
static int rate_percent(const char *s, size_t len, struct inject_rate *ret)
{
	char whole[8], frac[PERCENT_DECIMALS + 1] = "0000";
	const char *dot = memchr(s, '.', len);
	size_t wlen = dot ? (size_t)(dot - s) : len, flen = dot ? len - wlen - 1 : 0;
	uint64_t w, f;
	int r;

	if (wlen == 0 || wlen >= sizeof(whole) || (dot && (flen == 0 || flen > PERCENT_DECIMALS)))
		return -EINVAL;
	memcpy(whole, s, wlen);
	whole[wlen] = '\0';
	if (dot)
		memcpy(frac, dot + 1, flen);
	r = parse_uint(whole, 0, 100, &w);
	if (r >= 0)
		r = parse_uint(frac, 0, 9999, &f);
	if (r < 0)
		return r;
	if (w * 10000 + f > INJECT_PERCENT_DEN)
		return -ERANGE;
	*ret = (struct inject_rate){ .num = (uint32_t)(w * 10000 + f),
				     .den = INJECT_PERCENT_DEN,
				     .percent = true };
	return 0;
}

int inject_rate_parse(const char *text, struct inject_rate *ret)
{
	size_t len = strlen(text);

	if (len && text[len - 1] == '%')
		return rate_percent(text, len - 1, ret);
	return rate_fraction(text, ret);
}

void inject_rate_format(const struct inject_rate *r, char *buf, size_t len)
{
	char frac[PERCENT_DECIMALS + 2];
	size_t n;

	if (!r->percent) {
		snprintf(buf, len, "%u/%u", r->num, r->den);
		return;
	}
	snprintf(frac, sizeof(frac), ".%04u", r->num % 10000);
	for (n = strlen(frac); n > 0 && (frac[n - 1] == '0' || frac[n - 1] == '.'); n--)
		frac[n - 1] = '\0';
	snprintf(buf, len, "%u%s%%", r->num / 10000, frac);
}

/* One SYSCALL:ERRNO:RATE into spec; a syscall named twice is refused. */
static int parse_rule(char *text, struct inject_spec *spec)
{
	char *call = strip(text), *error = strchr(call, ':'), *rate;
	struct inject_rule rule = { 0 };
	int c, e, r;

	if (!error || !(rate = strchr(error + 1, ':')))
		return -EINVAL;
	*error++ = '\0';
	*rate++ = '\0';
	c = inject_call_from_name(strip(call));
	e = errno_from_name(strip(error));
	if (c < 0 || e < 0)
		return -EINVAL;
	r = inject_rate_parse(strip(rate), &rule.rate);
	if (r < 0)
		return r;
	if (spec->rules[c].error)
		return -EINVAL;
	rule.error = e;
	spec->rules[c] = rule;
	return 0;
}

int inject_spec_parse(const char *text, struct inject_spec *ret)
{
	_cleanup_free_ char *copy = strdup(text);
	struct inject_spec spec = { 0 };
	char *save = NULL;
	int r;

	if (!copy)
		return -ENOMEM;
	if (streq(strip(copy), "none")) {
		*ret = spec;
		return 0;
	}
	for (char *rule = strtok_r(copy, ",", &save); rule; rule = strtok_r(NULL, ",", &save)) {
		r = parse_rule(rule, &spec);
		if (r < 0)
			return r;
	}
	/* "", ",": nothing at all is written "none". */
	if (!inject_spec_any(&spec))
		return -EINVAL;
	*ret = spec;
	return 0;
}

void inject_spec_format(const struct inject_spec *s, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "none");
	for (unsigned c = 0; c < _INJECT_CALL_MAX && used < len; c++) {
		const struct inject_rule *rule = &s->rules[c];
		char rate[32];

		if (!rule->error)
			continue;
		inject_rate_format(&rule->rate, rate, sizeof(rate));
		used += snprintf(buf + used, len - used, "%s%s:%s:%s", used ? "," : "",
				 inject_call_name(c), strerrorname_np(rule->error), rate);
	}
}

static int parse_key_inject(const struct key_def *k _unused_, const char *v, void *field)
{
	return inject_spec_parse(v, field);
}

static void format_key_inject(const struct key_def *k _unused_, const void *field, char *buf,
			      size_t len)
{
	inject_spec_format(field, buf, len);
}

const struct value_type value_inject = { .parse = parse_key_inject, .format = format_key_inject };

/*
 * The syscalls a writer group makes that an error can be injected into:
 * its engine's write and its fsync policy's sync. io_uring's are ring
 * operations, decided on their completions under the same names (a ring
 * write is write). mmap writes by copying, so only its syncs count: msync
 * with mmap-flush=msync, but sync_file_range stays itself.
 */
static unsigned group_calls(const struct writer_group *g)
{
	static const unsigned engine_calls[] = {
		[ENGINE_PWRITE] = 1U << INJECT_PWRITE64,
		[ENGINE_WRITE] = 1U << INJECT_WRITE,
		[ENGINE_IO_URING] = 1U << INJECT_WRITE,
		[ENGINE_MMAP] = 0,
	};
	static const unsigned sync_calls[] = {
		[FSYNC_NONE] = 0,
		[FSYNC_EVERY] = 1U << INJECT_FSYNC,
		[FSYNC_END] = 1U << INJECT_FSYNC,
		[FSYNC_FDATASYNC] = 1U << INJECT_FDATASYNC,
		[FSYNC_SYNC_RANGE] = 1U << INJECT_SYNC_FILE_RANGE,
	};
	unsigned calls = 0;

	if ((unsigned)g->engine < ARRAY_SIZE(engine_calls))
		calls |= engine_calls[g->engine];
	if ((unsigned)g->fsync >= ARRAY_SIZE(sync_calls))
		return calls;
	if (g->engine == ENGINE_MMAP && g->mmap_flush == MMAP_FLUSH_MSYNC &&
	    g->fsync != FSYNC_SYNC_RANGE && g->fsync != FSYNC_NONE)
		return calls | 1U << INJECT_MSYNC;
	return calls | sync_calls[g->fsync];
}

const char *profile_inject_problem(const struct plan *plan, char *buf, size_t len)
{
	unsigned called = 0;

	for (unsigned i = 0; i < plan->ngroups; i++)
		called |= group_calls(&plan->groups[i]);
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++) {
		if (!plan->inject.rules[c].error || (called & (1U << c)))
			continue;
		snprintf(buf, len,
			 "no writer calls %s, so no error can be injected into it: the engine "
			 "decides the write (pwrite: pwrite64, write and io_uring: write, mmap: "
			 "none) and the fsync policy the sync (every=N and end: fsync, "
			 "fdatasync: fdatasync, sync_file_range: sync_file_range; with mmap and "
			 "mmap-flush=msync, msync but for sync_file_range)",
			 inject_call_name(c));
		return buf;
	}
	return NULL;
}
