/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One guest under QEMU, watched through its serial console.
 *
 * The guest's /init (vm/guest-init.sh) prints marker lines:
 *   POOF-VM: init started
 *   POOF-VM: heartbeat N       every second, from a background loop
 *   POOF-VM: exit N            the guest poof's exit code
 *   POOF-VM: results written   the transfer disk holds the results tar
 * qemu_run() copies every console byte to console_fd, hands each line to
 * on_line, and ends the run on the first of: QEMU exits; the boot deadline
 * passes without a heartbeat; heartbeat_timeout of silence after one
 * (a guest lockup: HANG); the overall timeout; a kernel panic line; a
 * signal on signal_fd. QEMU is killed and reaped on every path.
 */

#include <stdbool.h>
#include <stdint.h>

#define QEMU_TAIL_LINES 40
#define QEMU_LINE_MAX 512

struct qemu_config {
	const char *binary; /* qemu-system-x86_64 */
	const char *kernel;
	const char *initrd;
	const char *append;
	const char *scratch; /* /dev/vda */
	const char *xfer;    /* /dev/vdb */
	const char *share;   /* a host directory shared read-only over 9p as "hostroot", or NULL */
	uint64_t mem_bytes;
	unsigned cpus;
	bool kvm;
	int console_fd;
	int signal_fd; /* -1: none */
	uint64_t boot_timeout_ns;
	uint64_t heartbeat_timeout_ns;
	uint64_t timeout_ns;
	const char *stop_line; /* end the run (QEMU_DONE) at a line containing this */
	void (*on_line)(const char *line, void *userdata);
	void *userdata;
};

enum qemu_outcome {
	QEMU_DONE,	  /* the guest reported poof's exit code and QEMU exited */
	QEMU_HANG,	  /* heartbeat silence (or no heartbeat within the boot deadline) */
	QEMU_TIMEOUT,	  /* the whole run exceeded timeout_ns */
	QEMU_PANIC,	  /* "Kernel panic" on the console */
	QEMU_DIED,	  /* QEMU exited before the guest reported an exit code */
	QEMU_INTERRUPTED, /* a signal arrived on signal_fd */
};

struct qemu_result {
	enum qemu_outcome outcome;
	int guest_exit; /* -1 when not reported */
	bool booted;	/* a heartbeat was seen */
	bool results_written;
	int qemu_status; /* wait status when QEMU exited on its own, else -1 */
	int signal;	 /* QEMU_INTERRUPTED: which */
	uint64_t boot_ns;
	uint64_t elapsed_ns;
	uint64_t silence_ns; /* QEMU_HANG: silence when QEMU was killed */
	char panic[QEMU_LINE_MAX];
	char tail[QEMU_TAIL_LINES][QEMU_LINE_MAX]; /* oldest first */
	unsigned ntail;
};

int qemu_run(const struct qemu_config *c, struct qemu_result *ret);

/*
 * Does KVM boot this kernel? Boots it with KVM and no initramfs and waits at
 * most timeout_ns for the kernel's first console line ("Linux version").
 * The answer is cached in cache_dir/kvm-probe for this boot of the host
 * (/proc/sys/kernel/random/boot_id): nested hosts with a /dev/kvm that
 * hangs at "Booting from ROM" pay the probe once.
 */
int qemu_probe_kvm(const char *binary, const char *kernel, const char *cache_dir,
		   uint64_t timeout_ns, bool *ret_kvm, bool *ret_cached);
