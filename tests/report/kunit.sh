#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The kernel's own KTAP parser for the tests that read a KTAP report (source
# it; it is not a test): ktap.sh here, and the VM tier's drop-writes.sh and
# reports.sh. Only tools/testing/kunit is taken from Debian's
# linux-source-6.1 tarball (LINUX_SOURCE_TARBALL overrides where it is).
# Needs fail (../assert.sh).

# kunit_tree DIR: extract kunit_parser.py's directory under DIR and set
# kunit to it; else return 1 with the reason in kunit_missing.
kunit_tree()
{
	local tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

	kunit=$1/linux-source-6.1/tools/testing/kunit
	if [ ! -r "$tarball" ]; then
		kunit_missing="$tarball not found (apt-get install linux-source-6.1)"
		return 1
	fi
	if ! tar -xf "$tarball" -C "$1" linux-source-6.1/tools/testing/kunit 2>"$1/tar.err"; then
		kunit_missing="no tools/testing/kunit in $tarball: $(cat "$1/tar.err")"
		return 1
	fi
	if [ ! -f "$kunit/kunit_parser.py" ]; then
		kunit_missing="no kunit_parser.py in $tarball"
		return 1
	fi
}

# kunit_check KTAP REPORT.json: kunit_parser.py's counts of passed, failed and
# skipped checks agree with the JSON (kunit-counts.py), else the test fails.
kunit_check()
{
	python3 "$(dirname "${BASH_SOURCE[0]}")/kunit-counts.py" "$kunit" "$1" "$2" >&2 ||
		fail "$(basename "$1"): kunit_parser disagrees with $(basename "$2")"
}
