// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Starting the supervisor's children: writers and hogs, each straight into
 * its container (or forked when uncontained), by the spawner (spawner.c)
 * while there is one, and what every child sets up before it runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "hog.h"
#include "oom-score.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "supervisor-internal.h"
#include "writer.h"

static bool container_oom_immune(const struct supervisor *s, uint32_t container)
{
	const struct run_containers *rc = s->cfg->containers;

	return rc && container != CONTAINER_NONE &&
	       s->cfg->plan->containers[rc->c[container].spec].oom_immune;
}

/* In every child: die with the supervisor, a name for ps, the container's OOM score. */
static void child_setup(struct supervisor *s, const char *name, uint32_t container)
{
	int oom_score_adj = container_oom_immune(s, container) ? OOM_SCORE_ADJ_MIN : 0;
	sigset_t all;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(WRITER_EXIT_FATAL); /* the supervisor is already gone */
	prctl(PR_SET_NAME, name);
	/*
	 * Undo the supervisor's own OOM immunity, unless the container asks for
	 * it. Best effort: without it the child keeps the supervisor's value.
	 * Not when it inherited the right one (from the spawner): a look-up
	 * below /proc/PID leaves dentries that the reaper must flush when the
	 * child is reaped, a fifth of the supervisor's time in a storm.
	 */
	if (oom_score_adj != s->children_oom_score_adj)
		(void)oom_score_adj_set(0, oom_score_adj);
	signal(SIGINT, SIG_IGN); /* a terminal ^C goes to the supervisor, which decides */
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	close(s->sigfd);
	close(s->timerfd);
	/* Else the helper's death would not reach the supervisor as an EOF. */
	if (s->spawner.fd >= 0)
		close(s->spawner.fd);
}

static _noreturn_ void writer_child(struct supervisor *s, uint32_t id)
{
	const struct plan *plan = s->cfg->plan;
	const struct ledger_writer *lw = &s->ledger->writers[id];
	struct writer_ctx ctx = {
		.ledger = s->ledger,
		.writer_id = id,
		.group = &plan->groups[lw->group],
		.data_dirfd = s->cfg->data_dirfd,
		.seed = s->cfg->seed,
	};
	struct sandbox_params sandbox;
	char name[16];

	snprintf(name, sizeof(name), "poof-w%u", id);
	child_setup(s, name, lw->container);
	if (s->cfg->sandbox) {
		sandbox_run_writer(s->cfg->sandbox, id, &sandbox);
		ctx.sandbox = &sandbox;
	}
	_exit(writer_main(&ctx));
}

struct child_arg {
	struct supervisor *s;
	uint32_t slot; /* a writer's id, or an index into s->hogs */
};

/*
 * fork(), or straight into the container when there is one; a sibling
 * (CG_SPAWN_SIBLING) through clone3(CLONE_PARENT). No fflush first: a child
 * never flushes its copy of the buffers (it leaves through _exit), and a
 * flush costs the supervisor a copied page per fork.
 */
static int spawn_in(struct supervisor *s, uint32_t container, unsigned flags, int (*fn)(void *),
		    void *arg, pid_t *ret_pid)
{
	pid_t pid;

	if (s->cfg->containers && container != CONTAINER_NONE)
		return cg_container_spawn(s->cfg->containers->c[container].cg, flags, fn, arg,
					  ret_pid);
	pid = cg_fork(flags);
	if (pid < 0)
		return pid;
	if (pid == 0)
		_exit(fn(arg));
	*ret_pid = pid;
	return 0;
}

static int writer_entry(void *arg)
{
	const struct child_arg *a = arg;

	writer_child(a->s, a->slot);
}

static int hog_entry(void *arg)
{
	const struct child_arg *a = arg;
	const struct hog_proc *h = &a->s->hogs[a->slot];
	const struct hog_spec *spec = &a->s->cfg->plan->hogs[h->spec];
	struct hog_config cfg = {
		.kind = spec->kind,
		.size = spec->kind == HOG_KMEM ? spec->files : spec->size,
		.rate = spec->rate,
		.cycle = spec->cycle,
		.dirfd = h->dirfd,
		.id = h->id,
	};
	char name[16];

	snprintf(name, sizeof(name), "poof-h%u", h->id);
	child_setup(a->s, name, h->container);
	if (a->s->cfg->sandbox && sandbox_run_enter_hog(a->s->cfg->sandbox, h->id, spec->kind) < 0)
		return 1;
	return hog_main(&cfg);
}

int supervisor_start_child(struct supervisor *s, enum child_kind kind, uint32_t slot,
			   unsigned flags, pid_t *ret_pid)
{
	struct child_arg arg = { .s = s, .slot = slot };

	if (kind == CHILD_WRITER && slot < s->ledger->hdr->nwriters)
		return spawn_in(s, s->ledger->writers[slot].container, flags, writer_entry, &arg,
				ret_pid);
	if (kind == CHILD_HOG && slot < s->nhogs)
		return spawn_in(s, s->hogs[slot].container, flags, hog_entry, &arg, ret_pid);
	return -EINVAL;
}

/* Through the spawner while there is one, else here. */
static int start_child(struct supervisor *s, enum child_kind kind, uint32_t slot, pid_t *ret_pid)
{
	int r = spawner_spawn(s, kind, slot, ret_pid);

	return r == -ENOTCONN ? supervisor_start_child(s, kind, slot, 0, ret_pid) : r;
}

int supervisor_spawn_writer(struct supervisor *s, uint32_t id)
{
	struct ledger_writer *lw = &s->ledger->writers[id];
	pid_t pid;
	int r;

	r = start_child(s, CHILD_WRITER, id, &pid);
	if (r < 0)
		return r;
	lw->pid = pid;
	lw->spawns++;
	lw->state = WRITER_RUNNING;
	lw->progress_ns = now_monotonic_ns();
	respawn_started(&s->wrespawn[id], lw->progress_ns);
	return 0;
}

int supervisor_spawn_hog(struct supervisor *s, struct hog_proc *h)
{
	int r = start_child(s, CHILD_HOG, (uint32_t)(h - s->hogs), &h->pid);

	if (r < 0)
		return r;
	s->res.status.hogs++;
	respawn_started(&h->respawn, now_monotonic_ns());
	return 0;
}
