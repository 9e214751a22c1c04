#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Containers on a host whose memory controller is on cgroup v1 (this
# project's build hosts are hybrid): tight-container, shortened, runs with the
# v1 manager for real: the 32M container reaches the OOM killer, the report's
# count equals memory.oom_control's, nothing is lost, and no cgroup of the run
# is left afterwards. The run says once, in the summary and in the report,
# which of the kernel's means of watching a container it lacked on v1
# (memory.events, memory.pressure, cgroup.kill, cgroup.events) and what it did
# instead. Bad limits are refused with exit 64 before anything is created.

. "$(dirname "$0")/lib.sh"

require_root "to create cgroups"
self=$(sed -n 's/^[0-9]*:\(.*,\)\{0,1\}memory\(,.*\)\{0,1\}:\(.*\)$/\3/p' /proc/self/cgroup)
mount=$(findmnt -n -t cgroup -o TARGET -O memory | head -1)
[ -n "$mount" ] && [ -n "$self" ] || skip "no cgroup v1 memory controller on this host"
grep -q '^0::' /proc/self/cgroup && [ -f /sys/fs/cgroup/cgroup.controllers ] &&
	grep -qw memory /sys/fs/cgroup/cgroup.controllers &&
	skip "memory is on cgroup v2 here: the VM tests cover the cgroupfs manager"
parent=$mount${self%/}
make_fs ext4

run=$WORK/run
run_rc rc "$POOF" stress --profile tight-container --dir "$MNT" --run-dir "$run" -q \
	-o duration=8s
report=$run/report.json
assert_eq "exit code" 0 "$rc"
assert_eq "cgroup manager" v1 "$(json "$report" cgroup_manager)"
kills=$(json "$report" write_phase.oom_kills)
assert_ge "OOM kills" 1 "$kills"
assert_eq "OOM kills in the container" "$kills" "$(json "$report" containers.0.oom_kill)"
assert_eq losses_total 0 "$(json "$report" verify.losses_total)"
# What v1 lacks, in the report: the four, in order, each with what was done instead.
assert_eq "watch lacking" "memory.events
memory.pressure
cgroup.kill
cgroup.events" "$(json "$report" 'cgroup.watch_lacking.*.signal')"
assert_contains "watch lacking: memory.events instead" "memory.oom_control" \
	<(json "$report" cgroup.watch_lacking.0.instead)
id=$(json "$report" run_id)
[ ! -e "$parent/poof-$id" ] || fail "the run's cgroup $parent/poof-$id was left behind"

# Limits too loose to reach the OOM killer: INEFFECTIVE, exit 4, and the
# summary names the limit to lower.
run_rc rc "$POOF" stress --profile tight-container --dir "$MNT" --run-dir "$WORK/loose" \
	-o duration=3s -o memory-max=2G -o size=8M >"$WORK/loose.out" 2>/dev/null
assert_eq "loose limits: exit code" 4 "$rc"
assert_eq "loose limits: verdict" INEFFECTIVE "$(json "$WORK/loose/report.json" verdict)"
assert_eq "loose limits: OOM kills" 0 "$(json "$WORK/loose/report.json" write_phase.oom_kills)"
assert_contains "loose limits: the limit to lower" "lower box's memory-max (now 2G)" \
	"$WORK/loose.out"
# ... and in the summary, once.
assert_contains "summary: what the run lacked" \
	"watch: this run lacked memory.events, memory.pressure, cgroup.kill and cgroup.events (manager v1)" \
	"$WORK/loose.out"
assert_contains "summary: what it did instead" "no memory pressure per container" "$WORK/loose.out"
assert_eq "summary: said once" 1 "$(grep -c 'this run lacked' "$WORK/loose.out")"

# Bad limits: exit 64, no run directory, no cgroup.
for bad in memory-max=banana memory-max=-1 container.box.memory-high=64M swap-max=lots; do
	run_rc rc "$POOF" stress --profile tight-container --dir "$MNT" --run-dir "$WORK/bad" \
		-o duration=2s -o "$bad" 2>"$WORK/bad.err"
	assert_eq "-o $bad: exit code" 64 "$rc"
	key=${bad%%=*}
	assert_contains "-o $bad: message names the key" "${key##*.}" "$WORK/bad.err"
	[ ! -e "$WORK/bad" ] || fail "-o $bad: a run directory was created"
done
left=$(find "$parent" -maxdepth 1 -name 'poof-*' | head -1)
assert_eq "poof cgroups left below $parent" "" "$left"
