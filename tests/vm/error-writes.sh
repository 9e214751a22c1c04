#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Positive control for reported errors: dm-flakey fails every write with EIO,
# a fault poof vm switched on itself. The writers' fsyncs and poof's syncfs
# see EIO, every acknowledged block is lost-reported, and the run's own fault
# excuses them: that fails the run only with strict-errors. XFS shuts down
# under it and answers EIO to every read: its blocks are judged unreadable,
# never an internal error (exit 70). With ENGINE ($2: pwrite by default,
# io_uring, mmap) the errors come back through that engine: in a ring's
# fsync completions, or from msync, and from poof's final syncfs.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"
fs=${1:-ext4}
engine=${2:-pwrite}

# check NAME EXIT: the exit code in the report, and every lost block lost-reported.
check() {
	local r=$tmp/$1.json

	classes "$r"
	assert_eq "report exit_code" "$2" "$(json "$r" exit_code)"
	assert_eq engine "$engine" "$(json "$r" plan.writer_groups.0.engine)"
	assert_gt blocks 0 "$blocks"
	assert_eq ok 0 "$ok"
	assert_eq "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
	assert_eq "lost-reported = blocks - in-flight" $((blocks - in_flight)) "$lost_reported"
	assert_eq syncfs EIO "$(json "$r" syncfs)"
	assert_eq "the run's own fault" true "$(json "$r" device_fault.deliberate)"
	assert_eq "its kind" error-writes "$(json "$r" device_fault.windows.0.kind)"
	assert_eq "reported losses excused" "$3" "$(json "$r" verify.reported_excused)"
	assert_eq "KERNEL not listed" "" "$(json "$r" verdicts | grep KERNEL)"
	assert_contains "summary" "lost-reported $lost_reported: $4" "$tmp/$1.out"
	[ "$fs" = xfs ] || return 0
	assert_eq "XFS shut down" true "$(json "$r" kernel.fs.shut_down)"
	assert_eq "its lines explained by the fault" true "$(json "$r" kernel.fs.explained_by_fault)"
	assert_eq "unreadable blocks" "$lost_reported" "$(json "$r" verify.unreadable)"
	assert_contains "summary" "unreadable: filesystem shut down (EIO)" "$tmp/$1.out"
}

vm_run error --fs "$fs" --fault error-writes -- stress -o cgroup=none --profile smoke \
	-o duration=3s -o engine="$engine" --json "$tmp/error.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 without strict-errors"
check error 0 true "excused: the run's own device fault (error-writes)"
[ "$fs" = xfs ] || assert_gt "fsync errors" 0 "$(json --sum "$tmp/error.json" 'files.*.fsync_errors')"

vm_run strict --fs "$fs" --fault error-writes -- stress -o cgroup=none --profile smoke \
	-o duration=3s -o engine="$engine" -o strict-errors=yes --json="$tmp/strict.json"
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1 with strict-errors"
check strict 1 false "failed by strict-errors"
echo "ok: EIO reported on $fs through $engine, losses lost-reported, the run's fault excuses," \
	"strict-errors decides"
