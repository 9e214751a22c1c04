#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# On cgroup v2, in a container that is not frozen: a writer SIGSTOPped
# mid-run (by a hook in the guest) stops its heartbeat, and after
# stall-timeout poof records a stall with its state (T), wchan and kernel
# stack. Verdict HANG, exit 2; the stopped writer dies with the container
# (cgroup.kill), verification finds nothing lost, and nothing is left behind.
# The healthy VM tests assert the other half: no stall.
. "$(dirname "$0")/lib.sh"

cat >"$tmp/hook.sh" <<'HOOK'
for i in $(seq 100); do
	pid=$(pidof poof-w0) && break
	sleep 0.2
done
sleep 1
kill -STOP $pid && echo "stopped poof-w0 (pid $pid) at $(cut -d' ' -f1 /proc/uptime)s"
HOOK

r=$tmp/stall.json
vm_run stall --guest-hook "$tmp/hook.sh" -- stress --profile tight-container \
	-o expect-oom=no -o memory-max=256M -o hog.squeeze.size=4M -o duration=8s \
	-o stall-timeout=2s --json "$r"
sed 's/^/   hook: /' "$tmp/stall/hook.log"
assert_eq "exit code" 2 "$rc"
assert_eq verdict HANG "$(json "$r" verdict)"
assert_eq "report exit_code" 2 "$(json "$r" exit_code)"
assert_eq stalls 1 "$(json "$r" write_phase.stalls)"
assert_eq "stalled writer" 0 "$(json "$r" write_phase.stalled.0.writer)"
assert_eq "its state" T "$(json "$r" write_phase.stalled.0.state)"
[ -n "$(json "$r" write_phase.stalled.0.stack)" ] || fail "no kernel stack for the stalled writer"
assert_eq "unkillable writers" 0 "$(json "$r" write_phase.unreaped_writers)"
assert_eq "cgroup manager" cgroupfs "$(json "$r" cgroup_manager)"
assert_eq "verification ran" true "$(json "$r" verify.ran)"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
nothing_left stall
