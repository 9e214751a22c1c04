// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/random.h"
#include "cgroups/manager.h"
#include "cgroups/systemd.h"
#include "cgroups/version.h"
#include "stress/containers.h"
#include "judge/device-faults.h"
#include "stress/flush.h"
#include "stress/oom-score.h"
#include "watch/kernel-watch.h"
#include "judge/ledger.h"
#include "stress/rundir.h"
#include "stress/scratch.h"
#include "stress/supervisor.h"
#include "judge/verify.h"

#define DEFAULT_PROFILE "tight-container"
#define MAX_OVERRIDES 256
#define SYSTEMD_PROBE_TIMEOUT_NS (2 * NSEC_PER_SEC)

struct stress_args {
	const char *profile;
	const char *dir;
	const char *run_dir;
	const char *json;
	const char *fault_log; /* --fault-log: the faults a harness switched on (poof vm) */
	const char *overrides[MAX_OVERRIDES];
	unsigned noverrides;
	bool quiet;
};

struct stress_run {
	struct stress_args args;
	struct plan plan;
	struct rundir rd;
	struct scratch scratch;
	bool have_scratch;
	bool data_dir_created;
	char target[PATH_MAX];
	char data_dir[PATH_MAX];
	int data_dirfd;
	uint64_t seed;
	uint64_t started_ns;
	uint64_t started_mono;
	uint64_t write_start_boot_ns; /* CLOCK_BOOTTIME, the clock of the fault log */
	struct device_faults faults;
	struct ledger *ledger;
	struct supervisor_result sup;
	struct kernel_watch kernel;
	bool contained; /* processes run in cgroups of their own */
	struct cg_layout layout;
	enum cg_manager_kind manager;
	struct run_containers containers;
	struct report_container *container_results;
	char cgroup_path[PATH_MAX]; /* the report's copy of the run's cgroup */
	char cgroup_unit[128];
	char cgroup_unit_cgroup[PATH_MAX];
	struct verify_result vr;
	bool verified;
	bool progress_line; /* a \r status line is on the terminal */
	struct report report;
};

static void stress_usage(FILE *out)
{
	fprintf(out,
		"Usage: poof stress [--profile NAME|FILE] [--dir DIR] [--run-dir DIR]\n"
		"                   [-o KEY=VALUE]... [--json FILE] [--fault-log FILE] [-q] [-v]\n\n"
		"Run writers, kill them, verify every block they were told was written.\n"
		"Without --dir, the target is a scratch filesystem poof makes (root needed).\n"
		"Default profile: " DEFAULT_PROFILE ". See poof-stress(1), poof-profile(5).\n");
}

static int parse_args(int argc, char **argv, struct stress_args *a)
{
	static const struct option options[] = { { "profile", required_argument, NULL, 'p' },
						 { "dir", required_argument, NULL, 'd' },
						 { "run-dir", required_argument, NULL, 'R' },
						 { "json", required_argument, NULL, 'j' },
						 { "fault-log", required_argument, NULL, 'F' },
						 { "quiet", no_argument, NULL, 'q' },
						 { "verbose", no_argument, NULL, 'v' },
						 { "help", no_argument, NULL, 'h' },
						 {} };
	int c;

	a->profile = DEFAULT_PROFILE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:d:R:j:o:qvh", options, NULL)) != -1) {
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
			if (a->noverrides >= MAX_OVERRIDES) {
				log_error("too many -o options (at most %d)", MAX_OVERRIDES);
				return -EINVAL;
			}
			a->overrides[a->noverrides++] = optarg;
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

static int plan_setup(struct stress_run *run)
{
	struct profile_error err = { 0 };
	int r;

	r = profile_load(run->args.profile, &run->plan, &err);
	for (unsigned i = 0; r >= 0 && i < run->args.noverrides; i++)
		r = profile_override(&run->plan, run->args.overrides[i], &err);
	if (r >= 0)
		r = plan_validate(&run->plan, &err);
	if (r < 0)
		log_profile_error(&err);
	return r;
}

static bool plan_uses_containers(const struct plan *p)
{
	for (unsigned i = 0; i < p->ngroups; i++)
		if (p->groups[i].container[0])
			return true;
	return p->nhogs > 0;
}

static enum cg_manager_kind requested_manager(enum cgroup_mode m)
{
	static const enum cg_manager_kind map[] = {
		[CGROUP_NONE] = CG_MANAGER_NONE,
		[CGROUP_AUTO] = CG_MANAGER_AUTO,
		[CGROUP_CGROUPFS] = CG_MANAGER_CGROUPFS,
		[CGROUP_SYSTEMD] = CG_MANAGER_SYSTEMD,
		[CGROUP_V1] = CG_MANAGER_V1,
	};

	return map[m];
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

/* What systemd said about the last failure of the systemd manager, or NULL. */
static const char *systemd_words(const struct stress_run *run)
{
	const char *m = cg_systemd_last_message();

	return run->manager == CG_MANAGER_SYSTEMD && m[0] ? m : NULL;
}

/* The manager, and every container's limits, decided before anything is created. */
static int check_cgroups(struct stress_run *run)
{
	const struct plan *p = &run->plan;
	enum cg_manager_kind requested = requested_manager(p->cgroup);
	_cleanup_free_ char *msg = NULL;
	int r;

	run->contained = plan_uses_containers(p);
	if (!run->contained) {
		/* An explicit manager with nothing to place is a misunderstanding: say so. */
		if (p->cgroup != CGROUP_AUTO && p->cgroup != CGROUP_NONE)
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

/* Everything that can be checked is checked before anything is created. */
static int check_environment(struct stress_run *run)
{
	const struct plan *p = &run->plan;
	int r;

	if (run->args.json) {
		r = check_output_path(run->args.json, "--json");
		if (r < 0)
			return EXIT_USAGE;
	}
	if (run->args.fault_log && check_fault_log(run->args.fault_log) < 0)
		return EXIT_USAGE;
	r = check_cgroups(run);
	if (r != 0)
		return r;
	if (run->args.dir) {
		r = check_target_dir(run->args.dir);
		return r < 0 ? -r : 0;
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
	return 0;
}

static int prepare_target(struct stress_run *run)
{
	const struct plan *p = &run->plan;
	int r;

	if (run->args.dir) {
		if (!realpath(run->args.dir, run->target))
			return -errno;
	} else {
		uint64_t size = p->scratch_size ? p->scratch_size : scratch_auto_size(p);

		log_info("making a %s scratch filesystem of %llu MiB",
			 scratch_fs_name(p->scratch_fs), (unsigned long long)(size >> 20));
		r = scratch_create(run->rd.path, p->scratch_fs, size, &run->scratch);
		if (r < 0) {
			log_error("cannot make the scratch filesystem %s (%s): %s%s%s",
				  run->scratch.image, scratch_fs_name(p->scratch_fs), strerror(-r),
				  r == -EIO ? "; mkfs output is in " : "",
				  r == -EIO ? run->scratch.log : "");
			return r;
		}
		run->have_scratch = true;
		snprintf(run->target, sizeof(run->target), "%s", run->scratch.mountpoint);
	}
	if (snprintf(run->data_dir, sizeof(run->data_dir), "%s/poof-%s", run->target, run->rd.id) >=
	    (int)sizeof(run->data_dir))
		return -ENAMETOOLONG;
	if (mkdir(run->data_dir, 0755) < 0) {
		r = -errno;
		log_error("cannot create %s: %s", run->data_dir, strerror(-r));
		return r;
	}
	run->data_dir_created = true;
	run->data_dirfd = open(run->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (run->data_dirfd < 0)
		return -errno;
	if (rundir_shares_fs(&run->rd, run->target))
		log_warn("the run directory %s is on the filesystem under test: the ledger shares "
			 "the fate of the data it judges; use --run-dir elsewhere",
			 run->rd.path);
	return 0;
}

/* A group placed in a container with replicas runs once per replica. */
static uint32_t group_replicas(const struct stress_run *run, const struct writer_group *g)
{
	return g->container[0] ? plan_container_replicas(&run->plan, g->container) : 1;
}

static uint32_t writer_container(const struct stress_run *run, const struct writer_group *g,
				 uint32_t replica)
{
	if (!g->container[0] || !run->contained)
		return CONTAINER_NONE;
	return containers_first(&run->containers, plan_container_index(&run->plan, g->container)) +
	       replica;
}

/* The supervisor stays outside every container and out of the OOM killer's reach. */
static void protect_supervisor(void)
{
	int r = oom_score_adj_set(0, OOM_SCORE_ADJ_MIN);

	if (r < 0)
		log_warn("cannot set poof's own oom_score_adj to -1000 (%s; lowering it needs "
			 "CAP_SYS_RESOURCE): the OOM killer may choose the supervisor",
			 strerror(-r));
}

static int prepare_containers(struct stress_run *run)
{
	int r;

	if (!run->contained)
		return 0;
	r = containers_open(&run->plan, &run->layout, run->manager, run->rd.id, &run->containers);
	/* Before the generic messages: systemd's own words say more than the errno. */
	if (r < 0 && systemd_words(run)) {
		log_error("cannot create the run's scope (manager systemd): %s",
			  systemd_words(run));
		return r;
	}
	if (r == -EBUSY) {
		log_error("cannot enable the memory controller below poof's own cgroup: other "
			  "processes share it.\n  Fix: start poof in a cgroup of its own, e.g. "
			  "systemd-run --scope -p Delegate=yes poof ...");
		return r;
	}
	if (r == -EACCES || r == -EPERM || r == -EROFS) {
		log_error("no permission to create cgroups below %s (manager %s): %s.\n  Fix: run "
			  "poof as root with write access to the cgroup filesystem, or delegate "
			  "a subtree to it (systemd-run --scope -p Delegate=yes poof ...).",
			  run->manager == CG_MANAGER_V1 ? run->layout.v1_memory_mount :
							  run->layout.v2_mount,
			  cg_manager_name(run->manager), strerror(-r));
		return r;
	}
	if (r < 0) {
		log_error("cannot create the run's cgroups (manager %s): %s",
			  cg_manager_name(run->manager), strerror(-r));
		return r;
	}
	protect_supervisor();
	log_info("containers: %u, manager %s, below %s", run->containers.n,
		 cg_manager_name(run->manager), cg_run_path(run->containers.run));
	if (cg_run_unit(run->containers.run))
		log_info("systemd scope %s (Delegate=%s)", cg_run_unit(run->containers.run),
			 cg_run_delegated(run->containers.run) ? "yes" : "no");
	return 0;
}

static void ledger_fill_layout(struct stress_run *run)
{
	struct ledger *l = run->ledger;
	uint32_t w = 0, f = 0;
	uint64_t b = 0;

	for (unsigned gi = 0; gi < run->plan.ngroups; gi++) {
		const struct writer_group *g = &run->plan.groups[gi];

		for (uint32_t i = 0; i < g->count * group_replicas(run, g); i++, w++) {
			l->writers[w] = (struct ledger_writer){
				.writer_id = w,
				.first_file = f,
				.nfiles = g->files,
				.group = gi,
				.container = writer_container(run, g, i / g->count),
			};
			for (uint32_t j = 0; j < g->files; j++, f++) {
				uint32_t nblocks = (uint32_t)(g->file_size / g->block_size);

				l->files[f] = (struct ledger_file){
					.file_id = f,
					.writer_id = w,
					.nblocks = nblocks,
					.block_size = g->block_size,
					.first_block = b,
					.order = g->order,
				};
				b += nblocks;
			}
		}
	}
}

static int prepare_ledger(struct stress_run *run)
{
	struct ledger_params lp = { .run_id = run->rd.run_id, .seed = run->seed };
	struct ledger_header *h;
	int r;

	for (unsigned i = 0; i < run->plan.ngroups; i++) {
		const struct writer_group *g = &run->plan.groups[i];

		uint32_t writers = g->count * group_replicas(run, g);

		lp.nwriters += writers;
		lp.nfiles += writers * g->files;
		lp.nblocks += (uint64_t)writers * g->files * (g->file_size / g->block_size);
	}
	r = ledger_create(run->rd.fd, &lp, &run->ledger);
	if (r < 0) {
		log_error("cannot create the ledger %s/%s: %s", run->rd.path, LEDGER_LIVE_NAME,
			  strerror(-r));
		return r;
	}
	if (!run->ledger->locked)
		log_warn("could not mlock the ledger (%zu bytes); it stays in shared memory "
			 "owned by poof",
			 run->ledger->size);
	ledger_fill_layout(run);
	h = run->ledger->hdr;
	r = copy_string(h->data_dir, sizeof(h->data_dir), run->data_dir);
	if (r >= 0)
		r = copy_string(h->profile, sizeof(h->profile), run->plan.profile);
	if (r >= 0 && run->have_scratch) {
		h->flags |= LEDGER_F_SCRATCH;
		r = copy_string(h->scratch_image, sizeof(h->scratch_image), run->scratch.image);
		if (r >= 0)
			r = copy_string(h->scratch_fs, sizeof(h->scratch_fs),
					scratch_fs_name(run->scratch.fs));
	}
	if (r < 0) {
		log_error("the path %s is too long for the ledger (at most %d bytes)",
			  run->data_dir, LEDGER_PATH_MAX - 1);
		return r;
	}
	ledger_header_changed(run->ledger);
	return 0;
}

/* memory.current/max of the first containers, from the newest sample. */
static void print_memory(const struct stress_run *run, const struct timeline *t)
{
	if (!t || !t->nsamples || !run->contained)
		return;
	for (unsigned i = 0; i < MIN(t->ncontainers, 3u); i++) {
		const struct container_sample *c =
			&t->c[(size_t)(t->nsamples - 1) * t->ncontainers + i];
		uint64_t max = run->plan.containers[run->containers.c[i].spec].memory_max;
		char cur[16], lim[16];

		if (c->current == UINT64_MAX)
			continue;
		fprintf(stderr, ", %s %s/%s", run->containers.c[i].name,
			format_size(c->current, cur, sizeof(cur)),
			max == PLAN_UNLIMITED ? "max" : format_size(max, lim, sizeof(lim)));
	}
}

static void progress(const struct supervisor_status *st, void *userdata)
{
	struct stress_run *run = userdata;
	char el[32], du[32], sz[32];
	static uint64_t last_line_ns;

	if (run->args.quiet)
		return;
	format_duration(st->elapsed_ns, el, sizeof(el));
	format_duration(st->duration_ns, du, sizeof(du));
	format_size(st->bytes, sz, sizeof(sz));
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\r\033[K[%s/%s] written %s, %u OOM kills, %u stalls, %u deaths",
			el, du, sz, (unsigned)st->oom_kills, st->stalls, st->deaths);
		print_memory(run, st->timeline);
		run->progress_line = true;
		return;
	}
	/* Plain lines for logs, every 10 s. */
	if (st->elapsed_ns - last_line_ns < 10 * NSEC_PER_SEC && last_line_ns)
		return;
	last_line_ns = st->elapsed_ns;
	fprintf(stderr, "poof: [%s/%s] written %s, %u writer deaths, %u respawns\n", el, du, sz,
		st->deaths, st->respawns);
}

static void start_kernel_watch(struct stress_run *run)
{
	char marker[64];

	snprintf(marker, sizeof(marker), "poof: run %s started", run->rd.id);
	kernel_watch_start(&run->kernel, marker, run->target);
	if (!run->kernel.active)
		log_warn("the kernel log is not watched (/dev/kmsg: %s): kernel failures "
			 "cannot be seen",
			 strerror(-run->kernel.open_error));
}

static int write_phase(struct stress_run *run)
{
	struct supervisor_config cfg = {
		.ledger = run->ledger,
		.plan = &run->plan,
		.data_dirfd = run->data_dirfd,
		.seed = run->seed,
		.kernel = &run->kernel,
		.containers = run->contained ? &run->containers : NULL,
		.progress = progress,
		.userdata = run,
	};
	int r;

	start_kernel_watch(run);
	run->write_start_boot_ns = now_boottime_ns();
	log_notice("run %s: profile %s, %u writers, target %s", run->rd.id, run->plan.profile,
		   run->ledger->hdr->nwriters, run->data_dir);
	r = supervisor_run(&cfg, &run->sup);
	if (run->progress_line)
		fputc('\n', stderr);
	if (r < 0)
		log_error("write phase failed: %s", strerror(-r));
	if (run->sup.reason == STOP_SIGNAL)
		log_notice("stopped by %s: flushing and verifying what was written",
			   sigabbrev_np(run->sup.signal));
	return r;
}

/* A hung target: syncfs or a verification read outlived io-timeout. */
static void target_hung(struct stress_run *run, enum target_hang during)
{
	char t[32];

	format_duration(run->plan.io_timeout_ns, t, sizeof(t));
	run->report.target_hung = during;
	run->report.io_timeout_ns = run->plan.io_timeout_ns;
	run->scratch.lazy_umount = true;
	log_error("HANG: %s of %s did not return within io-timeout %s: the target stopped "
		  "answering. Verification %s; once the device answers again: poof verify %s",
		  target_hang_name(during), run->target, t,
		  during == TARGET_HUNG_SYNCFS ? "skipped" : "stopped", run->rd.path);
}

/*
 * The faults the harness switched on in the target's device while the run
 * wrote and flushed: only these excuse what the device did (SPEC section 4).
 * A fault log that cannot be read excuses nothing.
 */
static void note_device_faults(struct stress_run *run)
{
	struct ledger_header *h = run->ledger->hdr;
	uint64_t now = now_boottime_ns();
	const struct device_fault_window *any, *errors;
	int r;

	if (!run->args.fault_log)
		return;
	r = device_faults_read(run->args.fault_log, &run->faults, &run->report.faults_error_line);
	if (r < 0) {
		run->report.faults_error = r;
		log_warn("cannot read the fault log %s (%s%s): no device fault excuses anything",
			 run->args.fault_log, strerror(-r),
			 run->report.faults_error_line ? ", a malformed line" : "");
		return;
	}
	run->report.faults = &run->faults;
	any = device_faults_during(&run->faults, run->write_start_boot_ns, now, false);
	errors = device_faults_during(&run->faults, run->write_start_boot_ns, now, true);
	if (any)
		h->flags |= LEDGER_F_DEVICE_FAULT;
	if (errors)
		h->flags |= LEDGER_F_ERROR_FAULT;
	if (any)
		log_info("device fault %s was on during the run", device_fault_name(any->kind));
}

static void flush_and_seal(struct stress_run *run)
{
	struct ledger_header *h = run->ledger->hdr;
	pid_t stuck;
	int r;

	r = flush_target(run->data_dirfd, run->plan.io_timeout_ns, &stuck);
	if (r == -ETIMEDOUT) {
		/* Not an error anyone saw: the flush did not happen. */
		h->syncfs_result = LEDGER_SYNCFS_NOT_RUN;
		run->report.syncfs_stuck_pid = stuck;
		target_hung(run, TARGET_HUNG_SYNCFS);
	} else {
		h->syncfs_result = r;
	}
	h->interrupted = run->sup.reason == STOP_SIGNAL;
	note_device_faults(run);
	ledger_header_changed(run->ledger);
	r = ledger_seal(run->ledger, run->rd.fd);
	if (r < 0)
		log_warn("cannot seal the ledger as %s/%s (%s); %s stays and poof verify uses it",
			 run->rd.path, LEDGER_FILE_NAME, strerror(-r), LEDGER_LIVE_NAME);
}

static int remount_scratch(struct stress_run *run)
{
	int r;

	close(run->data_dirfd);
	run->data_dirfd = -1;
	r = scratch_umount(&run->scratch);
	if (r >= 0)
		r = scratch_mount(&run->scratch);
	if (r < 0)
		log_error("cannot remount the scratch filesystem %s: %s", run->scratch.mountpoint,
			  strerror(-r));
	return r;
}

/*
 * A stop signal after the one that interrupted the run skips (or stops)
 * verification. The first one, when the run had ended on its own, only
 * marks it interrupted: the verdict is still worth having.
 */
static bool second_interrupt(void *userdata)
{
	struct stress_run *run = userdata;
	int sig;

	if (run->sup.second_signal)
		return true;
	sig = supervisor_pending_stop_signal();
	if (!sig)
		return false;
	if (run->sup.reason == STOP_SIGNAL) {
		run->sup.second_signal = sig;
		return true;
	}
	run->sup.reason = STOP_SIGNAL;
	run->sup.signal = sig;
	log_notice("%s: verifying what was written; another one skips verification",
		   sigabbrev_np(sig));
	return false;
}

static void verify_phase(struct stress_run *run)
{
	struct verify_options opt = {
		.strict_errors = run->plan.strict_errors,
		.error_fault = run->ledger->hdr->flags & LEDGER_F_ERROR_FAULT,
		.max_losses = run->plan.report_losses,
		.syncfs_result = run->ledger->hdr->syncfs_result,
	};
	int r;

	/* What the kernel said about the target up to now (syncfs included) counts as reported. */
	kernel_watch_drain(&run->kernel);
	opt.kernel_reported = run->kernel.target_error;
	opt.io_timeout_ns = run->plan.io_timeout_ns;
	if (run->report.target_hung != TARGET_ANSWERED)
		return;
	opt.stop_requested = second_interrupt;
	opt.userdata = run;
	if (second_interrupt(run)) {
		run->report.verify_skipped = true;
		return;
	}
	if (run->have_scratch && run->plan.remount) {
		r = remount_scratch(run);
		if (r < 0) {
			run->report.verify_error = r;
			return;
		}
		opt.remounted = true;
	}
	log_notice("verifying %llu blocks from the media",
		   (unsigned long long)run->ledger->hdr->nblocks);
	r = verify_run(run->ledger, run->data_dir, &opt, &run->vr);
	if (r == -ECANCELED) {
		log_notice("verification stopped by a second interrupt");
		run->report.verify_skipped = true;
		return;
	}
	if (r == -ETIMEDOUT) {
		target_hung(run, TARGET_HUNG_READ);
		run->report.verify_error = r;
		return;
	}
	if (r < 0) {
		log_error("cannot verify %s: %s", run->data_dir, strerror(-r));
		run->report.verify_error = r;
		return;
	}
	run->verified = true;
	if (run->vr.files_dropped)
		log_warn("O_DIRECT was refused for %u files: their cached pages were dropped "
			 "before reading",
			 run->vr.files_dropped);
}

static bool losses_found(const struct stress_run *run)
{
	const struct verify_result *v = &run->vr;

	return !run->verified || v->blocks > v->counts[CLASS_OK] + v->counts[CLASS_IN_FLIGHT];
}

static bool keep_data(const struct stress_run *run)
{
	switch (run->plan.keep) {
	case KEEP_ALWAYS:
		return true;
	case KEEP_NEVER:
		return false;
	default:
		return losses_found(run);
	}
}

/*
 * Remove a directory the kmem hogs made: hogs/h<id>/h<id>-<n>. Only entries
 * named h* are touched: directories above the leaves (depth > 0), files in
 * them (depth 0); then the directory itself, which fails if anything else
 * is left in it.
 */
static void remove_hog_tree(int parentfd, const char *name, unsigned depth)
{
	_cleanup_close_ int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return;
	d = fdopendir(steal_fd(&fd));
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] != 'h')
			continue;
		if (e->d_type == DT_DIR && depth > 0)
			remove_hog_tree(dirfd(d), e->d_name, depth - 1);
		else if (e->d_type != DT_DIR && depth == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	unlinkat(parentfd, name, AT_REMOVEDIR);
}

/* Only the files this run wrote, never anything else in the user's directory. */
static void remove_data_files(struct stress_run *run)
{
	_cleanup_close_ int fd = open(run->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (uint32_t i = 0; i < run->ledger->hdr->nfiles; i++) {
		char name[64];

		verify_file_name(run->ledger->files[i].writer_id, i, name, sizeof(name));
		unlinkat(fd, name, 0);
	}
	remove_hog_tree(fd, "hogs", 1);
	if (rmdir(run->data_dir) < 0 && errno != ENOENT)
		log_warn("cannot remove %s: %s", run->data_dir, strerror(errno));
}

static void cleanup(struct stress_run *run)
{
	if (run->containers.run) {
		int k = containers_close(&run->containers,
					 now_monotonic_ns() + run->plan.stop_timeout_ns);
		/* systemd's own words first: its job may also have timed out. */
		const char *why = k < 0 ? systemd_words(run) : NULL;

		if (k == -ETIMEDOUT && !why)
			log_warn("could not remove every cgroup of the run: processes were still "
				 "in them after stop-timeout; poof cleanup finds what is left");
		else if (k < 0)
			log_warn("could not remove every cgroup of the run (%s); poof cleanup "
				 "finds what is left",
				 why ? why : strerror(-k));
	}
	bool keep = run->ledger && keep_data(run);
	int r;

	if (run->data_dirfd >= 0)
		close(run->data_dirfd);
	run->data_dirfd = -1;
	if (run->ledger && !keep && !run->have_scratch)
		remove_data_files(run);
	else if (!run->ledger && run->data_dir_created)
		rmdir(run->data_dir);
	if (run->have_scratch) {
		r = scratch_destroy(&run->scratch, keep);
		if (r < 0)
			log_warn("cannot remove the scratch filesystem at %s: %s",
				 run->scratch.mountpoint, strerror(-r));
		if (keep)
			run->report.scratch_kept = run->scratch.image;
	}
}

/* Copied: the run's cgroups are gone (and their struct freed) before the report is written. */
static void fill_cgroup_result(struct stress_run *run)
{
	const struct cg_run *cg = run->containers.run;
	struct report *rep = &run->report;

	snprintf(run->cgroup_path, sizeof(run->cgroup_path), "%s", cg_run_path(cg));
	rep->cgroup_path = run->cgroup_path;
	if (!cg_run_unit(cg))
		return;
	snprintf(run->cgroup_unit, sizeof(run->cgroup_unit), "%s", cg_run_unit(cg));
	snprintf(run->cgroup_unit_cgroup, sizeof(run->cgroup_unit_cgroup), "%s",
		 cg_run_unit_cgroup(cg));
	rep->cgroup_unit = run->cgroup_unit;
	rep->cgroup_unit_cgroup = run->cgroup_unit_cgroup;
	rep->cgroup_delegated = cg_run_delegated(cg);
}

static void fill_container_results(struct stress_run *run)
{
	struct run_containers *rc = &run->containers;

	if (!rc->run || !rc->n)
		return;
	run->container_results = calloc(rc->n, sizeof(*run->container_results));
	if (!run->container_results)
		return;
	containers_read_events(rc);
	for (unsigned i = 0; i < rc->n; i++) {
		const struct run_container *c = &rc->c[i];
		struct report_container *o = &run->container_results[i];

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
	}
	run->report.containers = run->container_results;
	run->report.ncontainers = rc->n;
	run->report.cgroup_manager = cg_manager_name(run->manager);
	fill_cgroup_result(run);
}

static void fill_report(struct stress_run *run)
{
	struct report *rep = &run->report;

	rep->command = "stress";
	rep->plan = &run->plan;
	rep->ledger = run->ledger;
	rep->supervisor = &run->sup;
	rep->verify = run->verified ? &run->vr : NULL;
	kernel_watch_stop(&run->kernel);
	rep->kernel_watch = &run->kernel;
	snprintf(rep->run_id, sizeof(rep->run_id), "%s", run->rd.id);
	rep->run_dir = run->rd.path;
	rep->strict_errors = run->plan.strict_errors;
	rep->write_start_boot_ns = run->write_start_boot_ns;
	rep->target = run->target;
	rep->data_dir = run->data_dir;
	rep->scratch_fs = run->have_scratch ? scratch_fs_name(run->scratch.fs) : NULL;
	rep->interrupted = run->sup.reason == STOP_SIGNAL;
	rep->rundir_shares_target = rundir_shares_fs(&run->rd, run->target);
	fill_container_results(run);
	rep->started_ns = run->started_ns;
	rep->elapsed_ns = now_monotonic_ns() - run->started_mono;
	report_decide(rep);
}

static void write_reports(struct stress_run *run)
{
	char path[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "%s/%s", run->rd.path, REPORT_FILE_NAME);
	r = report_json_write(&run->report, path);
	if (r < 0)
		log_error("cannot write %s: %s", path, strerror(-r));
	if (run->args.json) {
		r = report_json_write(&run->report, run->args.json);
		if (r < 0)
			log_error("cannot write %s: %s", run->args.json, strerror(-r));
	}
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
	case -ECONNREFUSED: /* systemd is not on the bus */
		return EXIT_UNSUPPORTED;
	default:
		return EXIT_INTERNAL;
	}
}

/* A --run-dir that cannot be made is the user's to fix; anything else is ours. */
static int rundir_error(const char *path, int r)
{
	log_error("cannot create the run directory %s: %s%s", path ? path : RUNDIR_BASE_DEFAULT,
		  strerror(-r),
		  r == -EEXIST ? " (--run-dir must name a directory that does not exist yet)" : "");
	switch (r) {
	case -EEXIST:
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

static int run_stress(struct stress_run *run)
{
	int r;

	r = rundir_create(NULL, run->args.run_dir, &run->rd);
	if (r < 0)
		return rundir_error(run->args.run_dir, r);
	run->seed = run->plan.seed ? run->plan.seed : mix64(run->rd.run_id);
	r = prepare_target(run);
	if (r >= 0)
		r = prepare_containers(run);
	if (r >= 0)
		r = prepare_ledger(run);
	if (r >= 0)
		r = write_phase(run);
	if (r >= 0) {
		flush_and_seal(run);
		verify_phase(run);
	}
	fill_report(run);
	/* Cleanup decides what to keep from the verdict, and the report says where it is. */
	cleanup(run);
	if (r < 0) {
		if (run->ledger)
			ledger_free(run->ledger);
		rundir_close(&run->rd);
		return setup_exit_code(r);
	}
	write_reports(run);
	if (!run->args.quiet || run->report.exit_code != EXIT_PASS)
		report_summary_print(&run->report, stdout);
	verify_result_free(&run->vr);
	timeline_free(&run->sup.timeline);
	free(run->container_results);
	ledger_free(run->ledger);
	rundir_close(&run->rd);
	return run->report.exit_code;
}

int cmd_stress(int argc, char **argv)
{
	struct stress_run run = { .data_dirfd = -1, .rd = { .fd = -1 } };
	int r;

	r = parse_args(argc, argv, &run.args);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	if (plan_setup(&run) < 0)
		return EXIT_USAGE;
	r = check_environment(&run);
	if (r != 0)
		return r;
	r = supervisor_block_signals();
	if (r < 0) {
		log_error("cannot block signals: %s", strerror(-r));
		return EXIT_INTERNAL;
	}
	run.started_ns = now_realtime_ns();
	run.started_mono = now_monotonic_ns();
	return run_stress(&run);
}
