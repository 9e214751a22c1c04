#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Only the kernel can fail a run. While poof runs, a process writes lockup,
# BUG, WARNING, Oops and panic lines into /dev/kmsg, at kernel levels: they
# get the user facility and must not change the verdict. The run exits 0,
# the JSON report says the log was watched, and counts no kernel event.

. "$(dirname "$0")/lib.sh"

require_root "to write into /dev/kmsg"
[ -w /dev/kmsg ] || skip "/dev/kmsg is not writable"
make_fs ext4

run=$WORK/run
"$POOF" stress --profile smoke --dir "$MNT" --run-dir "$run" -q -o duration=4s \
	>"$WORK/out" 2>"$WORK/err" &
pid=$!
sleep 1.5
for line in \
	"<0>watchdog: BUG: soft lockup - CPU#0 stuck for 23s! [poof-w0:1]" \
	"<2>INFO: task poof-w0:1 blocked for more than 120 seconds." \
	"<4>WARNING: CPU: 0 PID: 1 at fs/ext4/inode.c:1 ext4_writepages+0x1/0x2" \
	"<1>BUG: unable to handle page fault for address: 0000000000000000" \
	"<4>Oops: 0002 [#1] PREEMPT SMP NOPTI" \
	"<0>Kernel panic - not syncing: spoofed" \
	"<3>I/O error, dev $(basename "$(findmnt -n -o SOURCE "$MNT")"), sector 8 op 0x1:(WRITE)"; do
	echo "$line" >/dev/kmsg
done
wait "$pid" && rc=0 || rc=$?
cat "$WORK/err" >&2

report=$run/report.json
assert_eq "exit code" 0 "$rc"
assert_eq verdict PASS "$(json "$report" verdict)"
assert_eq "kernel log watched" true "$(json "$report" kernel.watched)"
assert_eq "kernel failed" false "$(json "$report" kernel.failed)"
assert_eq "I/O error for the target" false "$(json "$report" kernel.target_error)"
for e in soft-lockup hung-task warning bug oops panic io-error; do
	assert_eq "kernel event $e" 0 "$(json "$report" "kernel.events.$e")"
done
assert_eq "lost-reported" 0 "$(json "$report" verify.classes.lost-reported)"
