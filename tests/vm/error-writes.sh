#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Positive control for reported errors: dm-flakey fails every write with EIO.
# The writers' fsyncs and poof's syncfs see EIO, every acknowledged block is
# lost-reported, and that fails the run only with strict-errors.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

# check REPORT EXIT: the exit code in the report, and every lost block lost-reported.
check() {
	local r=$1

	classes "$r"
	assert_eq "report exit_code" "$2" "$(json "$r" exit_code)"
	assert_gt blocks 0 "$blocks"
	assert_eq ok 0 "$ok"
	assert_eq "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
	assert_eq "lost-reported = blocks - in-flight" $((blocks - in_flight)) "$lost_reported"
	assert_eq syncfs EIO "$(json "$r" syncfs)"
	assert_gt "fsync errors" 0 "$(json --sum "$r" 'files.*.fsync_errors')"
}

vm_run error --fault error-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	--json "$tmp/error.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 without strict-errors"
check "$tmp/error.json" 0

vm_run strict --fault error-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	-o strict-errors=yes --json="$tmp/strict.json"
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1 with strict-errors"
check "$tmp/strict.json" 1
echo "ok: EIO reported, losses lost-reported, strict-errors decides"
