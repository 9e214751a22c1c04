#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The reports of a real OOM run, for people and for CI: the
# everyday profile under poof vm with --json, --html, --junit and --ktap in
# the guest command. poof vm brings each file back to the host; the HTML is
# loaded by headless chromium, whose DOM must hold the verdict and one
# OOM-kill mark per kill on the container's timeline (check-dom.py) and
# whose screenshot is not blank (png-check.py); the JUnit validates against
# tests/report/junit.xsd, the KTAP is version 1 with its plan and the
# kernel's kunit_parser.py counts its passed, failed and skipped checks as
# the JSON says (kunit-counts.py). Each OOM kill the report lists names its
# pid, comm and container, and each container's kills are as many as
# memory.events counted for it (oom_kill); the kernel log excerpt came back
# in the run directory.
. "$(dirname "$0")/lib.sh"

: "${POOF_SOURCE_ROOT:?POOF_SOURCE_ROOT must name the source tree}"
report_tests=$POOF_SOURCE_ROOT/tests/report
WORK=$tmp
. "$report_tests/chromium.sh"
command -v python3 >/dev/null || skip "python3 not found"

r=$tmp/tight.json
vm_run tight -- stress --profile tight-container -o duration=12s --json "$r" \
	--html "$tmp/tight.html" --junit "$tmp/tight.xml" --ktap "$tmp/tight.ktap"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
for f in "$r" "$tmp/tight.html" "$tmp/tight.xml" "$tmp/tight.ktap"; do
	[ -s "$f" ] || fail "$f did not come back from the guest"
done
echo "ok: --json, --html, --junit and --ktap came back to the host"

assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
python3 - "$r" <<'PY' || fail "the OOM kills do not agree with memory.events"
import json, sys
r = json.load(open(sys.argv[1]))
kills = r.get("oom_kills")
assert isinstance(kills, list), "no oom_kills in the report"
bad = [k for k in kills if not (isinstance(k.get("pid"), int) and k["pid"] > 0 and k.get("comm"))]
assert not bad, "kills without pid or comm: %s" % bad
for c in r["containers"]:
    mine = [k for k in kills if k.get("container") == c["name"]]
    print("# %s: %d kills listed, memory.events oom_kill %d: %s" % (
        c["name"], len(mine), c["oom_kill"],
        ", ".join("%d %s" % (k["pid"], k["comm"]) for k in mine[:6])))
    assert len(mine) == c["oom_kill"], "container %s" % c["name"]
names = {c["name"] for c in r["containers"]}
assert all(k.get("container") in names for k in kills), "a kill outside the run's containers"
PY
echo "ok: every OOM kill has its pid, comm and container, as many as memory.events counted"

log=$(json "$r" kernel.log_file)
assert_eq "kernel.log_file" kernel.log "$log"
run_id=$(json "$r" run_id)
excerpt=$(ls "$tmp"/tight/run/*"$run_id"*/kernel.log 2>/dev/null | head -n1)
[ -s "$excerpt" ] || fail "the kernel log excerpt did not come back: $(ls -R "$tmp/tight" | head -20)"
grep -q "oom-kill:" "$excerpt" || fail "$excerpt holds no oom-kill: line"
echo "ok: the kernel log excerpt came back with the OOM kills in it"

browse "$tmp/tight.html" "$tmp/tight"
python3 "$report_tests/check-dom.py" "$tmp/tight.dom" "$r" >&2 ||
	fail "the DOM misses what the report holds"
python3 "$report_tests/png-check.py" "$tmp/tight.png" >&2 || fail "the screenshot shows no page"
[ -z "${POOF_KEEP_SCREENSHOT:-}" ] || cp "$tmp/tight.png" "$tmp/tight.html" "$POOF_KEEP_SCREENSHOT/"
echo "ok: chromium renders the HTML report with every OOM kill marked"

if command -v xmllint >/dev/null; then
	xmllint --noout --schema "$report_tests/junit.xsd" "$tmp/tight.xml" ||
		fail "the JUnit report does not validate"
	echo "ok: the JUnit report validates"
else
	echo "# xmllint not found: the JUnit report is not validated here (tests/report does)"
fi
head -n2 "$tmp/tight.ktap" | tr '\n' ' ' | grep -q '^KTAP version 1 1\.\.4 $' ||
	fail "the KTAP report does not open with its version and plan: $(head -n2 "$tmp/tight.ktap")"
assert_eq "KTAP not ok lines" 0 "$(grep -c '^not ok' "$tmp/tight.ktap")"
echo "ok: the KTAP report has its plan and no failing check"
nothing_left tight

. "$report_tests/kunit.sh"
kunit_tree "$tmp" || skip "the reports were checked, the KTAP's counts cannot be: $kunit_missing"
kunit_check "$tmp/tight.ktap" "$r"
echo "ok: kunit_parser counts the KTAP's checks as the JSON says"
