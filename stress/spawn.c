// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Starting the supervisor's children: writers and hogs, each straight into
 * its container (or forked when uncontained), by the spawner (spawner.c)
 * while there is one, and what every child sets up before it runs; or,
 * where poof-worker is found, started by exec (worker-exec.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "hog.h"
#include "oom-score.h"
#include "shared/clock.h"
#include "shared/exec.h"
#include "shared/macro.h"
#include "supervisor-internal.h"
#include "worker-exec.h"
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
	exec_close(s);
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

/* What hog slot's process does: the same forked or started by exec. */
static void hog_config_of(const struct supervisor *s, const struct hog_proc *h,
			  struct hog_config *ret)
{
	const struct hog_spec *spec = &s->cfg->plan->hogs[h->spec];

	*ret = (struct hog_config){
		.kind = spec->kind,
		.size = spec->kind == HOG_KMEM ? spec->files : spec->size,
		.rate = spec->rate,
		.cycle = spec->cycle,
		.dirfd = h->dirfd,
		.id = h->id,
	};
}

static int hog_entry(void *arg)
{
	const struct child_arg *a = arg;
	const struct hog_proc *h = &a->s->hogs[a->slot];
	struct hog_config cfg;
	char name[16];

	hog_config_of(a->s, h, &cfg);
	snprintf(name, sizeof(name), "poof-h%u", h->id);
	child_setup(a->s, name, h->container);
	if (a->s->cfg->sandbox && sandbox_run_enter_hog(a->s->cfg->sandbox, h->id, cfg.kind) < 0)
		return 1;
	return hog_main(&cfg);
}

/* A hog's arguments, and the descriptors it finds at their numbers. */
static unsigned hog_exec_setup(const struct supervisor *s, const struct hog_proc *h,
			       struct worker_exec_args *ret, struct exec_fd *fds)
{
	const struct sandbox_run *sr = s->cfg->sandbox;
	unsigned nfds = 0;

	*ret = (struct worker_exec_args){
		.role = WORKER_HOG,
		.parent = getpid(),
		.oom_score_adj = WORKER_EXEC_KEEP_SCORE,
		.allow_list = sr && sr->allow_list,
		.slots = sr && sr->hog_slots && h->id < sr->nhogs,
	};
	hog_config_of(s, h, &ret->hog);
	if (h->dirfd >= 0)
		fds[nfds++] = (struct exec_fd){ .from = h->dirfd, .to = WORKER_FD_DIR };
	if (ret->slots)
		fds[nfds++] = (struct exec_fd){ .from = sr->hog_slots_fd, .to = WORKER_FD_SHARED };
	return nfds;
}

/* A writer's arguments, and the descriptors it finds at their numbers. */
static unsigned writer_exec_setup(const struct supervisor *s, uint32_t id,
				  struct worker_exec_args *ret, struct exec_fd *fds)
{
	const struct sandbox_run *sr = s->cfg->sandbox;
	bool inject = sr && sr->notifier;
	unsigned nfds = 0;

	*ret = (struct worker_exec_args){
		.role = WORKER_WRITER,
		.parent = getpid(),
		.oom_score_adj = WORKER_EXEC_KEEP_SCORE,
		.allow_list = sr && sr->allow_list,
		.writer_id = id,
		.seed = s->cfg->seed,
		.inject = inject,
		.inject_seed = inject ? sr->ictx.seed : 0,
	};
	fds[nfds++] = (struct exec_fd){ .from = s->cfg->data_dirfd, .to = WORKER_FD_DIR };
	fds[nfds++] = (struct exec_fd){ .from = s->ledger->fd, .to = WORKER_FD_SHARED };
	fds[nfds++] = (struct exec_fd){ .from = s->plan_fd, .to = WORKER_FD_PLAN };
	if (inject) {
		fds[nfds++] = (struct exec_fd){ .from = sr->inject_log_fd,
						.to = WORKER_FD_INJECT_LOG };
		fds[nfds++] = (struct exec_fd){ .from = inject_notifier_handover_fd(sr->notifier),
						.to = WORKER_FD_HANDOVER };
	}
	return nfds;
}

/*
 * A started worker holds its container's OOM score from its first
 * instruction, copied from the supervisor's. It may not write its own
 * before the exec: a write reaches every process of the address space, the
 * supervisor's too. Nor after: its own look-up below /proc/PID leaves
 * dentries that the reaper must flush when it is reaped, a fifth of the
 * supervisor's time in a storm. So the supervisor takes the worker's score
 * for the moment of the clone, through the fd it keeps, and its own back at
 * once.
 *
 * hold_score(): does the supervisor's score equal score now (else the
 * child must write its own)? release_score(): its own back.
 */
static bool hold_score(struct supervisor *s, int score)
{
	if (score == s->self_score)
		return true;
	if (s->self_score_fd < 0 || oom_score_adj_write(s->self_score_fd, score) < 0)
		return false;
	s->score_lent = true;
	return true;
}

static void release_score(struct supervisor *s)
{
	if (!s->score_lent)
		return;
	s->score_lent = false;
	/*
	 * It took the lower score once, so it may again (the kernel keeps the
	 * floor it set). Should it fail all the same, nothing more is lent:
	 * the supervisor is left as when it could not protect itself at the
	 * start, outside every container the OOM killer empties.
	 */
	if (oom_score_adj_write(s->self_score_fd, s->self_score) < 0) {
		closep(&s->self_score_fd);
		s->self_score_fd = -1;
	}
}

/* The container of a slot's worker, or CONTAINER_NONE. */
static uint32_t slot_container(const struct supervisor *s, enum child_kind kind, uint32_t slot)
{
	if (!s->cfg->containers)
		return CONTAINER_NONE;
	return kind == CHILD_HOG ? s->hogs[slot].container : s->ledger->writers[slot].container;
}

/*
 * A slot's worker started as poof-worker (stress/worker-exec.h), moved into
 * its container before the exec: 1, or -errno.
 */
static int worker_exec(struct supervisor *s, enum child_kind kind, uint32_t slot, pid_t *ret_pid)
{
	uint32_t container = slot_container(s, kind, slot);
	int score = container_oom_immune(s, container) ? OOM_SCORE_ADJ_MIN : 0;
	_cleanup_close_ int procs = -1;
	struct worker_exec_args a;
	struct worker_exec_argv v;
	struct exec_fd fds[5];
	struct exec_spec e = { .binfd = s->worker_exec_fd, .argv = v.argv, .fds = fds };
	pid_t pid;

	if (container != CONTAINER_NONE) {
		procs = cg_container_open_procs(s->cfg->containers->c[container].cg);
		if (procs < 0)
			return procs;
	}
	e.procs_fd = procs;
	e.nfds = kind == CHILD_HOG ? hog_exec_setup(s, &s->hogs[slot], &a, fds) :
				     writer_exec_setup(s, slot, &a, fds);
	if (!hold_score(s, score))
		a.oom_score_adj = score;
	worker_exec_argv(&a, &v);
	pid = exec_spawn(&e);
	release_score(s);
	if (pid < 0)
		return pid;
	*ret_pid = pid;
	return 1;
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

/*
 * By exec while that works, here: with no fork to spare the supervisor,
 * the spawner's round trip would only add to the cost. A failure a later
 * start may not meet (no memory, no process slot, the container gone) is
 * the start's; any other means exec does not work here, and workers are
 * forked from then on: through the spawner while there is one, else here.
 * 1 when started by exec, 0 when forked, or -errno.
 */
static int start_child(struct supervisor *s, enum child_kind kind, uint32_t slot, pid_t *ret_pid)
{
	int r;

	if (s->worker_exec_fd >= 0) {
		r = worker_exec(s, kind, slot, ret_pid);
		if (r >= 0 || r == -EAGAIN || r == -ENOMEM || r == -ESTALE)
			return r;
		closep(&s->worker_exec_fd);
		s->worker_exec_fd = -1;
	}
	r = spawner_spawn(s, kind, slot, ret_pid);
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
	s->res.status.writers_exec += r == 1;
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
	s->res.status.hogs_exec += r == 1;
	respawn_started(&h->respawn, now_monotonic_ns());
	return 0;
}
