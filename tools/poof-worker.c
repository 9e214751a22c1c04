// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof-worker: one writer or one memory hog, started by poof stress through
 * exec (stress/worker-exec.h) rather than as a fork of poof. It sets itself
 * up as a forked worker is set up (stress/spawn.c), finds what it shares
 * with the supervisor at the descriptors worker-exec.h names, and runs
 * writer_main() or hog_main() as the forked one would.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "shared/macro.h"
#include "stress/inject.h"
#include "stress/oom-score.h"
#include "stress/sandbox.h"
#include "stress/worker-exec.h"
#include "stress/writer.h"

/* Die with the supervisor, a name for ps, the container's OOM score, poof's signal rules. */
static void setup(const struct worker_exec_args *a)
{
	char name[16];
	sigset_t all;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != a->parent)
		_exit(WRITER_EXIT_FATAL); /* the supervisor is already gone */
	if (a->role == WORKER_HOG)
		snprintf(name, sizeof(name), "poof-h%u", a->hog.id);
	else
		snprintf(name, sizeof(name), "poof-w%u", a->writer_id);
	prctl(PR_SET_NAME, name);
	if (a->oom_score_adj != WORKER_EXEC_KEEP_SCORE)
		(void)oom_score_adj_set(0, a->oom_score_adj);
	signal(SIGINT, SIG_IGN); /* a terminal ^C goes to the supervisor, which decides */
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL); /* blocked since before the exec */
}

static int hog(const struct worker_exec_args *a)
{
	struct sandbox_params p = { .allow_list = a->allow_list,
				    .handover_fd = -1,
				    .id = a->hog.id };

	if (a->slots) {
		if (worker_exec_map_slot(WORKER_FD_SHARED, a->hog.id, &p.violation) < 0)
			return 1;
		close(WORKER_FD_SHARED);
	}
	if (sandbox_enter_hog(&p, a->hog.kind) < 0)
		return 1;
	return hog_main(&a->hog);
}

/* What a forked writer has in its copy of the supervisor, from the descriptors. */
static int writer(const struct worker_exec_args *a)
{
	static struct plan plan; /* large: not on the stack */
	_cleanup_ledger_ struct ledger *ledger = NULL;
	struct inject_ctx ictx = { .spec = &plan.inject, .seed = a->inject_seed };
	struct sandbox_params p = { .allow_list = a->allow_list,
				    .handover_fd = -1,
				    .id = a->writer_id };
	struct writer_ctx ctx = { .writer_id = a->writer_id,
				  .data_dirfd = WORKER_FD_DIR,
				  .seed = a->seed,
				  .sandbox = &p };

	if (worker_exec_read_plan(WORKER_FD_PLAN, &plan) < 0 ||
	    ledger_attach(WORKER_FD_SHARED, &ledger) < 0 || a->writer_id >= ledger->hdr->nwriters ||
	    ledger->writers[a->writer_id].group >= plan.ngroups)
		return WRITER_EXIT_FATAL;
	close(WORKER_FD_PLAN);
	close(WORKER_FD_SHARED);
	if (a->inject) {
		ictx.ledger = ledger;
		if (inject_log_attach(WORKER_FD_INJECT_LOG, ledger->hdr->nwriters, &ictx.log) < 0)
			return WRITER_EXIT_FATAL;
		close(WORKER_FD_INJECT_LOG);
		p.inject = &ictx;
		p.handover_fd = WORKER_FD_HANDOVER;
	}
	ctx.ledger = ledger;
	ctx.group = &plan.groups[ledger->writers[a->writer_id].group];
	p.violation = &ledger->writers[a->writer_id].violation;
	return writer_main(&ctx);
}

int main(int argc, char **argv)
{
	struct worker_exec_args a;

	if (worker_exec_parse(argc, argv, &a) < 0) {
		fprintf(stderr, "poof-worker: poof stress starts this program, with arguments of "
				"its own build; it is not run by hand\n");
		return 64;
	}
	setup(&a);
	/*
	 * As a forked worker leaves: no exit handlers (a sanitizer's leak check
	 * would run them inside the sandbox).
	 */
	_exit(a.role == WORKER_HOG ? hog(&a) : writer(&a));
}
