// SPDX-License-Identifier: LGPL-2.1-or-later
/* Finding leftover runs and who holds them; see leftovers.h. */
#include "stress/leftovers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/manager.h"
#include "cgroups/systemd.h"
#include "cgroups/version.h"
#include "shared/macro.h"
#include "judge/ledger.h"
#include "stress/rundir.h"
#include "stress/scratch.h"
#include "stress/worker-exec.h"
#include "watch/task.h"

#define RUN_PREFIX "poof-"
#define SCOPE_SUFFIX ".scope"

/* What one process holds: its fd targets and mapped ledger.live files. */
struct proc_info {
	pid_t pid;
	char comm[16];
	char **paths;
	size_t npaths;
};

struct proc_scan {
	const char *root;
	struct proc_info *procs;
	size_t nprocs;
};

static int fail_at(struct leftovers *l, enum leftovers_step step, const char *path, int r)
{
	l->failed_step = step;
	(void)copy_string(l->failed_path, sizeof(l->failed_path), path ? path : "");
	return r;
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

bool leftover_is_worker(const char *comm)
{
	if (strcmp(comm, WORKER_EXEC_PROGRAM) == 0)
		return true; /* started by exec, not named yet */
	return (strncmp(comm, "poof-w", 6) == 0 || strncmp(comm, "poof-h", 6) == 0) && comm[6] &&
	       strspn(comm + 6, "0123456789") == strlen(comm + 6);
}

/* Does s end in suffix, with something before it? */
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && streq(s + n - k, suffix);
}

bool leftover_is_supervisor_leaf(const char *path)
{
	return ends_with(path, LEFTOVER_SUPERVISOR_SUFFIX);
}

/* What follows "poof-" in name, NULL when name does not start with it. */
static const char *after_run_prefix(const char *name)
{
	size_t n = strlen(RUN_PREFIX);

	return strncmp(name, RUN_PREFIX, n) == 0 ? name + n : NULL;
}

/* The first n characters of id into buf, when they are a run id (any name with all). */
static int copy_run_id(const char *id, size_t n, bool all, char *buf, size_t len)
{
	if (n >= len)
		return -ENAMETOOLONG;
	if (!all && !is_hex_id(id, n))
		return -EINVAL;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return 0;
}

int leftover_group_run_id(const char *name, bool all, char *buf, size_t len)
{
	const char *id = after_run_prefix(name);
	size_t n;

	if (!id)
		return -EINVAL;
	n = strlen(id);
	if (ends_with(id, LEFTOVER_SUPERVISOR_SUFFIX))
		n -= strlen(LEFTOVER_SUPERVISOR_SUFFIX);
	return copy_run_id(id, n, all, buf, len);
}

int leftover_scope_run_id(const char *unit, bool all, char *buf, size_t len)
{
	const char *id = after_run_prefix(unit);

	if (!id || !ends_with(id, SCOPE_SUFFIX))
		return -EINVAL;
	return copy_run_id(id, strlen(id) - strlen(SCOPE_SUFFIX), all, buf, len);
}

static struct leftover *run_by_id(struct leftovers *l, const char *id)
{
	struct leftover *n;

	for (unsigned i = 0; i < l->nruns; i++)
		if (streq(l->runs[i].id, id))
			return &l->runs[i];
	n = realloc(l->runs, (l->nruns + 1) * sizeof(*n));
	if (!n)
		return NULL;
	l->runs = n;
	n = &l->runs[l->nruns++];
	*n = (struct leftover){ 0 };
	(void)copy_string(n->id, sizeof(n->id), id);
	return n;
}

static int note_skipped(struct leftovers *l, const char *parent, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", parent, name);
	return cg_strv_push(&l->skipped, &l->nskipped, path);
}

static int add_group(struct leftovers *l, bool all, const char *parent, const char *name)
{
	char id[128];
	struct leftover *run;

	if (leftover_group_run_id(name, all, id, sizeof(id)) < 0)
		return note_skipped(l, parent, name);
	run = run_by_id(l, id);
	if (!run)
		return -ENOMEM;
	if (run->ngroups == LEFTOVER_MAX_GROUPS)
		return 0;
	snprintf(run->groups[run->ngroups++], PATH_MAX, "%s/%s", parent, name);
	return 0;
}

/* The run groups in one parent cgroup. */
static int add_groups_below(struct leftovers *l, bool all, const char *parent)
{
	char **names = NULL;
	int r = cg_list_run_groups(parent, &names);

	if (r < 0)
		return fail_at(l, LEFTOVERS_STEP_LIST, parent, r);
	for (char **n = names; r >= 0 && *n; n++)
		r = add_group(l, all, parent, *n);
	cg_strv_free(names);
	return r;
}

static int add_scope(struct leftovers *l, bool all, const struct cg_layout *layout,
		     const char *unit, const char *cgroup)
{
	char id[128], parent[PATH_MAX];
	struct leftover *run;

	if (leftover_scope_run_id(unit, all, id, sizeof(id)) < 0)
		return 0;
	run = run_by_id(l, id);
	if (!run)
		return -ENOMEM;
	(void)copy_string(run->scope, sizeof(run->scope), unit);
	snprintf(parent, sizeof(parent), "%s%s", layout->v2_mount, cgroup); /* real system only */
	return add_groups_below(l, all, parent);
}

/*
 * Under the systemd manager a run lives in its scope poof-<id>.scope: the
 * scope and the run groups inside it. Not being able to ask systemd is not
 * fatal: the other managers' runs are still found.
 */
static int find_scopes(struct leftovers *l, bool all, const struct cg_layout *layout)
{
	char **units = NULL, **cgroups = NULL;
	int r;

	/* The bus is the real system's: a fake tree has no systemd to ask. */
	if (l->root[0] || !cg_pid1_is_systemd(NULL) || !layout->v2_mount[0])
		return 0;
	r = cg_systemd_list_scopes(&units, &cgroups);
	if (r < 0) {
		l->scopes_error = r;
		(void)copy_string(l->scopes_message, sizeof(l->scopes_message),
				  cg_systemd_last_message());
		return 0;
	}
	for (size_t i = 0; r >= 0 && units[i]; i++)
		r = add_scope(l, all, layout, units[i], cgroups[i]);
	cg_strv_free(units);
	cg_strv_free(cgroups);
	return r;
}

/* The run groups below poof's parent in each hierarchy poof can use here. */
static int find_groups(struct leftovers *l, bool all)
{
	static const enum cg_manager_kind kinds[] = { CG_MANAGER_CGROUPFS, CG_MANAGER_V1 };
	struct cg_layout layout;
	char parents[ARRAY_SIZE(kinds)][PATH_MAX] = { { 0 } };
	int r = cg_detect(l->root, &layout);

	if (r < 0)
		return fail_at(l, LEFTOVERS_STEP_LAYOUT, NULL, r);
	for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++) {
		if (cg_run_parent_path(&layout, kinds[k], l->root, parents[k], PATH_MAX) < 0 ||
		    (k > 0 && streq(parents[k], parents[0])))
			continue;
		r = add_groups_below(l, all, parents[k]);
		if (r < 0)
			return r;
	}
	return find_scopes(l, all, &layout);
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

/* The file behind a loop device (/dev/loopN), below root, "" when it has none. */
static void loop_backing_file(const char *root, const char *dev, char *buf, size_t len)
{
	char path[PATH_MAX * 2], file[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	buf[0] = '\0';
	if (strncmp(dev, "/dev/loop", 9) != 0)
		return;
	snprintf(path, sizeof(path), "%s/sys/block/%s/loop/backing_file", root, dev + 5);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, file, sizeof(file) - 1);
	file[n > 0 ? n : 0] = '\0';
	file[strcspn(file, "\n")] = '\0';
	if (file[0] && snprintf(buf, len, "%s%s", root, file) >= (int)len)
		buf[0] = '\0';
}

void leftovers_find_loop(const char *image, char *buf, size_t len)
{
	_cleanup_closedir_ DIR *d = opendir("/sys/block");
	struct dirent *e;

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		char dev[300], backing[PATH_MAX];

		if (strncmp(e->d_name, "loop", 4) != 0)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		loop_backing_file("", dev, backing, sizeof(backing));
		if (streq(backing, image)) {
			snprintf(buf, len, "%s", dev);
			break;
		}
	}
}

/* A mount at DIR/mnt of a loop device backed by DIR/scratch.img: poof's scratch. */
static int add_scratch_mount(struct leftovers *l, const char *source, const char *target)
{
	char dir[PATH_MAX], image[PATH_MAX + 16], backing[PATH_MAX], id[PATH_MAX + 8];
	const char *slash = strrchr(target, '/');
	size_t n = strlen(l->root);
	struct leftover *run;

	if (!slash || !streq(slash + 1, SCRATCH_MOUNT_NAME) || slash == target ||
	    n + (size_t)(slash - target) >= sizeof(dir))
		return 0;
	/* The mount table names real paths: the run directory is below root. */
	memcpy(dir, l->root, n);
	memcpy(dir + n, target, (size_t)(slash - target));
	dir[n + (size_t)(slash - target)] = '\0';
	snprintf(image, sizeof(image), "%s/%s", dir, SCRATCH_IMAGE_NAME);
	loop_backing_file(l->root, source, backing, sizeof(backing));
	if (!streq(backing, image))
		return 0;
	if (rundir_run_id(dir, id, sizeof(id)) < 0)
		(void)!snprintf(id, sizeof(id), "at %s",
				dir); /* no ledger yet: named by its place */
	run = run_by_id(l, id);
	if (!run)
		return -ENOMEM;
	(void)copy_string(run->rundir, sizeof(run->rundir), dir);
	run->mounted = true;
	return 0;
}

static int find_scratch_mounts(struct leftovers *l)
{
	char path[PATH_MAX + 32];
	struct libmnt_table *tb;
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r;

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", l->root);
	tb = mnt_new_table_from_file(path);
	r = tb && it ? 0 : -ENOMEM;

	while (r >= 0 && tb && it && mnt_table_next_fs(tb, it, &fs) == 0)
		if (mnt_fs_get_source(fs) && mnt_fs_get_target(fs))
			r = add_scratch_mount(l, mnt_fs_get_source(fs), mnt_fs_get_target(fs));
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r < 0 ? fail_at(l, LEFTOVERS_STEP_MOUNTS, NULL, r) : r;
}

/* The default run directory of runs found by their groups, when it is there. */
static void default_rundirs(struct leftovers *l)
{
	for (unsigned i = 0; i < l->nruns; i++) {
		struct leftover *run = &l->runs[i];
		char path[PATH_MAX];
		struct stat st;

		if (run->rundir[0] || snprintf(path, sizeof(path), "%s%s/%s", l->root,
					       RUNDIR_BASE_DEFAULT, run->id) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			(void)copy_string(run->rundir, sizeof(run->rundir), path);
	}
}

/* A path a process holds (a real path), kept below root like every path found. */
static int push_path(const char *root, struct proc_info *p, const char *path)
{
	char full[PATH_MAX * 2];

	if (snprintf(full, sizeof(full), "%s%s", root, path) >= (int)sizeof(full))
		return 0;
	return cg_strv_push(&p->paths, &p->npaths, full);
}

static int read_fd_links(const char *root, struct proc_info *p)
{
	char dir[PATH_MAX], link[PATH_MAX];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/proc/%d/fd", root, (int)p->pid);
	d = opendir(dir);
	if (!d)
		return 0; /* gone, or a kernel thread */
	while (r >= 0 && (e = readdir(d))) {
		ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);

		if (n <= 0 || link[0] != '/')
			continue;
		link[n] = '\0';
		r = push_path(root, p, link);
	}
	return r;
}

/* Mapped ledger.live files: what a writer or supervisor keeps after closing the fd. */
static int read_ledger_maps(const char *root, struct proc_info *p)
{
	char path[PATH_MAX];
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	_cleanup_fclose_ FILE *f = NULL;
	int r = 0;

	snprintf(path, sizeof(path), "%s/proc/%d/maps", root, (int)p->pid);
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
			r = push_path(root, p, file);
	}
	return r;
}

static void read_comm(const char *root, struct proc_info *p)
{
	if (task_read_proc(root, p->pid, "comm", p->comm, sizeof(p->comm)) < 0)
		p->comm[0] = '\0';
	p->comm[strcspn(p->comm, "\n")] = '\0';
}

static int scan_proc(struct proc_scan *s, pid_t pid)
{
	struct proc_info *n = realloc(s->procs, (s->nprocs + 1) * sizeof(*n));
	int r;

	if (!n)
		return -ENOMEM;
	s->procs = n;
	n = &s->procs[s->nprocs++];
	*n = (struct proc_info){ .pid = pid };
	read_comm(s->root, n);
	r = read_fd_links(s->root, n);
	return r < 0 ? r : read_ledger_maps(s->root, n);
}

static int scan_procs(struct proc_scan *s)
{
	char path[PATH_MAX];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int r = 0;

	snprintf(path, sizeof(path), "%s/proc", s->root);
	d = opendir(path);
	if (!d)
		return -errno;
	while (r >= 0 && (e = readdir(d))) {
		long pid = strtol(e->d_name, NULL, 10);

		if (pid > 0 && pid != getpid())
			r = scan_proc(s, (pid_t)pid);
	}
	return r;
}

static void proc_scan_free(struct proc_scan *s)
{
	for (size_t i = 0; i < s->nprocs; i++)
		cg_strv_free(s->procs[i].paths);
	free(s->procs);
	*s = (struct proc_scan){ .root = s->root };
}

/* Every group below path, deepest first: the first error, 0, or 1 when path is gone. */
static int walk_children(const char *path, int (*fn)(const char *path, void *u), void *u)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	struct dirent *e;
	int r = 0, k;

	if (!d)
		return errno == ENOENT ? 1 : -errno;
	while ((e = readdir(d))) {
		char child[PATH_MAX];

		if (e->d_type != DT_DIR || streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= PATH_MAX)
			continue;
		k = leftovers_walk_groups(child, fn, u);
		if (k < 0 && r >= 0)
			r = k;
	}
	return r;
}

/* The group itself after its children, once its directory is closed: fn may remove it. */
int leftovers_walk_groups(const char *path, int (*fn)(const char *path, void *u), void *u)
{
	int r = walk_children(path, fn, u), k;

	if (r == 1)
		return 0;
	k = fn(path, u);
	return r < 0 ? r : k;
}

int leftovers_for_each_pid(const char *path, void (*fn)(pid_t pid, void *u), void *u)
{
	char file[PATH_MAX + 16];
	_cleanup_fclose_ FILE *f = NULL;
	long pid;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 0)
			fn((pid_t)pid, u);
	return 0;
}

static void push_pid(pid_t **v, size_t *n, pid_t pid)
{
	pid_t *grown = realloc(*v, (*n + 1) * sizeof(*grown));

	if (!grown)
		return;
	*v = grown;
	grown[(*n)++] = pid;
}

static void add_member(pid_t pid, void *u)
{
	struct leftover *run = u;

	push_pid(&run->members, &run->nmembers, pid);
}

static int collect_members(const char *path, void *u)
{
	return leftovers_for_each_pid(path, add_member, u);
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

/* Who still holds the run: its supervisor (alive), or only workers (orphans). */
static void find_holders(const struct proc_scan *s, struct leftover *run)
{
	for (unsigned g = 0; g < run->ngroups; g++)
		(void)leftovers_walk_groups(run->groups[g], collect_members, run);
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct proc_info *p = &s->procs[i];

		if (run_member(run, p->pid) || !proc_holds_run(p, run))
			continue;
		if (leftover_is_worker(p->comm)) {
			push_pid(&run->orphans, &run->norphans, p->pid);
		} else if (!run->holder) {
			run->holder = p->pid;
			snprintf(run->holder_comm, sizeof(run->holder_comm), "%s", p->comm);
		}
	}
}

int leftovers_find(const char *root, bool all, struct leftovers *ret)
{
	_cleanup_(proc_scan_free) struct proc_scan scan = { .root = root ? root : "" };
	int r;

	*ret = (struct leftovers){ 0 };
	r = copy_string(ret->root, sizeof(ret->root), root ? root : "");
	if (r < 0)
		return r;
	r = find_groups(ret, all);
	if (r >= 0)
		r = find_scratch_mounts(ret);
	if (r < 0)
		return r;
	default_rundirs(ret);
	r = scan_procs(&scan);
	if (r < 0)
		return fail_at(ret, LEFTOVERS_STEP_PROC, NULL, r);
	for (unsigned i = 0; i < ret->nruns; i++)
		find_holders(&scan, &ret->runs[i]);
	return 0;
}

void leftovers_free(struct leftovers *l)
{
	for (unsigned i = 0; i < l->nruns; i++) {
		free(l->runs[i].members);
		free(l->runs[i].orphans);
	}
	free(l->runs);
	cg_strv_free(l->skipped);
	*l = (struct leftovers){ 0 };
}
