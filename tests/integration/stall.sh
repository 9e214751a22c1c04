#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A writer that stops making progress is a stall: one writer is SIGSTOPped
# mid-run, its heartbeat stops, and after stall-timeout poof records it with
# its state (T, stopped), wchan and kernel stack. The verdict is HANG, exit 2,
# and the run still verifies and cleans up (the stopped writer dies by the
# final SIGKILL). The healthy tests assert the opposite: no stall.

. "$(dirname "$0")/lib.sh"

require_root "to read the writers' kernel stacks"
make_fs ext4

run=$WORK/run
"$POOF" stress --profile smoke --dir "$MNT" --run-dir "$run" -q -o duration=4s \
	-o stall-timeout=1s -o kill-writers=0 >"$WORK/out" 2>"$WORK/err" &
pid=$!
# Wait for the writer to exist, then stop it.
for _ in $(seq 50); do
	pgrep -P "$pid" -x poof-w0 >/dev/null && break
	sleep 0.1
done
wpid=$(pgrep -P "$pid" -x poof-w0) || fail "no writer poof-w0 of this run to stop"
kill -STOP "$wpid"
wait "$pid" && rc=0 || rc=$?
cat "$WORK/out"

report=$run/report.json
assert_eq "exit code" 2 "$rc"
assert_eq verdict HANG "$(json "$report" verdict)"
assert_ge stalls 1 "$(json "$report" write_phase.stalls)"
assert_eq "stalled writer" 0 "$(json "$report" write_phase.stalled.0.writer)"
assert_eq "its state" T "$(json "$report" write_phase.stalled.0.state)"
stack=$(json "$report" write_phase.stalled.0.stack)
[ -n "$stack" ] || fail "no kernel stack recorded for the stalled writer"
assert_eq "unreaped writers" 0 "$(json "$report" write_phase.unreaped_writers)"
# Verification still ran and found nothing lost.
assert_eq losses_total 0 "$(json "$report" verify.losses_total)"
! kill -0 "$wpid" 2>/dev/null || fail "the stopped writer $wpid outlived the run"
