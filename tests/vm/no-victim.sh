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
python3 - "$tmp/nv.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
f = j["files"]
print("   enomem", sum(x["enomem"] for x in f), "write_errors", sum(x["write_errors"] for x in f),
      "fsync_errors", sum(x["fsync_errors"] for x in f), "oom_kills", j["write_phase"]["oom_kills"],
      "containers", [(c["name"], c["oom"], c["oom_kill"], c["max"]) for c in j["containers"]])
PY
json_check "$tmp/nv.json" 'sum(x["enomem"] + x["fsync_errors"] for x in j["files"]) >= 1 and j["write_phase"]["oom_kills"] == 0 and sum(x["oom_kill"] for x in j["containers"]) == 0 and v["losses_total"] == 0 and j["exit_code"] == 0'
echo "ok: ENOMEM reached the writers, nothing was killed, nothing acknowledged was lost"
