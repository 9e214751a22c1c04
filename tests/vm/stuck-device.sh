#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A device that stops answering mid-run (--fault suspend: dm-flakey's device
# suspended without flushing, resumed 22 s later). Writers that fsync often
# end up in uninterruptible sleep waiting on writeback: their heartbeat stops
# (a stall, state D, with the kernel stack that shows where) and cgroup.kill
# cannot kill them (unkillable, with stacks). Verdict HANG, exit 2. Once the
# device is back, the final syncfs returns, every block is verified (nothing
# lost), and no cgroup and no process of the run is left.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

r=$tmp/stuck.json
vm_run stuck --fault suspend --fault-after 4s --fault-for 22s -- stress --profile tight-container \
	-o expect-oom=no -o memory-max=256M -o hog.squeeze.size=4M -o fsync=every=4 \
	-o duration=10s -o stall-timeout=2s -o stop-timeout=4s --json "$r"
assert_eq "exit code" 2 "$rc"
assert_eq verdict HANG "$(json "$r" verdict)"
assert_eq "report exit_code" 2 "$(json "$r" exit_code)"
assert_ge stalls 1 "$(json "$r" write_phase.stalls)"
assert_eq "a stalled writer's state" D "$(json "$r" write_phase.stalled.0.state)"
[ -n "$(json "$r" write_phase.stalled.0.stack)" ] || fail "no kernel stack for the stalled writer"
assert_ge "unkillable writers" 1 "$(json "$r" write_phase.unreaped_writers)"
assert_eq "an unkillable writer's state" D "$(json "$r" write_phase.unkillable.0.state)"
stack=$(json "$r" write_phase.unkillable.0.stack)
[ -n "$stack" ] || fail "no kernel stack for the unkillable writer"
echo "   unkillable writer's stack:"
echo "$stack" | head -8 | sed 's/^/     /'
assert_eq syncfs ok "$(json "$r" syncfs)"
assert_eq "verification ran" true "$(json "$r" verify.ran)"
assert_ge "blocks verified" 1 "$(json "$r" verify.blocks)"
assert_eq "losses" 0 "$(json "$r" verify.losses_total)"
assert_eq "target hung" null "$(json "$r" verify.target_hung)"
nothing_left stuck
