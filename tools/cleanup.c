// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof cleanup: remove what a killed supervisor left behind.
 *
 * stress/leftovers.h finds the runs and judges who holds them; this command
 * kills what is abandoned, removes its groups, stops its scope, unmounts its
 * scratch filesystem and says what it did. Run directories and images stay.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/loop.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/manager.h"
#include "cgroups/systemd.h"
#include "commands.h"
#include "common.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/nofollow.h"
#include "judge/ledger.h"
#include "stress/leftovers.h"
#include "stress/rundir.h"
#include "stress/scratch.h"

#define KILL_TIMEOUT_NS (10 * NSEC_PER_SEC)
#define RETRY_NS (20 * NSEC_PER_MSEC)

struct cleanup_args {
	bool all;
	bool dry_run;
};

struct cleanup {
	struct cleanup_args args;
	struct leftovers found;
	unsigned failed;
};

static void cleanup_usage(FILE *out)
{
	fprintf(out, "Usage: poof cleanup [--all] [--dry-run] [-v]\n\n"
		     "Remove what interrupted runs left behind: cgroups, their processes, scratch\n"
		     "mounts. Run directories and scratch images are kept. See poof-cleanup(1).\n");
}

static int parse_args(int argc, char **argv, struct cleanup_args *a)
{
	static const struct option options[] = { { "all", no_argument, NULL, 'a' },
						 { "dry-run", no_argument, NULL, 'n' },
						 { "verbose", no_argument, NULL, 'v' },
						 { "help", no_argument, NULL, 'h' },
						 {} };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "anvh", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->all = true;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 'v':
		case 'h':
			if (parse_common_option(c, cleanup_usage, NULL))
				return 1;
			break;
		default:
			cleanup_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument \"%s\"; poof cleanup takes options only",
			  argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void report_removed(struct cleanup *c, const char *what)
{
	printf("  %s%s\n", c->args.dry_run ? "would remove: " : "removed ", what);
}

static void report_failed(struct cleanup *c, const char *what, const char *why)
{
	log_error("could not remove %s: %s", what, why);
	c->failed++;
}

struct kill_pass {
	unsigned listed; /* processes still in the groups */
	unsigned signalled;
};

static void kill_pid(pid_t pid, void *u)
{
	struct kill_pass *k = u;

	k->listed++;
	if (kill(pid, SIGKILL) == 0)
		k->signalled++;
}

/* cgroup.kill where the kernel has it (v2, 5.14+), else SIGKILL every listed process. */
static int kill_group_once(const char *path, void *u)
{
	char file[PATH_MAX + 16];
	struct kill_pass *k = u;
	_cleanup_close_ int fd = -1;

	snprintf(file, sizeof(file), "%s/cgroup.kill", path);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, "1", 1) == 1) {
		struct kill_pass count = { 0 };

		(void)leftovers_for_each_pid(path, kill_pid, &count);
		k->listed += count.listed;
		k->signalled += count.listed;
		return 0;
	}
	return leftovers_for_each_pid(path, kill_pid, u);
}

/* Kill until every group of the tree is empty: -ETIMEDOUT at the deadline. */
static int kill_tree(const char *path, uint64_t deadline_ns, unsigned *ret_signalled)
{
	*ret_signalled = 0;
	for (;;) {
		struct kill_pass k = { 0 };
		int r = leftovers_walk_groups(path, kill_group_once, &k);

		if (r < 0)
			return r;
		*ret_signalled = MAX(*ret_signalled, k.signalled);
		if (k.listed == 0)
			return 0;
		if (now_monotonic_ns() >= deadline_ns)
			return -ETIMEDOUT;
		sleep_ns(RETRY_NS);
	}
}

struct rmdir_pass {
	struct cleanup *c;
	uint64_t deadline_ns;
};

static int rmdir_group(const char *path, void *u)
{
	struct rmdir_pass *p = u;
	char what[PATH_MAX + 16];
	int r;

	snprintf(what, sizeof(what), "cgroup %s", path);
	if (p->c->args.dry_run) {
		report_removed(p->c, what);
		return 0;
	}
	for (;;) {
		if (rmdir(path) == 0) {
			report_removed(p->c, what);
			return 0;
		}
		r = -errno;
		/* The last task may still be on its way out of the group. */
		if (r != -EBUSY || now_monotonic_ns() >= p->deadline_ns)
			break;
		sleep_ns(RETRY_NS);
	}
	if (r == -ENOENT)
		return 0;
	report_failed(p->c, what, strerror(-r));
	return r;
}

static void remove_group(struct cleanup *c, const struct leftover *run, const char *path)
{
	struct rmdir_pass pass = { .c = c, .deadline_ns = now_monotonic_ns() + KILL_TIMEOUT_NS };
	char what[PATH_MAX + 16];
	unsigned signalled = 0;
	int r = 0;

	snprintf(what, sizeof(what), "cgroup %s", path);
	/* --all on a live run: its workers die, its supervisor does not. */
	if (run->holder && leftover_is_supervisor_leaf(path)) {
		if (!c->args.dry_run && rmdir(path) < 0)
			r = -errno;
		if (r >= 0)
			report_removed(c, what);
		else if (r != -ENOENT)
			report_failed(c, what,
				      r == -EBUSY ? "the live supervisor is in it" : strerror(-r));
		return;
	}
	if (!c->args.dry_run)
		r = kill_tree(path, pass.deadline_ns, &signalled);
	if (signalled)
		printf("  killed %u process%s in %s\n", signalled, signalled == 1 ? "" : "es",
		       path);
	if (r == -ETIMEDOUT) {
		report_failed(c, what,
			      "processes remain after SIGKILL for 10 s (unkillable: stuck in the "
			      "kernel; see their /proc/PID/stack)");
		return;
	}
	if (r < 0) {
		report_failed(c, what, strerror(-r));
		return;
	}
	(void)leftovers_walk_groups(path, rmdir_group, &pass);
}

static void kill_orphans(struct cleanup *c, const struct leftover *run)
{
	for (size_t i = 0; i < run->norphans; i++) {
		if (c->args.dry_run) {
			printf("  would kill worker %d (outside the run's cgroups)\n",
			       (int)run->orphans[i]);
			continue;
		}
		if (kill(run->orphans[i], SIGKILL) == 0 || errno == ESRCH)
			printf("  killed worker %d (outside the run's cgroups)\n",
			       (int)run->orphans[i]);
		else
			log_error("cannot kill worker %d of run %s: %s", (int)run->orphans[i],
				  run->id, strerror(errno));
	}
}

/* libmount marked the loop device autoclear; detach it ourselves if it lingers. */
static int detach_loop(const char *image)
{
	uint64_t deadline = now_monotonic_ns() + 2 * NSEC_PER_SEC;
	char dev[300];
	_cleanup_close_ int fd = -1;

	for (;;) {
		leftovers_find_loop(image, dev, sizeof(dev));
		if (!dev[0])
			return 0;
		if (now_monotonic_ns() >= deadline)
			break;
		sleep_ns(50 * NSEC_PER_MSEC);
	}
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, LOOP_CLR_FD) < 0)
		return -errno;
	return 0;
}

static void unmount_scratch(struct cleanup *c, const struct leftover *run)
{
	struct scratch s = { .mounted = true, .dirfd = -1 };
	_cleanup_close_ int dirfd = -1;
	char what[PATH_MAX + 32];
	int r;

	if (snprintf(s.mountpoint, sizeof(s.mountpoint), "%s/%s", run->rundir,
		     SCRATCH_MOUNT_NAME) >= (int)sizeof(s.mountpoint) ||
	    snprintf(s.image, sizeof(s.image), "%s/%s", run->rundir, SCRATCH_IMAGE_NAME) >=
		    (int)sizeof(s.image)) {
		report_failed(c, "the scratch mount", "its path is too long");
		return;
	}
	snprintf(what, sizeof(what), "the scratch mount %s", s.mountpoint);
	if (c->args.dry_run) {
		printf("  would unmount %s (keeping %s)\n", s.mountpoint, s.image);
		return;
	}
	/* The mount table names real paths: a symlink on the way was planted since. */
	dirfd = open_nofollow(AT_FDCWD, run->rundir, O_RDONLY | O_DIRECTORY, 0);
	s.dirfd = dirfd;
	r = dirfd < 0 ? dirfd : scratch_umount(&s);
	if (r < 0) {
		report_failed(c, what,
			      r == -ELOOP ? "a symbolic link now stands on its path" :
					    strerror(-r));
		return;
	}
	printf("  unmounted %s\n", s.mountpoint);
	r = detach_loop(s.image);
	if (r < 0)
		report_failed(c, "the loop device of the scratch image", strerror(-r));
	printf("  kept %s: it may hold evidence; poof verify %s mounts it again\n", s.image,
	       run->rundir);
}

/* Its groups are gone: the scope goes too (a live supervisor's is left to it). */
static void stop_scope(struct cleanup *c, const char *unit)
{
	char what[160];
	int r = 0;

	snprintf(what, sizeof(what), "systemd scope %s", unit);
	if (!c->args.dry_run)
		r = cg_systemd_stop_unit(unit, now_monotonic_ns() + KILL_TIMEOUT_NS);
	if (r < 0)
		report_failed(c, what,
			      cg_systemd_last_message()[0] ? cg_systemd_last_message() :
							     strerror(-r));
	else
		report_removed(c, what);
}

static void describe_run(const struct cleanup *c, const struct leftover *run)
{
	char live[PATH_MAX + 16];
	struct stat st;

	snprintf(live, sizeof(live), "%s/%s", run->rundir, LEDGER_LIVE_NAME);
	printf("run %s: %s%s\n", run->id,
	       run->holder ? "still running (removed because of --all)" : "abandoned",
	       c->args.dry_run ? ", dry run: nothing is changed" : "");
	if (run->rundir[0] && stat(live, &st) == 0)
		printf("  its ledger was never sealed (%s)\n", live);
}

static void clean_run(struct cleanup *c, const struct leftover *run)
{
	describe_run(c, run);
	kill_orphans(c, run);
	for (unsigned g = 0; g < run->ngroups; g++)
		if (!leftover_is_supervisor_leaf(run->groups[g]))
			remove_group(c, run, run->groups[g]);
	for (unsigned g = 0; g < run->ngroups; g++)
		if (leftover_is_supervisor_leaf(run->groups[g]))
			remove_group(c, run, run->groups[g]);
	if (run->scope[0] && !run->holder)
		stop_scope(c, run->scope);
	if (run->mounted && !run->holder)
		unmount_scratch(c, run);
	if (run->rundir[0])
		printf("  kept the run directory %s: poof verify %s checks what was written\n",
		       run->rundir, run->rundir);
	else
		printf("  its run directory is not known (not %s/%s; a --run-dir is recorded nowhere "
		       "once the run is dead); its data is in poof-%s/ of the target\n",
		       RUNDIR_BASE_DEFAULT, run->id, run->id);
}

/* What leftovers_find() could not do, in the words poof cleanup has always used. */
static void report_find_failure(const struct leftovers *l, int r)
{
	switch (l->failed_step) {
	case LEFTOVERS_STEP_LAYOUT:
		log_error("cannot detect the cgroup layout: %s", strerror(-r));
		break;
	case LEFTOVERS_STEP_LIST:
		log_error("cannot list %s: %s", l->failed_path, strerror(-r));
		break;
	case LEFTOVERS_STEP_MOUNTS:
		log_error("cannot read the mount table: %s", strerror(-r));
		break;
	case LEFTOVERS_STEP_PROC:
		log_error("cannot read /proc: %s", strerror(-r));
		break;
	case LEFTOVERS_STEP_NONE:
		/* Out of memory, or anything else no step owns: never silent. */
		log_error("cannot search for what runs left behind: %s", strerror(-r));
		break;
	}
}

/* Notes and warnings about the search, then its failure, if any. */
static void report_find(const struct leftovers *l, int r)
{
	for (size_t i = 0; i < l->nskipped; i++)
		log_debug("%s is not a run group of poof; left alone", l->skipped[i]);
	if (l->scopes_error < 0)
		log_warn("cannot ask systemd for poof's scopes (%s): runs of -o cgroup=systemd "
			 "are not looked for",
			 l->scopes_message[0] ? l->scopes_message : strerror(-l->scopes_error));
	if (r < 0)
		report_find_failure(l, r);
}

static int clean_all(struct cleanup *c)
{
	unsigned touched = 0;

	for (unsigned i = 0; i < c->found.nruns; i++) {
		const struct leftover *run = &c->found.runs[i];

		if (run->holder && !c->args.all) {
			printf("run %s: still running (pid %d, %s holds it); left alone\n", run->id,
			       (int)run->holder, run->holder_comm);
			continue;
		}
		clean_run(c, run);
		touched++;
	}
	if (!touched) {
		printf("nothing to clean\n");
		return EXIT_PASS;
	}
	if (c->failed) {
		log_error("%u thing%s could not be removed (see above); run poof cleanup again "
			  "once the cause is gone",
			  c->failed, c->failed == 1 ? "" : "s");
		return EXIT_FAIL;
	}
	return EXIT_PASS;
}

int cmd_cleanup(int argc, char **argv)
{
	struct cleanup c = { 0 };
	int r;

	r = parse_args(argc, argv, &c.args);
	if (r != 0)
		return r > 0 ? EXIT_PASS : EXIT_USAGE;
	if (geteuid() != 0) {
		log_error("poof cleanup removes cgroups, kills processes and unmounts, which needs "
			  "root.\n  Fix: run it as root (sudo poof cleanup).");
		return EXIT_UNSUPPORTED;
	}
	r = leftovers_find(NULL, c.args.all, &c.found);
	report_find(&c.found, r);
	r = r < 0 ? EXIT_INTERNAL : clean_all(&c);
	leftovers_free(&c.found);
	return r;
}
