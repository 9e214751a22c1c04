#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The everyday profile on cgroup v2 (cgroupfs manager in the guest), shortened
# to 12 s: the 32 MiB container reaches the OOM killer, the report's OOM kill
# count equals both memory.events and the kernel's own oom-kill lines, killed
# processes were respawned, nothing was lost (exit 0). Then the same run over
# dm-flakey dropping every write, with a hook dropping the guest's caches
# every half second so ext4 reads its dropped metadata back (zeros: "bad
# header/extent", files it cannot open): exit 1 all the same. Those
# filesystem error lines are not I/O errors and must not excuse the losses as
# reported, and an unopenable file is judged, not an internal error.
. "$(dirname "$0")/lib.sh"

vm_run tight -- stress --profile tight-container -o duration=12s --json "$tmp/tight.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/tight.json
kills=$(json "$r" write_phase.oom_kills)
assert_eq "cgroup manager" cgroupfs "$(json "$r" cgroup_manager)"
assert_ge "OOM kills" 1 "$kills"
assert_eq "OOM kills = the containers' oom_kill" "$(json --sum "$r" 'containers.*.oom_kill')" "$kills"
assert_eq "OOM kills = the kernel's oom-kill lines" "$(json "$r" kernel.events.oom-kill)" "$kills"
getv respawns "$r" write_phase.respawns
getv hog_deaths "$r" write_phase.hog_deaths
assert_ge "respawns + hog deaths" 1 $((respawns + hog_deaths))
assert_eq losses 0 "$(json "$r" verify.losses_total)"
case "$(json "$r" containers.0.path)" in */box) ;; *) fail "container path does not end in /box" ;; esac
assert_gt "memory pressure (some)" 0 "$(json "$r" containers.0.memory_pressure.some_s)"
echo "ok: OOM kills counted and equal to the kernel's, nothing lost"
assert_eq "stalls in a healthy run" 0 "$(json "$tmp/tight.json" write_phase.stalls)"
assert_eq "unkillable writers" 0 "$(json "$tmp/tight.json" write_phase.unreaped_writers)"
nothing_left tight

command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"
cat >"$tmp/drop-caches.sh" <<'HOOK'
for i in $(seq 100); do pidof poof-w0 >/dev/null && break; sleep 0.2; done
n=0
while pidof poof-w0 >/dev/null; do
	echo 3 >/proc/sys/vm/drop_caches
	n=$((n + 1))
	sleep 0.5
done
echo "dropped the caches $n times"
HOOK
vm_run tight-drop --fault drop-writes --guest-hook "$tmp/drop-caches.sh" -- stress \
	--profile tight-container -o duration=10s --json "$tmp/tight-drop.json"
sed 's/^/   hook: /' "$tmp/tight-drop/hook.log"
[ "$rc" -eq 1 ] || fail "exit $rc with drop-writes, expected 1 (FAIL)"
r=$tmp/tight-drop.json
assert_eq "report exit_code" 1 "$(json "$r" exit_code)"
classes "$r"
assert_gt "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
assert_eq "kernel I/O errors for the target" false "$(json "$r" kernel.target_error)"
assert_eq "syncfs" ok "$(json "$r" syncfs)"
echo "   (ext4 error lines: $(json "$r" kernel.events.fs-error), files it could not open:" \
	"$(json "$r" verify.files_unopenable))"
echo "ok: the dropped writes are found under memory pressure too"
