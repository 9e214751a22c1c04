#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# html.sh FIXTURE...: the HTML report in a real browser. Each report is
# rendered with poof report --html and loaded by headless chromium, which
# dumps the DOM it built and takes a screenshot. The DOM must hold the
# verdict, a timeline for every container with one OOM-kill mark per kill
# in the JSON, and the loss table's first row, and nothing that loads from
# elsewhere (check-dom.py); the screenshot must show a page, not a blank
# (png-check.py). A FIXTURE is a file name in tests/fixtures/reports, or
# future:NAME for that fixture with the keys a later poof adds
# (synth-report.py), events:NAME for it with write_phase.events (whose
# respawn marks must be there), or long-run for an hour of 64 containers.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/chromium.sh"

fixture()
{
	case "$1" in
	future:*) synth "future-${1#future:}" future "$FIXTURES/${1#future:}.json" ;;
	events:*) synth "events-${1#events:}" events "$FIXTURES/${1#events:}.json" ;;
	long-run) synth long-run big "$FIX_PASS" 60 64 ;;
	*) echo "$FIXTURES/$1.json" ;;
	esac
}

[ $# -gt 0 ] || fail "usage: html.sh FIXTURE..."
for f in "$@"; do
	report=$(fixture "$f")
	out=$WORK/$(basename "${f//:/-}")
	t0=$SECONDS
	render html "$report" "$out.html"
	info "$f: rendered $(stat -c %s "$out.html") bytes in $((SECONDS - t0)) s"
	if [ "$f" = long-run ]; then
		# A 1-hour run of 64 containers stays a page a browser opens at once.
		size=$(stat -c %s "$out.html")
		[ "$size" -le $((8 << 20)) ] || fail "long-run: the page is $size bytes, more than 8 MiB"
	fi
	browse "$out.html" "$out"
	python3 "$HERE/check-dom.py" "$out.dom" "$report" >&2 || fail "$f: the DOM misses what the report holds"
	case "$f" in
	events:*)
		# check-dom.py counts them; this says there were some to count.
		grep -q 'class="mk respawn"' "$out.dom" || fail "$f: no respawn mark on the timeline"
		;;
	esac
	python3 "$HERE/png-check.py" "$out.png" >&2 || fail "$f: the screenshot shows no page"
	info "ok: $f"
done
