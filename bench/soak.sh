#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The verifier's controls, again and again: N runs of each cell under
# `poof vm`, and a table of how each run ended.
#
#   cell                 what must happen                      counted as
#   drop-writes FS       exit 1 with losses (silent or durable; caught / missed
#                        btrfs may report them: it reads its
#                        dropped metadata back and gives up)
#   healthy FS           exit 0, no loss                       ok / false-alarm
#   error-writes FS      exit 0 (the run's own fault excuses   ok / false-alarm
#                        its lost-reported blocks), none silent
#
# on ext4, xfs and btrfs. Any other exit (2, 3, 4, 70, ...) is counted as
# unexpected, with the run's directory kept for a look. The script exits 1
# when any run was missed, a false alarm or unexpected, so CI can run it with
# N=1 to keep it from rotting; with N=10 it is the soak that qualifies the
# detector on a kernel.
#
# Usage: bench/soak.sh [N]            (default 10)
# Environment: POOF (default build/poof), POOF_JSON (tests/helpers/poof-json,
# default build/tests/helpers/poof-json), DURATION of each run (default 10s),
# FILESYSTEMS (default "ext4 xfs btrfs"), POOF_VM_KERNEL / POOF_VM_MODULES
# (default: the kernel scripts/fetch-test-kernel.sh cached), KEEP (a
# directory for the runs' results; default: a temporary one, removed unless
# a run went wrong).
set -uo pipefail

n=${1:-10}
poof=${POOF:-build/poof}
poof_json=${POOF_JSON:-build/tests/helpers/poof-json}
duration=${DURATION:-10s}
filesystems=${FILESYSTEMS:-ext4 xfs btrfs}

case "$n" in '' | *[!0-9]* | 0)
	echo "soak: N must be a positive number, got '$n'" >&2
	exit 64
	;;
esac
for tool in "$poof" "$poof_json"; do
	[ -x "$tool" ] || {
		echo "soak: $tool is not an executable: build poof first (scripts/setup.sh)" >&2
		exit 69
	}
done
if [ -z "${POOF_VM_KERNEL:-}" ]; then
	cache="${POOF_CACHE_DIR:-/var/cache/poof}/kernel"
	v=$(ls -1 "$cache" 2>/dev/null | sort -V | while read -r d; do
		[ -f "$cache/$d/.complete" ] && echo "$d"
	done | tail -n1)
	if [ -z "$v" ]; then
		echo "soak: no test kernel in $cache: run scripts/fetch-test-kernel.sh" >&2
		exit 77
	fi
	export POOF_VM_KERNEL="$cache/$v/boot/vmlinuz-$v"
	export POOF_VM_MODULES="$cache/$v/lib/modules/$v"
fi

work=${KEEP:-$(mktemp -d /var/tmp/poof-soak.XXXXXX)}
mkdir -p "$work"
keep_work=${KEEP:+yes}
trap '[ -n "$keep_work" ] || rm -rf "$work"' EXIT

declare -A good bad odd
cells=()
for fs in $filesystems; do
	cells+=("drop-writes $fs" "healthy $fs" "error-writes $fs")
done

value() { # FILE PATH: a number from the report, 0 when absent
	"$poof_json" "$1" "$2" 2>/dev/null || echo 0
}

# run CELL I: one run; sets outcome to good, bad or odd.
run() {
	local kind=${1% *} fs=${1#* } name out json rc silent reported
	name="${kind}-${fs}-$2"
	out=$work/$name
	json=$out.json
	case "$kind" in
	drop-writes | error-writes) fault=$kind ;;
	*) fault=none ;;
	esac
	"$poof" vm --run-dir "$out" --timeout 300s --fs "$fs" --fault "$fault" -- stress \
		--profile tight-container -o duration="$duration" -q --json "$json" \
		>"$out.log" 2>&1
	rc=$?
	silent=$(($(value "$json" verify.classes.lost-silent) + $(value "$json" verify.classes.lost-durable)))
	reported=$(value "$json" verify.classes.lost-reported)
	outcome=odd
	case "$kind:$rc" in
	drop-writes:1) [ $((silent + reported)) -gt 0 ] && outcome=good || outcome=bad ;;
	drop-writes:0) outcome=bad ;;
	healthy:0) outcome=good ;;
	healthy:1) outcome=bad ;;
	error-writes:0) [ "$silent" -eq 0 ] && outcome=good || outcome=bad ;;
	error-writes:1) outcome=bad ;;
	esac
	printf 'soak: %-22s exit %3s, lost silent+durable %6s, reported %6s: %s\n' \
		"$name" "$rc" "$silent" "$reported" "$outcome" >&2
	[ "$outcome" = good ] || keep_work=yes
}

for ((i = 1; i <= n; i++)); do
	for cell in "${cells[@]}"; do
		run "$cell" "$i"
		case "$outcome" in
		good) good[$cell]=$((${good[$cell]:-0} + 1)) ;;
		bad) bad[$cell]=$((${bad[$cell]:-0} + 1)) ;;
		*) odd[$cell]=$((${odd[$cell]:-0} + 1)) ;;
		esac
	done
done

failed=0
printf '\n%-20s %5s %8s %7s %12s %11s\n' cell runs expected missed false-alarm unexpected
for cell in "${cells[@]}"; do
	g=${good[$cell]:-0} b=${bad[$cell]:-0} o=${odd[$cell]:-0}
	if [ "${cell% *}" = drop-writes ]; then
		printf '%-20s %5s %8s %7s %12s %11s\n' "$cell" "$n" "$g" "$b" - "$o"
	else
		printf '%-20s %5s %8s %7s %12s %11s\n' "$cell" "$n" "$g" - "$b" "$o"
	fi
	failed=$((failed + b + o))
done
echo "(expected: the fault caught, or a clean run with no loss; kernel $(basename "$POOF_VM_KERNEL"), $duration each)"
if [ "$failed" -gt 0 ]; then
	echo "soak: $failed runs went wrong; their results are in $work" >&2
	exit 1
fi
