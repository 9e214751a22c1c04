// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The run's target: the directory given, or a scratch filesystem made for
 * the run; the run's data directory poof-<id> in it; and at the end the
 * removal of what the run wrote there, and only that.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "run-internal.h"
#include "shared/macro.h"
#include "shared/nofollow.h"

static int make_scratch(struct stress_run *run)
{
	struct run_target *t = &run->target;
	const struct plan *p = &run->plan;
	int r;

	t->scratch_size = p->scratch_size ? p->scratch_size : scratch_auto_size(p);
	run_tell(run, RUN_EV_SCRATCH_MAKING, 0);
	r = scratch_create(run->rd.fd, run->rd.path, p->scratch_fs, t->scratch_size, &t->scratch);
	if (r < 0) {
		run_tell(run, RUN_EV_SCRATCH_FAILED, r);
		return r;
	}
	t->have_scratch = true;
	snprintf(t->path, sizeof(t->path), "%s", t->scratch.mountpoint);
	return 0;
}

/* The scratch filesystem's root, through the run directory: mnt may not be a symlink. */
static int open_scratch_root(struct stress_run *run)
{
	struct run_target *t = &run->target;

	t->dirfd = open_dir_nofollow(run->rd.fd, SCRATCH_MOUNT_NAME, O_RDONLY);
	if (t->dirfd >= 0)
		return 0;
	t->scratch.failed = SCRATCH_PATH_MOUNTPOINT;
	run_tell(run, RUN_EV_SCRATCH_FAILED, t->dirfd);
	return t->dirfd;
}

/* The directory given: the user's path, resolved once and then held open. */
static int open_given_dir(struct run_target *t, const char *dir)
{
	if (!realpath(dir, t->path))
		return -errno;
	t->dirfd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return t->dirfd < 0 ? -errno : 0;
}

/* poof-<id>, made by this run in the target: nothing may stand there, a symlink least of all. */
static int make_data_dir(struct stress_run *run)
{
	struct run_target *t = &run->target;

	snprintf(t->data_name, sizeof(t->data_name), "poof-%s", run->rd.id);
	if (snprintf(t->data_dir, sizeof(t->data_dir), "%s/%s", t->path, t->data_name) >=
	    (int)sizeof(t->data_dir))
		return -ENAMETOOLONG;
	t->data_dirfd = mkdir_open_nofollow(t->dirfd, t->data_name, 0755);
	if (t->data_dirfd < 0) {
		run_tell(run, RUN_EV_DATA_DIR_FAILED, t->data_dirfd);
		return t->data_dirfd;
	}
	t->data_dir_created = true;
	return 0;
}

/* file-size = N%: the scratch filesystem's free space is known now. */
static int size_files(struct stress_run *run)
{
	struct statvfs st;

	if (!plan_sizes_files_by_space(&run->plan))
		return 0;
	if (fstatvfs(run->target.dirfd, &st) < 0)
		return -errno;
	if (plan_size_files(&run->plan, (uint64_t)st.f_bavail * st.f_frsize, &run->target.sizing) >=
	    0)
		return 0;
	run_tell(run, RUN_EV_FILE_SIZE_FAILED, -EDOM);
	return -EDOM;
}

int run_prepare_target(struct stress_run *run)
{
	struct run_target *t = &run->target;
	int r;

	if (run->dir)
		r = open_given_dir(t, run->dir);
	else {
		r = make_scratch(run);
		if (r >= 0)
			r = open_scratch_root(run);
	}
	if (r >= 0)
		r = size_files(run);
	if (r >= 0)
		r = make_data_dir(run);
	if (r < 0)
		return r;
	if (rundir_shares_fs(&run->rd, t->dirfd))
		run_tell(run, RUN_EV_RUNDIR_ON_TARGET, 0);
	return 0;
}

/* --remount: verification starts from a cold page cache. */
int run_remount_scratch(struct stress_run *run)
{
	struct run_target *t = &run->target;
	int r;

	closep(&t->data_dirfd);
	closep(&t->dirfd);
	t->data_dirfd = t->dirfd = -1;
	r = scratch_umount(&t->scratch);
	if (r >= 0)
		r = scratch_mount(&t->scratch);
	if (r >= 0)
		r = open_scratch_root(run);
	if (r < 0)
		run_tell(run, RUN_EV_REMOUNT_FAILED, r);
	return r;
}

/*
 * Remove a directory the kmem hogs made: hogs/h<id>/h<id>-<n>. Only entries
 * named h* are touched: directories above the leaves (depth > 0), files in
 * them (depth 0); then the directory itself, which fails if anything else
 * is left in it.
 */
static void remove_hog_tree(int parentfd, const char *name, unsigned depth)
{
	_cleanup_close_ int fd = open_dir_nofollow(parentfd, name, O_RDONLY);
	_cleanup_closedir_ DIR *d = NULL;
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
	/* Linux removes a directory that is still open: this one is closed on return. */
	unlinkat(parentfd, name, AT_REMOVEDIR);
}

/* Only the files this run wrote, never anything else in the user's directory. */
static void remove_data_files(struct stress_run *run)
{
	struct run_target *t = &run->target;
	_cleanup_close_ int fd = open_dir_nofollow(t->dirfd, t->data_name, O_RDONLY);

	if (fd < 0)
		return;
	for (uint32_t i = 0; i < run->ledger->hdr->nfiles; i++) {
		char name[64];

		verify_file_name(run->ledger->files[i].writer_id, i, name, sizeof(name));
		unlinkat(fd, name, 0);
	}
	remove_hog_tree(fd, SUPERVISOR_HOG_DIR, 1);
	if (unlinkat(t->dirfd, t->data_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		run_tell(run, RUN_EV_DATA_DIR_LEFT, -errno);
}

void run_remove_target(struct stress_run *run, bool keep)
{
	struct run_target *t = &run->target;
	int r;

	closep(&t->data_dirfd);
	t->data_dirfd = -1;
	if (run->ledger && !keep && !t->have_scratch)
		remove_data_files(run);
	else if (!run->ledger && t->data_dir_created)
		(void)unlinkat(t->dirfd, t->data_name, AT_REMOVEDIR);
	/* The scratch filesystem cannot be unmounted while its root is held open. */
	closep(&t->dirfd);
	t->dirfd = -1;
	if (!t->have_scratch)
		return;
	r = scratch_destroy(&t->scratch, keep);
	if (r < 0)
		run_tell(run, RUN_EV_SCRATCH_LEFT, r);
	run->outcome.scratch_kept = keep;
}
