#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# poof report, the command: it re-renders a run directory holding a report
# from before the renderers existed (pass-oom-kills.json, poof 0.1.0), one
# holding only verify.json, an interrupted run and a report with nothing but
# its verdict; and it refuses with the documented exit code and a message
# naming what is wrong: 64 for a command line it cannot follow, 65 for a
# report that does not parse or is not a poof report, 70 for an output it
# cannot write. Nothing is left half-written.
. "$(dirname "$0")/lib.sh"

# run EXPECTED-EXIT NEEDLE ARGS...: poof report ARGS exits EXPECTED-EXIT and
# says NEEDLE (any case) on stderr.
run()
{
	local want=$1 needle=$2 rc=0

	shift 2
	"$POOF" report "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	[ "$rc" = "$want" ] || fail "poof report $*: exit $rc, expected $want: $(cat "$WORK/err")"
	[ -z "$needle" ] || assert_contains "poof report $* says" "$needle" "$WORK/err"
	info "ok: poof report $* -> $rc"
}

# no_outputs DIR: no report and no temporary file of one in DIR.
no_outputs()
{
	local left

	left=$(find "$1" -maxdepth 1 \( -name '*.html' -o -name '*.xml' -o -name '*.ktap' \
		-o -name '.*.tmp' \) | head -n 3)
	[ -z "$left" ] || fail "left behind in $1: $left"
}

out=$WORK/out.d
mkdir -p "$out"

# A run directory from before this change: report.json, as poof 0.1.0 wrote it.
rundir=$WORK/run-before
mkdir -p "$rundir"
cp "$FIX_PASS" "$rundir/report.json"
run 0 "" "$rundir" --html "$out/before.html" --junit "$out/before.xml" --ktap "$out/before.ktap"
for f in before.html before.xml before.ktap; do
	[ -s "$out/$f" ] || fail "$f not written"
done
assert_contains "the page's verdict" '<span class="verdict">PASS</span>' "$out/before.html"
assert_contains "KTAP" "ok 4 expect-oom" "$out/before.ktap"

# Only verify.json: rendered; beside a report.json, report.json is taken and verify.json named.
vdir=$WORK/run-verified
mkdir -p "$vdir"
cp "$FIXTURES/verify.json" "$vdir/verify.json"
run 0 "" "$vdir" --ktap "$out/verified.ktap"
assert_contains "verify.json rendered" "poof verify" "$out/verified.ktap"
cp "$FIX_PASS" "$vdir/report.json"
run 0 "verify.json" "$vdir" --ktap -
assert_contains "report.json taken first" "poof stress" "$WORK/out"

# An interrupted run (SIGINT after 3 s): rendered, and said so.
run 0 "" "$FIX_INTERRUPTED" --html "$out/interrupted.html" --ktap "$out/interrupted.ktap"
assert_contains "interrupted, on the page" '<span class="tag">interrupted</span>' "$out/interrupted.html"
assert_contains "interrupted, in KTAP" "interrupted" "$out/interrupted.ktap"

# Every key but the verdict missing: "not recorded", never an error.
bare=$(synth bare bare)
run 0 "" "$bare" --html "$out/bare.html" --junit "$out/bare.xml" --ktap "$out/bare.ktap"
assert_contains "missing keys" "not recorded" "$out/bare.html"

# Bad usage: 64, naming what is accepted.
bad=$WORK/bad.d
mkdir -p "$bad"
run 64 "exactly one RUNDIR" --html "$bad/x.html"
run 64 "--html FILE, --junit FILE, --ktap FILE|-" "$FIX_PASS"
run 64 "accepts --html FILE" "$FIX_PASS" --pdf "$bad/x.pdf"
run 64 "exactly one" "$FIX_PASS" "$FIX_FAIL" --ktap -
run 64 "expected a file name" "$FIX_PASS" --junit -
run 64 "given twice" "$FIX_PASS" --ktap "$bad/a.ktap" --ktap "$bad/b.ktap"
run 64 "does not exist" "$FIX_PASS" --html "$WORK/no/such/dir/x.html"
run 64 "No such file" "$WORK/missing.json" --ktap "$bad/x.ktap"
mkdir -p "$WORK/empty-run"
run 64 "holds neither report.json nor verify.json" "$WORK/empty-run" --ktap "$bad/x.ktap"
ln -s "$(realpath "$FIX_PASS")" "$WORK/link.json"
run 64 "symbolic link" "$WORK/link.json" --ktap "$bad/x.ktap"
no_outputs "$bad"

# Reports that are damaged or not poof's: 65, naming what is wrong, nothing written.
printf '{"schema_version": 1, "verdict": "PA' >"$WORK/cut.json"
run 65 "does not parse as JSON" "$WORK/cut.json" --html "$bad/x.html" --ktap "$bad/x.ktap"
printf '{"schema_version": 1} trailing' >"$WORK/trailing.json"
run 65 "text after the report" "$WORK/trailing.json" --ktap "$bad/x.ktap"
printf '{"schema_version": 1,,}' >"$WORK/syntax.json"
run 65 "line 1, column" "$WORK/syntax.json" --ktap "$bad/x.ktap"
: >"$WORK/empty.json"
run 65 "is empty" "$WORK/empty.json" --ktap "$bad/x.ktap"
echo '[1, 2]' >"$WORK/array.json"
run 65 "one JSON object" "$WORK/array.json" --ktap "$bad/x.ktap"
echo '{"verdict": "PASS"}' >"$WORK/unversioned.json"
run 65 "schema_version is missing" "$WORK/unversioned.json" --ktap "$bad/x.ktap"
echo '{"schema_version": "1"}' >"$WORK/stringly.json"
run 65 "not an integer" "$WORK/stringly.json" --ktap "$bad/x.ktap"
echo '{"schema_version": 2, "tool": {"name": "poof"}}' >"$WORK/future.json"
run 65 "schema_version 2" "$WORK/future.json" --ktap "$bad/x.ktap"
echo '{"schema_version": 1, "tool": {"name": "fio"}}' >"$WORK/other.json"
run 65 "tool.name is fio" "$WORK/other.json" --ktap "$bad/x.ktap"
mkdir -p "$WORK/damaged-run"
echo '{"schema_version": 1, "verdict": ' >"$WORK/damaged-run/report.json"
run 65 "damaged-run/report.json does not parse" "$WORK/damaged-run" --junit "$bad/x.xml"
no_outputs "$bad"

# An output that is a directory: refused before anything is read or written (64).
mkdir -p "$bad/a-directory.html"
run 64 "is a directory" "$FIX_PASS" --html "$bad/a-directory.html"
[ -d "$bad/a-directory.html" ] || fail "the directory in the way was replaced"
rmdir "$bad/a-directory.html"
no_outputs "$bad"

# An output that cannot be written (procfs makes no files): 70, the file named.
run 70 "cannot write the html report" "$FIX_PASS" --html /proc/poof-report-test.html
[ ! -e /proc/poof-report-test.html ] || fail "a file appeared in /proc"

# --help is not an error.
run 0 "" --help
assert_contains "usage" "Usage: poof report" "$WORK/out"
