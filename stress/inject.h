/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Error injection (-o inject, profiles/inject.h): which of a writer's calls
 * fail, and how each is accounted.
 *
 * A decision is a pure function of (inject seed, writer id, syscall, index
 * of the call among that writer's calls of that syscall, counted across its
 * respawns): the same seed and profile fail the same call indices on every
 * run, whatever the timing, the kills and the machine. Two paths use it:
 *
 *   - seccomp user notification, for every engine whose calls are
 *     syscalls: the writer's filter notifies the supervisor of each call
 *     of an injected syscall, and the supervisor's notification thread
 *     (inject-notify.c) calls inject_next(), then answers with the error
 *     or lets the call run (SECCOMP_USER_NOTIF_FLAG_CONTINUE);
 *
 *   - an engine whose operations seccomp never sees (io_uring: the ring's
 *     writes and fsyncs bypass it) decides in the writer, on each
 *     completion: inject_next() for the request's syscall (a ring write is
 *     INJECT_WRITE, a ring fsync INJECT_FSYNC or INJECT_FDATASYNC, a ring
 *     sync_file_range INJECT_SYNC_FILE_RANGE); when it returns -errno, the
 *     engine completes the request with that instead of what the kernel
 *     answered, and calls inject_delivered(). The operation did happen, so
 *     the block stays in flight (either generation may be on the media),
 *     exactly as the writer treats a real error. Such an engine's writer
 *     must not also have those syscalls notified.
 *
 * The counters are the writer's ledger record (inject_calls, inject_errors):
 * they outlive its process, and the index carries on after a respawn. The
 * first INJECT_LOG_MAX injected indices per writer and syscall go into a log
 * the supervisor maps shared before the first fork, for the report.
 */

#include <stdbool.h>
#include <stdint.h>

#include "judge/ledger.h"
#include "profiles/inject.h"

#define INJECT_LOG_MAX 64

/* The first injected call indices of one writer's syscall. */
struct inject_log {
	uint32_t n; /* how many are listed, at most INJECT_LOG_MAX */
	uint64_t index[INJECT_LOG_MAX];
};

struct inject_ctx {
	const struct inject_spec *spec;
	uint64_t seed; /* inject-seed, or the run's seed */
	struct ledger *ledger;
	struct inject_log *log; /* nwriters x _INJECT_CALL_MAX, shared; may be NULL */
};

/* Does the index-th call of `call` by writer fail under rule? A pure function. */
bool inject_decide(const struct inject_rule *rule, uint64_t seed, uint32_t writer,
		   enum inject_call call, uint64_t index);

/*
 * Writer's next call of `call`: counted, its index in *ret_index; 0 to let
 * it run, or the -errno it fails with.
 */
int inject_next(const struct inject_ctx *c, uint32_t writer, enum inject_call call,
		uint64_t *ret_index);

/* The error decided for that call reached the writer: counted, and its index logged. */
void inject_delivered(const struct inject_ctx *c, uint32_t writer, enum inject_call call,
		      uint64_t index);

/*
 * A completion of `call` that seccomp never saw, which the kernel answered
 * with res: counted like a notified call when a rule names `call`; the
 * injected -errno when one is decided (and delivered), else res.
 */
int inject_completion(const struct inject_ctx *c, uint32_t writer, enum inject_call call, int res);

/* The names seccomp knows `call` by, NULL-terminated (sync_file_range2 too). */
const char *const *inject_call_syscalls(enum inject_call call);

/*
 * The shared log of nwriters writers, pre-faulted by the caller's process:
 * a memfd (its fd in *ret_fd) that a writer started by exec maps again
 * with inject_log_attach(); inject_log_map() keeps no fd.
 */
int inject_log_create(uint32_t nwriters, struct inject_log **ret, int *ret_fd);
int inject_log_attach(int fd, uint32_t nwriters, struct inject_log **ret);
int inject_log_map(uint32_t nwriters, struct inject_log **ret);
void inject_log_unmap(struct inject_log *log, uint32_t nwriters);

/* The log of writer's syscall. */
const struct inject_log *inject_log_of(const struct inject_log *log, uint32_t writer,
				       enum inject_call call);
