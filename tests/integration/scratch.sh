#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# scratch.sh FS: without --dir, poof makes its own scratch filesystem (FS),
# runs, verifies (after remounting) and passes with exit 0, and then leaves
# nothing behind: no loop device backed by RUNDIR/scratch.img, nothing
# mounted under RUNDIR, no scratch.img, no mountpoint, only the ledger, the
# report and the kernel log excerpt.

. "$(dirname "$0")/lib.sh"

fs=${1:?usage: scratch.sh ext4|xfs|btrfs}
require_loop
require_mkfs "$fs"

run=$WORK/run
run_rc rc "$POOF" stress --profile smoke -o duration=2s -o scratch-fs="$fs" --run-dir "$run" -q
report=$run/report.json
[ -f "$report" ] || fail "no report at $report (exit $rc)"
assert_eq "exit code" 0 "$rc"
assert_eq verdict PASS "$(json "$report" verdict)"
assert_classes "$report"
assert_eq "target kind" scratch "$(json "$report" target.kind)"
assert_eq "target fs" "$fs" "$(json "$report" target.fs)"
assert_eq "read method" remounted "$(json "$report" verify.method)"
assert_eq "scratch image kept" null "$(json "$report" target.scratch_image_kept)"

loops=$(losetup -n -l -O NAME,BACK-FILE | grep -F "$run/" || true)
assert_eq "loop devices backed by files in $run" "" "$loops"
mounts=$(findmnt -rn -o TARGET | grep -F "$run/" || true)
assert_eq "mounts under $run" "" "$mounts"
[ ! -e "$run/scratch.img" ] || fail "$run/scratch.img was left behind"
assert_eq "files left in $run" "kernel.log ledger report.json" "$(cd "$run" && echo *)"
