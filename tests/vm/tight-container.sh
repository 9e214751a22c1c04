#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The everyday profile on cgroup v2 (cgroupfs manager in the guest), shortened
# to 20 s: the 32 MiB container reaches the OOM killer, the report's OOM kill
# count equals both memory.events and the kernel's own oom-kill lines, killed
# processes were respawned, nothing was lost (exit 0). Then the same run over
# dm-flakey dropping every write, with a hook dropping the guest's caches
# every half second so ext4 reads its dropped metadata back (zeros: "bad
# header/extent", files it cannot open): exit 1 all the same. Those
# filesystem error lines are not I/O errors and must not excuse the losses as
# reported, and an unopenable file is judged, not an internal error.
. "$(dirname "$0")/lib.sh"

vm_run tight -- stress --profile tight-container -o duration=20s --json "$tmp/tight.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/tight.json
kills=$(jv "$r" write_phase.oom_kills)
expect "cgroup manager" cgroupfs "$(jv "$r" cgroup_manager)"
expect_ge "OOM kills" 1 "$kills"
expect "OOM kills = the containers' oom_kill" "$(jv --sum "$r" 'containers.*.oom_kill')" "$kills"
expect "OOM kills = the kernel's oom-kill lines" "$(jv "$r" kernel.events.oom-kill)" "$kills"
getv respawns "$r" write_phase.respawns
getv hog_deaths "$r" write_phase.hog_deaths
expect_ge "respawns + hog deaths" 1 $((respawns + hog_deaths))
expect losses 0 "$(jv "$r" verify.losses_total)"
case "$(jv "$r" containers.0.path)" in */box) ;; *) fail "container path does not end in /box" ;; esac
expect_gt "memory pressure (some)" 0 "$(jv "$r" containers.0.memory_pressure.some_s)"
echo "ok: OOM kills counted and equal to the kernel's, nothing lost"
expect "stalls in a healthy run" 0 "$(jv "$tmp/tight.json" write_phase.stalls)"
expect "unkillable writers" 0 "$(jv "$tmp/tight.json" write_phase.unreaped_writers)"
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
	--profile tight-container -o duration=20s --json "$tmp/tight-drop.json"
sed 's/^/   hook: /' "$tmp/tight-drop/hook.log"
[ "$rc" -eq 1 ] || fail "exit $rc with drop-writes, expected 1 (FAIL)"
r=$tmp/tight-drop.json
expect "report exit_code" 1 "$(jv "$r" exit_code)"
classes "$r"
expect_gt "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
expect_ge "OOM kills" 1 "$(jv "$r" write_phase.oom_kills)"
expect "kernel I/O errors for the target" false "$(jv "$r" kernel.target_error)"
expect "syncfs" ok "$(jv "$r" syncfs)"
echo "   (ext4 error lines: $(jv "$r" kernel.events.fs-error), files it could not open:" \
	"$(jv "$r" verify.files_unopenable))"
echo "ok: the dropped writes are found under memory pressure too"
