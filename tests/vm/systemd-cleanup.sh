#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `poof cleanup` after a SIGKILLed supervisor under the systemd manager, with
# systemd 252 as PID 1 (see systemd.sh, whose boot this test shares). The
# writers die with the supervisor (PR_SET_PDEATHSIG), but a process of the
# run's container that escaped that keeps the scope alive: poof-<id>.scope
# is still there after the kill, with the run's groups inside it. poof
# cleanup must find the run through systemd, kill the process, remove the
# groups and stop the scope: afterwards systemd knows no poof-* unit, no
# poof-* cgroup is left, and neither is the process.
. "$(dirname "$0")/lib.sh"

[ -x /lib/systemd/systemd ] || skip "systemd is not installed on the host (apt-get install systemd)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon missing: apt-get install dbus"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

systemd_scenarios
scenario cleanup
sed 's/^/   hook: /' "$d/hook.log"
assert_eq "exit code (the supervisor was SIGKILLed)" 137 "$rc"
grep -q "^killed the supervisor" "$d/hook.log" || fail "the hook did not kill the supervisor"
grep -q "poof-.*\.scope" "$d/units-before.txt" ||
	fail "no scope was left after the kill, nothing for poof cleanup to do: $(cat "$d/units-before.txt")"
echo "   ok: left after the kill: $(cut -d' ' -f1 "$d/units-before.txt")"
sed 's/^/   cleanup: /' "$d/cleanup.txt"
grep -q "^cleanup exit 0" "$d/hook.log" || fail "poof cleanup failed"
grep -q "removed systemd scope poof-" "$d/cleanup.txt" || fail "poof cleanup did not stop the scope"
[ ! -s "$d/units-after.txt" ] || fail "units left after poof cleanup: $(cat "$d/units-after.txt")"
[ ! -s "$d/cgroups-after.txt" ] || fail "cgroups left after poof cleanup: $(cat "$d/cgroups-after.txt")"
[ ! -s "$d/escaped-after.txt" ] || fail "the escaped process survived: $(cat "$d/escaped-after.txt")"
echo "ok: after poof cleanup no poof-* unit, no poof-* cgroup and no process of the run"
