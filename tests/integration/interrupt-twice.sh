#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A second SIGINT skips verification but still cleans up: the first stops
# the writers, and poof goes on to flush (about 0.5 GiB of dirty page cache,
# so syncfs takes a while) and verify; the second, 0.2 s later, skips (or
# stops) verification. Exit 130 (INTERRUPTED, no verdict), the report says
# verification was skipped, no process of the run is left, and the sealed
# ledger lets `poof verify` judge the run afterwards: nothing lost, exit 0.

. "$(dirname "$0")/lib.sh"

make_fs ext4 3G
run=$WORK/run
"$POOF" stress --profile smoke --dir "$MNT" --run-dir "$run" -q -o writers=4 \
	-o file-size=128M -o fsync=none -o duration=30s -o kill-writers=0 \
	>"$WORK/out" 2>&1 &
pid=$!
sleep 2
kill -INT "$pid"
sleep 0.2
kill -INT "$pid" 2>/dev/null || fail "poof had already exited 0.2 s after the first SIGINT"
run_rc rc wait "$pid"
cat "$WORK/out" >&2

report=$run/report.json
assert_eq "exit code" 130 "$rc"
assert_eq verdict INTERRUPTED "$(json "$report" verdict)"
assert_eq "report exit_code" 130 "$(json "$report" exit_code)"
assert_eq interrupted true "$(json "$report" interrupted)"
assert_eq "verification skipped" true "$(json "$report" verify.skipped)"
assert_eq "verification ran" false "$(json "$report" verify.ran)"
assert_contains "the summary" "verification skipped" "$WORK/out"
left=$(run_leftovers "$run")
[ -z "$left" ] || fail "workers left behind: $left"
info "ok: no writer left"

run_rc rc "$POOF" verify "$run" --json "$WORK/verify.json"
assert_eq "poof verify exit code" 0 "$rc"
assert_eq "poof verify verdict" PASS "$(json "$WORK/verify.json" verdict)"
assert_ge "blocks verified afterwards" 1 "$(json "$WORK/verify.json" verify.blocks)"
assert_eq "losses" 0 "$(json "$WORK/verify.json" verify.losses_total)"
