#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tight-container with memory.oom.group on cgroup v2, shortened to 15 s: the
# OOM killer kills the whole container at once (oom_group_kill in
# memory.events), the writers are respawned and carry on from the ledger,
# and nothing acknowledged is lost (exit 0).
. "$(dirname "$0")/lib.sh"

vm_run og -- stress --profile tight-container -o duration=15s -o container.box.oom-group=yes \
	--json "$tmp/og.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
python3 - "$tmp/og.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
c = j["containers"][0]
print("   oom_kill", c["oom_kill"], "oom_group_kill", c["oom_group_kill"], "respawns", j["write_phase"]["respawns"])
PY
json_check "$tmp/og.json" 'j["containers"][0]["oom_group_kill"] >= 1 and j["write_phase"]["oom_kills"] >= 1 and j["write_phase"]["respawns"] >= 1 and v["losses_total"] == 0 and j["exit_code"] == 0'
echo "ok: whole-container OOM kills, writers respawned, nothing lost"
