#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The oom-storm profile on cgroup v2, shortened to 15 s: eight 16 MiB
# containers, all in the report, reach the OOM killer, and nothing
# acknowledged is lost (exit 0).
. "$(dirname "$0")/lib.sh"

vm_run storm -- stress --profile oom-storm -o duration=15s --json "$tmp/storm.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
json_check "$tmp/storm.json" 'len(j["containers"]) == 8 and j["write_phase"]["oom_kills"] >= 1 and j["write_phase"]["oom_kills"] == sum(x["oom_kill"] for x in j["containers"]) and v["losses_total"] == 0 and j["exit_code"] == 0'
echo "ok: eight containers, OOM kills, nothing lost"
