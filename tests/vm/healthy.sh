#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The negative control: a healthy run on cgroup v2 in the guest, on the
# filesystem given as $1, loses nothing, has no stall and exits 0.
. "$(dirname "$0")/lib.sh"
fs=${1:-ext4}
command -v "mkfs.$fs" >/dev/null || skip "mkfs.$fs missing"

vm_run healthy --fs "$fs" -- stress -o cgroup=none --profile smoke -o duration=3s \
	--json "$tmp/healthy.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0"
[ -s "$tmp/healthy.json" ] || fail "--json did not come back to the host"
r=$tmp/healthy.json
classes "$r"
assert_eq "report exit_code" 0 "$(json "$r" exit_code)"
assert_gt blocks 0 "$blocks"
assert_eq "ok + in-flight = blocks" "$blocks" $((ok + in_flight))
grep -q "PASS" "$tmp/healthy.out" || fail "the guest's summary is not on stdout"
assert_eq verdict PASS "$(json "$tmp/healthy.json" verdict)"
assert_eq "stalls in a healthy run" 0 "$(json "$tmp/healthy.json" write_phase.stalls)"
nothing_left healthy
echo "ok: $fs healthy"
