#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A device that stays down past io-timeout must not hang poof: the final
# syncfs does not return within 5 s, so poof reports the hung target (HANG,
# exit 2, verify.target_hung.during = syncfs), skips verification, keeps the
# data and exits while the device is still down. A hook in the guest then
# waits for the device to come back, runs `poof cleanup` (which removes the
# cgroups the unkillable writers held) and `poof verify` on the run
# directory: every block is there (exit 0), and nothing of the run is left.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

cat >"$tmp/hook.sh" <<'HOOK'
# Wait for the report of the run poof gave up on, then for the device.
while ! ls /var/tmp/poof/*/report.json >/dev/null 2>&1; do sleep 0.5; done
rundir=$(dirname /var/tmp/poof/*/report.json)
while [ "$(dmsetup info -c --noheadings -o suspended poof-flakey)" = Suspended ]; do sleep 0.5; done
echo "device back at $(cut -d' ' -f1 /proc/uptime)s"
sleep 2
poof cleanup >/results/cleanup.txt 2>&1
echo "cleanup exit $?"
poof verify "$rundir" --json /results/out/verify.json >/results/verify.txt 2>&1
echo "verify exit $?"
find /sys/fs/cgroup -mindepth 1 -type d -name 'poof-*' >/results/cgroups-after.txt
for p in /proc/[0-9]*; do
	read -r comm <"$p/comm" 2>/dev/null || continue
	case "$comm" in poof*) echo "${p#/proc/} $comm" ;; esac
done >/results/processes-after.txt
HOOK

r=$tmp/hung.json
vm_run hung --fault suspend --fault-after 3s --fault-for 30s --guest-hook "$tmp/hook.sh" -- \
	stress --profile tight-container -o expect-oom=no -o memory-max=256M \
	-o hog.squeeze.size=4M -o fsync=every=4 -o duration=6s -o stall-timeout=2s \
	-o stop-timeout=3s -o io-timeout=5s --json "$r"
d=$tmp/hung
cat "$d/hook.log" 2>/dev/null | sed 's/^/   hook: /'
assert_eq "exit code" 2 "$rc"
assert_eq verdict HANG "$(json "$r" verdict)"
assert_eq "hung during" syncfs "$(json "$r" verify.target_hung.during)"
assert_eq "io-timeout" 5 "$(json "$r" verify.target_hung.io_timeout_s | cut -d. -f1)"
assert_ge "syncfs process left waiting" 1 "$(json "$r" verify.target_hung.syncfs_pid)"
assert_eq "verification ran" false "$(json "$r" verify.ran)"
assert_eq syncfs not-run "$(json "$r" syncfs)"
assert_ge "unkillable writers" 1 "$(json "$r" write_phase.unreaped_writers)"
grep -q "poof-syncfs" "$d/processes-left.txt" ||
	fail "no poof-syncfs process waiting when poof exited: $(cat "$d/processes-left.txt")"
echo "   ok: poof exited while its syncfs was still waiting on the device"
grep -q "^verify exit 0" "$d/hook.log" || fail "poof verify after the resume: $(cat "$d/verify.txt")"
v=$d/out/verify.json
assert_eq "re-verified verdict" PASS "$(json "$v" verdict)"
assert_ge "blocks re-verified" 1 "$(json "$v" verify.blocks)"
assert_eq "losses after the resume" 0 "$(json "$v" verify.losses_total)"
[ ! -s "$d/cgroups-after.txt" ] || fail "cgroups left after poof cleanup: $(cat "$d/cgroups-after.txt")"
[ ! -s "$d/processes-after.txt" ] || fail "processes left: $(cat "$d/processes-after.txt")"
echo "   ok: after the resume and poof cleanup no cgroup and no process of the run is left"
