#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The KTAP report, read by the kernel's own parser: kunit_parser.py from
# Debian's linux-source-6.1 (kunit.sh). For every fixture, its counts of
# passed, failed and skipped checks, per check, agree with what the JSON
# says (kunit-counts.py), with no parse error; --ktap - writes the same
# text to stdout.
. "$(dirname "$0")/lib.sh"

. "$HERE/kunit.sh"
kunit_tree "$WORK" || skip "$kunit_missing"

for report in "$FIXTURES"/*.json "$(synth future future "$FIX_FAIL")" "$(synth bare bare)"; do
	out=$WORK/$(basename "$report" .json).ktap
	render ktap "$report" "$out"
	kunit_check "$out" "$report"
	info "ok: $(basename "$report")"
done

# "-" is stdout, byte for byte the file.
"$POOF" report "$FIX_FAIL" --ktap - >"$WORK/stdout.ktap" 2>"$WORK/stdout.err" ||
	fail "poof report --ktap -: exit $?: $(cat "$WORK/stdout.err")"
cmp -s "$WORK/stdout.ktap" "$WORK/fail-drop-writes.ktap" ||
	fail "--ktap - wrote other text than --ktap FILE"
assert_eq "KTAP header" "KTAP version 1" "$(head -n1 "$WORK/stdout.ktap")"
assert_eq "plan" "1..4" "$(sed -n 2p "$WORK/stdout.ktap")"
