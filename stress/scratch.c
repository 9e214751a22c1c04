// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "shared/macro.h"

extern char **environ;

struct fs_info {
	const char *type;
	const char *mkfs;
	const char *package;
	const char *const *args; /* options before the image path */
	uint64_t min_size;
};

static const char *const ext4_args[] = { "-q", "-F", "-E",
					 "nodiscard,lazy_itable_init=1,lazy_journal_init=1", NULL };
static const char *const xfs_args[] = { "-q", "-f", "-K", NULL };
static const char *const btrfs_args[] = { "-q", "-f", "--nodiscard", NULL };

static const struct fs_info filesystems[] = {
	[SCRATCH_EXT4] = { "ext4", "mkfs.ext4", "e2fsprogs", ext4_args, 32ULL << 20 },
	[SCRATCH_XFS] = { "xfs", "mkfs.xfs", "xfsprogs", xfs_args, 320ULL << 20 },
	[SCRATCH_BTRFS] = { "btrfs", "mkfs.btrfs", "btrfs-progs", btrfs_args, 256ULL << 20 },
};

uint64_t scratch_min_size(enum scratch_fs fs)
{
	return filesystems[fs].min_size;
}

const char *scratch_mkfs_program(enum scratch_fs fs)
{
	return filesystems[fs].mkfs;
}

const char *scratch_mkfs_package(enum scratch_fs fs)
{
	return filesystems[fs].package;
}

uint64_t scratch_auto_size(const struct plan *plan)
{
	uint64_t data = 0, size;

	for (unsigned i = 0; i < plan->ngroups; i++) {
		const struct writer_group *g = &plan->groups[i];

		data += (uint64_t)g->count * g->files * g->file_size;
	}
	/* Room for metadata, journal and copy-on-write filesystems' second copy. */
	size = data * 2 + (64ULL << 20);
	return ALIGN_UP(MAX(size, scratch_min_size(plan->scratch_fs)), 1ULL << 20);
}

static int run_mkfs(const struct scratch *s)
{
	const struct fs_info *fi = &filesystems[s->fs];
	const char *argv[16];
	posix_spawn_file_actions_t fa;
	unsigned n = 0;
	pid_t pid;
	int status, r;

	argv[n++] = fi->mkfs;
	for (unsigned i = 0; fi->args[i]; i++)
		argv[n++] = fi->args[i];
	argv[n++] = s->image;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, s->log,
					 O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	r = posix_spawnp(&pid, fi->mkfs, &fa, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int make_image(const struct scratch *s, uint64_t size)
{
	int fd = open(s->image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int scratch_paths(const char *rundir, struct scratch *s)
{
	int a = snprintf(s->image, sizeof(s->image), "%s/%s", rundir, SCRATCH_IMAGE_NAME);
	int b = snprintf(s->mountpoint, sizeof(s->mountpoint), "%s/%s", rundir, SCRATCH_MOUNT_NAME);
	int c = snprintf(s->log, sizeof(s->log), "%s/mkfs.log", rundir);

	if (a >= (int)sizeof(s->image) || b >= (int)sizeof(s->mountpoint) ||
	    c >= (int)sizeof(s->log))
		return -ENAMETOOLONG;
	return 0;
}

int scratch_create(const char *rundir, enum scratch_fs fs, uint64_t size, struct scratch *ret)
{
	struct scratch s = { .fs = fs };
	int r;

	r = scratch_paths(rundir, &s);
	if (r < 0)
		return r;
	r = make_image(&s, size);
	if (r < 0)
		return r;
	r = run_mkfs(&s);
	if (r == 0 && mkdir(s.mountpoint, 0755) < 0)
		r = -errno;
	if (r == 0)
		r = scratch_mount(&s);
	if (r < 0) {
		int keep_errno = r;

		scratch_destroy(&s, false);
		*ret = s;
		return keep_errno;
	}
	unlink(s.log);
	*ret = s;
	return 0;
}

int scratch_attach(const char *rundir, const char *image, enum scratch_fs fs, struct scratch *ret)
{
	struct scratch s = { .fs = fs };
	int r = scratch_paths(rundir, &s);

	if (r < 0)
		return r;
	if (image && *image)
		snprintf(s.image, sizeof(s.image), "%s", image);
	if (access(s.image, R_OK | W_OK) < 0)
		return -errno;
	if (mkdir(s.mountpoint, 0755) < 0 && errno != EEXIST)
		return -errno;
	*ret = s;
	return 0;
}

static int mnt_error(struct libmnt_context *cxt, int rc)
{
	int e = mnt_context_get_syscall_errno(cxt);

	if (e > 0)
		return -e;
	return rc < 0 ? rc : -EIO;
}

int scratch_mount(struct scratch *s)
{
	struct libmnt_context *cxt = mnt_new_context();
	int rc;

	if (!cxt)
		return -ENOMEM;
	mnt_context_set_source(cxt, s->image);
	mnt_context_set_target(cxt, s->mountpoint);
	mnt_context_set_fstype(cxt, filesystems[s->fs].type);
	/* libmount sets up the loop device itself and marks it autoclear. */
	mnt_context_set_options(cxt, "loop");
	rc = mnt_context_mount(cxt);
	if (rc == 0 && mnt_context_get_status(cxt) == 1) {
		s->mounted = true;
		mnt_free_context(cxt);
		return 0;
	}
	rc = mnt_error(cxt, rc);
	mnt_free_context(cxt);
	return rc;
}

int scratch_umount(struct scratch *s)
{
	struct libmnt_context *cxt;
	int rc;

	if (!s->mounted)
		return 0;
	cxt = mnt_new_context();
	if (!cxt)
		return -ENOMEM;
	mnt_context_set_target(cxt, s->mountpoint);
	if (s->lazy_umount)
		mnt_context_enable_lazy(cxt, 1);
	rc = mnt_context_umount(cxt);
	if (rc == 0 && mnt_context_get_status(cxt) == 1)
		s->mounted = false;
	else
		rc = mnt_error(cxt, rc);
	mnt_free_context(cxt);
	return rc;
}

int scratch_destroy(struct scratch *s, bool keep_image)
{
	int r = scratch_umount(s);

	if (r < 0)
		return r;
	rmdir(s->mountpoint);
	if (!keep_image && unlink(s->image) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
