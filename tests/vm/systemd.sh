#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The systemd manager against a real systemd: `poof vm --init systemd` boots
# Debian's kernel with the host's systemd 252 as PID 1 (the host's root over
# 9p, read-only, under a tmpfs overlay; about 40 s to the unit under TCG).
# In that boot, shared with systemd-cleanup.sh and systemd-drop-writes.sh
# (systemd-scenarios.sh runs the three one after the other), poof runs
# tight-container, shortened to 15 s, with -o cgroup=systemd. It must pass
# with OOM kills counted and nothing lost; the run's scope poof-<id>.scope
# must have existed with Delegate=yes while poof ran (the report says so,
# and so does systemctl in the guest, once a second), the containers must
# have been inside it, and afterwards systemd must know no poof-* unit and
# no poof-* cgroup may be left. The slow tier.
. "$(dirname "$0")/lib.sh"

[ -x /lib/systemd/systemd ] || skip "systemd is not installed on the host (apt-get install systemd)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon missing: apt-get install dbus"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

systemd_scenarios
scenario systemd
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$d/report.json
unit=$(json "$r" cgroup.systemd_unit)
scope_cg=$(json "$r" cgroup.systemd_control_group)
assert_eq "cgroup manager" systemd "$(json "$r" cgroup_manager)"
assert_eq "Delegate" true "$(json "$r" cgroup.delegate)"
assert_eq "scope" "poof-$(json "$r" run_id).scope" "$unit"
case "$scope_cg" in */"$unit") ;; *) fail "the scope's cgroup $scope_cg does not end in /$unit" ;; esac
assert_eq "container inside the scope" "/sys/fs/cgroup$scope_cg/poof-$(json "$r" run_id)/box" \
	"$(json "$r" containers.0.path)"
kills=$(json "$r" write_phase.oom_kills)
assert_ge "OOM kills" 1 "$kills"
assert_eq "OOM kills = the containers' memory.events" "$kills" "$(json --sum "$r" 'containers.*.oom_kill')"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
echo "ok: PASS in the scope systemd made, $kills OOM kills, nothing lost"

echo "   systemctl while poof ran:"
sort -u "$d/systemd-during.txt" | sed 's/^/     /'
# `systemctl show` prints the properties in its own order: one check per property.
active=$(grep "Id=$unit " "$d/systemd-during.txt" | grep "ActiveState=active")
[ -n "$active" ] || fail "systemd never showed $unit active while poof ran"
echo "$active" | grep -v "Delegate=yes" | grep -q . &&
	fail "systemd showed $unit active without Delegate=yes"
echo "$active" | grep -v "ControlGroup=/.*/$unit " | grep -q . &&
	fail "systemd showed $unit active without its ControlGroup"
echo "ok: systemd had $unit with Delegate=yes while poof ran"

nothing_left_in "$d" systemd
echo "ok: afterwards no poof-* unit, no poof-* cgroup and no poof process"
