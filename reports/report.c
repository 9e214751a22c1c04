// SPDX-License-Identifier: LGPL-2.1-or-later
#include "report.h"

const char *target_hang_name(enum target_hang h)
{
	switch (h) {
	case TARGET_HUNG_SYNCFS:
		return "syncfs";
	case TARGET_HUNG_READ:
		return "a verification read";
	default:
		return NULL;
	}
}

void report_decide(struct report *r)
{
	r->fail = r->verify && r->verify->failed;
	r->hang = (r->supervisor && (r->supervisor->unreaped > 0 || r->supervisor->stalls > 0)) ||
		  r->target_hung != TARGET_ANSWERED;
	r->kernel = r->kernel_watch && kernel_watch_failed(r->kernel_watch);
	r->ineffective = r->plan && r->plan->expect_oom && r->supervisor &&
			 r->supervisor->status.oom_kills == 0;
	/* The lowest non-zero code of those that apply wins; the report lists all. */
	if (r->fail)
		r->exit_code = EXIT_FAIL;
	else if (r->hang)
		r->exit_code = EXIT_HANG;
	else if (r->kernel)
		r->exit_code = EXIT_KERNEL;
	else if (r->ineffective)
		r->exit_code = EXIT_INEFFECTIVE;
	else if (r->verify_skipped)
		r->exit_code = EXIT_INTERRUPTED;
	else if (!r->verify)
		r->exit_code = EXIT_INTERNAL;
	else
		r->exit_code = EXIT_PASS;
}

const char *report_verdict_name(int exit_code)
{
	switch (exit_code) {
	case EXIT_PASS:
		return "PASS";
	case EXIT_FAIL:
		return "FAIL";
	case EXIT_HANG:
		return "HANG";
	case EXIT_KERNEL:
		return "KERNEL";
	case EXIT_INEFFECTIVE:
		return "INEFFECTIVE";
	case EXIT_USAGE:
		return "USAGE";
	case EXIT_UNSUPPORTED:
		return "UNSUPPORTED";
	case EXIT_INTERRUPTED:
		return "INTERRUPTED";
	default:
		return "ERROR";
	}
}
