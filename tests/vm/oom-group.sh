#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tight-container with memory.oom.group on cgroup v2, shortened to 10 s: the
# OOM killer kills the whole container at once (oom_group_kill in
# memory.events), the writers are respawned and carry on from the ledger,
# and nothing acknowledged is lost (exit 0).
. "$(dirname "$0")/lib.sh"

vm_run og -- stress --profile tight-container -o duration=10s -o container.box.oom-group=yes \
	--json "$tmp/og.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/og.json
echo "   oom_kill $(json "$r" containers.0.oom_kill)"
assert_ge oom_group_kill 1 "$(json "$r" containers.0.oom_group_kill)"
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
assert_ge respawns 1 "$(json "$r" write_phase.respawns)"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_eq "report exit_code" 0 "$(json "$r" exit_code)"
echo "ok: whole-container OOM kills, writers respawned, nothing lost"
