#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the libFuzzer harnesses of tests/fuzz with clang, ASan and UBSan in
# build-fuzz, and run each for FUZZ_SECONDS (default 30) from its seed
# corpus in tests/fuzz/corpus/NAME. A crash, a leak, undefined behaviour or
# a harness that does not run is a failure: its input is kept in
# build-fuzz/fuzz-out/NAME/ and the script exits 1.
#
# Prints one line a harness ("fuzz NAME: ok, N executions in S s") and
# writes the same as "NAME ok|fail EXECUTIONS" to build-fuzz/fuzz-results.txt
# for scripts/test.sh. FUZZ_JOBS harnesses run at once (default: one a CPU).
# FUZZ_ONLY=NAME runs one harness; extra arguments go to every harness.
set -uo pipefail

cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
build=build-fuzz
out=$build/fuzz-out
results=$build/fuzz-results.txt

rm -f $results
if ! command -v clang >/dev/null; then
	echo "fuzz: clang not found: apt-get install clang libclang-rt-14-dev" >&2
	exit 69
fi
if [ ! -f $build/build.ninja ]; then
	CC=clang meson setup $build -Dfuzz=true -Dtests=false -Dman=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
		{
			echo "fuzz: meson setup of $build failed" >&2
			exit 1
		}
fi
if ! ninja -C $build >$build/ninja.log 2>&1; then
	cat $build/ninja.log >&2
	echo "fuzz: the harnesses do not build" >&2
	exit 1
fi

# UBSan's findings stop the harness like a crash does; so does a leak.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

: >$results

# run_one HARNESS ARGS...: one harness for $seconds; its line on stdout (or
# stderr) and in $out/NAME/result.
run_one() {
	local harness=$1 name=${1##*/fuzz-} rc execs
	shift

	rm -rf "${out:?}/$name"
	mkdir -p "$out/$name/corpus"
	# New inputs go to the scratch corpus, never into the tree's seeds.
	"$harness" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$out/$name/" "$@" \
		"$out/$name/corpus" "tests/fuzz/corpus/$name" >"$out/$name/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name/log" | tail -1)
	if [ "$rc" = 0 ] && [ -n "$execs" ]; then
		echo "fuzz $name: ok, ${execs} executions in ${seconds} s"
		echo "$name ok $execs" >"$out/$name/result"
	else
		{
			echo "fuzz $name: FAILED (exit $rc); its log and input are in $out/$name/"
			grep -m 20 -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$out/$name/log"
		} >&2
		echo "$name fail ${execs:-0}" >"$out/$name/result"
	fi
}

# FUZZ_JOBS harnesses at once (default: one a CPU), each single-threaded.
jobs=${FUZZ_JOBS:-$(nproc)}
names=()
for harness in $build/tests/fuzz/fuzz-*; do
	[ -x "$harness" ] && [ -f "$harness" ] || continue
	name=${harness##*/fuzz-}
	[ -n "${FUZZ_ONLY:-}" ] && [ "$FUZZ_ONLY" != "$name" ] && continue
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$harness" "$@" &
	names+=("$name")
done
wait
failed=0
for name in "${names[@]}"; do
	cat "$out/$name/result" >>$results 2>/dev/null || echo "$name fail 0" >>$results
	grep -q ' ok ' "$out/$name/result" 2>/dev/null || failed=$((failed + 1))
done
[ -s $results ] || {
	echo "fuzz: no harness ran (FUZZ_ONLY=${FUZZ_ONLY:-})" >&2
	exit 1
}
[ $failed = 0 ]
