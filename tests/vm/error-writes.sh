#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Positive control for reported errors: dm-flakey fails every write with EIO.
# The writers' fsyncs and poof's syncfs see EIO, every acknowledged block is
# lost-reported, and that fails the run only with strict-errors.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

check='v["blocks"] > 0 and c["ok"] == 0 and c["lost-silent"] + c["lost-durable"] == 0 and c["lost-reported"] == v["blocks"] - c["in-flight"] and j["syncfs"] == "EIO" and sum(f["fsync_errors"] for f in j["files"]) > 0'

vm_run error --fault error-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	--json "$tmp/error.json"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 without strict-errors"
json_check "$tmp/error.json" "j['exit_code'] == 0 and $check"

vm_run strict --fault error-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	-o strict-errors=yes --json="$tmp/strict.json"
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1 with strict-errors"
json_check "$tmp/strict.json" "j['exit_code'] == 1 and $check"
echo "ok: EIO reported, losses lost-reported, strict-errors decides"
