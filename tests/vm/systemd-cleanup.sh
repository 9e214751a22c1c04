#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `poof cleanup` after a SIGKILLed supervisor under the systemd manager, with
# systemd 252 as PID 1 (see systemd.sh). The writers die with the supervisor
# (PR_SET_PDEATHSIG), but a process of the run's container that escaped that
# keeps the scope alive: poof-<id>.scope is still there after the kill, with
# the run's groups inside it. poof cleanup must find the run through systemd,
# kill the process, remove the groups and stop the scope: afterwards systemd
# knows no poof-* unit, no poof-* cgroup is left, and neither is the process.
. "$(dirname "$0")/lib.sh"

[ -x /lib/systemd/systemd ] || skip "systemd is not installed on the host (apt-get install systemd)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon missing: apt-get install dbus"

cat >"$tmp/hook.sh" <<'HOOK'
# The host's tools run here (dash, procps). Progress goes to the console too.
say() {
	echo "$*"
	echo "POOF-VM: hook: $*" >/dev/console
}
uptime_s() {
	cut -d. -f1 /proc/uptime
}
# The run's container and its first process: that one's parent is the supervisor.
end=$(($(uptime_s) + 120))
while [ "$(uptime_s)" -lt "$end" ]; do
	box=$(ls -d /sys/fs/cgroup/system.slice/poof-*.scope/poof-*/box 2>/dev/null | head -n1)
	[ -n "$box" ] && pid=$(head -n1 "$box/cgroup.procs" 2>/dev/null) && [ -n "$pid" ] &&
		sup=$(cut -d' ' -f4 "/proc/$pid/stat" 2>/dev/null) && [ -n "$sup" ] && break
	sleep 0.2
done
say "container $box, supervisor ${sup:-not found}"
sleep 2
# A process of the container that will outlive the supervisor.
sh -c "echo \$\$ >$box/cgroup.procs && exec sleep 600" &
sleep 1
kill -KILL "$sup" && say "killed the supervisor $sup"
sleep 3
timeout 60 systemctl list-units --all --plain --no-legend 'poof-*' >/results/units-before.txt
timeout 120 poof cleanup >/results/cleanup.txt 2>&1
say "cleanup exit $?"
timeout 60 systemctl list-units --all --plain --no-legend 'poof-*' >/results/units-after.txt
find /sys/fs/cgroup -mindepth 1 -type d -name 'poof-*' >/results/cgroups-after.txt
pgrep -a -x sleep | grep -w 600 >/results/escaped-after.txt
true
HOOK

vm_run killed --init systemd --timeout 420s --guest-hook "$tmp/hook.sh" -- stress \
	--profile tight-container -o duration=60s -o cgroup=systemd
d=$tmp/killed
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
