#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The engine profiles (io-uring, mmap, fsync-storm: $1) on cgroup v2 in the
# guest, on the filesystem given as $2, shortened to 10 s: the container
# reaches the OOM killer, writers are killed with blocks in flight (in a
# ring, in the middle of a copy into a mapping, inside an fsync), and
# nothing acknowledged is lost (exit 0).
. "$(dirname "$0")/lib.sh"
profile=${1:?usage: engine-profile.sh io-uring|mmap|fsync-storm [ext4|xfs|btrfs]}
fs=${2:-ext4}
command -v "mkfs.$fs" >/dev/null || skip "mkfs.$fs missing"

vm_run run --fs "$fs" -- stress --profile "$profile" -o duration=10s --json "$tmp/run.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/run.json
classes "$r"
assert_eq verdict PASS "$(json "$r" verdict)"
assert_eq "cgroup manager" cgroupfs "$(json "$r" cgroup_manager)"
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_gt blocks 0 "$blocks"
assert_eq "ok + in-flight = blocks" "$blocks" $((ok + in_flight))
assert_eq "stalls in a healthy run" 0 "$(json "$r" write_phase.stalls)"
assert_eq "unkillable writers" 0 "$(json "$r" write_phase.unreaped_writers)"
echo "   (writer deaths $(json "$r" write_phase.writer_deaths), hog deaths" \
	"$(json "$r" write_phase.hog_deaths), in flight $in_flight," \
	"fsyncs $(json --sum "$r" 'files.*.fsync_ok'))"
nothing_left run
echo "ok: $profile on $fs: OOM kills, nothing lost"
