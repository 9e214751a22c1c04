// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof-forbidden: poof itself, with one worker that calls a syscall its
 * sandbox forbids right after entering it - the test of a worker that
 * leaves its allow-list. Built with the test suite, never installed: poof
 * has no such hook, so no option or environment can make it happen there.
 *
 *   POOF_FORBIDDEN=writer|hog   which kind of worker (default writer)
 *   POOF_FORBIDDEN_ID=N         which one of them (default 0)
 *   POOF_FORBIDDEN_SYSCALL=NAME the call (default socket)
 *
 * Under poof vm the guest has no such environment: the defaults apply.
 */
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stress/sandbox.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static void call_forbidden(enum sandbox_worker kind, uint32_t id)
{
	const char *want = env_or("POOF_FORBIDDEN", "writer");
	int nr;

	if (strcmp(want, kind == SANDBOX_HOG ? "hog" : "writer") != 0 ||
	    strtoul(env_or("POOF_FORBIDDEN_ID", "0"), NULL, 10) != id)
		return;
	nr = seccomp_syscall_resolve_name(env_or("POOF_FORBIDDEN_SYSCALL", "socket"));
	if (nr != __NR_SCMP_ERROR)
		syscall(nr, 0, 0, 0, 0, 0, 0);
}

__attribute__((constructor)) static void install(void)
{
	sandbox_test_hook = call_forbidden;
}
