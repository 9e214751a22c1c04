// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof cleanup: remove what a killed supervisor left behind.
 *
 * A supervisor that dies by SIGKILL takes its writers and hogs along
 * (PR_SET_PDEATHSIG), but not its cgroups, a worker that escaped that, nor
 * the scratch filesystem it mounted. Runs are found from three sides: the
 * `poof-<id>` groups below poof's cgroup parent of every hierarchy
 * (cg_run_parent_path, cg_list_run_groups), the `poof-<id>.scope` units
 * systemd has (and the run groups inside them), and the scratch mounts
 * RUNDIR/mnt backed by RUNDIR/scratch.img. The ledger format stays as it is:
 * a run is alive when a process other than its own workers still holds it
 * (an fd on its run directory or run group, or the ledger.live mapping):
 * the supervisor holds its run directory from the start, its run group from
 * cg_run_open() and the mapping once the ledger exists, until the end.
 * Everything else is abandoned. The run directory and the image are kept:
 * they are the record and the evidence.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libmount.h>
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
#include "cgroups/version.h"
#include "commands.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "stress/ledger.h"
#include "stress/rundir.h"
#include "stress/scratch.h"

#define KILL_TIMEOUT_NS (10 * NSEC_PER_SEC)
#define RETRY_NS (20 * NSEC_PER_MSEC)
#define MAX_GROUPS 4
#define SUPERVISOR_SUFFIX "-supervisor"

struct cleanup_args {
	bool all;
	bool dry_run;
};

/* One run found: its groups (one per hierarchy, plus supervisor leaves) and directory. */
struct leftover {
	char id[PATH_MAX + 8]; /* what follows "poof-" in the group's name, or "at RUNDIR" */
	char groups[MAX_GROUPS][PATH_MAX];
	unsigned ngroups;
	char rundir[PATH_MAX]; /* "" when not known */
	char scope[128];       /* its systemd scope poof-<id>.scope, "" when none */
	bool mounted;	       /* rundir/mnt is mounted */
	pid_t holder;	       /* a live process (not a worker) holding the run, 0 when none */
	char holder_comm[16];
	pid_t *members; /* processes in the run's groups */
	size_t nmembers;
	pid_t *orphans; /* workers outside the groups still holding the run */
	size_t norphans;
};

/* What one process holds: its fd targets and mapped ledger.live files. */
struct proc_info {
	pid_t pid;
	char comm[16];
	char **paths;
	size_t npaths;
};

struct cleanup {
	struct cleanup_args args;
	struct leftover *runs;
	unsigned nruns;
	struct proc_info *procs;
	size_t nprocs;
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
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			cleanup_usage(stdout);
			return 1;
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

static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n && strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool is_hex_id(const char *s, size_t len)
{
	return len == RUN_ID_LEN && strspn(s, "0123456789abcdef") >= len;
}

/* Workers name themselves poof-w<N> and poof-h<N> (stress/supervisor.c). */
static bool is_worker(const char *comm)
{
	return (strncmp(comm, "poof-w", 6) == 0 || strncmp(comm, "poof-h", 6) == 0) && comm[6] &&
	       strspn(comm + 6, "0123456789") == strlen(comm + 6);
}

static struct leftover *run_by_id(struct cleanup *c, const char *id)
{
	struct leftover *n;

	for (unsigned i = 0; i < c->nruns; i++)
		if (streq(c->runs[i].id, id))
			return &c->runs[i];
	n = realloc(c->runs, (c->nruns + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->runs = n;
	n = &c->runs[c->nruns++];
	*n = (struct leftover){ 0 };
	(void)copy_string(n->id, sizeof(n->id), id);
	return n;
}

/* "poof-<id>" or "poof-<id>-supervisor": the id, or false when it is none of poof's. */
static bool group_run_id(const char *name, bool all, char *buf, size_t len)
{
	const char *id = name + strlen("poof-");
	size_t n = strlen(id), s = strlen(SUPERVISOR_SUFFIX);

	if (n > s && streq(id + n - s, SUPERVISOR_SUFFIX))
		n -= s;
	if (n >= len || (!all && !is_hex_id(id, n)))
		return false;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return true;
}

static int add_group(struct cleanup *c, const char *parent, const char *name)
{
	char id[128];
	struct leftover *run;

	if (!group_run_id(name, c->args.all, id, sizeof(id))) {
		log_debug("%s/%s is not a run group of poof; left alone", parent, name);
		return 0;
	}
	run = run_by_id(c, id);
	if (!run)
		return -ENOMEM;
	if (run->ngroups == MAX_GROUPS)
		return 0;
	snprintf(run->groups[run->ngroups++], PATH_MAX, "%s/%s", parent, name);
	return 0;
}

/* The run groups in one parent cgroup. */
static int add_groups_below(struct cleanup *c, const char *parent)
{
	char **names = NULL;
	int r = cg_list_run_groups(parent, &names);

	if (r < 0) {
		log_error("cannot list %s: %s", parent, strerror(-r));
		return r;
	}
	for (char **n = names; r >= 0 && *n; n++)
		r = add_group(c, parent, *n);
	cg_strv_free(names);
	return r;
}

/* "poof-<id>.scope": the run's id, or false when the unit is none of poof's. */
static bool scope_run_id(const char *unit, bool all, char *buf, size_t len)
{
	const char *id = unit + strlen("poof-");
	size_t n = strlen(id), s = strlen(".scope");

	if (strncmp(unit, "poof-", 5) != 0 || n <= s || !streq(id + n - s, ".scope"))
		return false;
	n -= s;
	if (n >= len || (!all && !is_hex_id(id, n)))
		return false;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return true;
}

/*
 * Under the systemd manager a run lives in its scope poof-<id>.scope: the
 * scope and the run groups inside it. Not being able to ask systemd is not
 * fatal: the other managers' runs are still found.
 */
static int find_scopes(struct cleanup *c, const struct cg_layout *layout)
{
	char **units = NULL, **cgroups = NULL;
	int r;

	if (!cg_pid1_is_systemd(NULL) || !layout->v2_mount[0])
		return 0;
	r = cg_systemd_list_scopes(&units, &cgroups);
	if (r < 0) {
		log_warn("cannot ask systemd for poof's scopes (%s): runs of -o cgroup=systemd "
			 "are not looked for",
			 cg_systemd_last_message()[0] ? cg_systemd_last_message() : strerror(-r));
		return 0;
	}
	for (size_t i = 0; r >= 0 && units[i]; i++) {
		char id[128], parent[PATH_MAX];
		struct leftover *run;

		if (!scope_run_id(units[i], c->args.all, id, sizeof(id)))
			continue;
		run = run_by_id(c, id);
		if (!run) {
			r = -ENOMEM;
			break;
		}
		(void)copy_string(run->scope, sizeof(run->scope), units[i]);
		snprintf(parent, sizeof(parent), "%s%s", layout->v2_mount, cgroups[i]);
		r = add_groups_below(c, parent);
	}
	cg_strv_free(units);
	cg_strv_free(cgroups);
	return r;
}

/* The run groups below poof's parent in each hierarchy poof can use here. */
static int find_groups(struct cleanup *c)
{
	static const enum cg_manager_kind kinds[] = { CG_MANAGER_CGROUPFS, CG_MANAGER_V1 };
	struct cg_layout layout;
	char parents[ARRAY_SIZE(kinds)][PATH_MAX] = { { 0 } };
	int r = cg_detect(NULL, &layout);

	if (r < 0) {
		log_error("cannot detect the cgroup layout: %s", strerror(-r));
		return r;
	}
	for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++) {
		if (cg_run_parent_path(&layout, kinds[k], NULL, parents[k], PATH_MAX) < 0 ||
		    (k > 0 && streq(parents[k], parents[0])))
			continue;
		r = add_groups_below(c, parents[k]);
		if (r < 0)
			return r;
	}
	return find_scopes(c, &layout);
}

/* The run id in a ledger's header (ledger.live or ledger), as the hex of its directory. */
static int ledger_run_id(const char *path, char *buf, size_t len)
{
	struct ledger_header h;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, LEDGER_MAGIC, sizeof(h.magic)) != 0)
		return -EBADMSG;
	snprintf(buf, len, "%016llx", (unsigned long long)h.run_id);
	return 0;
}

static int rundir_run_id(const char *rundir, char *buf, size_t len)
{
	static const char *const names[] = { LEDGER_LIVE_NAME, LEDGER_FILE_NAME };
	char path[PATH_MAX + 32];

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", rundir, names[i]);
		if (ledger_run_id(path, buf, len) >= 0)
			return 0;
	}
	return -ENOENT;
}

/* The file behind a loop device (/dev/loopN), "" when it has none. */
static void loop_backing_file(const char *dev, char *buf, size_t len)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	buf[0] = '\0';
	if (strncmp(dev, "/dev/loop", 9) != 0)
		return;
	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", dev + 5);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* A mount at DIR/mnt of a loop device backed by DIR/scratch.img: poof's scratch. */
static int add_scratch_mount(struct cleanup *c, const char *source, const char *target)
{
	char dir[PATH_MAX], image[PATH_MAX + 16], backing[PATH_MAX], id[PATH_MAX + 8];
	const char *slash = strrchr(target, '/');
	struct leftover *run;

	if (!slash || !streq(slash + 1, SCRATCH_MOUNT_NAME) || slash == target ||
	    (size_t)(slash - target) >= sizeof(dir))
		return 0;
	memcpy(dir, target, (size_t)(slash - target));
	dir[slash - target] = '\0';
	snprintf(image, sizeof(image), "%s/%s", dir, SCRATCH_IMAGE_NAME);
	loop_backing_file(source, backing, sizeof(backing));
	if (!streq(backing, image))
		return 0;
	if (rundir_run_id(dir, id, sizeof(id)) < 0)
		(void)!snprintf(id, sizeof(id), "at %s",
				dir); /* no ledger yet: named by its place */
	run = run_by_id(c, id);
	if (!run)
		return -ENOMEM;
	(void)copy_string(run->rundir, sizeof(run->rundir), dir);
	run->mounted = true;
	return 0;
}

static int find_scratch_mounts(struct cleanup *c)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r = tb && it ? 0 : -ENOMEM;

	while (r >= 0 && tb && it && mnt_table_next_fs(tb, it, &fs) == 0)
		if (mnt_fs_get_source(fs) && mnt_fs_get_target(fs))
			r = add_scratch_mount(c, mnt_fs_get_source(fs), mnt_fs_get_target(fs));
	mnt_free_iter(it);
	mnt_unref_table(tb);
	if (r < 0)
		log_error("cannot read the mount table: %s", strerror(-r));
	return r;
}

/* The default run directory of runs found by their groups, when it is there. */
static void default_rundirs(struct cleanup *c)
{
	for (unsigned i = 0; i < c->nruns; i++) {
		struct leftover *run = &c->runs[i];
		char path[PATH_MAX];
		struct stat st;

		if (run->rundir[0] || snprintf(path, sizeof(path), "%s/%s", RUNDIR_BASE_DEFAULT,
					       run->id) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			(void)copy_string(run->rundir, sizeof(run->rundir), path);
	}
}

static int push_path(struct proc_info *p, const char *path)
{
	char **n = realloc(p->paths, (p->npaths + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->paths = n;
	n[p->npaths] = strdup(path);
	if (!n[p->npaths])
		return -ENOMEM;
	p->npaths++;
	return 0;
}

static int read_fd_links(struct proc_info *p)
{
	char dir[64], link[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int r = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)p->pid);
	d = opendir(dir);
	if (!d)
		return 0; /* gone, or a kernel thread */
	while (r >= 0 && (e = readdir(d))) {
		ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);

		if (n <= 0 || link[0] != '/')
			continue;
		link[n] = '\0';
		r = push_path(p, link);
	}
	closedir(d);
	return r;
}

/* Mapped ledger.live files: what a writer or supervisor keeps after closing the fd. */
static int read_ledger_maps(struct proc_info *p)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (r >= 0 && getline(&line, &cap, f) > 0) {
		char *file = strchr(line, '/');

		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		if (strstr(file, "/" LEDGER_LIVE_NAME) &&
		    streq(strrchr(file, '/') + 1, LEDGER_LIVE_NAME))
			r = push_path(p, file);
	}
	free(line);
	fclose(f);
	return r;
}

static void read_comm(struct proc_info *p)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, p->comm, sizeof(p->comm) - 1);
	p->comm[n > 0 ? n : 0] = '\0';
	p->comm[strcspn(p->comm, "\n")] = '\0';
}

static int scan_procs(struct cleanup *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while (r >= 0 && (e = readdir(d))) {
		long pid = strtol(e->d_name, NULL, 10);
		struct proc_info *n;

		if (pid <= 0 || pid == getpid())
			continue;
		n = realloc(c->procs, (c->nprocs + 1) * sizeof(*n));
		if (!n) {
			r = -ENOMEM;
			break;
		}
		c->procs = n;
		n = &c->procs[c->nprocs++];
		*n = (struct proc_info){ .pid = (pid_t)pid };
		read_comm(n);
		r = read_fd_links(n);
		if (r >= 0)
			r = read_ledger_maps(n);
	}
	closedir(d);
	return r;
}

static void free_procs(struct cleanup *c)
{
	for (size_t i = 0; i < c->nprocs; i++) {
		for (size_t j = 0; j < c->procs[i].npaths; j++)
			free(c->procs[i].paths[j]);
		free(c->procs[i].paths);
	}
	free(c->procs);
	c->procs = NULL;
	c->nprocs = 0;
}

/* Calls fn on every group below path and then on path itself (children first). */
static int walk_groups(const char *path, int (*fn)(const char *path, void *u), void *u)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int r = 0, k;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		char child[PATH_MAX];

		if (e->d_type != DT_DIR || streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= PATH_MAX)
			continue;
		k = walk_groups(child, fn, u);
		if (k < 0 && r >= 0)
			r = k;
	}
	closedir(d);
	k = fn(path, u);
	return r < 0 ? r : k;
}

/* Apply fn to every pid listed in path/cgroup.procs. */
static int for_each_pid(const char *path, void (*fn)(pid_t pid, void *u), void *u)
{
	char file[PATH_MAX + 16];
	FILE *f;
	long pid;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 0)
			fn((pid_t)pid, u);
	fclose(f);
	return 0;
}

static void add_member(pid_t pid, void *u)
{
	struct leftover *run = u;
	pid_t *n = realloc(run->members, (run->nmembers + 1) * sizeof(*n));

	if (!n)
		return;
	run->members = n;
	n[run->nmembers++] = pid;
}

static int collect_members(const char *path, void *u)
{
	return for_each_pid(path, add_member, u);
}

static bool run_member(const struct leftover *run, pid_t pid)
{
	for (size_t i = 0; i < run->nmembers; i++)
		if (run->members[i] == pid)
			return true;
	return false;
}

/* Does path (an fd target or a mapped ledger.live) belong to the run? */
static bool path_of_run(struct leftover *run, const char *path)
{
	char id[128], dir[PATH_MAX];
	const char *slash;

	for (unsigned g = 0; g < run->ngroups; g++)
		if (path_under(path, run->groups[g]))
			return true;
	if (run->rundir[0] && path_under(path, run->rundir))
		return true;
	slash = strrchr(path, '/');
	if (!slash || !streq(slash + 1, LEDGER_LIVE_NAME) ||
	    ledger_run_id(path, id, sizeof(id)) < 0 || !streq(id, run->id))
		return false;
	/* Its ledger, in a run directory given with --run-dir: now the directory is known. */
	if (!run->rundir[0] && (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		(void)copy_string(run->rundir, sizeof(run->rundir), dir);
	}
	return true;
}

static bool proc_holds_run(const struct proc_info *p, struct leftover *run)
{
	for (size_t j = 0; j < p->npaths; j++)
		if (path_of_run(run, p->paths[j]))
			return true;
	return false;
}

static void note_orphan(struct leftover *run, pid_t pid)
{
	pid_t *n = realloc(run->orphans, (run->norphans + 1) * sizeof(*n));

	if (n) {
		run->orphans = n;
		n[run->norphans++] = pid;
	}
}

/* Who still holds the run: its supervisor (alive), or only workers (orphans). */
static void find_holders(struct cleanup *c, struct leftover *run)
{
	for (unsigned g = 0; g < run->ngroups; g++)
		(void)walk_groups(run->groups[g], collect_members, run);
	for (size_t i = 0; i < c->nprocs; i++) {
		const struct proc_info *p = &c->procs[i];

		if (run_member(run, p->pid) || !proc_holds_run(p, run))
			continue;
		if (is_worker(p->comm)) {
			note_orphan(run, p->pid);
		} else if (!run->holder) {
			run->holder = p->pid;
			snprintf(run->holder_comm, sizeof(run->holder_comm), "%s", p->comm);
		}
	}
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

		(void)for_each_pid(path, kill_pid, &count);
		k->listed += count.listed;
		k->signalled += count.listed;
		return 0;
	}
	return for_each_pid(path, kill_pid, u);
}

/* Kill until every group of the tree is empty: -ETIMEDOUT at the deadline. */
static int kill_tree(const char *path, uint64_t deadline_ns, unsigned *ret_signalled)
{
	*ret_signalled = 0;
	for (;;) {
		struct kill_pass k = { 0 };
		int r = walk_groups(path, kill_group_once, &k);

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
		/* The last task may still be on its way out of the group. */
		if (errno != EBUSY || now_monotonic_ns() >= p->deadline_ns)
			break;
		sleep_ns(RETRY_NS);
	}
	if (errno == ENOENT)
		return 0;
	report_failed(p->c, what, strerror(errno));
	return -errno;
}

/* A live supervisor sits in its leaf: --all removes the leaf only when it is empty. */
static bool supervisor_leaf(const char *path)
{
	size_t n = strlen(path), s = strlen(SUPERVISOR_SUFFIX);

	return n > s && streq(path + n - s, SUPERVISOR_SUFFIX);
}

static void remove_group(struct cleanup *c, const struct leftover *run, const char *path)
{
	struct rmdir_pass pass = { .c = c, .deadline_ns = now_monotonic_ns() + KILL_TIMEOUT_NS };
	char what[PATH_MAX + 16];
	unsigned signalled = 0;
	int r = 0;

	snprintf(what, sizeof(what), "cgroup %s", path);
	/* --all on a live run: its workers die, its supervisor does not. */
	if (run->holder && supervisor_leaf(path)) {
		if (c->args.dry_run || rmdir(path) == 0)
			report_removed(c, what);
		else if (errno != ENOENT)
			report_failed(c, what,
				      errno == EBUSY ? "the live supervisor is in it" :
						       strerror(errno));
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
	(void)walk_groups(path, rmdir_group, &pass);
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

/* The loop device still backed by image, "" when none (autoclear detached it). */
static void find_loop(const char *image, char *buf, size_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		char dev[300], backing[PATH_MAX];

		if (strncmp(e->d_name, "loop", 4) != 0)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		loop_backing_file(dev, backing, sizeof(backing));
		if (streq(backing, image)) {
			snprintf(buf, len, "%s", dev);
			break;
		}
	}
	closedir(d);
}

/* libmount marked the loop device autoclear; detach it ourselves if it lingers. */
static int detach_loop(const char *image)
{
	uint64_t deadline = now_monotonic_ns() + 2 * NSEC_PER_SEC;
	char dev[300];
	_cleanup_close_ int fd = -1;

	for (;;) {
		find_loop(image, dev, sizeof(dev));
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
	struct scratch s = { .mounted = true };
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
	r = scratch_umount(&s);
	if (r < 0) {
		report_failed(c, what, strerror(-r));
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
		if (!supervisor_leaf(run->groups[g]))
			remove_group(c, run, run->groups[g]);
	for (unsigned g = 0; g < run->ngroups; g++)
		if (supervisor_leaf(run->groups[g]))
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

static void free_runs(struct cleanup *c)
{
	for (unsigned i = 0; i < c->nruns; i++) {
		free(c->runs[i].members);
		free(c->runs[i].orphans);
	}
	free(c->runs);
}

static int find_runs(struct cleanup *c)
{
	int r = find_groups(c);

	if (r >= 0)
		r = find_scratch_mounts(c);
	if (r < 0)
		return r;
	default_rundirs(c);
	r = scan_procs(c);
	if (r < 0) {
		log_error("cannot read /proc: %s", strerror(-r));
		return r;
	}
	for (unsigned i = 0; i < c->nruns; i++)
		find_holders(c, &c->runs[i]);
	return 0;
}

static int clean_all(struct cleanup *c)
{
	unsigned touched = 0;

	for (unsigned i = 0; i < c->nruns; i++) {
		const struct leftover *run = &c->runs[i];

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
	r = find_runs(&c);
	if (r >= 0)
		r = clean_all(&c);
	else
		r = EXIT_INTERNAL;
	free_procs(&c);
	free_runs(&c);
	return r;
}
