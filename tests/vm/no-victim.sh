#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The no-victim profile on cgroup v2, shortened to 15 s: every task of the
# container is at oom_score_adj -1000, so at the limit the kernel fails the
# charge instead of killing. Buffered writes (or fsyncs) return ENOMEM and
# the ledger records them; no OOM kill happens; a block whose write failed is
# never counted as acknowledged, so nothing is lost (failed writes are
# in-flight at most) and the run passes (exit 0).
. "$(dirname "$0")/lib.sh"

vm_run nv -- stress --profile no-victim -o duration=15s --json "$tmp/nv.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
r=$tmp/nv.json
echo "   write_errors $(json --sum "$r" 'files.*.write_errors'), containers' oom $(json --sum "$r" 'containers.*.oom'), max $(json --sum "$r" 'containers.*.max')"
getv enomem --sum "$r" 'files.*.enomem'
getv fsync_errors --sum "$r" 'files.*.fsync_errors'
assert_gt "ENOMEM and fsync errors" 0 $((enomem + fsync_errors))
assert_eq "OOM kills" 0 "$(json "$r" write_phase.oom_kills)"
assert_eq "the containers' oom_kill" 0 "$(json --sum "$r" 'containers.*.oom_kill')"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_eq "report exit_code" 0 "$(json "$r" exit_code)"
echo "ok: ENOMEM reached the writers, nothing was killed, nothing acknowledged was lost"
