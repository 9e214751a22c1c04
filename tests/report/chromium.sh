#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Headless chromium for the tests that look at an HTML report (source it;
# it is not a test): html.sh here, and the VM tier's reports.sh. Needs fail
# and skip (../assert.sh) and WORK, a scratch directory.

# chromium or chromium-browser, else skip (77) with the package to install.
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || skip "chromium not found (apt-get install chromium)"

# browse HTML OUT-PREFIX: OUT-PREFIX.dom and OUT-PREFIX.png from headless chromium.
browse()
{
	local profile flags

	profile=$(mktemp -d "$WORK/chromium.XXXXXX")
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
		--disable-background-networking --disable-component-update --disable-sync
		--hide-scrollbars --user-data-dir="$profile")
	timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$1" >"$2.dom" 2>"$2.err" ||
		fail "chromium --dump-dom $1 failed: $(tail -5 "$2.err")"
	timeout 120 "$chromium" "${flags[@]}" --window-size=1200,1600 --screenshot="$2.png" \
		"file://$1" >/dev/null 2>>"$2.err" ||
		fail "chromium --screenshot $1 failed: $(tail -5 "$2.err")"
	[ -s "$2.png" ] || fail "chromium wrote no screenshot of $1"
}
