#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# All set-up, then the whole test suite: unit tests, the format check, the
# integration tests on real loop-mounted filesystems, and the unit tests
# again under AddressSanitizer and UBSan. Ends with "N passed, N failed".
set -uo pipefail

cd "$(dirname "$0")/.."

scripts/setup.sh || exit $?

# The VM tier needs Debian's kernel; in CI a missing kernel is a failure, not a skip.
kernel_failed=0
if ! scripts/fetch-test-kernel.sh >/dev/null; then
	echo "test: scripts/fetch-test-kernel.sh failed: the VM tests cannot run" >&2
	[ -n "${CI:-}" ] && kernel_failed=1
fi

count() {
	python3 - "$1" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r == "SKIP":
        s += 1
    else:
        f += 1
print(p, f, s)
PY
}

meson test -C build --print-errorlogs --num-processes 2
status=$?
read -r passed failed skipped < <(count build/meson-logs/testlog.json)

# The unit tests once more with sanitizers, in a build dir of their own.
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dman=disabled >/dev/null
fi
if ninja -C build-asan >/dev/null; then
	meson test -C build-asan --suite unit --print-errorlogs
	s2=$?
	read -r p2 f2 k2 < <(count build-asan/meson-logs/testlog.json)
else
	s2=1 p2=0 f2=1 k2=0
fi
[ $s2 -ne 0 ] && status=1
passed=$((passed + p2))
failed=$((failed + f2 + kernel_failed))
skipped=$((skipped + k2))

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
