// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The parsers of values people type: sizes, percentages, durations,
 * integers, booleans, and -o inject's rules and rates. A rule or rate that
 * parses is written back and must parse again to the same value: poof
 * prints the plan, and a run is repeated from what it printed.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "profiles/inject.h"
#include "shared/macro.h"
#include "shared/parse.h"

static bool rate_equal(const struct inject_rate *a, const struct inject_rate *b)
{
	return a->num == b->num && a->den == b->den && a->percent == b->percent;
}

static bool spec_equal(const struct inject_spec *a, const struct inject_spec *b)
{
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		if (a->rules[c].error != b->rules[c].error ||
		    (a->rules[c].error && !rate_equal(&a->rules[c].rate, &b->rules[c].rate)))
			return false;
	return true;
}

static void inject_round_trip(const char *s)
{
	struct inject_spec spec, again;
	struct inject_rate rate, rate2;
	char buf[512];

	if (inject_rate_parse(s, &rate) == 0) {
		inject_rate_format(&rate, buf, sizeof(buf));
		if (inject_rate_parse(buf, &rate2) < 0 || !rate_equal(&rate, &rate2))
			abort();
	}
	memset(&spec, 0, sizeof(spec));
	memset(&again, 0, sizeof(again));
	if (inject_spec_parse(s, &spec) < 0)
		return;
	inject_spec_format(&spec, buf, sizeof(buf));
	if (inject_spec_parse(buf, &again) < 0 || !spec_equal(&spec, &again))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = fuzz_text(data, size);
	char buf[32];
	uint64_t v;
	uint32_t pct;
	bool b;

	if (parse_size(s, &v) == 0)
		format_size(v, buf, sizeof(buf));
	if (parse_duration(s, &v) == 0)
		format_duration(v, buf, sizeof(buf));
	if (parse_percent(s, 1, 1000, &pct) == 0)
		(void)percent_of(UINT64_MAX - 1, pct);
	(void)parse_size_or_percent(s, UINT64_MAX, &v);
	(void)parse_uint(s, 0, UINT64_MAX, &v);
	(void)parse_bool(s, &b);
	inject_round_trip(s);
	return 0;
}
