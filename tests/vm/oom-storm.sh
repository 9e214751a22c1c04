#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The oom-storm profile on cgroup v2, shortened to 10 s: eight 16 MiB
# containers, all in the report, reach the OOM killer, and nothing
# acknowledged is lost (exit 0).
. "$(dirname "$0")/lib.sh"

vm_run storm -- stress --profile oom-storm -o duration=10s --json "$tmp/storm.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/storm.json
kills=$(json "$r" write_phase.oom_kills)
assert_eq containers 8 "$(json --count "$r" 'containers.*')"
assert_ge "OOM kills" 1 "$kills"
assert_eq "OOM kills = the containers' oom_kill" "$(json --sum "$r" 'containers.*.oom_kill')" "$kills"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_eq "report exit_code" 0 "$(json "$r" exit_code)"
echo "ok: eight containers, OOM kills, nothing lost"
