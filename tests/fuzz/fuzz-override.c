// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -o KEY=VALUE: each line of the input is one override, applied to a
 * bundled profile the first byte picks, then validated, resolved and
 * printed back; and the keys poof verify takes alone.
 */
#include <stdio.h>

#include "fuzz.h"
#include "profiles/profile.h"
#include "shared/macro.h"

static const char *const verify_keys[] = { "strict-errors", "report-losses", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_fclose_ FILE *out = NULL;
	struct profile_error err;
	struct plan plan, bare;
	char *line, *save = NULL;

	if (size < 1)
		return 0;
	if (profile_load(bundled_profiles[data[0] % n_bundled_profiles].name, &plan, &err) < 0)
		abort(); /* a bundled profile always loads */
	plan_run_defaults(&bare);
	text = fuzz_text(data + 1, size - 1);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		(void)profile_override(&plan, line, &err);
		(void)profile_override_keys(&bare, line, verify_keys, &err);
	}
	if (plan_validate(&plan, &err) < 0 || plan_resolve_percentages(&plan, &err) < 0)
		return 0;
	(void)plan_size_files(&plan, 64ULL << 20, &err);
	out = fopen("/dev/null", "we");
	if (out)
		plan_print(&plan, out);
	return 0;
}
