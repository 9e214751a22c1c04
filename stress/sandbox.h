/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The workers' seccomp sandbox (SPEC section 10): an allow-list per kind of
 * worker - a writer (per engine), and each kind of hog - built with
 * libseccomp and loaded by the worker itself after its setup, before its
 * work loop. A call outside the list raises SIGSYS; the worker's handler
 * leaves the call's number and architecture in its ledger record (a
 * writer) or its shared slot (a hog) and exits SANDBOX_EXIT_VIOLATION,
 * which the supervisor does not restart and the report turns into an
 * internal error (exit 70) that names the worker, the call and the
 * architecture.
 *
 * A writer's filter also carries the calls errors are injected into
 * (stress/inject.h): seccomp notifies the supervisor of each, which
 * answers with an error or lets the call continue. The listener exists
 * only in the process that loaded the filter, so the writer hands it over
 * a socket (SCM_RIGHTS) before its first notified call.
 *
 * Without libseccomp every function here returns -ENOTSUP.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject.h"
#include "judge/ledger.h"
#include "profiles/profile.h"

/* A worker that called outside its allow-list exits with this (its SIGSYS handler does). */
#define SANDBOX_EXIT_VIOLATION 71

enum sandbox_worker { SANDBOX_WRITER, SANDBOX_HOG };

/* What one worker needs to enter its sandbox, filled in by the supervisor before the fork. */
struct sandbox_params {
	bool allow_list;		    /* sandbox=yes: any other call ends the worker */
	struct ledger_violation *violation; /* where the SIGSYS handler leaves the call */
	/*
	 * Writers, with -o inject: what decides which calls fail. The filter
	 * notifies the supervisor of the injected syscalls, and the listener
	 * goes over handover_fd. An engine whose operations seccomp cannot
	 * see (io_uring) decides on its completions with it (stress/inject.h).
	 * NULL without injection.
	 */
	const struct inject_ctx *inject;
	int handover_fd;
	uint32_t id; /* the writer's or the hog's id */
};

/*
 * Load a writer's filter (the allow-list of its group's engine and the
 * syncs), hand the notification listener over when errors are injected
 * (none for an engine seccomp cannot see: its caller passes handover_fd
 * -1). 0, or -errno: the writer must not start its loop.
 */
int sandbox_enter_writer(const struct sandbox_params *p, const struct writer_group *g);

/* Load a hog's filter, the allow-list of its kind. */
int sandbox_enter_hog(const struct sandbox_params *p, enum hog_kind kind);

/*
 * Can this kernel (and this build) run workers under a filter, and, with
 * notify, notify the supervisor of calls? Tried in a child process: 0;
 * -ENOTSUP without libseccomp; -EOPNOTSUPP when notification is missing
 * (*ret_api_level says what libseccomp found); another -errno when the
 * kernel refuses a filter (-EINVAL: built without CONFIG_SECCOMP_FILTER).
 */
int sandbox_probe(bool notify, int *ret_api_level);

/* NULL when every writer group's engine has an allow-list, else the name of one that has none. */
const char *sandbox_engine_unlisted(const struct plan *plan);

/* "x86_64" for an AUDIT_ARCH_* value, or "arch 0x..." in buf. */
const char *sandbox_arch_name(uint32_t arch, char *buf, size_t len);

/* "socket" for its number on arch, or "syscall N" when it has no name there. */
const char *sandbox_syscall_name(uint32_t arch, int32_t nr, char *buf, size_t len);

/*
 * The allow-lists, as NULL-terminated lists of syscall names (a name the
 * architecture does not have is skipped): what every worker needs, what
 * every writer needs, what an engine needs, what a hog of a kind needs.
 * An engine without a list (NULL) cannot run sandboxed. sandbox-lists.c
 * says why each name is there.
 */
const char *const *sandbox_list_worker(void);
const char *const *sandbox_list_writer(void);
const char *const *sandbox_list_engine(enum engine_kind e);
const char *const *sandbox_list_hog(enum hog_kind k);

/*
 * Test builds only: called by every worker right after its filter is
 * loaded, with its kind and id. NULL in poof: tests/helpers/forbidden.c
 * sets it in a test binary of its own, whose workers call a forbidden
 * syscall on purpose.
 */
extern void (*sandbox_test_hook)(enum sandbox_worker kind, uint32_t id);
