// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "watch/task.h"

int task_parse_stat(const char *text, char *ret_state, char *comm, size_t comm_len)
{
	/* "PID (COMM) S ...": COMM may hold spaces and parentheses; the last ')' ends it. */
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	size_t n;

	if (!open || !close || close < open || close[1] != ' ' || !close[2])
		return -EINVAL;
	n = MIN((size_t)(close - open - 1), comm_len - 1);
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	*ret_state = close[2];
	return 0;
}

int task_read_proc(const char *root, pid_t pid, const char *what, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	size_t n;
	int r;

	snprintf(path, sizeof(path), "%s/proc/%d/%s", root ? root : "", (int)pid, what);
	r = read_file_full(AT_FDCWD, path, 1 << 20, (void **)&text, &n);
	if (r < 0)
		return r;
	n = MIN(n, len - 1);
	memcpy(buf, text, n);
	buf[n] = '\0';
	return 0;
}

int task_snapshot(const char *root, pid_t pid, struct task_snapshot *ret)
{
	char stat[1024];
	int r;

	*ret = (struct task_snapshot){ .pid = pid, .state = '?' };
	r = task_read_proc(root, pid, "stat", stat, sizeof(stat));
	if (r < 0)
		return r;
	r = task_parse_stat(stat, &ret->state, ret->comm, sizeof(ret->comm));
	if (r < 0)
		return r;
	/* Best effort: both vanish with the task, and the stack needs root. */
	task_read_proc(root, pid, "wchan", ret->wchan, sizeof(ret->wchan));
	task_read_proc(root, pid, "stack", ret->stack, sizeof(ret->stack));
	return 0;
}
