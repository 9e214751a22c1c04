/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Workers started by exec. A fork of poof costs poof a copy of its page
 * tables, about 2 ms of CPU on a busy machine, and a storm restarts
 * workers many times a second; so the supervisor starts each writer and hog
 * as the small program poof-worker (tools/poof-worker.c) with exec_spawn()
 * (shared/exec.h): poof pays the few system calls of a vfork, the worker
 * pays for loading its program. What a forked worker finds in its copy of
 * the supervisor, poof-worker finds in its arguments, made and read here,
 * and in descriptors at fixed numbers: the plan, the live ledger and the
 * injection log are memory the supervisor shares with it through files.
 * Where the program cannot be found or run, workers are forked as before.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hog.h"
#include "judge/ledger.h"
#include "profiles/profile.h"

#define WORKER_EXEC_PROGRAM "poof-worker"

/* Where poof-worker finds what it inherits. */
enum {
	WORKER_FD_DIR = 3,	  /* writer: the data directory; kmem hog: its own directory */
	WORKER_FD_SHARED = 4,	  /* writer: ledger.live; hog: the violation slots' memfd */
	WORKER_FD_PLAN = 5,	  /* writer: the plan (worker_exec_plan_fd()) */
	WORKER_FD_INJECT_LOG = 6, /* writer with injection: the log's memfd */
	WORKER_FD_HANDOVER = 7,	  /* writer with injection: where its listener goes */
};

/* oom_score_adj is left as inherited. */
#define WORKER_EXEC_KEEP_SCORE (-2000)

enum worker_role {
	WORKER_WRITER,
	WORKER_HOG,
};

struct worker_exec_args {
	enum worker_role role;
	pid_t parent;	   /* the supervisor: the worker dies with it */
	int oom_score_adj; /* to set, or WORKER_EXEC_KEEP_SCORE */
	bool allow_list;   /* enter the allow-list (sandbox=yes) */
	/* hog */
	struct hog_config hog; /* dirfd: WORKER_FD_DIR (kmem) or -1; progress: NULL */
	bool slots;	       /* WORKER_FD_SHARED holds the violation slots */
	/* writer */
	uint32_t writer_id;
	uint64_t seed;	      /* the run's */
	bool inject;	      /* WORKER_FD_INJECT_LOG and WORKER_FD_HANDOVER are there */
	uint64_t inject_seed; /* with inject */
};

/* Room for every argument worker_exec_argv() makes. */
struct worker_exec_argv {
	char buf[512];
	char *argv[16];
};

/*
 * The program, opened O_PATH: next to this process's own executable (a
 * build tree), else in POOF_LIBEXECDIR. Its fd, or -errno.
 */
int worker_exec_open(void);

/* The arguments that tell poof-worker what a says. */
void worker_exec_argv(const struct worker_exec_args *a, struct worker_exec_argv *ret);

/* In poof-worker: read them back. 0, or -EINVAL for arguments not made by worker_exec_argv(). */
int worker_exec_parse(int argc, char *const *argv, struct worker_exec_args *ret);

/* The plan in a sealed memfd, for writers: its fd, or -errno. */
int worker_exec_plan_fd(const struct plan *plan);

/* In poof-worker: the plan from that fd. 0, or -EBADMSG when it is not one of this build's. */
int worker_exec_read_plan(int fd, struct plan *ret);

/* In poof-worker: a hog's violation slot in the memfd at fd. 0, or -errno. */
int worker_exec_map_slot(int fd, uint32_t id, struct ledger_violation **ret);
