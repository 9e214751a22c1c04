// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A profile file, read as poof stress reads one (through its path), then
 * validated, resolved, sized for some free space and printed back.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "profiles/profile.h"
#include "shared/fileio.h"
#include "shared/macro.h"

static void exercise(struct plan *plan)
{
	struct profile_error err;
	_cleanup_fclose_ FILE *out = fopen("/dev/null", "we");

	if (plan_validate(plan, &err) < 0 || plan_resolve_percentages(plan, &err) < 0)
		return;
	(void)plan_uses_containers(plan);
	(void)plan_size_files(plan, 1ULL << 30, &err);
	if (out)
		plan_print(plan, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_close_ int fd = memfd_create("profile.ini", MFD_CLOEXEC);
	struct profile_error err;
	struct plan plan;
	char path[64];

	if (fd < 0 || write_all(fd, data, size) < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (profile_load(path, &plan, &err) == 0)
		exercise(&plan);
	return 0;
}
