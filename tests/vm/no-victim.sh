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
echo "   write_errors $(jv --sum "$r" 'files.*.write_errors'), containers' oom $(jv --sum "$r" 'containers.*.oom'), max $(jv --sum "$r" 'containers.*.max')"
getv enomem --sum "$r" 'files.*.enomem'
getv fsync_errors --sum "$r" 'files.*.fsync_errors'
expect_gt "ENOMEM and fsync errors" 0 $((enomem + fsync_errors))
expect "OOM kills" 0 "$(jv "$r" write_phase.oom_kills)"
expect "the containers' oom_kill" 0 "$(jv --sum "$r" 'containers.*.oom_kill')"
expect losses 0 "$(jv "$r" verify.losses_total)"
expect "report exit_code" 0 "$(jv "$r" exit_code)"
echo "ok: ENOMEM reached the writers, nothing was killed, nothing acknowledged was lost"
