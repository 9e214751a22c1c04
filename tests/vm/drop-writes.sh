#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Positive control for silent losses: dm-flakey drops every write from before
# the run starts, so nothing this run writes reaches the media. Every block
# that was acknowledged and not in flight must be lost-silent or lost-durable
# (none ok, none reported): a verifier that misses dropped writes fails here.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

vm_run drop --fault drop-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	--json "$tmp/drop.json"
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1 (FAIL)"
json_check "$tmp/drop.json" 'j["exit_code"] == 1 and v["blocks"] > 0 and c["ok"] == 0 and c["lost-reported"] == 0 and c["torn"] + c["misdirected"] + c["corrupt"] == 0 and c["lost-silent"] + c["lost-durable"] == v["blocks"] - c["in-flight"] and c["lost-silent"] + c["lost-durable"] > 0'
echo "ok: every acknowledged block was found lost"
