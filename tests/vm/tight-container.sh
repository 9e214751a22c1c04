#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The everyday profile on cgroup v2 (cgroupfs manager in the guest), shortened
# to 20 s: the 32 MiB container reaches the OOM killer, the report's OOM kill
# count equals both memory.events and the kernel's own oom-kill lines, killed
# processes were respawned, nothing was lost (exit 0). Then the same run over
# dm-flakey dropping every write: exit 1.
. "$(dirname "$0")/lib.sh"

vm_run tight -- stress --profile tight-container -o duration=20s --json "$tmp/tight.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
json_check "$tmp/tight.json" 'j["cgroup_manager"] == "cgroupfs" and j["write_phase"]["oom_kills"] >= 1 and j["write_phase"]["oom_kills"] == sum(x["oom_kill"] for x in j["containers"]) and j["write_phase"]["oom_kills"] == j["kernel"]["events"]["oom-kill"] and j["write_phase"]["respawns"] + j["write_phase"]["hog_deaths"] >= 1 and v["losses_total"] == 0 and j["containers"][0]["path"].endswith("/box") and j["containers"][0]["memory_pressure"]["some_s"] > 0'
echo "ok: OOM kills counted and equal to the kernel's, nothing lost"
expect "stalls in a healthy run" 0 "$(jv "$tmp/tight.json" write_phase.stalls)"
expect "unkillable writers" 0 "$(jv "$tmp/tight.json" write_phase.unreaped_writers)"
nothing_left tight

command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"
vm_run tight-drop --fault drop-writes -- stress --profile tight-container -o duration=20s \
	--json "$tmp/tight-drop.json"
[ "$rc" -eq 1 ] || fail "exit $rc with drop-writes, expected 1 (FAIL)"
json_check "$tmp/tight-drop.json" 'j["exit_code"] == 1 and c["lost-silent"] + c["lost-durable"] > 0 and j["write_phase"]["oom_kills"] >= 1'
echo "ok: the dropped writes are found under memory pressure too"
