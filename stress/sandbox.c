// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Entering a worker's sandbox: the SIGSYS handler that reports a call
 * outside the allow-list, the filter built from the lists of
 * sandbox-lists.c, and the probe that tells a run beforehand whether the
 * kernel can do it at all. Names of calls and architectures for reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "shared/macro.h"

void (*sandbox_test_hook)(enum sandbox_worker kind, uint32_t id);

#if HAVE_SECCOMP
#include <seccomp.h>

static inline void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ _cleanup_(seccomp_releasep)

/* Where this process's SIGSYS handler leaves the call; set once, before the filter is loaded. */
static struct ledger_violation *violation_slot;

/* Async-signal-safe: two aligned stores into shared memory, then _exit (exit_group is allowed). */
static void on_sigsys(int sig _unused_, siginfo_t *si, void *uc _unused_)
{
	struct ledger_violation *v = violation_slot;

	if (v) {
		__atomic_store_n(&v->syscall, si->si_syscall, __ATOMIC_RELAXED);
		__atomic_store_n(&v->arch, si->si_arch, __ATOMIC_RELEASE);
	}
	_exit(SANDBOX_EXIT_VIOLATION);
}

static int trap_violations(struct ledger_violation *slot)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	violation_slot = slot;
	sigfillset(&sa.sa_mask);
	return sigaction(SIGSYS, &sa, NULL) < 0 ? -errno : 0;
}

static int allow_names(scmp_filter_ctx ctx, const char *const *names)
{
	for (; names && *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names), r;

		if (nr == __NR_SCMP_ERROR)
			continue; /* not a call of this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * A filter whose default traps: any call not allowed, of any architecture
 * (a 32-bit call on a 64-bit kernel included), raises SIGSYS.
 */
static int filter_new(scmp_filter_ctx *ret)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int r;

	if (!ctx)
		return -ENOMEM;
	/* The kernel's own errno when it refuses, not libseccomp's -ECANCELED (API level 4+). */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*ret = ctx;
	return 0;
}

/*
 * libseccomp keeps a notification listener in process-wide state that a
 * fork copies: start from a clean one. And 2.5.4 takes a listener that
 * comes back as fd 0 for a failure, so fd 0 must not be free.
 */
static void fresh_state(void)
{
	seccomp_reset(NULL, 0);
	if (fcntl(0, F_GETFD) < 0 && errno == EBADF)
		(void)open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int load(const struct sandbox_params *p, const char *const *const *lists, unsigned nlists,
		enum sandbox_worker kind)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r;

	if (!p->allow_list)
		return 0;
	fresh_state();
	r = trap_violations(p->violation);
	if (r >= 0)
		r = filter_new(&ctx);
	for (unsigned i = 0; r >= 0 && i < nlists; i++)
		r = allow_names(ctx, lists[i]);
	if (r >= 0)
		r = seccomp_load(ctx);
	if (r < 0)
		return r;
	if (sandbox_test_hook)
		sandbox_test_hook(kind, p->id);
	return 0;
}

int sandbox_enter_writer(const struct sandbox_params *p, const struct writer_group *g)
{
	const char *const *lists[] = {
		sandbox_list_worker(),
		sandbox_list_writer(),
		sandbox_list_engine(g->engine),
	};

	if (p->allow_list && !lists[2])
		return -ENOTSUP;
	return load(p, lists, ARRAY_SIZE(lists), SANDBOX_WRITER);
}

int sandbox_enter_hog(const struct sandbox_params *p, enum hog_kind kind)
{
	const char *const *lists[] = { sandbox_list_worker(), sandbox_list_hog(kind) };

	if (p->allow_list && !lists[1])
		return -ENOTSUP;
	return load(p, lists, ARRAY_SIZE(lists), SANDBOX_HOG);
}

/* In the probe's child: a filter like a worker's, loaded, and a call it traps. */
static int probe_child(bool notify)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r;

	fresh_state();
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	r = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(getppid), 0);
	if (r >= 0 && notify)
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getpgid), 0);
	if (r >= 0)
		r = seccomp_load(ctx);
	if (r >= 0 && notify && seccomp_notify_fd(ctx) < 0)
		r = -EOPNOTSUPP;
	return r;
}

int sandbox_probe(bool notify, int *ret_api_level)
{
	int status, api = (int)seccomp_api_get();
	pid_t pid;

	*ret_api_level = api;
	if (prctl(PR_GET_SECCOMP) < 0)
		return -errno; /* a kernel without CONFIG_SECCOMP */
	if (notify && api < 6)
		return -EOPNOTSUPP;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(MIN(-probe_child(notify), 255));
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

/* libseccomp's architecture names, in the order they are tried. */
static const char *const arch_names[] = {
	"x86_64",   "x86",	 "x32",		"aarch64", "arm",      "ppc64le", "ppc64",
	"ppc",	    "s390x",	 "s390",	"riscv64", "mips",     "mipsel",  "mips64",
	"mipsel64", "mips64n32", "mipsel64n32", "parisc",  "parisc64",
};

const char *sandbox_arch_name(uint32_t arch, char *buf, size_t len)
{
	for (unsigned i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (seccomp_arch_resolve_name(arch_names[i]) == arch)
			return arch_names[i];
	snprintf(buf, len, "arch 0x%x", arch);
	return buf;
}

const char *sandbox_syscall_name(uint32_t arch, int32_t nr, char *buf, size_t len)
{
	_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, nr);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "syscall %d", nr);
	return buf;
}

#else /* !HAVE_SECCOMP */

int sandbox_enter_writer(const struct sandbox_params *p, const struct writer_group *g _unused_)
{
	return p->allow_list ? -ENOTSUP : 0;
}

int sandbox_enter_hog(const struct sandbox_params *p, enum hog_kind kind _unused_)
{
	return p->allow_list ? -ENOTSUP : 0;
}

int sandbox_probe(bool notify _unused_, int *ret_api_level)
{
	*ret_api_level = 0;
	return -ENOTSUP;
}

const char *sandbox_arch_name(uint32_t arch, char *buf, size_t len)
{
	snprintf(buf, len, "arch 0x%x", arch);
	return buf;
}

const char *sandbox_syscall_name(uint32_t arch _unused_, int32_t nr, char *buf, size_t len)
{
	snprintf(buf, len, "syscall %d", nr);
	return buf;
}

#endif
