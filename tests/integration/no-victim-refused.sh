#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# An oom-immune container is immune only when its tasks can go down to
# oom_score_adj -1000, which needs CAP_SYS_RESOURCE. Without it the OOM
# killer still finds victims in the container, and a no-victim run would
# test nothing of the no-victim case (it used to say PASS). Without the
# capability (dropped with capsh), poof stress --profile no-victim exits 69
# before anything is created, naming the container, the capability and the
# fix; turning the container's oom-immune off gets past that check.

. "$(dirname "$0")/lib.sh"

require_root "to create cgroups"
command -v capsh >/dev/null || skip "capsh not found (libcap2-bin)"
make_fs ext4

without_cap()
{
	capsh --drop=cap_sys_resource -- -c 'exec "$@"' capsh "$@"
}

run=$WORK/run
run_rc rc without_cap "$POOF" stress --profile no-victim --dir "$MNT" --run-dir "$run" \
	-o duration=2s 2>"$WORK/err" >"$WORK/out"
cat "$WORK/err" >&2
if [ "$rc" = 69 ] && ! grep -q oom_score_adj "$WORK/err"; then
	skip "poof cannot run containers here: $(head -c 300 "$WORK/err")"
fi
assert_eq "exit code" 69 "$rc"
assert_contains "names the container" "container immune is oom-immune" "$WORK/err"
assert_contains "names what is missing" CAP_SYS_RESOURCE "$WORK/err"
assert_contains "says what it would mean" "would test nothing" "$WORK/err"
assert_contains "the fix" "Fix:" "$WORK/err"
assert_contains "the other way out" "-o container.immune.oom-immune=no" "$WORK/err"
[ ! -e "$run" ] || fail "the run directory $run was created"
assert_eq "entries in the target" "lost+found" "$(ls -A "$MNT")"

# With the container made ordinary, the check has nothing to refuse: the run starts.
run_rc rc without_cap "$POOF" stress --profile no-victim --dir "$MNT" --run-dir "$WORK/plain" \
	-q -o duration=1s -o container.immune.oom-immune=no 2>"$WORK/err-plain" >/dev/null
cat "$WORK/err-plain" >&2
! grep -q "is oom-immune" "$WORK/err-plain" || fail "oom-immune=no was still refused"
[ -f "$WORK/plain/report.json" ] || fail "the ordinary run left no report (exit $rc)"
