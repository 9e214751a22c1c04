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
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "inject.h"
#include "sandbox.h"
#include "shared/macro.h"

void (*sandbox_test_hook)(enum sandbox_worker kind, uint32_t id);

/* A writer whose calls errors are injected into, with the socket its listener goes over. */
static bool sandbox_notifies(const struct sandbox_params *p)
{
	return p->inject && p->handover_fd >= 0 && inject_spec_any(p->inject->spec);
}

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

/* Is nr one of the calls errors are injected into (and so notified, not just allowed)? */
static bool notified(const struct inject_spec *spec, int nr)
{
	for (unsigned c = 0; spec && c < _INJECT_CALL_MAX; c++)
		for (const char *const *n = inject_call_syscalls(c); spec->rules[c].error && *n;
		     n++)
			if (seccomp_syscall_resolve_name(*n) == nr)
				return true;
	return false;
}

static int allow_names(scmp_filter_ctx ctx, const char *const *names,
		       const struct inject_spec *spec)
{
	for (; names && *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names), r;

		/* not a call of this architecture, or one the notify rule lets through */
		if (nr == __NR_SCMP_ERROR || notified(spec, nr))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Each call of an injected syscall goes to the supervisor, which answers it. */
static int notify_calls(scmp_filter_ctx ctx, const struct inject_spec *spec)
{
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		for (const char *const *n = inject_call_syscalls(c); spec->rules[c].error && *n;
		     n++) {
			int nr = seccomp_syscall_resolve_name(*n), r;

			if (nr == __NR_SCMP_ERROR)
				continue;
			r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
			if (r < 0)
				return r;
		}
	return 0;
}

/*
 * The default action: a call nobody listed traps (of any architecture: a
 * 32-bit call on a 64-bit kernel included), or, with the sandbox off and a
 * filter only for injection, runs.
 */
static int filter_new(bool allow_list, scmp_filter_ctx *ret)
{
	uint32_t def = allow_list ? SCMP_ACT_TRAP : SCMP_ACT_ALLOW;
	scmp_filter_ctx ctx = seccomp_init(def);
	int r;

	if (!ctx)
		return -ENOMEM;
	/* The kernel's own errno when it refuses, not libseccomp's -ECANCELED (API level 4+). */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, def);
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

/* The listener to the supervisor, with the writer's id, before the first notified call. */
static int hand_over(const struct sandbox_params *p, int listener)
{
	uint32_t id = p->id;
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &id, .iov_len = sizeof(id) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	if (listener < 0)
		return -EBADF;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof(int));
	do
		n = sendmsg(p->handover_fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* The supervisor holds it now; nothing here needs either any more. */
	close(listener);
	close(p->handover_fd);
	return 0;
}

/* The rules: the allow-lists, sendmsg on the handover socket only, the notified calls. */
static int add_rules(scmp_filter_ctx ctx, const struct sandbox_params *p,
		     const char *const *const *lists, unsigned nlists)
{
	const struct inject_spec *spec = sandbox_notifies(p) ? p->inject->spec : NULL;
	int r = 0;

	for (unsigned i = 0; r >= 0 && p->allow_list && i < nlists; i++)
		r = allow_names(ctx, lists[i], spec);
	if (r >= 0 && p->allow_list && spec)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendmsg), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)p->handover_fd));
	if (r >= 0 && spec)
		r = notify_calls(ctx, spec);
	return r;
}

static int load(const struct sandbox_params *p, const char *const *const *lists, unsigned nlists,
		enum sandbox_worker kind)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r = 0;

	if (!p->allow_list && !sandbox_notifies(p))
		return 0;
	fresh_state();
	if (p->allow_list)
		r = trap_violations(p->violation);
	if (r >= 0)
		r = filter_new(p->allow_list, &ctx);
	if (r >= 0)
		r = add_rules(ctx, p, lists, nlists);
	if (r >= 0)
		r = seccomp_load(ctx);
	if (r >= 0 && sandbox_notifies(p))
		r = hand_over(p, seccomp_notify_fd(ctx));
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
	return p->allow_list || sandbox_notifies(p) ? -ENOTSUP : 0;
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
