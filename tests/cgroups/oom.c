// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A cgroup manager against the real kernel:
 *
 *   test-cgroup-oom v1|cgroupfs   memory.max=16M, swap 0: a child touching
 *                                 64 MiB is OOM-killed and the events say so
 *   test-cgroup-oom cgroupfs-basic  v2 without limits (a cgroup2 tree
 *                                 without memory, like the hybrid host's)
 *
 * Each also checks that spawned children start inside their container (the
 * child reports its /proc/self/cgroup through a pipe), that kill + wait_empty
 * empty a container within a deadline, and that after close_run no group of
 * the run is left. Exit 77 with the reason when the host cannot run it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/manager-internal.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define MiB (1024ULL * 1024)
#define DEADLINE_NS (5 * NSEC_PER_SEC)

static int failures;

#define CHECK(cond, ...)                  \
	do {                              \
		if (cond) {               \
			printf("ok: ");   \
		} else {                  \
			printf("FAIL: "); \
			failures++;       \
		}                         \
		printf(__VA_ARGS__);      \
		printf("\n");             \
	} while (0)

static _noreturn_ void skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(77);
}

/* ---- children ---- */

static int report_fd = -1;

static int child_report_cgroup(void *arg)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	(void)arg;
	if (read_file_full(AT_FDCWD, "/proc/self/cgroup", 65536, (void **)&text, &len) < 0)
		return 2;
	return write_all(report_fd, text, len) < 0 ? 3 : 0;
}

static int child_touch_64m(void *arg)
{
	size_t size = 64 * MiB;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p == MAP_FAILED)
		return 2;
	for (size_t off = 0; off < size; off += 4096)
		p[off] = 1;
	return 0; /* survived: the limit did not hold */
}

static int child_sleep(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* ---- steps ---- */

/* Does the line of /proc/PID/cgroup for this manager's hierarchy name rel? */
static bool cgroup_text_names(const char *text, enum cg_manager_kind kind, const char *rel)
{
	char v2[PATH_MAX], v1[PATH_MAX];

	if (cg_parse_self(text, "memory", v2, sizeof(v2), v1, sizeof(v1)) < 0)
		return false;
	return streq(kind == CG_MANAGER_V1 ? v1 : v2, rel);
}

static int spawn_and_report(struct cg_container *c, bool fallback, char *buf, size_t len,
			    int *ret_status)
{
	int p[2], r;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	report_fd = p[1];
	r = fallback ? cg_spawn_fork_procs(c, "cgroup.procs", 0, child_report_cgroup, NULL, &pid) :
		       cg_container_spawn(c, 0, child_report_cgroup, NULL, &pid);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	n = read(p[0], buf, len - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	if (waitpid(pid, ret_status, 0) < 0)
		return -errno;
	return 0;
}

static void check_placement(struct cg_container *c, enum cg_manager_kind kind, const char *mount,
			    bool fallback)
{
	const char *rel = cg_container_path(c) + strlen(mount);
	char text[4096];
	int status = -1, r;

	r = spawn_and_report(c, fallback, text, sizeof(text), &status);
	CHECK(r >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "%s child ran (r=%d, status 0x%x)", fallback ? "fork+cgroup.procs" : "spawn", r,
	      status);
	CHECK(cgroup_text_names(text, kind, rel), "%s child started in %s",
	      fallback ? "fork+cgroup.procs" : "spawned", rel);
	if (failures)
		printf("  /proc/self/cgroup of the child:\n%s", text);
}

static void check_oom(struct cg_container *c)
{
	struct cg_memory_stat st;
	struct cg_events e;
	uint64_t current;
	int status = -1, r;
	pid_t pid;

	r = cg_container_spawn(c, 0, child_touch_64m, NULL, &pid);
	CHECK(r >= 0, "spawned a child touching 64 MiB (r=%d)", r);
	if (r < 0)
		return;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "the 64 MiB toucher was killed by SIGKILL (status 0x%x)", status);
	r = cg_container_read_events(c, &e);
	CHECK(r >= 0 && e.tree.oom_kill >= 1,
	      "read_events: oom_kill %llu (oom %llu, max %llu, under_oom %d, r=%d)",
	      (unsigned long long)e.tree.oom_kill, (unsigned long long)e.tree.oom,
	      (unsigned long long)e.tree.max, e.under_oom, r);
	r = cg_container_memory_current(c, &current);
	CHECK(r >= 0 && current < 16 * MiB, "memory_current %llu bytes after the kill (r=%d)",
	      (unsigned long long)current, r);
	r = cg_container_memory_stat(c, &st);
	CHECK(r >= 0 && st.anon != CG_UNSET,
	      "memory_stat: anon %llu file %llu dirty %llu "
	      "writeback %llu (r=%d)",
	      (unsigned long long)st.anon, (unsigned long long)st.file,
	      (unsigned long long)st.file_dirty, (unsigned long long)st.file_writeback, r);
}

static void check_kill(struct cg_container *c)
{
	pid_t pids[2] = { -1, -1 };
	uint64_t t0;
	int r;

	for (int i = 0; i < 2; i++) {
		r = cg_container_spawn(c, 0, child_sleep, NULL, &pids[i]);
		CHECK(r >= 0, "spawned sleeper %d (r=%d)", i, r);
	}
	CHECK(cg_container_populated(c) == 1, "populated with two sleepers");
	t0 = now_monotonic_ns();
	r = cg_container_kill(c);
	CHECK(r >= 0, "kill (r=%d)", r);
	/* Not reaped yet: zombies must not keep the group populated. */
	r = cg_container_wait_empty(c, t0 + DEADLINE_NS);
	CHECK(r == 0, "wait_empty before reaping: %d after %llu ms", r,
	      (unsigned long long)((now_monotonic_ns() - t0) / NSEC_PER_MSEC));
	for (int i = 0; i < 2; i++) {
		int status = -1;

		if (pids[i] > 0)
			waitpid(pids[i], &status, 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "sleeper %d died of SIGKILL (status 0x%x)", i, status);
	}
	r = cg_container_destroy(c, now_monotonic_ns() + DEADLINE_NS);
	CHECK(r == 0, "destroy (r=%d)", r);
}

static void check_nothing_left(const char *parent, const char *run_id)
{
	char **names = NULL, mine[96];
	int r = cg_list_run_groups(parent, &names), left = 0;

	snprintf(mine, sizeof(mine), "poof-%s", run_id);
	CHECK(r >= 0, "listed %s (r=%d)", parent, r);
	printf("  poof-* below %s after close_run:", parent);
	for (char **p = names; p && *p; p++) {
		printf(" %s", *p);
		left += strncmp(*p, mine, strlen(mine)) == 0;
	}
	printf("%s\n", names && names[0] ? "" : " (none)");
	CHECK(left == 0, "no group of run %s is left", run_id);
	cg_strv_free(names);
}

static const char *mount_of(const struct cg_layout *l, enum cg_manager_kind kind)
{
	return kind == CG_MANAGER_V1 ? l->v1_memory_mount : l->v2_mount;
}

static void report_swap(const struct cg_layout *l, const char *parent, enum cg_manager_kind kind)
{
	char path[PATH_MAX + 32];

	if (kind == CG_MANAGER_V1) {
		snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", parent);
		printf("  memsw (v1 swap accounting): %s\n",
		       access(path, F_OK) == 0 ? "present, limiting memory+swap" : "absent");
	}
	printf("  swap configured: %s\n", cg_swap_configured("") ? "yes" : "no (SwapTotal 0)");
	(void)l;
}

static void run(const struct cg_layout *l, enum cg_manager_kind kind, bool limits)
{
	_cleanup_cg_run_ struct cg_run *run = NULL;
	struct cg_limits lim = CG_LIMITS_UNSET;
	struct cg_container *c = NULL;
	char id[32], parent[PATH_MAX];
	char *msg = NULL;
	int r;

	snprintf(id, sizeof(id), "test-%d", getpid());
	if (limits) {
		lim.memory_max = 16 * MiB;
		lim.swap_max = 0;
	}
	r = cg_run_parent_path(l, kind, "", parent, sizeof(parent));
	CHECK(r >= 0, "%s manager, runs go below %s", cg_manager_name(kind), parent);
	report_swap(l, parent, kind);
	r = cg_limits_validate(l, kind, "", &lim, &msg);
	CHECK(r >= 0, "limits valid (%s)", msg ? msg : "no message");
	free(msg);
	r = cg_run_open(l, kind, "", id, &run);
	CHECK(r >= 0, "open_run %s (r=%d)", r >= 0 ? cg_run_path(run) : id, r);
	if (r < 0)
		return;
	if (cg_run_supervisor_path(run))
		printf("  supervisor moved to %s\n", cg_run_supervisor_path(run));
	r = cg_container_create(run, "c0", &lim, &c);
	CHECK(r >= 0, "create_container c0 (r=%d)", r);
	if (r < 0)
		return;
	check_placement(c, kind, mount_of(l, kind), false);
	check_placement(c, kind, mount_of(l, kind), true);
	if (limits)
		check_oom(c);
	check_kill(c);
	r = cg_container_create(run, "left-for-close", &lim, &c);
	CHECK(r >= 0, "a second container, left for close_run to kill and remove (r=%d)", r);
	if (r >= 0) {
		pid_t pid;

		r = cg_container_spawn(c, 0, child_sleep, NULL, &pid);
		CHECK(r >= 0, "a sleeper in it (r=%d)", r);
	}
	r = cg_run_close(run, now_monotonic_ns() + DEADLINE_NS);
	CHECK(r == 0, "close_run (r=%d)", r);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	check_nothing_left(parent, id);
}

int main(int argc, char **argv)
{
	enum cg_manager_kind kind, chosen;
	const char *mode = argc > 1 ? argv[1] : "v1";
	bool basic = streq(mode, "cgroupfs-basic");
	struct cg_layout l;
	char why[PATH_MAX + 128];
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cg_manager_from_name(basic ? "cgroupfs" : mode, &kind) < 0 ||
	    (kind != CG_MANAGER_V1 && kind != CG_MANAGER_CGROUPFS)) {
		fprintf(stderr, "usage: %s v1|cgroupfs|cgroupfs-basic\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0)
		skip("needs root to create cgroups");
	r = cg_detect("", &l);
	if (r < 0)
		skip("cgroup layout not detected");
	printf("  layout %s, v2 at '%s' (memory %s), v1 memory at '%s', self v2 '%s' v1 '%s'\n",
	       cg_version_name(l.version), l.v2_mount, l.v2_memory ? "yes" : "no",
	       l.v1_memory_mount, l.self_v2, l.self_v1_memory);
	if (basic) {
		if (!l.v2_mount[0])
			skip("no cgroup2 mount");
	} else if (cg_choose_manager(&l, kind, false, &chosen) < 0) {
		snprintf(why, sizeof(why), "the %s manager cannot work here: %s", mode,
			 kind == CG_MANAGER_V1 ? "no v1 memory hierarchy" :
						 "no memory controller in the cgroup2 hierarchy "
						 "(runs in the cgroup v2 VM)");
		skip(why);
	}
	run(&l, kind, !basic);
	printf("%s: %d failure(s)\n", mode, failures);
	return failures ? 1 : 0;
}
