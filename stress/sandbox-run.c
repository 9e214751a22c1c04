// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The supervisor's part of the sandbox and of injection: the ledger
 * header's record of them, the hogs' violation slots, the injection log
 * and notification thread, and each child's parameters.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox-run.h"
#include "shared/macro.h"

uint32_t sandbox_run_hogs(const struct plan *plan)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < plan->nhogs; i++)
		n += plan->hogs[i].count * plan_container_replicas(plan, plan->hogs[i].container);
	return n;
}

/*
 * Shared with the hogs, which inherit the mapping or, started by exec, map
 * the memfd (stress/hog-exec.h); touched here, so that its pages are
 * charged to the supervisor and not to a container that an OOM kill is
 * about to empty.
 */
static int hog_slots_map(struct sandbox_run *sr)
{
	size_t size = (size_t)sr->nhogs * sizeof(*sr->hog_slots);
	_cleanup_close_ int fd = -1;
	void *p;

	if (size == 0)
		return 0;
	fd = memfd_create("poof-hog-slots", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return -errno;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	memset(p, 0, size);
	sr->hog_slots = p;
	sr->hog_slots_fd = steal_fd(&fd);
	return 0;
}

/* What the run asks of the workers, for poof verify's report. */
static void record_in_header(const struct sandbox_run *sr, const struct plan *plan)
{
	struct ledger_header *h = sr->ledger->hdr;

	h->sandbox = plan->sandbox;
	h->inject_seed = sr->ictx.seed;
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		h->inject_errno[c] = plan->inject.rules[c].error;
	ledger_header_changed(sr->ledger);
}

/* The log and the thread that answers the injected calls. */
static int inject_start(struct sandbox_run *sr)
{
	uint32_t nwriters = sr->ledger->hdr->nwriters;
	int r = inject_log_create(nwriters, &sr->ictx.log, &sr->inject_log_fd);

	if (r < 0)
		return r;
	r = inject_notifier_start(&sr->ictx, nwriters, &sr->notifier);
	if (r < 0) {
		inject_log_unmap(sr->ictx.log, nwriters);
		sr->ictx.log = NULL;
		closep(&sr->inject_log_fd);
		sr->inject_log_fd = -1;
	}
	return r;
}

int sandbox_run_start(struct sandbox_run *sr, const struct plan *plan, struct ledger *ledger,
		      uint64_t seed)
{
	int r;

	*sr = (struct sandbox_run){
		.allow_list = plan->sandbox,
		.ledger = ledger,
		.nhogs = sandbox_run_hogs(plan),
		.inject = inject_spec_any(&plan->inject),
		.ictx = { .spec = &plan->inject,
			  .seed = plan->inject_seed ? plan->inject_seed : seed,
			  .ledger = ledger },
	};
	r = hog_slots_map(sr);
	if (r >= 0 && sr->inject)
		r = inject_start(sr);
	if (r < 0) {
		sandbox_run_free(sr);
		return r;
	}
	record_in_header(sr, plan);
	return 0;
}

void sandbox_run_stop(struct sandbox_run *sr)
{
	if (sr->notifier)
		inject_notifier_stop(sr->notifier, &sr->stats);
	sr->notifier = NULL;
}

void sandbox_run_free(struct sandbox_run *sr)
{
	sandbox_run_stop(sr);
	if (sr->hog_slots) {
		munmap(sr->hog_slots, (size_t)sr->nhogs * sizeof(*sr->hog_slots));
		close(sr->hog_slots_fd);
	}
	sr->hog_slots = NULL;
	if (sr->ictx.log)
		close(sr->inject_log_fd);
	inject_log_unmap(sr->ictx.log, sr->ledger ? sr->ledger->hdr->nwriters : 0);
	sr->ictx.log = NULL;
}

void sandbox_run_writer(const struct sandbox_run *sr, uint32_t id, struct sandbox_params *ret)
{
	*ret = (struct sandbox_params){
		.allow_list = sr->allow_list,
		.violation = &sr->ledger->writers[id].violation,
		.inject = sr->notifier ? &sr->ictx : NULL,
		.handover_fd = sr->notifier ? inject_notifier_handover_fd(sr->notifier) : -1,
		.id = id,
	};
}

int sandbox_run_enter_hog(const struct sandbox_run *sr, uint32_t id, enum hog_kind kind)
{
	struct sandbox_params p = {
		.allow_list = sr->allow_list,
		.violation = id < sr->nhogs ? &sr->hog_slots[id] : NULL,
		.handover_fd = -1,
		.id = id,
	};

	return sandbox_enter_hog(&p, kind);
}

const struct ledger_violation *sandbox_run_hog_violation(const struct sandbox_run *sr, uint32_t id)
{
	const struct ledger_violation *v = id < sr->nhogs ? &sr->hog_slots[id] : NULL;

	return v && __atomic_load_n(&v->arch, __ATOMIC_ACQUIRE) ? v : NULL;
}

bool sandbox_run_hog_violated(const struct sandbox_run *sr, uint32_t id, int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == SANDBOX_EXIT_VIOLATION &&
	       sandbox_run_hog_violation(sr, id);
}
