#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Positive control for silent losses: dm-flakey drops every write from before
# the run starts, so nothing this run writes reaches the media. Every block
# that was acknowledged and not in flight must be lost-silent or lost-durable
# (none ok, none reported): a verifier that misses dropped writes fails here.
# With ENGINE ($1: pwrite by default, io_uring, mmap) the writers write
# through that engine; the count is as exact with a ring's queue of writes
# in flight when a writer is killed.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"
engine=${1:-pwrite}

vm_run drop --fault drop-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	-o engine="$engine" --json "$tmp/drop.json"
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1 (FAIL)"
r=$tmp/drop.json
classes "$r"
assert_eq "report exit_code" 1 "$(json "$r" exit_code)"
assert_eq engine "$engine" "$(json "$r" plan.writer_groups.0.engine)"
assert_gt blocks 0 "$blocks"
assert_eq ok 0 "$ok"
assert_eq lost-reported 0 "$lost_reported"
assert_eq "torn + misdirected + corrupt" 0 $((torn + misdirected + corrupt))
assert_eq "lost-silent + lost-durable = blocks - in-flight" $((blocks - in_flight)) \
	$((lost_silent + lost_durable))
assert_gt "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
echo "ok: every acknowledged block written with $engine was found lost"
