// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The supervisor's event loop: what it does when a child exits, a signal
 * comes, the timer ticks or a container's pressure trigger fires, and how
 * it stops every child at the end. Starting children, the hog slots, stall
 * detection, the timeline and the signal set live in files of their own.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "worker-exec.h"
#include "oom-score.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "shared/random.h"
#include "supervisor-internal.h"
#include "writer.h"

#define PROGRESS_NS NSEC_PER_SEC

/* The poll set: the fixed entries, then one pressure trigger per container. */
enum {
	POLL_SIGNALS,
	POLL_TIMER,
	POLL_FIXED,
};

static uint32_t writers_alive(const struct supervisor *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		n += s->ledger->writers[i].pid > 0;
	return n;
}

static uint64_t bytes_total(const struct supervisor *s)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		n += s->ledger->writers[i].bytes;
	return n;
}

static void schedule_kill(struct supervisor *s, uint64_t now)
{
	uint64_t mean = s->cfg->plan->kill_writers_ns;

	/* Uniform in [mean/2, 3*mean/2): random moments with the asked-for rate. */
	s->next_kill_ns = mean ? now + mean / 2 + random_below(&s->rng, mean) : UINT64_MAX;
}

static void kill_random_writer(struct supervisor *s)
{
	uint32_t alive = writers_alive(s), pick;

	if (alive == 0)
		return;
	pick = (uint32_t)random_below(&s->rng, alive);
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++) {
		struct ledger_writer *lw = &s->ledger->writers[i];

		if (lw->pid <= 0 || pick--)
			continue;
		if (kill(lw->pid, SIGKILL) == 0)
			s->res.status.kills++;
		return;
	}
}

static void update_status(struct supervisor *s, uint64_t now)
{
	s->res.status.elapsed_ns = now - s->start_ns;
	s->res.status.duration_ns = s->cfg->plan->duration_ns;
	s->res.status.bytes = bytes_total(s);
	s->res.status.writers_alive = writers_alive(s);
	s->res.status.timeline = &s->res.timeline;
	s->res.status.stalls = s->res.stalls;
}

static bool all_finished(const struct supervisor *s)
{
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++) {
		uint32_t st = s->ledger->writers[i].state;

		if (st != WRITER_DONE && st != WRITER_FAILED)
			return false;
	}
	return true;
}

/* How often the slow work comes: a second, or often enough for a short stall-timeout. */
static uint64_t slow_tick_ns(const struct supervisor *s)
{
	return MIN(SLOW_TICK_NS, MAX(s->cfg->plan->stall_timeout_ns / 2, 10 * NSEC_PER_MSEC));
}

/*
 * The work whose time has come, at any wake: nothing in it per writer and
 * per container at once, and the containers' files only once a sample. The
 * kernel log is read after deaths (an OOM kill logs a lot at once) and at
 * every slow tick, not whenever it has news: an OOM storm writes it many
 * times a second, and nothing needs it sooner.
 */
static void on_time(struct supervisor *s, uint64_t now, bool reaped)
{
	bool slow = now >= s->next_slow_ns;

	if (s->cfg->kernel && (slow || reaped))
		kernel_watch_drain(s->cfg->kernel);
	if (slow) {
		supervisor_check_stalls(s, now);
		s->next_slow_ns = now + slow_tick_ns(s);
	}
	if (now >= s->next_sample_ns) {
		if (s->cfg->containers) {
			containers_sample_events(s->cfg->containers);
			s->res.status.oom_kills = containers_oom_kills(s->cfg->containers);
		}
		timeline_sample(&s->res.timeline, s->cfg->containers, now - s->start_ns,
				bytes_total(s));
		s->next_sample_ns = now + s->res.timeline.interval_ns;
	}
	if (now >= s->next_kill_ns) {
		kill_random_writer(s);
		schedule_kill(s, now);
	}
	if (now >= s->next_progress_ns && s->cfg->progress) {
		update_status(s, now);
		s->cfg->progress(&s->res.status, s->cfg->userdata);
		s->next_progress_ns = now + PROGRESS_NS;
	}
}

/* The next moment something is due: the deadline, timed work, a start. */
static uint64_t next_wake(const struct supervisor *s, uint64_t now)
{
	uint64_t t = MIN(s->start_ns + s->cfg->plan->duration_ns, s->next_slow_ns);

	t = MIN(t, MIN(s->next_sample_ns, s->next_kill_ns));
	if (s->cfg->progress)
		t = MIN(t, s->next_progress_ns);
	return MAX(MIN(t, supervisor_next_start_ns(s, now)), now);
}

/* Set the timer for `at` (CLOCK_MONOTONIC), unless it is set for then already. */
static int set_timer(struct supervisor *s, uint64_t at)
{
	struct itimerspec its = {
		.it_value = { (time_t)(at / NSEC_PER_SEC), (long)(at % NSEC_PER_SEC) },
	};

	if (at == s->wake_ns)
		return 0;
	if (timerfd_settime(s->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	s->wake_ns = at;
	return 0;
}

/* A stop signal: the first one stops the run, one more while stopping is the second. */
static void on_stop_signal(struct supervisor *s, int signo, bool *ret_stop)
{
	if (s->stopping && s->res.reason == STOP_SIGNAL) {
		s->res.second_signal = signo;
		return;
	}
	if (*ret_stop)
		return; /* two in one read: the first one counts */
	s->res.reason = STOP_SIGNAL;
	s->res.signal = signo;
	*ret_stop = true;
}

/*
 * Every signal pending on the signalfd (the standard ones never queue
 * more than one each): a stop signal, and whether a child exited.
 */
static int read_signals(struct supervisor *s, bool *ret_stop, bool *ret_child)
{
	struct signalfd_siginfo si[8];

	*ret_stop = *ret_child = false;
	for (;;) {
		ssize_t n = read(s->sigfd, si, sizeof(si));

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++) {
			if (si[i].ssi_signo == SIGCHLD)
				*ret_child = true;
			else
				on_stop_signal(s, (int)si[i].ssi_signo, ret_stop);
		}
		if ((size_t)n < sizeof(si))
			return 0;
	}
}

/* A container's memory.pressure trigger fired: one stall episode. */
static void on_pressure(struct supervisor *s)
{
	for (unsigned i = POLL_FIXED; i < s->npfd; i++)
		if (s->pfd[i].revents & POLLPRI)
			s->cfg->containers->c[i - POLL_FIXED].psi_episodes++;
}

/* Signals, the timer, and every container's pressure trigger. */
static int setup_poll(struct supervisor *s)
{
	const struct run_containers *rc = s->cfg->containers;
	unsigned n = POLL_FIXED + (rc ? rc->n : 0);

	s->pfd = calloc(n, sizeof(*s->pfd));
	if (!s->pfd)
		return -ENOMEM;
	s->pfd[POLL_SIGNALS] = (struct pollfd){ .fd = s->sigfd, .events = POLLIN };
	s->pfd[POLL_TIMER] = (struct pollfd){ .fd = s->timerfd, .events = POLLIN };
	for (unsigned i = POLL_FIXED; i < n; i++)
		s->pfd[i] = (struct pollfd){ .fd = rc->c[i - POLL_FIXED].psi_fd,
					     .events = POLLPRI };
	s->npfd = n;
	return 0;
}

/* Did the timer fire? Reads it so that it is quiet until the next tick. */
static int read_timer(struct supervisor *s, bool *ret_tick)
{
	uint64_t expirations;

	*ret_tick = false;
	if (!(s->pfd[POLL_TIMER].revents & POLLIN))
		return 0;
	if (read(s->timerfd, &expirations, sizeof(expirations)) < 0)
		return errno == EAGAIN ? 0 : -errno;
	*ret_tick = true;
	return 0;
}

/*
 * One turn: the signals and the deadline first, then a bounded reap, the
 * tick's work and the starts that are due. *ret_more: children may be left
 * to reap or starts are due: come back at once.
 */
static int turn(struct supervisor *s, bool *ret_more, bool *ret_done)
{
	bool stop = false, child = false, tick, reaped, reap_more = false, start_more = false;
	uint64_t now;
	int r = 0;

	if (poll(s->pfd, s->npfd, *ret_more ? 0 : -1) < 0)
		return errno == EINTR ? 0 : -errno;
	if (s->pfd[POLL_SIGNALS].revents & POLLIN)
		r = read_signals(s, &stop, &child);
	if (r < 0 || stop) {
		*ret_done = true;
		return r;
	}
	r = read_timer(s, &tick);
	if (r < 0)
		return r;
	now = now_monotonic_ns();
	if (tick) {
		supervisor_check_lateness(s, s->wake_ns, now);
		s->wake_ns = 0;
	}
	if (now - s->start_ns >= s->cfg->plan->duration_ns) {
		s->res.reason = STOP_DURATION;
		*ret_done = true;
		return 0;
	}
	on_pressure(s);
	reaped = child || *ret_more;
	if (reaped)
		r = supervisor_reap(s, REAP_PER_TURN, &reap_more);
	on_time(s, now, reaped);
	if (r >= 0)
		r = supervisor_start_due(s, now, &start_more);
	*ret_more = reap_more || start_more;
	if (r >= 0 && all_finished(s)) {
		s->res.reason = STOP_FINISHED;
		*ret_done = true;
	}
	/* Busy turns come back at once; a quiet one sleeps until something is due. */
	if (r >= 0 && !*ret_done && !*ret_more)
		r = set_timer(s, next_wake(s, now_monotonic_ns()));
	return r;
}

static int event_loop(struct supervisor *s)
{
	bool more = true, done = false; /* the first starts are due */
	int r;

	do
		r = turn(s, &more, &done);
	while (r >= 0 && !done);
	/* A stop is final: what was due to start again never starts. */
	supervisor_refuse_respawns(s);
	return r;
}

/* SIGKILL every writer (what cgroup.kill will do) and reap them with a deadline. */
static int stop_writers(struct supervisor *s)
{
	uint64_t deadline = now_monotonic_ns() + s->cfg->plan->stop_timeout_ns;

	s->stopping = true;
	spawner_stop(s); /* nothing starts from now on */
	if (s->cfg->containers)
		containers_kill(s->cfg->containers); /* cgroup.kill, or a kill loop */
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		if (s->ledger->writers[i].pid > 0)
			kill(s->ledger->writers[i].pid, SIGKILL);
	for (unsigned i = 0; i < s->nhogs; i++)
		if (s->hogs[i].pid > 0)
			kill(s->hogs[i].pid, SIGKILL);
	for (;;) {
		uint64_t now = now_monotonic_ns();
		struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };
		bool more, stop, child;
		int r = supervisor_reap(s, REAP_PER_TURN, &more);

		if (r < 0)
			return r;
		if (writers_alive(s) + hog_slots_alive(s) == 0 || now >= deadline)
			break;
		if (more)
			continue;
		r = poll(&pfd, 1, (int)MAX((deadline - now) / NSEC_PER_MSEC, 1ULL));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0) {
			r = read_signals(s, &stop, &child);
			if (r < 0)
				return r;
		}
	}
	s->res.unreaped = writers_alive(s);
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++) {
		const struct ledger_writer *lw = &s->ledger->writers[i];

		if (lw->pid > 0 && s->res.nunkillable < SUPERVISOR_MAX_SNAPSHOTS)
			supervisor_snapshot(s, lw, now_monotonic_ns(),
					    &s->res.unkillable[s->res.nunkillable++]);
	}
	return 0;
}

/* The signals, and the timer, set by every quiet turn (set_timer()). */
static int supervisor_open_fds(struct supervisor *s)
{
	s->sigfd = supervisor_signal_fd();
	if (s->sigfd < 0)
		return s->sigfd;
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	return s->timerfd < 0 ? -errno : 0;
}

void supervisor_record(struct supervisor *s, enum event_kind kind, uint32_t slot,
		       const struct hog_proc *h, pid_t pid, uint64_t now)
{
	struct event ev = {
		.at_ns = now - s->start_ns,
		.slot = h ? h->id : slot,
		.container = h ? h->container : s->ledger->writers[slot].container,
		.pid = pid,
		.kind = (uint8_t)kind,
		.hog = h,
	};

	/* Not recorded: counted in events.dropped, which the report shows. */
	(void)event_log_add(&s->res.events, &ev);
}

/* The supervisor's own CPU time (user + system) and its peak resident set in bytes. */
static uint64_t own_usage(uint64_t *ret_max_rss)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	if (ret_max_rss)
		*ret_max_rss = (uint64_t)ru.ru_maxrss * 1024; /* KiB */
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * NSEC_PER_SEC +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * NSEC_PER_USEC;
}

/* The timer, the signals, the poll set and the per-writer stall flags. */
static int supervisor_open(struct supervisor *s)
{
	int r = supervisor_open_fds(s);

	if (r >= 0)
		r = setup_poll(s);
	if (r < 0)
		return r;
	s->stalled = calloc(s->ledger->hdr->nwriters, sizeof(*s->stalled));
	s->wrespawn = calloc(MAX(s->ledger->hdr->nwriters, 1u), sizeof(*s->wrespawn));
	return s->stalled && s->wrespawn ? 0 : -ENOMEM;
}

static void supervisor_close(struct supervisor *s)
{
	spawner_stop(s);
	exec_close(s);
	free(s->pfd);
	hog_slots_free(s);
	free(s->stalled);
	free(s->wrespawn);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->timerfd >= 0)
		close(s->timerfd);
}

/*
 * Workers started by exec (worker-exec.h), where poof-worker is found and
 * the manager lets a child move itself (not none's, which must know its
 * children): else they are forked. The supervisor's own OOM score, kept
 * open to lend it to them (spawn.c); else they write theirs themselves.
 */
static void exec_setup(struct supervisor *s)
{
	const struct run_containers *rc = s->cfg->containers;

	if (rc && rc->manager == CG_MANAGER_NONE)
		return;
	s->worker_exec_fd = worker_exec_open();
	if (s->worker_exec_fd < 0)
		return;
	s->plan_fd = worker_exec_plan_fd(s->cfg->plan);
	if (s->plan_fd < 0 || !s->ledger->live) {
		closep(&s->worker_exec_fd);
		s->worker_exec_fd = -1;
		return;
	}
	s->self_score_fd = oom_score_adj_open_self(&s->self_score);
}

void exec_close(struct supervisor *s)
{
	closep(&s->worker_exec_fd);
	closep(&s->plan_fd);
	closep(&s->self_score_fd);
	s->worker_exec_fd = s->plan_fd = s->self_score_fd = -1;
}

/*
 * The clocks and the counters' baseline, the hog slots, and every writer's
 * and hog's first start scheduled: the event loop starts them, so that a
 * stop signal is served while a few hundred children start.
 */
static int start_children(struct supervisor *s)
{
	struct run_containers *rc = s->cfg->containers;
	int r;

	s->start_ns = now_monotonic_ns();
	s->next_slow_ns = s->start_ns + slow_tick_ns(s);
	s->next_sample_ns = s->start_ns;
	s->res.timeline.ncontainers = rc ? rc->n : 0;
	s->res.timeline.interval_ns = timeline_interval_ns(s->res.timeline.ncontainers);
	s->next_progress_ns = s->start_ns + PROGRESS_NS;
	schedule_kill(s, s->start_ns);
	if (rc)
		containers_read_events(rc); /* the counters' baseline */
	r = hog_slots_setup(s);
	if (r < 0)
		return r;
	exec_setup(s);
	/*
	 * Forked now, when it has everything a child needs. Without it (or
	 * with the none manager, which must know its children itself) the
	 * supervisor starts them.
	 */
	if (!rc || rc->manager != CG_MANAGER_NONE)
		(void)spawner_start(s);
	budget_start(s, now_monotonic_ns());
	supervisor_schedule_first_starts(s, s->start_ns);
	return 0;
}

/* The last status and counters, once every child is gone. */
static void finish_status(struct supervisor *s, uint64_t cpu_start)
{
	struct run_containers *rc = s->cfg->containers;

	update_status(s, now_monotonic_ns());
	/* The spawner is reaped by now: its whole CPU time. */
	s->res.spawner_cpu_ns = s->spawner.cpu_ns;
	s->res.cpu_ns = own_usage(&s->res.max_rss) - cpu_start + s->res.spawner_cpu_ns;
	if (rc) {
		containers_read_events(rc);
		containers_read_psi_end(rc);
		s->res.status.oom_kills = containers_oom_kills(rc);
	}
}

static int supervise(struct supervisor *s)
{
	uint64_t cpu_start = own_usage(NULL);
	int r, r2;

	r = start_children(s);
	if (r >= 0)
		r = event_loop(s);
	/* Whatever happened, no writer outlives the write phase. */
	r2 = stop_writers(s);
	finish_status(s, cpu_start);
	return r < 0 ? r : r2;
}

int supervisor_run(const struct supervisor_config *cfg, struct supervisor_result *ret)
{
	struct supervisor s = {
		.cfg = cfg,
		.ledger = cfg->ledger,
		.sigfd = -1,
		.timerfd = -1,
		.spawner = SPAWNER_INIT,
		.worker_exec_fd = -1,
		.plan_fd = -1,
		.self_score_fd = -1,
		.self_score = INT_MIN,
		.children_oom_score_adj = INT_MIN,
		.rng = cfg->seed ^ 0x6b696c6c,
	};
	int r = supervisor_open(&s);

	if (r >= 0)
		r = supervise(&s);
	supervisor_close(&s);
	*ret = s.res;
	return r;
}
