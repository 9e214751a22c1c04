#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Positive control for silent losses: dm-flakey drops every write from before
# the run starts, so nothing this run writes reaches the media. Every block
# that was acknowledged and not in flight must be lost-silent or lost-durable
# (none ok, none reported): a verifier that misses dropped writes fails here.
# With ENGINE ($1: pwrite by default, io_uring, mmap) the writers write
# through that engine; the count is as exact with a ring's queue of writes
# in flight when a writer is killed.
#
# With the default engine the run's reports say so too: --html, --junit and
# --ktap in the guest command come back to the host. Headless chromium renders the HTML,
# whose DOM must hold the FAIL verdict, the count of every class and the
# loss table's first row as the JSON has them (check-dom.py), and whose
# screenshot is not blank (png-check.py); the JUnit validates against
# tests/report/junit.xsd and its failure names the first loss; the kernel's
# kunit_parser.py counts the KTAP's passed, failed and skipped checks as
# the JSON says (kunit-counts.py).
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"
engine=${1:-pwrite}

r=$tmp/drop.json
vm_run drop --fault drop-writes -- stress -o cgroup=none --profile smoke -o duration=3s \
	-o engine="$engine" --json "$r" --html "$tmp/drop.html" --junit "$tmp/drop.xml" \
	--ktap "$tmp/drop.ktap"
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1 (FAIL)"
classes "$r"
assert_eq "report exit_code" 1 "$(json "$r" exit_code)"
assert_eq engine "$engine" "$(json "$r" plan.writer_groups.0.engine)"
assert_gt blocks 0 "$blocks"
assert_eq ok 0 "$ok"
assert_eq lost-reported 0 "$lost_reported"
assert_eq "torn + misdirected + corrupt" 0 $((torn + misdirected + corrupt))
assert_eq "lost-silent + lost-durable = blocks - in-flight" $((blocks - in_flight)) \
	$((lost_silent + lost_durable))
assert_gt "lost-silent + lost-durable" 0 $((lost_silent + lost_durable))
echo "ok: every acknowledged block written with $engine was found lost"
# The reports are the same whatever the engine: checked once.
[ "$engine" = pwrite ] || exit 0

for f in "$tmp/drop.html" "$tmp/drop.xml" "$tmp/drop.ktap"; do
	[ -s "$f" ] || fail "$f did not come back from the guest"
done
echo "ok: --html, --junit and --ktap came back to the host"

: "${POOF_SOURCE_ROOT:?POOF_SOURCE_ROOT must name the source tree}"
report_tests=$POOF_SOURCE_ROOT/tests/report
first_file=$(json "$r" verify.losses.0.file)

if command -v xmllint >/dev/null; then
	xmllint --noout --schema "$report_tests/junit.xsd" "$tmp/drop.xml" ||
		fail "the JUnit report does not validate"
	grep -qF "$first_file" "$tmp/drop.xml" || fail "the JUnit report does not name $first_file"
	echo "ok: the JUnit report validates and names the first loss, $first_file"
else
	echo "# xmllint not found: the JUnit report is not validated here (tests/report does)"
fi

command -v python3 >/dev/null || skip "python3 not found: the reports are not checked"
WORK=$tmp
. "$report_tests/chromium.sh"
browse "$tmp/drop.html" "$tmp/drop"
python3 "$report_tests/check-dom.py" "$tmp/drop.dom" "$r" >&2 ||
	fail "the DOM misses what the report holds"
python3 "$report_tests/png-check.py" "$tmp/drop.png" >&2 || fail "the screenshot shows no page"
[ -z "${POOF_KEEP_SCREENSHOT:-}" ] || cp "$tmp/drop.png" "$tmp/drop.html" "$POOF_KEEP_SCREENSHOT/"
echo "ok: chromium renders the FAIL verdict, the class counts and the first loss"

. "$report_tests/kunit.sh"
kunit_tree "$tmp" || skip "the losses were asserted, the KTAP cannot be: $kunit_missing"
kunit_check "$tmp/drop.ktap" "$r"
echo "ok: kunit_parser counts the KTAP's checks as the JSON says"

