/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * config.sh, the one file the host hands the guest's /init
 * (vm/guest-init.sh) on the transfer disk: the run's settings as shell
 * variables, then the guest poof's argv as `set -- ...`. Also the guest
 * paths both sides agree on.
 */

#include <stdbool.h>
#include <stdint.h>

/* Where /init mounts the scratch filesystem: the guest poof's --dir. */
#define VM_GUEST_TARGET "/mnt/target"
/* Report files the guest poof writes there come back in RESULTS/out/. */
#define VM_GUEST_OUT "/results/out"
/* /init logs every switch of --fault here; the guest poof reads it (--fault-log). */
#define VM_GUEST_FAULT_LOG "/run/poof-vm-faults"

struct vm_guest_config {
	const char *fs;	   /* ext4, xfs or btrfs */
	const char *fault; /* none, drop-writes, error-writes or suspend */
	uint64_t fault_after_ns, fault_for_ns;
	bool hang_test;
	const char *hook;	 /* --guest-hook's script, or NULL */
	const char *init;	 /* busybox or systemd */
	const char *const *argv; /* the guest poof's arguments */
	int argc;
};

/* config.sh's text, malloc'ed; NULL on ENOMEM. */
char *vm_config_text(const struct vm_guest_config *g);
