/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What a task is doing, from /proc/PID: for stalled and unkillable writers,
 * the evidence a kernel developer asks for first.
 */

#include <stdint.h>
#include <sys/types.h>

#define TASK_STACK_MAX 2048

struct task_snapshot {
	int pid;
	char comm[32];
	char state; /* R, S, D, T, Z, ... ('?' when unknown) */
	char wchan[64];
	char stack[TASK_STACK_MAX]; /* /proc/PID/stack; needs root, "" otherwise */
};

/* 0, or -errno (-ENOENT: the task is gone). Partial information is kept. */
int task_snapshot(const char *root, pid_t pid, struct task_snapshot *ret);

/* root/proc/PID/WHAT into buf, cut to fit and NUL-terminated: 0 or -errno. */
int task_read_proc(const char *root, pid_t pid, const char *what, char *buf, size_t len);

/* Pure: state and comm from the text of /proc/PID/stat. */
int task_parse_stat(const char *text, char *ret_state, char *comm, size_t comm_len);
