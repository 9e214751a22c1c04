#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# SIGINT and SIGTERM at a random moment of a tight-container run (v1 memory
# controller, as on this project's hybrid build hosts): poof stops, flushes,
# verifies what was written and exits with a verdict (never a usage or
# internal error), its report says the run was interrupted, and nothing of the
# run is left: no cgroup, no writer or hog process. Each signal twice.
#
# Usage: signals.sh

. "$(dirname "$0")/lib.sh"

require_root "to create cgroups"
v1_memory_parent

make_fs ext4

n=0
for sig in INT TERM INT TERM; do
	n=$((n + 1))
	run=$WORK/run-$n
	# 0.5 to 3 s: during start-up, the first OOM kills, or the steady state.
	ms=$((500 + RANDOM % 2501))
	delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	"$POOF" stress --profile tight-container --dir "$MNT" --run-dir "$run" -q \
		-o duration=30s >"$WORK/stress-$n.out" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	pid=
	info "SIG$sig after ${delay}s: exit $rc"
	[ "$rc" -lt 64 ] || fail "SIG$sig after ${delay}s: exit $rc: $(cat "$WORK/stress-$n.out")"
	report=$run/report.json
	[ -f "$report" ] || fail "SIG$sig after ${delay}s: no $report: $(cat "$WORK/stress-$n.out")"
	assert_eq "SIG$sig after ${delay}s: interrupted" true "$(json "$report" interrupted)"
	id=$(json "$report" run_id)
	groups=$(find "$parent" -maxdepth 1 -name "poof-$id*")
	workers=$(run_leftovers "$run")
	[ -z "$groups$workers" ] || fail "SIG$sig after ${delay}s: left behind: cgroups [$groups]" \
		"processes [$workers]"
	info "ok: SIG$sig after ${delay}s: no cgroup and no process of run $id left"
	rm -rf "$MNT/poof-$id"
done
