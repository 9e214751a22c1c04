// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount-fd.h"
#include "scratch.h"
#include "shared/macro.h"
#include "shared/nofollow.h"

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

const char *scratch_failed_path(const struct scratch *s)
{
	switch (s->failed) {
	case SCRATCH_PATH_IMAGE:
		return s->image;
	case SCRATCH_PATH_MOUNTPOINT:
		return s->mountpoint;
	case SCRATCH_PATH_LOG:
		return s->log;
	default:
		return NULL;
	}
}

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

/* The image goes to mkfs as /proc/self/fd/3: the file poof made, whatever its name is now. */
static int run_mkfs(const struct scratch *s, int imgfd, int logfd)
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
	argv[n++] = "/proc/self/fd/3";
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, logfd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, logfd, STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, imgfd, 3);
	r = posix_spawnp(&pid, fi->mkfs, &fa, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* A path poof creates is taken: -ELOOP when by a symlink, else the error r. */
static int taken(int dirfd, const char *name, int r)
{
	return refuse_symlink(dirfd, name) < 0 ? -ELOOP : r;
}

/* The sparse image, made here: nothing may stand in its place. */
static int create_image(struct scratch *s, uint64_t size)
{
	_cleanup_close_ int fd = -1;

	s->failed = SCRATCH_PATH_IMAGE;
	fd = openat(s->dirfd, SCRATCH_IMAGE_NAME,
		    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return taken(s->dirfd, SCRATCH_IMAGE_NAME, -errno);
	if (ftruncate(fd, (off_t)size) < 0)
		return -errno;
	return steal_fd(&fd);
}

/* mkfs on the image, its output in the log: -EIO when mkfs failed. */
static int format_image(struct scratch *s, int imgfd)
{
	_cleanup_close_ int logfd = -1;

	s->failed = SCRATCH_PATH_LOG;
	logfd = openat(s->dirfd, SCRATCH_LOG_NAME,
		       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (logfd < 0)
		return taken(s->dirfd, SCRATCH_LOG_NAME, -errno);
	s->failed = SCRATCH_PATH_IMAGE;
	return run_mkfs(s, imgfd, logfd);
}

static int scratch_paths(int rundirfd, const char *rundir, enum scratch_fs fs, struct scratch *s)
{
	int a = snprintf(s->image, sizeof(s->image), "%s/%s", rundir, SCRATCH_IMAGE_NAME);
	int b = snprintf(s->mountpoint, sizeof(s->mountpoint), "%s/%s", rundir, SCRATCH_MOUNT_NAME);
	int c = snprintf(s->log, sizeof(s->log), "%s/%s", rundir, SCRATCH_LOG_NAME);

	s->fs = fs;
	s->dirfd = rundirfd;
	if (a >= (int)sizeof(s->image) || b >= (int)sizeof(s->mountpoint) ||
	    c >= (int)sizeof(s->log))
		return -ENAMETOOLONG;
	return 0;
}

/* The mountpoint poof makes: nothing may stand in its place, least of all a symlink. */
static int make_mountpoint(struct scratch *s)
{
	s->failed = SCRATCH_PATH_MOUNTPOINT;
	if (mkdirat(s->dirfd, SCRATCH_MOUNT_NAME, 0755) < 0)
		return taken(s->dirfd, SCRATCH_MOUNT_NAME, -errno);
	return 0;
}

/* Undo what scratch_create() made; the log stays for the message when mkfs failed. */
static void unmake(struct scratch *s, bool made_image, bool made_mountpoint)
{
	(void)scratch_umount(s);
	if (made_mountpoint)
		(void)unlinkat(s->dirfd, SCRATCH_MOUNT_NAME, AT_REMOVEDIR);
	if (made_image)
		(void)unlinkat(s->dirfd, SCRATCH_IMAGE_NAME, 0);
}

int scratch_create(int rundirfd, const char *rundir, enum scratch_fs fs, uint64_t size,
		   struct scratch *ret)
{
	struct scratch s = { 0 };
	_cleanup_close_ int imgfd = -1;
	bool made_mountpoint = false;
	int r;

	r = scratch_paths(rundirfd, rundir, fs, &s);
	if (r >= 0)
		r = imgfd = create_image(&s, size);
	if (r >= 0)
		r = format_image(&s, imgfd);
	if (r >= 0)
		r = make_mountpoint(&s);
	made_mountpoint = r >= 0;
	if (r >= 0)
		r = scratch_mount(&s);
	if (r < 0) {
		unmake(&s, imgfd >= 0, made_mountpoint);
		*ret = s;
		return r;
	}
	(void)unlinkat(rundirfd, SCRATCH_LOG_NAME, 0);
	s.failed = SCRATCH_PATH_NONE;
	*ret = s;
	return 0;
}

/* A regular file, not a symlink: -ELOOP for one, -EINVAL for anything else. */
static int open_image(struct scratch *s)
{
	int fd = openat(s->dirfd, SCRATCH_IMAGE_NAME, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;

	s->failed = SCRATCH_PATH_IMAGE;
	if (fd < 0)
		return errno == ELOOP ? -ELOOP : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = S_ISREG(st.st_mode) ? -errno : -EINVAL;

		close(fd);
		return r;
	}
	return fd;
}

int scratch_attach(int rundirfd, const char *rundir, enum scratch_fs fs, struct scratch *ret)
{
	struct scratch s = { 0 };
	_cleanup_close_ int fd = -1;
	int r = scratch_paths(rundirfd, rundir, fs, &s);

	if (r >= 0)
		r = fd = open_image(&s);
	if (r >= 0) {
		/* A mountpoint a past run left is fine; a symlink in its place is not. */
		s.failed = SCRATCH_PATH_MOUNTPOINT;
		r = mkdirat(rundirfd, SCRATCH_MOUNT_NAME, 0755) < 0 ? -errno : 0;
		if (r == -EEXIST)
			r = refuse_symlink(rundirfd, SCRATCH_MOUNT_NAME);
	}
	if (r >= 0)
		s.failed = SCRATCH_PATH_NONE;
	*ret = s;
	return r < 0 ? r : 0;
}

int scratch_mount(struct scratch *s)
{
	_cleanup_close_ int imgfd = -1, mntfd = -1, loopfd = -1;
	char dev[64];
	int r;

	imgfd = open_image(s);
	if (imgfd < 0)
		return imgfd;
	s->failed = SCRATCH_PATH_MOUNTPOINT;
	mntfd = open_dir_nofollow(s->dirfd, SCRATCH_MOUNT_NAME, O_PATH);
	if (mntfd < 0)
		return mntfd;
	s->failed = SCRATCH_PATH_IMAGE;
	loopfd = loop_attach_fd(imgfd, dev, sizeof(dev));
	if (loopfd < 0)
		return loopfd;
	/* The mount holds the loop device from here; closing ours lets autoclear work. */
	r = mount_device_at_fd(filesystems[s->fs].type, dev, mntfd);
	if (r < 0)
		return r;
	s->mounted = true;
	s->failed = SCRATCH_PATH_NONE;
	return 0;
}

int scratch_umount(struct scratch *s)
{
	char path[PATH_MAX];

	if (!s->mounted)
		return 0;
	/* Through the run directory's fd: whatever its path has become meanwhile. */
	if (s->dirfd >= 0)
		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", s->dirfd, SCRATCH_MOUNT_NAME);
	else
		snprintf(path, sizeof(path), "%s", s->mountpoint);
	if (umount2(path, UMOUNT_NOFOLLOW | (s->lazy_umount ? MNT_DETACH : 0)) < 0)
		return -errno;
	s->mounted = false;
	return 0;
}

int scratch_destroy(struct scratch *s, bool keep_image)
{
	int r = scratch_umount(s);

	if (r < 0)
		return r;
	(void)unlinkat(s->dirfd, SCRATCH_MOUNT_NAME, AT_REMOVEDIR);
	if (!keep_image && unlinkat(s->dirfd, SCRATCH_IMAGE_NAME, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
