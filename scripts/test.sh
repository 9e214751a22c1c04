#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# All set-up, then the whole test suite: unit tests, the format check, the
# integration tests on real loop-mounted filesystems, the unit tests and the
# quick integration tests again under AddressSanitizer and UBSan, and every
# fuzzer for a bounded time (scripts/fuzz.sh). Ends with "N passed, N failed".
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

# The unit tests and the quick integration tests once more with sanitizers,
# in a build dir of their own. What any of poof's processes reports (a
# forked writer's too, whose exit alone would not say) lands in
# sanitizer-logs, and fails the run.
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dman=disabled >/dev/null
fi
san_logs=$PWD/build-asan/sanitizer-logs
rm -rf "$san_logs" && mkdir -p "$san_logs"
if ninja -C build-asan >/dev/null; then
	ASAN_OPTIONS=log_path=$san_logs/asan \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$san_logs/ubsan \
		meson test -C build-asan --suite unit --suite quick --print-errorlogs --num-processes 2
	s2=$?
	read -r p2 f2 k2 < <(count build-asan/meson-logs/testlog.json)
else
	s2=1 p2=0 f2=1 k2=0
fi
if [ -n "$(ls -A "$san_logs")" ]; then
	echo "test: sanitizer reports from poof's processes:" >&2
	head -n 40 "$san_logs"/* >&2
	s2=1 f2=$((f2 + 1))
fi
[ $s2 -ne 0 ] && status=1
passed=$((passed + p2))
failed=$((failed + f2 + kernel_failed))
skipped=$((skipped + k2))

# Every libFuzzer harness, FUZZ_SECONDS (30) each: one test each in the count.
scripts/fuzz.sh || status=1
if [ -s build-fuzz/fuzz-results.txt ]; then
	passed=$((passed + $(grep -c ' ok ' build-fuzz/fuzz-results.txt)))
	failed=$((failed + $(grep -c ' fail ' build-fuzz/fuzz-results.txt)))
else
	failed=$((failed + 1))
fi

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
