#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The positive control under the systemd manager: systemd 252 as PID 1 (see
# systemd.sh, whose boot this test shares), tight-container for 10 s with
# -o cgroup=systemd over dm-flakey dropping every write. The run's
# containers are in its scope as in vm-systemd, the OOM killer still fires,
# and verification finds the dropped writes as silent losses: exit 1 (FAIL),
# nothing left behind.
. "$(dirname "$0")/lib.sh"

[ -x /lib/systemd/systemd ] || skip "systemd is not installed on the host (apt-get install systemd)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon missing: apt-get install dbus"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

systemd_scenarios
scenario drop
r=$d/report.json
assert_eq "exit code" 1 "$rc"
assert_eq verdict FAIL "$(json "$r" verdict)"
assert_eq "cgroup manager" systemd "$(json "$r" cgroup_manager)"
assert_eq "Delegate" true "$(json "$r" cgroup.delegate)"
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
assert_eq "the fault the run was told of" drop-writes "$(json "$r" device_fault.windows.0.kind)"
classes "$r"
assert_gt blocks 0 "$blocks"
assert_eq ok 0 "$ok"
# Every block is lost; under memory pressure ext4 may read its own dropped
# metadata back and fail a writer's fsync, so some may be reported.
assert_eq "lost = blocks - in-flight" $((blocks - in_flight)) \
	$((lost_silent + lost_durable + lost_reported))
assert_gt "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
assert_eq "torn + misdirected + corrupt" 0 $((torn + misdirected + corrupt))
nothing_left_in "$d" systemd
echo "ok: under systemd's scope the dropped writes are found too"
