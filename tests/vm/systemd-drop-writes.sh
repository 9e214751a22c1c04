#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The positive control under the systemd manager: systemd 252 as PID 1
# (poof vm --init systemd), tight-container for 10 s with -o cgroup=systemd
# over dm-flakey dropping every write. The run's containers are in its scope
# as in vm-systemd, the OOM killer still fires, and verification finds the
# dropped writes as silent losses: exit 1 (FAIL), nothing left behind. About
# 45-60 s under TCG.
. "$(dirname "$0")/lib.sh"

[ -x /lib/systemd/systemd ] || skip "systemd is not installed on the host (apt-get install systemd)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon missing: apt-get install dbus"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

r=$tmp/drop.json
vm_run drop --init systemd --timeout 420s --fault drop-writes -- stress \
	--profile tight-container -o duration=10s -o cgroup=systemd --json "$r"
assert_eq "exit code" 1 "$rc"
assert_eq verdict FAIL "$(json "$r" verdict)"
assert_eq "cgroup manager" systemd "$(json "$r" cgroup_manager)"
assert_eq "Delegate" true "$(json "$r" cgroup.delegate)"
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
classes "$r"
assert_gt blocks 0 "$blocks"
assert_eq ok 0 "$ok"
# Every block is lost; under memory pressure ext4 may read its own dropped
# metadata back and fail a writer's fsync, so some may be reported.
assert_eq "lost = blocks - in-flight" $((blocks - in_flight)) \
	$((lost_silent + lost_durable + lost_reported))
assert_gt "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
assert_eq "torn + misdirected + corrupt" 0 $((torn + misdirected + corrupt))
nothing_left drop systemd
echo "ok: under systemd's scope the dropped writes are found too"
