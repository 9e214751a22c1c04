// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof stress: its options and the checks that refuse them before anything
 * exists, then the run (stress/run.h), then what the user gets: the
 * reports, the summary and the exit code.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cgroups/manager.h"
#include "cgroups/systemd.h"
#include "cgroups/version.h"
#include "commands.h"
#include "common.h"
#include "judge/device-faults.h"
#include "outputs.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "stress-messages.h"
#include "stress-sandbox.h"
#include "stress/containers.h"
#include "stress/engine.h"
#include "stress/oom-score.h"
#include "stress/run.h"
#include "stress/scratch.h"

#define DEFAULT_PROFILE "tight-container"
#define MAX_OVERRIDES 256
#define SYSTEMD_PROBE_TIMEOUT_NS (2 * NSEC_PER_SEC)

struct stress_args {
	const char *profile;
	const char *dir;
	const char *run_dir;
	const char *json;
	struct outputs outputs; /* --html, --junit, --ktap */
	const char *fault_log;	/* --fault-log: the faults a harness switched on (poof vm) */
	const char *overrides[MAX_OVERRIDES];
	unsigned noverrides;
	bool quiet;
};

struct stress_cmd {
	struct stress_args args;
	struct stress_run run;
	struct stress_messages messages;
	struct run_hooks hooks;
	uint64_t started_ns;
	uint64_t started_mono;
	struct report report;
	struct report_container *container_results;
	char cgroup_path[PATH_MAX]; /* the report's copy of the run's cgroup */
	char cgroup_unit[128];
	char cgroup_unit_cgroup[PATH_MAX];
};

static void stress_usage(FILE *out)
{
	fprintf(out,
		"Usage: poof stress [--profile NAME|FILE] [--dir DIR] [--run-dir DIR]\n"
		"                   [-o KEY=VALUE]... [--json FILE] [--html FILE] [--junit FILE]\n"
		"                   [--ktap FILE|-] [--fault-log FILE] [-q] [-v]\n\n"
		"Run writers, kill them, verify every block they were told was written.\n"
		"Without --dir, the target is a scratch filesystem poof makes (root needed).\n"
		"Default profile: " DEFAULT_PROFILE ". See poof-stress(1), poof-profile(5).\n");
}

static int add_override(struct stress_args *a, const char *assignment)
{
	if (a->noverrides >= MAX_OVERRIDES) {
		log_error("too many -o options (at most %d)", MAX_OVERRIDES);
		return -EINVAL;
	}
	a->overrides[a->noverrides++] = assignment;
	return 0;
}

static int parse_args(int argc, char **argv, struct stress_args *a)
{
	static const struct option options[] = { { "profile", required_argument, NULL, 'p' },
						 { "dir", required_argument, NULL, 'd' },
						 { "run-dir", required_argument, NULL, 'R' },
						 { "json", required_argument, NULL, 'j' },
						 { "fault-log", required_argument, NULL, 'F' },
						 OUTPUT_OPTIONS,
						 { "quiet", no_argument, NULL, 'q' },
						 { "verbose", no_argument, NULL, 'v' },
						 { "help", no_argument, NULL, 'h' },
						 {} };
	int c;

	a->profile = DEFAULT_PROFILE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:d:R:j:o:qvh", options, NULL)) != -1) {
		if (outputs_option(c)) {
			if (outputs_set(&a->outputs, c, optarg) < 0)
				return -EINVAL;
			continue;
		}
		switch (c) {
		case 'p':
			a->profile = optarg;
			break;
		case 'd':
			a->dir = optarg;
			break;
		case 'R':
			a->run_dir = optarg;
			break;
		case 'j':
			a->json = optarg;
			break;
		case 'F':
			a->fault_log = optarg;
			break;
		case 'o':
			if (add_override(a, optarg) < 0)
				return -EINVAL;
			break;
		case 'q':
		case 'v':
		case 'h':
			if (parse_common_option(c, stress_usage, &a->quiet))
				return 1;
			break;
		default:
			stress_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument \"%s\"; poof stress takes options only",
			  argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static int plan_setup(struct stress_cmd *cmd)
{
	struct plan *plan = &cmd->run.plan;
	struct profile_error err = { 0 };
	int r;

	r = profile_load(cmd->args.profile, plan, &err);
	for (unsigned i = 0; r >= 0 && i < cmd->args.noverrides; i++)
		r = profile_override(plan, cmd->args.overrides[i], &err);
	if (r >= 0)
		r = plan_validate(plan, &err);
	if (r >= 0)
		r = plan_resolve_percentages(plan, &err);
	if (r < 0)
		log_profile_error(&err);
	return r;
}

/*
 * file-size = N% is a share of the target's free space: of --dir's now,
 * before anything is made; of a scratch filesystem once it exists, so its
 * size must be given, not derived from the file sizes.
 */
static int check_file_shares(struct stress_cmd *cmd)
{
	struct plan *p = &cmd->run.plan;
	struct profile_error err;
	struct statvfs st;

	if (!plan_sizes_files_by_space(p))
		return 0;
	if (!cmd->args.dir && !p->scratch_size) {
		log_error("file-size is a share of the target's free space, and the scratch "
			  "filesystem's size comes from the file sizes.\n  Fix: give --dir DIR, "
			  "or -o scratch-size=SIZE.");
		return EXIT_USAGE;
	}
	if (!cmd->args.dir)
		return 0; /* sized by the run once the scratch filesystem exists */
	if (statvfs(cmd->args.dir, &st) < 0) {
		log_error("--dir %s: %s", cmd->args.dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (plan_size_files(p, (uint64_t)st.f_bavail * st.f_frsize, &err) < 0) {
		log_profile_error(&err);
		return EXIT_USAGE;
	}
	return 0;
}

/* -o cgroup=auto|systemd: is PID 1 systemd, and does it answer on the bus? */
static int systemd_probe(enum cg_manager_kind requested)
{
	static int probe = 1;

	if (requested != CG_MANAGER_AUTO && requested != CG_MANAGER_SYSTEMD)
		return -ENOTSUP;
	if (probe > 0)
		probe = cg_systemd_probe(NULL, SYSTEMD_PROBE_TIMEOUT_NS);
	if (probe < 0)
		log_debug("systemd manager unusable: probe %s", strerror(-probe));
	return probe;
}

static int systemd_refused(const struct stress_run *run)
{
	int probe = systemd_probe(CG_MANAGER_SYSTEMD);
	const char *fix, *why = cg_systemd_refusal(probe, &run->layout, &fix);
	bool bus_error = probe < 0 && probe != -EHOSTDOWN && probe != -ENOTSUP;

	log_error("cannot use the systemd cgroup manager: %s%s%s%s.\n  Fix: %s",
		  why ? why : "no usable memory controller", bus_error ? " (" : "",
		  bus_error ? strerror(-probe) : "", bus_error ? ")" : "",
		  fix ? fix : "use -o cgroup=auto");
	return EXIT_UNSUPPORTED;
}

/* The manager, and every container's limits, decided before anything is created. */
static int check_cgroups(struct stress_run *run)
{
	const struct plan *p = &run->plan;
	enum cg_manager_kind requested = p->cgroup;
	_cleanup_free_ char *msg = NULL;
	int r;

	run->contained = plan_uses_containers(p);
	if (!run->contained) {
		/* An explicit manager with nothing to place is a misunderstanding: say so. */
		if (p->cgroup != CG_MANAGER_AUTO && p->cgroup != CG_MANAGER_NONE)
			log_warn("-o cgroup=%s: profile %s has no [container] or [hog] section, so "
				 "nothing is placed in a cgroup and the writers run uncontained",
				 cg_manager_name(requested), p->profile);
		return 0;
	}
	if (geteuid() != 0) {
		log_error("containers need root to create cgroups.\n  Fix: run poof as root.");
		return EXIT_UNSUPPORTED;
	}
	r = cg_detect(NULL, &run->layout);
	if (r >= 0)
		r = cg_choose_manager(&run->layout, requested, systemd_probe(requested) >= 0,
				      &run->manager);
	if (r < 0 && requested == CG_MANAGER_SYSTEMD)
		return systemd_refused(run);
	if (r < 0) {
		log_error("no usable cgroup manager for cgroup=%s on this %s cgroup host (%s).\n"
			  "  Fix: -o cgroup=auto, or run on a cgroup v2 host or under poof vm.",
			  cg_manager_name(requested), cg_version_name(run->layout.version),
			  strerror(-r));
		return EXIT_UNSUPPORTED;
	}
	r = containers_validate(p, &run->layout, run->manager, &msg);
	if (r == -EINVAL) {
		log_error("%s (cgroup manager %s)", msg ? msg : "bad container limits",
			  cg_manager_name(run->manager));
		return EXIT_USAGE;
	}
	if (r < 0) {
		log_error("cannot check the container limits: %s", strerror(-r));
		return EXIT_UNSUPPORTED;
	}
	return 0;
}

/*
 * An oom-immune container is only immune when its tasks can go down to
 * oom_score_adj -1000. Where they cannot, the OOM killer chooses among them
 * and the run tests nothing of what the container is for: refused.
 */
static int check_oom_immune(const struct plan *p)
{
	const struct container_spec *ct = NULL;
	int r;

	for (unsigned i = 0; i < p->ncontainers && !ct; i++)
		if (p->containers[i].oom_immune)
			ct = &p->containers[i];
	if (!ct)
		return 0;
	r = oom_score_adj_can_lower();
	if (r >= 0)
		return 0;
	log_error("container %s is oom-immune, but poof cannot lower oom_score_adj to -1000 "
		  "here (%s; that needs CAP_SYS_RESOURCE): the OOM killer would still find its "
		  "victims in it, and the run would test nothing of what profile %s is for.\n"
		  "  Fix: run poof as root with CAP_SYS_RESOURCE (not in a container or sandbox "
		  "that drops it), or -o container.%s.oom-immune=no for an ordinary container.",
		  ct->name, strerror(-r), p->profile, ct->name);
	return EXIT_UNSUPPORTED;
}

/* --fault-log FILE: readable and well-formed now; the harness appends to it during the run. */
static int check_fault_log(const char *path)
{
	struct device_faults f;
	unsigned line;
	int r = device_faults_read(path, &f, &line);

	if (r == -EINVAL && line)
		log_error("--fault-log %s, line %u: expected \"SECONDS on|off KIND\" with KIND "
			  "drop-writes, error-writes or suspend, in time order",
			  path, line);
	else if (r < 0)
		log_error("--fault-log %s: %s", path, strerror(-r));
	return r;
}

/* kernel.io_uring_disabled (Linux 6.6+): 0 allows rings, 1 only to io_uring_group, 2 to nobody. */
static int io_uring_disabled(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
	int v = 0;

	if (!f || fscanf(f, "%d", &v) != 1)
		return 0;
	return v;
}

static void io_uring_refused(int r)
{
	const char *fix = "run where the kernel allows io_uring, or use -o engine=pwrite";
	int disabled = io_uring_disabled();

	if (r == -ENOTSUP)
		log_error("engine=io_uring: this poof was built without liburing.\n  Fix: install "
			  "liburing-dev and rebuild poof, or use -o engine=pwrite.");
	else if (r == -EPERM && disabled)
		log_error(
			"engine=io_uring: the kernel refuses io_uring: kernel.io_uring_disabled "
			"= %d.\n  Fix: sysctl kernel.io_uring_disabled=0, or use -o engine=pwrite.",
			disabled);
	else if (r == -EPERM)
		log_error("engine=io_uring: io_uring_setup is not permitted here (a seccomp "
			  "filter or a security module forbids it).\n  Fix: %s.",
			  fix);
	else if (r == -ENOSYS)
		log_error("engine=io_uring: this kernel has no io_uring (io_uring_setup: ENOSYS; "
			  "too old, built without CONFIG_IO_URING, or hidden by a seccomp "
			  "filter).\n  Fix: %s.",
			  fix);
	else if (r == -EINVAL)
		log_error("engine=io_uring: this kernel cannot cap io_uring's io-wq workers "
			  "(IORING_REGISTER_IOWQ_MAX_WORKERS needs Linux 5.15).\n  Fix: %s.",
			  fix);
	else
		log_error("engine=io_uring: cannot set up an io_uring: %s.\n  Fix: %s.",
			  strerror(-r), fix);
}

/* A ring the kernel refuses is refused now, in this process, not by every writer later. */
static int check_engines(const struct plan *p)
{
	int r;

	for (unsigned i = 0; i < p->ngroups; i++)
		if (p->groups[i].engine == ENGINE_IO_URING) {
			r = engine_io_uring_probe();
			if (r < 0) {
				io_uring_refused(r);
				return EXIT_UNSUPPORTED;
			}
			break;
		}
	return 0;
}

/* Everything that can be checked is checked before anything is created. */
static int check_environment(struct stress_cmd *cmd)
{
	const struct plan *p = &cmd->run.plan;
	int r;

	if (cmd->args.json && check_output_path(cmd->args.json, "--json") < 0)
		return EXIT_USAGE;
	if (outputs_check(&cmd->args.outputs) < 0)
		return EXIT_USAGE;
	if (cmd->args.fault_log && check_fault_log(cmd->args.fault_log) < 0)
		return EXIT_USAGE;
	r = check_engines(p);
	if (r != 0)
		return r;
	r = check_cgroups(&cmd->run);
	if (r == 0 && cmd->run.contained)
		r = check_oom_immune(p);
	if (r != 0)
		return r;
	r = stress_check_sandbox(p);
	if (r != 0)
		return r;
	if (cmd->args.dir) {
		r = check_target_dir(cmd->args.dir);
		return r < 0 ? -r : check_file_shares(cmd);
	}
	if (geteuid() != 0) {
		log_error(
			"poof stress makes and loop-mounts a scratch filesystem, which needs root."
			"\n  Fix: run it as root, or give --dir DIR on a filesystem to test.");
		return EXIT_UNSUPPORTED;
	}
	if (!find_program(scratch_mkfs_program(p->scratch_fs))) {
		log_error("%s not found, needed for scratch-fs=%s.\n  Fix: apt-get install %s, "
			  "or choose another -o scratch-fs=ext4|xfs|btrfs.",
			  scratch_mkfs_program(p->scratch_fs), scratch_fs_name(p->scratch_fs),
			  scratch_mkfs_package(p->scratch_fs));
		return EXIT_UNSUPPORTED;
	}
	return check_file_shares(cmd);
}

/* What the run found, in the report's terms. */
static void fill_outcome(struct stress_cmd *cmd)
{
	const struct stress_run *run = &cmd->run;
	const struct run_outcome *o = &run->outcome;
	struct report *rep = &cmd->report;

	rep->target_hung = stress_target_hang(o->target_hung);
	if (o->target_hung != RUN_TARGET_ANSWERED)
		rep->io_timeout_ns = run->plan.io_timeout_ns;
	rep->syncfs_stuck_pid = o->syncfs_stuck_pid;
	rep->faults = o->faults_read ? &run->faults : NULL;
	rep->faults_error = o->faults_error;
	rep->faults_error_line = o->faults_error_line;
	rep->verify = o->verified ? &run->vr : NULL;
	rep->verify_error = o->verify_error;
	rep->verify_skipped = o->verify_skipped;
}

/* Copied: the run's cgroups are gone (and their struct freed) before the report is written. */
static void fill_cgroup_result(struct stress_cmd *cmd)
{
	const struct cg_run *cg = cmd->run.containers.run;
	struct report *rep = &cmd->report;

	snprintf(cmd->cgroup_path, sizeof(cmd->cgroup_path), "%s", cg_run_path(cg));
	rep->cgroup_path = cmd->cgroup_path;
	if (!cg_run_unit(cg))
		return;
	snprintf(cmd->cgroup_unit, sizeof(cmd->cgroup_unit), "%s", cg_run_unit(cg));
	snprintf(cmd->cgroup_unit_cgroup, sizeof(cmd->cgroup_unit_cgroup), "%s",
		 cg_run_unit_cgroup(cg));
	rep->cgroup_unit = cmd->cgroup_unit;
	rep->cgroup_unit_cgroup = cmd->cgroup_unit_cgroup;
	rep->cgroup_delegated = cg_run_delegated(cg);
}

/* A cgroup's path as the kernel log names it: below its hierarchy's mount point. */
static const char *below_hierarchy(const struct cg_layout *l, const char *path)
{
	const char *mounts[] = { l->v2_mount, l->v1_memory_mount };

	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		size_t n = strlen(mounts[i]);

		if (n && strncmp(path, mounts[i], n) == 0 && path[n] == '/')
			return path + n;
	}
	return path;
}

static void fill_container_results(struct stress_cmd *cmd)
{
	const struct stress_run *run = &cmd->run;
	const struct run_containers *rc = &run->containers;

	if (!rc->run || !rc->n)
		return;
	cmd->container_results = calloc(rc->n, sizeof(*cmd->container_results));
	if (!cmd->container_results)
		return;
	for (unsigned i = 0; i < rc->n; i++) {
		const struct run_container *c = &rc->c[i];
		struct report_container *o = &cmd->container_results[i];

		snprintf(o->name, sizeof(o->name), "%s", c->name);
		snprintf(o->path, sizeof(o->path), "%s", cg_container_path(c->cg));
		o->memory_max = run->plan.containers[c->spec].memory_max;
		o->events.oom = c->last.tree.oom - c->start.tree.oom;
		o->events.oom_kill = c->last.tree.oom_kill - c->start.tree.oom_kill;
		o->events.oom_group_kill = c->last.tree.oom_group_kill -
					   c->start.tree.oom_group_kill;
		o->events.max = c->last.tree.max - c->start.tree.max;
		o->events.high = c->last.tree.high - c->start.tree.high;
		o->under_oom = c->last.under_oom;
		o->psi_known = c->psi_known;
		o->psi_some_us = c->psi_end.some_us - c->psi_start.some_us;
		o->psi_full_us = c->psi_end.full_us - c->psi_start.full_us;
		o->psi_episodes = c->psi_episodes;
		o->psi_start = c->psi_start;
		o->memory_high = run->plan.containers[c->spec].memory_high;
		snprintf(o->memcg, sizeof(o->memcg), "%s",
			 below_hierarchy(&run->layout, cg_container_path(c->cg)));
	}
	cmd->report.containers = cmd->container_results;
	cmd->report.ncontainers = rc->n;
	cmd->report.watch_lacking = containers_watch_lacking(rc);
	cmd->report.cgroup_manager = cg_manager_name(run->manager);
	fill_cgroup_result(cmd);
}

static void fill_report(struct stress_cmd *cmd)
{
	const struct stress_run *run = &cmd->run;
	struct report *rep = &cmd->report;

	rep->command = "stress";
	rep->plan = &run->plan;
	rep->ledger = run->ledger;
	rep->supervisor = &run->sup;
	rep->kernel_watch = &run->kernel;
	rep->sandbox = &run->sandbox;
	snprintf(rep->run_id, sizeof(rep->run_id), "%s", run->rd.id);
	rep->run_dir = run->rd.path;
	rep->strict_errors = run->plan.strict_errors;
	rep->write_start_boot_ns = run->write_start_boot_ns;
	rep->phases = &run->phases;
	rep->overrides = cmd->args.overrides;
	rep->noverrides = cmd->args.noverrides;
	rep->target = run->target.path;
	rep->data_dir = run->target.data_dir;
	rep->scratch_fs = run->target.have_scratch ? scratch_fs_name(run->target.scratch.fs) : NULL;
	rep->interrupted = run->sup.reason == STOP_SIGNAL;
	rep->rundir_shares_target = rundir_shares_fs(&run->rd, run->target.dirfd);
	fill_outcome(cmd);
	fill_container_results(cmd);
	rep->started_ns = cmd->started_ns;
	rep->elapsed_ns = now_monotonic_ns() - cmd->started_mono;
	report_decide(rep);
}

/* One JSON document: report.json, --json, the renderings, and the summary's next step. */
static void write_reports(struct stress_cmd *cmd)
{
	_cleanup_json_ json_object *doc = report_json_new(&cmd->report);
	int r;

	if (!doc) {
		log_error("cannot build the report: %s", strerror(ENOMEM));
		return;
	}
	r = report_json_save(doc, cmd->run.rd.fd, REPORT_FILE_NAME);
	if (r < 0)
		log_error("cannot write %s/%s: %s", cmd->run.rd.path, REPORT_FILE_NAME,
			  strerror(-r));
	if (cmd->args.json && (r = report_json_save(doc, AT_FDCWD, cmd->args.json)) < 0)
		log_error("cannot write %s: %s", cmd->args.json, strerror(-r));
	outputs_write(&cmd->args.outputs, doc);
	if (!cmd->args.quiet || cmd->report.exit_code != EXIT_PASS)
		report_summary_print(&cmd->report, doc, stdout);
}

/* Setting up a run failed: what the environment refused is the user's to fix (69). */
static int setup_exit_code(int r)
{
	switch (r) {
	case -ENOENT: /* mkfs, a module, a controller missing */
	case -EACCES: /* no permission to create cgroups or mount */
	case -EPERM:
	case -EBUSY: /* a cgroup shared with other processes */
	case -EROFS:
	case -ENOTSUP:
	case -EDOM: /* the plan does not fit the target: said by an event */
		return EXIT_USAGE;
	case -ECONNREFUSED: /* systemd is not on the bus */
	case -ELOOP:	    /* a symlink planted where the run makes a path */
	case -EEXIST:	    /* ... or anything else */
		return EXIT_UNSUPPORTED;
	default:
		return EXIT_INTERNAL;
	}
}

/* The default base is not poof's to trust: a symlink, or someone else's directory. */
static int unsafe_base(int r)
{
	struct stat st;

	if (r == -ELOOP)
		log_error("%s is a symbolic link: poof makes its run directories only in a "
			  "directory of its own.\n  Fix: remove it (poof makes it again), or give "
			  "--run-dir DIR.",
			  RUNDIR_BASE_DEFAULT);
	else if (lstat(RUNDIR_BASE_DEFAULT, &st) == 0)
		log_error("%s belongs to uid %u, not to root: its owner could swap a run "
			  "directory in it for a link.\n  Fix: remove it (poof makes it again), "
			  "or give --run-dir DIR.",
			  RUNDIR_BASE_DEFAULT, (unsigned)st.st_uid);
	else
		log_error("cannot create a run directory in %s: %s", RUNDIR_BASE_DEFAULT,
			  strerror(-r));
	return EXIT_UNSUPPORTED;
}

/* A --run-dir that cannot be made is the user's to fix; anything else is ours. */
static int rundir_error(const char *path, int r)
{
	if (!path && (r == -ELOOP || r == -EPERM))
		return unsafe_base(r);
	if (r == -ELOOP)
		log_error("--run-dir %s is a symbolic link: poof makes the run directory itself "
			  "and follows no link there.\n  Fix: give a path that does not exist yet.",
			  path);
	else
		log_error("cannot create the run directory %s: %s%s",
			  path ? path : RUNDIR_BASE_DEFAULT, strerror(-r),
			  r == -EEXIST ?
				  " (--run-dir must name a directory that does not exist yet)" :
				  "");
	switch (r) {
	case -EEXIST:
	case -ELOOP:
	case -EINVAL:
	case -ENOENT:
	case -ENOTDIR:
	case -ENAMETOOLONG:
		return path ? EXIT_USAGE : EXIT_INTERNAL;
	case -EACCES:
	case -EPERM:
	case -EROFS:
		return EXIT_UNSUPPORTED;
	default:
		return EXIT_INTERNAL;
	}
}

static int run_stress(struct stress_cmd *cmd)
{
	struct stress_run *run = &cmd->run;
	int r;

	r = stress_run_open(run);
	if (r < 0)
		return rundir_error(cmd->args.run_dir, r);
	r = stress_run_execute(run);
	/* Filled before cleanup removes the cgroups it copies from. */
	fill_report(cmd);
	/* Cleanup decides what to keep from the verdict, and the report says where it is. */
	stress_run_cleanup(run);
	if (r >= 0) {
		if (run->outcome.scratch_kept)
			cmd->report.scratch_kept = run->target.scratch.image;
		outputs_name_in_report(&cmd->args.outputs, REPORT_FILE_NAME, cmd->args.json,
				       &cmd->report);
		write_reports(cmd);
	}
	free(cmd->container_results);
	stress_run_free(run);
	return r < 0 ? setup_exit_code(r) : cmd->report.exit_code;
}

/* The run as the options ask for it, telling its events through stress-messages.c. */
static void setup_run(struct stress_cmd *cmd)
{
	struct stress_run *run = &cmd->run;

	run->dir = cmd->args.dir;
	run->run_dir = cmd->args.run_dir;
	run->fault_log = cmd->args.fault_log;
	cmd->messages = (struct stress_messages){ .run = run, .quiet = cmd->args.quiet };
	cmd->hooks = (struct run_hooks){
		.event = stress_say_event,
		.progress = stress_say_progress,
		.userdata = &cmd->messages,
	};
	run->hooks = &cmd->hooks;
}

int cmd_stress(int argc, char **argv)
{
	struct stress_cmd cmd = { 0 };
	int r;

	stress_run_init(&cmd.run);
	r = parse_args(argc, argv, &cmd.args);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	if (plan_setup(&cmd) < 0)
		return EXIT_USAGE;
	r = check_environment(&cmd);
	if (r != 0)
		return r;
	r = supervisor_block_signals();
	if (r < 0) {
		log_error("cannot block signals: %s", strerror(-r));
		return EXIT_INTERNAL;
	}
	setup_run(&cmd);
	cmd.started_ns = now_realtime_ns();
	cmd.started_mono = now_monotonic_ns();
	return run_stress(&cmd);
}
