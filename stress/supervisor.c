// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The supervisor's event loop: what it does when a child exits, a signal
 * comes, the timer ticks or a container's pressure trigger fires, and how
 * it stops every child at the end. Starting children, the hog slots, stall
 * detection, the timeline and the signal set live in files of their own.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/clock.h"
#include "shared/macro.h"
#include "shared/random.h"
#include "supervisor-internal.h"
#include "writer.h"

#define PROGRESS_NS NSEC_PER_SEC

/* A hog that died keeps squeezing: respawned while the run goes on. */
static int on_hog_exit(struct supervisor *s, struct hog_proc *h, int status)
{
	h->pid = 0;
	if (s->stopping)
		return 0;
	/* It would only break it again: the report names it. */
	if (s->cfg->sandbox && sandbox_run_hog_violated(s->cfg->sandbox, h->id, status))
		return 0;
	if (WIFSIGNALED(status))
		s->res.status.hog_deaths++;
	return supervisor_spawn_hog(s, h);
}

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

static struct ledger_writer *writer_by_pid(struct supervisor *s, pid_t pid)
{
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		if (s->ledger->writers[i].pid == pid)
			return &s->ledger->writers[i];
	return NULL;
}

static int on_writer_exit(struct supervisor *s, struct ledger_writer *lw, int status)
{
	lw->pid = 0;
	lw->last_status = status;
	if (WIFEXITED(status)) {
		lw->state = WEXITSTATUS(status) == WRITER_EXIT_DONE ? WRITER_DONE : WRITER_FAILED;
		if (lw->state == WRITER_FAILED) {
			lw->stopped_ms = (uint32_t)((now_monotonic_ns() - s->start_ns) /
						    NSEC_PER_MSEC);
			s->res.status.failed++;
		}
		return 0;
	}
	if (s->stopping) {
		lw->state = WRITER_KILLED;
		return 0;
	}
	/* Killed while the run goes on: the OOM killer's victims carry on from the ledger. */
	lw->kills++;
	s->res.status.deaths++;
	s->res.status.respawns++;
	return supervisor_spawn_writer(s, lw->writer_id);
}

static int reap(struct supervisor *s)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		struct ledger_writer *lw;
		int r;

		if (pid == 0 || (pid < 0 && errno == ECHILD))
			return 0;
		if (pid < 0)
			return -errno;
		lw = writer_by_pid(s, pid);
		if (lw)
			r = on_writer_exit(s, lw, status);
		else if (hog_slot_by_pid(s, pid))
			r = on_hog_exit(s, hog_slot_by_pid(s, pid), status);
		else
			continue; /* not ours (e.g. a helper the caller ran) */
		if (r < 0)
			return r;
	}
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

/* One tick: time-driven work. Returns true when the write phase is over. */
static bool on_tick(struct supervisor *s)
{
	uint64_t now = now_monotonic_ns();

	supervisor_check_lateness(s, now);
	supervisor_check_stalls(s, now);
	if (s->cfg->containers) {
		containers_read_events(s->cfg->containers);
		s->res.status.oom_kills = containers_oom_kills(s->cfg->containers);
	}
	if (now >= s->next_sample_ns) {
		timeline_sample(&s->res.timeline, s->cfg->containers, now - s->start_ns,
				bytes_total(s));
		s->next_sample_ns = now + SAMPLE_NS;
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
	if (now - s->start_ns >= s->cfg->plan->duration_ns) {
		s->res.reason = STOP_DURATION;
		return true;
	}
	return false;
}

/* Returns true when a stop signal arrived. */
static int on_signal(struct supervisor *s, bool *ret_stop)
{
	struct signalfd_siginfo si;
	ssize_t n = read(s->sigfd, &si, sizeof(si));

	*ret_stop = false;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (si.ssi_signo == SIGCHLD)
		return reap(s);
	if (s->stopping && s->res.reason == STOP_SIGNAL) {
		/* Stopping already because of a signal: this one is the second. */
		s->res.second_signal = (int)si.ssi_signo;
		return 0;
	}
	s->res.reason = STOP_SIGNAL;
	s->res.signal = (int)si.ssi_signo;
	*ret_stop = true;
	return 0;
}

/* A container's memory.pressure trigger fired: one stall episode. */
static void on_pressure(struct supervisor *s)
{
	for (unsigned i = 3; i < s->npfd; i++)
		if (s->pfd[i].revents & POLLPRI)
			s->cfg->containers->c[i - 3].psi_episodes++;
}

/* Signals, the timer, the kernel log, and every container's pressure trigger. */
static int setup_poll(struct supervisor *s)
{
	const struct run_containers *rc = s->cfg->containers;
	unsigned n = 3 + (rc ? rc->n : 0);

	s->pfd = calloc(n, sizeof(*s->pfd));
	if (!s->pfd)
		return -ENOMEM;
	s->pfd[0] = (struct pollfd){ .fd = s->sigfd, .events = POLLIN };
	s->pfd[1] = (struct pollfd){ .fd = s->timerfd, .events = POLLIN };
	s->pfd[2] = (struct pollfd){ .fd = s->cfg->kernel ? kernel_watch_fd(s->cfg->kernel) : -1,
				     .events = POLLIN };
	for (unsigned i = 3; i < n; i++)
		s->pfd[i] = (struct pollfd){ .fd = rc->c[i - 3].psi_fd, .events = POLLPRI };
	s->npfd = n;
	return 0;
}

static int event_loop(struct supervisor *s)
{
	for (;;) {
		struct pollfd *pfd = s->pfd;
		bool stop = false;
		int r;

		if (poll(pfd, s->npfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[0].revents & POLLIN) {
			r = on_signal(s, &stop);
			if (r < 0 || stop)
				return r;
		}
		if (pfd[2].revents & POLLIN)
			kernel_watch_drain(s->cfg->kernel);
		on_pressure(s);
		if (pfd[1].revents & POLLIN) {
			uint64_t expirations;

			if (read(s->timerfd, &expirations, sizeof(expirations)) < 0 &&
			    errno != EAGAIN)
				return -errno;
			if (on_tick(s))
				return 0;
		}
		if (all_finished(s)) {
			s->res.reason = STOP_FINISHED;
			return 0;
		}
	}
}

/* SIGKILL every writer (what cgroup.kill will do) and reap them with a deadline. */
static int stop_writers(struct supervisor *s)
{
	uint64_t deadline = now_monotonic_ns() + s->cfg->plan->stop_timeout_ns;

	s->stopping = true;
	if (s->cfg->containers)
		containers_kill(s->cfg->containers); /* cgroup.kill, or a kill loop */
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters; i++)
		if (s->ledger->writers[i].pid > 0)
			kill(s->ledger->writers[i].pid, SIGKILL);
	for (unsigned i = 0; i < s->nhogs; i++)
		if (s->hogs[i].pid > 0)
			kill(s->hogs[i].pid, SIGKILL);
	while (writers_alive(s) + hog_slots_alive(s) > 0) {
		uint64_t now = now_monotonic_ns();
		struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };
		bool stop;
		int r;

		if (now >= deadline)
			break;
		r = poll(&pfd, 1, (int)MAX((deadline - now) / NSEC_PER_MSEC, 1ULL));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0) {
			r = on_signal(s, &stop);
			if (r < 0)
				return r;
		}
		reap(s);
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

static int supervisor_open_fds(struct supervisor *s)
{
	struct itimerspec its = {
		.it_interval = { 0, (long)TICK_NS },
		.it_value = { 0, (long)TICK_NS },
	};

	s->sigfd = supervisor_signal_fd();
	if (s->sigfd < 0)
		return s->sigfd;
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timerfd < 0)
		return -errno;
	if (timerfd_settime(s->timerfd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

static uint64_t cpu_time_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
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
	return s->stalled ? 0 : -ENOMEM;
}

static void supervisor_close(struct supervisor *s)
{
	free(s->pfd);
	hog_slots_free(s);
	free(s->stalled);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->timerfd >= 0)
		close(s->timerfd);
}

/* The clocks and the counters' baseline, then every writer and every hog started. */
static int start_children(struct supervisor *s)
{
	struct run_containers *rc = s->cfg->containers;
	int r;

	s->start_ns = now_monotonic_ns();
	s->last_tick_ns = s->start_ns;
	s->next_sample_ns = s->start_ns;
	s->res.timeline.ncontainers = rc ? rc->n : 0;
	s->next_progress_ns = s->start_ns + PROGRESS_NS;
	schedule_kill(s, s->start_ns);
	if (rc)
		containers_read_events(rc); /* the counters' baseline */
	r = hog_slots_setup(s);
	for (uint32_t i = 0; i < s->ledger->hdr->nwriters && r >= 0; i++)
		r = supervisor_spawn_writer(s, i);
	for (unsigned i = 0; i < s->nhogs && r >= 0; i++)
		r = supervisor_spawn_hog(s, &s->hogs[i]);
	return r;
}

/* The last status and counters, once every child is gone. */
static void finish_status(struct supervisor *s, uint64_t cpu_start)
{
	struct run_containers *rc = s->cfg->containers;

	update_status(s, now_monotonic_ns());
	s->res.cpu_ns = cpu_time_ns() - cpu_start;
	if (rc) {
		containers_read_events(rc);
		containers_read_psi_end(rc);
		s->res.status.oom_kills = containers_oom_kills(rc);
	}
}

static int supervise(struct supervisor *s)
{
	uint64_t cpu_start = cpu_time_ns();
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
		.rng = cfg->seed ^ 0x6b696c6c,
	};
	int r = supervisor_open(&s);

	if (r >= 0)
		r = supervise(&s);
	supervisor_close(&s);
	*ret = s.res;
	return r;
}
