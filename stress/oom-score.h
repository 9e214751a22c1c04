/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * oom_score_adj, the OOM killer's bias for or against a process. The
 * supervisor sets its own to OOM_SCORE_ADJ_MIN so that it is never the
 * victim; each child sets its container's (0, or the minimum when the
 * container is oom-immune). This is the one place that writes it.
 */

#include <linux/oom.h>
#include <sys/types.h>

/*
 * Write value to /proc/<pid>/oom_score_adj, pid 0 meaning the caller.
 * Returns 0 or -errno; a short write is -EIO. Lowering it below the current
 * value needs CAP_SYS_RESOURCE.
 */
int oom_score_adj_set(pid_t pid, int value);

/*
 * Could this process's children go down to OOM_SCORE_ADJ_MIN? Asked of a
 * forked child, which tries, so that nothing here changes: 0, or the
 * -errno of its write (-EACCES without CAP_SYS_RESOURCE).
 */
int oom_score_adj_can_lower(void);

/*
 * This process's oom_score_adj, kept open for oom_score_adj_write(): its fd
 * and, in *ret_value, its value; or -errno.
 */
int oom_score_adj_open_self(int *ret_value);

/* Write value through an fd of oom_score_adj_open_self(): 0 or -errno. */
int oom_score_adj_write(int fd, int value);
