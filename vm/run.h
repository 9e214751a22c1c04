/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One run of `poof vm` on the host, below the command: the result
 * directory; the scratch disk and the transfer disk (holding config.sh) in a
 * temporary directory; the boot under QEMU, once more when the guest stayed
 * silent from the very start; the results copied back; the disks removed.
 *
 * It prints nothing. The callbacks say what happens while QEMU runs, and
 * struct vm_run records the rest (which step failed, what did not come
 * back) for the command to put into words and an exit code.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "qemu.h"

#define VM_OUTPUTS_MAX 8

/* A report file (--json, --junit, --html) the guest poof writes and the host gets back. */
struct vm_output {
	const char *host;     /* where the user asked for the file */
	char guest[PATH_MAX]; /* where the guest poof writes it, below VM_GUEST_OUT */
};

struct vm_run;

struct vm_run_config {
	const char *qemu; /* the QEMU binary */
	const char *kernel;
	const char *initrd;
	const char *config; /* config.sh (vm/config.h) */
	bool kvm;
	bool share_root; /* the host's / over 9p (--init systemd) */
	uint64_t disk_size, mem;
	unsigned cpus;
	uint64_t timeout_ns;
	int signal_fd;	     /* ends the run on a signal (qemu.h) */
	const char *run_dir; /* NULL: /var/tmp/poof/vm-DATE-TIME-PID */
	const char *console; /* NULL: RESULTDIR/console.log */
	const struct vm_output *outputs;
	unsigned noutputs;
	/* The guest stayed silent: its console log is set aside, QEMU starts once more. */
	void (*on_retry)(const struct vm_run *run, void *userdata);
	/* QEMU is about to start; the console log is open. */
	void (*on_boot)(const struct vm_run *run, void *userdata);
	/* Each console line as it comes. */
	void (*on_line)(const char *line, void *userdata);
	void *userdata;
};

/* The step a run failed at before QEMU came to an outcome; run->failed_path names its path. */
enum vm_run_step {
	VM_STEP_NONE,
	VM_STEP_RESULT_DIR, /* the result directory */
	VM_STEP_TMP_DIR,    /* the temporary directory of the disks */
	VM_STEP_SCRATCH,    /* the scratch disk */
	VM_STEP_XFER,	    /* the transfer disk */
	VM_STEP_CONSOLE,    /* the console log */
	VM_STEP_QEMU,	    /* QEMU itself could not be run */
};

struct vm_run {
	char result_dir[PATH_MAX];
	char console[PATH_MAX + 32];
	char silent_console[PATH_MAX + 40]; /* a silent boot's console log, set aside */
	uint64_t silent_ns;		    /* how long that boot stayed silent */
	char tmp_dir[PATH_MAX];		    /* the disks' directory, removed at the end */
	char scratch[PATH_MAX + 32], xfer[PATH_MAX + 32];
	enum vm_run_step failed;
	char failed_path[PATH_MAX + 40];
	int error;			   /* the failed step's -errno */
	int results;			   /* reading the guest's results: 0 or -errno */
	bool collected;			   /* results read, outputs copied */
	int output_errors[VM_OUTPUTS_MAX]; /* copying each output back: 0 or -errno */
	int remove_error;		   /* removing the disks' directory: 0 or -errno */
	struct qemu_result qemu;	   /* the outcome */
};

/*
 * Make the disks, boot, collect what came back (unless a signal ended the
 * run), remove the disks. 0 when QEMU came to an outcome (run->qemu), else
 * -errno with run->failed set. run must be zeroed.
 */
int vm_run(const struct vm_run_config *c, struct vm_run *run);

/* The console silence after which a guest is hung: a quarter of timeout_ns, within 10-60 s. */
uint64_t vm_heartbeat_timeout(uint64_t timeout_ns);
