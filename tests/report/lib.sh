#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by the report tests (source it; it is not a test): the fixtures,
# a scratch directory removed on exit, and from ../assert.sh skip, fail,
# json and the assertions.
#
# The meson test sets POOF (the poof binary), POOF_JSON (tests/helpers/
# poof-json) and FIXTURES (tests/fixtures/reports); set them by hand to run
# a test alone.

set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../assert.sh"

[ -x "${POOF:-}" ] || fail "POOF must name the poof binary (meson test sets it), got '${POOF:-}'"
[ -d "${FIXTURES:-}" ] ||
	fail "FIXTURES must name tests/fixtures/reports (meson test sets it), got '${FIXTURES:-}'"
command -v python3 >/dev/null || skip "python3 not found"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d /tmp/poof-report-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The fixture of each verdict the tests render. All were written by poof
# 0.1.0 before the renderers existed; pass-oom-kills.json is the one the
# `poof report RUNDIR` test treats as "a report from before this change".
FIX_PASS=$FIXTURES/pass-oom-kills.json
FIX_FAIL=$FIXTURES/fail-drop-writes.json
FIX_HANG=$FIXTURES/hang-stall.json
FIX_INEFFECTIVE=$FIXTURES/ineffective.json
FIX_INTERRUPTED=$FIXTURES/interrupted.json

# synth NAME KIND [ARGS...]: a made-up report (synth-report.py) in $WORK/NAME.json.
synth()
{
	local name=$1

	shift
	python3 "$HERE/synth-report.py" "$@" >"$WORK/$name.json" || fail "synth-report.py $* failed"
	echo "$WORK/$name.json"
}

# render FORMAT INPUT OUTPUT: poof report INPUT --FORMAT OUTPUT, which must exit 0.
render()
{
	local err=$WORK/render.err

	"$POOF" report "$2" "--$1" "$3" 2>"$err" || fail "poof report $2 --$1 $3: exit $?: $(cat "$err")"
}
