#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The oom-storm profile on cgroup v2, shortened to 15 s: eight 16 MiB
# containers, all in the report, reach the OOM killer, and nothing
# acknowledged is lost (exit 0).
. "$(dirname "$0")/lib.sh"

vm_run storm -- stress --profile oom-storm -o duration=15s --json "$tmp/storm.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/storm.json
kills=$(jv "$r" write_phase.oom_kills)
expect containers 8 "$(jv --count "$r" 'containers.*')"
expect_ge "OOM kills" 1 "$kills"
expect "OOM kills = the containers' oom_kill" "$(jv --sum "$r" 'containers.*.oom_kill')" "$kills"
expect losses 0 "$(jv "$r" verify.losses_total)"
expect "report exit_code" 0 "$(jv "$r" exit_code)"
echo "ok: eight containers, OOM kills, nothing lost"
