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
expect "exit code" 2 "$rc"
expect verdict HANG "$(jv "$r" verdict)"
expect "report exit_code" 2 "$(jv "$r" exit_code)"
expect_ge stalls 1 "$(jv "$r" write_phase.stalls)"
expect "a stalled writer's state" D "$(jv "$r" write_phase.stalled.0.state)"
[ -n "$(jv "$r" write_phase.stalled.0.stack)" ] || fail "no kernel stack for the stalled writer"
expect_ge "unkillable writers" 1 "$(jv "$r" write_phase.unreaped_writers)"
expect "an unkillable writer's state" D "$(jv "$r" write_phase.unkillable.0.state)"
stack=$(jv "$r" write_phase.unkillable.0.stack)
[ -n "$stack" ] || fail "no kernel stack for the unkillable writer"
echo "   unkillable writer's stack:"
echo "$stack" | head -8 | sed 's/^/     /'
expect syncfs ok "$(jv "$r" syncfs)"
expect "verification ran" true "$(jv "$r" verify.ran)"
expect_ge "blocks verified" 1 "$(jv "$r" verify.blocks)"
expect "losses" 0 "$(jv "$r" verify.losses_total)"
expect "target hung" null "$(jv "$r" verify.target_hung)"
nothing_left stuck
