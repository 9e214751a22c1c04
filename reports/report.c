// SPDX-License-Identifier: LGPL-2.1-or-later
#include "report.h"
#include "shared/macro.h"

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

bool report_device_fault(const struct report *r)
{
	return r->ledger && (r->ledger->hdr->flags & LEDGER_F_DEVICE_FAULT);
}

bool report_error_fault(const struct report *r)
{
	return r->ledger && (r->ledger->hdr->flags & LEDGER_F_ERROR_FAULT);
}

static void count_stop_error(struct report_stopped *st, int error)
{
	unsigned i;

	for (i = 0; i < st->nerrors && st->errors[i].error != error; i++)
		;
	if (i == REPORT_STOP_ERRORS)
		return;
	st->errors[i].error = error;
	st->errors[i].writers++;
	st->nerrors = MAX(st->nerrors, i + 1);
	/* Keep the most frequent first. */
	for (; i > 0 && st->errors[i].writers > st->errors[i - 1].writers; i--) {
		typeof(st->errors[0]) t = st->errors[i];

		st->errors[i] = st->errors[i - 1];
		st->errors[i - 1] = t;
	}
}

void report_stopped_writers(const struct report *r, struct report_stopped *ret)
{
	*ret = (struct report_stopped){ .first_ns = UINT64_MAX };
	for (uint32_t i = 0; r->ledger && i < r->ledger->hdr->nwriters; i++) {
		const struct ledger_writer *w = &r->ledger->writers[i];
		uint64_t at = (uint64_t)w->stopped_ms * NSEC_PER_MSEC;

		/* A writer that left its sandbox was stopped by poof, not by an error. */
		if (w->state != WRITER_FAILED || w->violation.arch)
			continue;
		ret->writers++;
		ret->first_ns = MIN(ret->first_ns, at);
		ret->last_ns = MAX(ret->last_ns, at);
		count_stop_error(ret, w->error);
	}
	if (!ret->writers)
		ret->first_ns = 0;
}

/* The writers stopped on errors before the duration ran out. */
static bool writers_stopped_early(const struct report *r)
{
	return r->supervisor && r->supervisor->reason == STOP_FINISHED &&
	       r->supervisor->status.failed > 0;
}

void report_decide(struct report *r)
{
	const struct kernel_watch *kw = r->kernel_watch;

	r->fail = r->verify && r->verify->failed;
	r->hang = (r->supervisor && (r->supervisor->unreaped > 0 || r->supervisor->stalls > 0)) ||
		  r->target_hung != TARGET_ANSWERED;
	/* A filesystem that gives up is the kernel's failure, unless the run broke its device. */
	r->fs_failed = kw && kernel_watch_fs_failed(kw);
	r->kernel = (kw && kernel_watch_failed(kw)) || (r->fs_failed && !report_device_fault(r));
	/* A run the filesystem cut short did not fail to squeeze: it was stopped. */
	r->cut_off = r->fs_failed || writers_stopped_early(r);
	r->ineffective = r->plan && r->plan->expect_oom && r->supervisor &&
			 r->supervisor->status.oom_kills == 0 && !r->cut_off;
	r->violations = report_count_violations(r);
	r->inject_failed = report_inject_failed(r);
	/*
	 * The lowest non-zero code of those that apply wins; the report lists
	 * all. A worker that left its sandbox is a bug in poof, which makes
	 * everything else the run found doubtful: that comes first.
	 */
	if (r->violations || r->inject_failed)
		r->exit_code = EXIT_INTERNAL;
	else if (r->fail)
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
	case EXIT_DAMAGED:
		return "DAMAGED";
	case EXIT_UNSUPPORTED:
		return "UNSUPPORTED";
	case EXIT_INTERRUPTED:
		return "INTERRUPTED";
	default:
		return "ERROR";
	}
}

const char *report_watch_instead(unsigned i)
{
	static const char *const instead[] = {
		[0] = ("OOM kills counted from memory.oom_control and limit hits from failcnt, read "
		       "every tick; no oom, high or group-kill events"),
		[1] = "no memory pressure per container: no stall time, no stall episodes",
		[2] = "containers emptied process by process, which a fork in between can outrun",
		[3] = "containers polled until empty, never notified",
	};

	_Static_assert(ARRAY_SIZE(instead) == _CG_WATCH_BITS, "words for every watch bit");
	return i < ARRAY_SIZE(instead) ? instead[i] : NULL;
}
