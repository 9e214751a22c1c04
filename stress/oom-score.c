// SPDX-License-Identifier: LGPL-2.1-or-later
/* Writing a process's oom_score_adj. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oom-score.h"
#include "shared/macro.h"

int oom_score_adj_write(int fd, int value)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", value);
	ssize_t n = pwrite(fd, buf, (size_t)len, 0);

	if (n < 0)
		return -errno;
	return n == len ? 0 : -EIO;
}

int oom_score_adj_set(pid_t pid, int value)
{
	char path[64];
	_cleanup_close_ int fd = -1;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/oom_score_adj");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return oom_score_adj_write(fd, value);
}

int oom_score_adj_open_self(int *ret_value)
{
	_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC);
	char buf[16] = { 0 };
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	if (sscanf(buf, "%d", ret_value) != 1)
		return -EIO;
	return steal_fd(&fd);
}

int oom_score_adj_can_lower(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(-oom_score_adj_set(0, OOM_SCORE_ADJ_MIN) & 0xff);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}
