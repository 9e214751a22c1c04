// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helpers for groups that are directories (cgroupfs and v1): paths and
 * names, small cgroup files read and written through a directory fd, a
 * child that joins a group before it runs anything, killing and waiting
 * for what a group holds; and the string lists the cgroup code hands out.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "manager-internal.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/fork.h"
#include "shared/macro.h"

#define CG_RETRY_NS (10 * NSEC_PER_MSEC)

int cg_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int cg_group_dir(char *buf, size_t len, const char *root, const char *mount, const char *group)
{
	return cg_path(buf, len, "%s%s%s", root, mount, streq(group, "/") ? "" : group);
}

int cg_pread_text(int fd, char *buf, size_t len)
{
	ssize_t n = pread_full(fd, buf, len - 1, 0);

	if (n < 0)
		return (int)n;
	if ((size_t)n == len - 1)
		return -EFBIG;
	buf[n] = '\0';
	return (int)n;
}

int cg_read_at(int dirfd, const char *file, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	return cg_pread_text(fd, buf, len);
}

int cg_read_kept(struct cg_container *c, enum cg_kept_file k, const char *file, char *buf,
		 size_t len)
{
	int *fd = &c->kept[k];

	if (*fd == -ENOENT)
		return -ENOENT;
	if (*fd < 0) {
		*fd = openat(c->dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (*fd < 0) {
			int r = -errno;

			*fd = r == -ENOENT ? -ENOENT : -1;
			return r;
		}
	}
	return cg_pread_text(*fd, buf, len);
}

int cg_read_kept_u64(struct cg_container *c, enum cg_kept_file k, const char *file, uint64_t *ret)
{
	char buf[64];
	uint64_t v;
	int r = cg_read_kept(c, k, file, buf, sizeof(buf));

	if (r >= 0)
		r = cg_parse_limit(buf, &v);
	if (r < 0)
		return r;
	if (v == CG_UNSET)
		return -EINVAL;
	*ret = v;
	return 0;
}

int cg_read_kept_memory_stat(struct cg_container *c,
			     int (*parse)(const char *text, struct cg_memory_stat *ret),
			     struct cg_memory_stat *ret)
{
	char buf[16384];
	int r = cg_read_kept(c, CG_KEPT_STAT, "memory.stat", buf, sizeof(buf));

	return r < 0 ? r : parse(buf, ret);
}

void cg_close_kept(struct cg_container *c)
{
	for (unsigned k = 0; k < _CG_KEPT_MAX; k++) {
		closep(&c->kept[k]);
		c->kept[k] = -1;
	}
}

int cg_write_at(int dirfd, const char *file, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* One write(2): cgroup files take a value per write, a short write is an error. */
	n = write(fd, value, strlen(value));
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(value) ? 0 : -EIO;
}

int cg_write_u64_at(int dirfd, const char *file, uint64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	return cg_write_at(dirfd, file, buf);
}

int cg_read_limit_at(int dirfd, const char *file, uint64_t *ret)
{
	char buf[64];
	int r = cg_read_at(dirfd, file, buf, sizeof(buf));

	return r < 0 ? r : cg_parse_limit(buf, ret);
}

int cg_read_u64_at(int dirfd, const char *file, uint64_t *ret)
{
	uint64_t v;
	int r = cg_read_limit_at(dirfd, file, &v);

	if (r < 0)
		return r;
	if (v == CG_UNSET)
		return -EINVAL;
	*ret = v;
	return 0;
}

bool cg_file_exists_at(int dirfd, const char *file)
{
	return faccessat(dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static size_t format_pid(char *buf, pid_t pid)
{
	char tmp[16];
	size_t n = 0, i = 0;
	unsigned v = (unsigned)pid;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(tmp));
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return i;
}

/*
 * The child of cg_spawn_fork_procs(): it runs fn only once the parent has
 * moved it into the group and said so with one byte on `go_fd`. Waiting in
 * a read allocates nothing, so no charge lands anywhere before the move.
 * EOF (the move failed, or the parent died) ends it with 127.
 */
static _noreturn_ void fork_child(int go_fd, int (*fn)(void *), void *arg)
{
	unsigned char go = 0;
	ssize_t n;

	do
		n = read(go_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	close(go_fd);
	if (n != 1 || go != 1)
		_exit(127);
	_exit(fn(arg));
}

/* Write pid to the open `procs` file: 0 or the kernel's -errno. */
static int move_pid(int procs_fd, pid_t pid)
{
	char buf[16];
	size_t n = format_pid(buf, pid);
	ssize_t w = write(procs_fd, buf, n);

	if (w < 0)
		return -errno;
	return (size_t)w == n ? 0 : -EIO;
}

pid_t cg_clone3(unsigned flags, int cgroup_fd)
{
	uint64_t clone_flags = cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0;

	if (flags & CG_SPAWN_SIBLING)
		clone_flags |= CLONE_PARENT;
	return fork_clone3(clone_flags, cgroup_fd);
}

pid_t cg_fork(unsigned flags)
{
	return fork_with(flags & CG_SPAWN_SIBLING ? CLONE_PARENT : 0);
}

/*
 * The parent moves the child, so that it never waits for the child to be
 * scheduled: on a machine full of runnable processes that wait was most of
 * a spawn's cost, and the supervisor's reap loop stood still meanwhile.
 */
int cg_spawn_fork_procs(struct cg_container *c, const char *procs, unsigned flags,
			int (*fn)(void *), void *arg, pid_t *ret_pid)
{
	_cleanup_close_ int fd = openat(c->dirfd, procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int go_read = -1, go_write = -1;
	unsigned char go = 1;
	int p[2], r;
	pid_t pid;

	if (fd < 0)
		return -errno;
	/* A socket, not a pipe: a child killed meanwhile is EPIPE, not a SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return -errno;
	go_read = p[0];
	go_write = p[1];
	/* No fflush: the child leaves through _exit and never flushes its copy. */
	pid = cg_fork(flags);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		close(go_write);
		close(fd);
		fork_child(go_read, fn, arg);
	}
	r = move_pid(fd, pid);
	if (r >= 0 && send(go_write, &go, 1, MSG_NOSIGNAL) != 1)
		r = -EPIPE;
	if (r < 0) {
		/* The child reads EOF and exits 127 without running fn. */
		closep(&go_write);
		go_write = -1;
		if (!(flags & CG_SPAWN_SIBLING))
			(void)waitpid(pid, NULL, 0);
		return r;
	}
	*ret_pid = pid;
	return 0;
}

int cg_move_self_to(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char pid[16];

	if (fd < 0)
		return -errno;
	snprintf(pid, sizeof(pid), "%d", getpid());
	return cg_write_at(fd, "cgroup.procs", pid);
}

int cg_kill_procs_once(int dirfd, const char *procs)
{
	char buf[65536];
	int r = cg_read_at(dirfd, procs, buf, sizeof(buf)), n = 0;

	if (r < 0 && r != -EFBIG)
		return r;
	/* A list too long for the buffer: kill what fits, the next pass gets the rest. */
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

int cg_procs_populated(int dirfd, const char *procs)
{
	char buf[256];
	int r = cg_read_at(dirfd, procs, buf, sizeof(buf));

	if (r == -EFBIG)
		return 1;
	return r < 0 ? r : cg_procs_nonempty(buf);
}

int cg_rmdir_deadline(const char *path, uint64_t deadline_ns)
{
	for (;;) {
		int r;

		if (rmdir(path) == 0)
			return 0;
		r = -errno;
		/* The last task may still be on its way out of the group. */
		if (r != -EBUSY || now_monotonic_ns() >= deadline_ns)
			return r;
		sleep_ns(CG_RETRY_NS);
	}
}

bool cg_valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

void cg_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int cg_strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}
