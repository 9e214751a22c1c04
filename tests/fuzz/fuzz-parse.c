// SPDX-License-Identifier: LGPL-2.1-or-later
/* The parsers of values people type: sizes, percentages, durations, integers, booleans. */
#include <stdbool.h>

#include "fuzz.h"
#include "shared/macro.h"
#include "shared/parse.h"

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
	return 0;
}
