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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "manager-internal.h"
#include "shared/clock.h"
#include "shared/fileio.h"
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

int cg_read_memory_stat_at(int dirfd, int (*parse)(const char *text, struct cg_memory_stat *ret),
			   struct cg_memory_stat *ret)
{
	char buf[16384];
	int r = cg_read_at(dirfd, "memory.stat", buf, sizeof(buf));

	return r < 0 ? r : parse(buf, ret);
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
 * The child of cg_spawn_fork_procs(): nothing but the join before fn. It
 * tells the parent through `sync_fd` (0 = joined, else the errno of the
 * failed write), so spawn returns only once the child is in the container.
 */
static _noreturn_ void fork_child(int procs_fd, int sync_fd, int (*fn)(void *), void *arg)
{
	char buf[16];
	size_t n = format_pid(buf, getpid());
	unsigned char status = 0;

	if (write(procs_fd, buf, n) != (ssize_t)n)
		status = errno > 0 && errno < 256 ? (unsigned char)errno : EIO;
	close(procs_fd);
	(void)!write(sync_fd, &status, 1);
	if (status)
		_exit(127);
	close(sync_fd);
	_exit(fn(arg));
}

/*
 * The child's report: 0 once it joined, -errno when it could not (and was
 * reaped). No deadline: the child answers right after one write(2), or dies
 * and closes the pipe.
 */
static int wait_joined(int sync_fd, pid_t pid)
{
	unsigned char status;
	ssize_t n;

	do
		n = read(sync_fd, &status, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && status == 0)
		return 0;
	(void)waitpid(pid, NULL, 0);
	return n == 1 ? -(int)status : -ECHILD;
}

int cg_spawn_fork_procs(struct cg_container *c, const char *procs, int (*fn)(void *), void *arg,
			pid_t *ret_pid)
{
	_cleanup_close_ int fd = openat(c->dirfd, procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int sync_read = -1, sync_write = -1;
	int p[2], r;
	pid_t pid;

	if (fd < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	sync_read = p[0];
	sync_write = p[1];
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(sync_read);
		fork_child(fd, sync_write, fn, arg);
	}
	closep(&sync_write);
	sync_write = -1;
	r = wait_joined(sync_read, pid);
	if (r < 0)
		return r;
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
