#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What error injection costs a writer: every call of an injected syscall
# waits for the supervisor's notification thread to answer it. One writer
# writes one file of SIZE (default 256M) once in BLOCK (default 4K) buffered
# pwrite64 calls, no fsync, on an ext4 image in /dev/shm, loop-mounted (a
# memory-fast device: what is left is the syscall path, the worst case for
# the notification; larger blocks make fewer calls for the same bytes).
# Each round runs, in turn and from dropped caches:
#
#   sandbox     the default: the writer under its allow-list, no injection;
#   inject-0    -o inject=pwrite64:EIO:0: every write notified and let
#               through (rate 0), so nothing fails and only the cost shows;
#   no-sandbox  -o sandbox=no: no filter at all, the floor.
#
# It prints each mode's median write throughput (the write phase's bytes over
# its seconds, as poof's report gives them) over RUNS rounds (default 5), the
# ratio inject-0 / sandbox that man/poof-stress.1.scd states, and the load
# average before and after: figures from a loaded machine are not worth
# comparing. It exits 0 unless a run failed (77 where it cannot run); it
# asserts no figure.
#
# ENGINE=io_uring measures the other path: its ring writes are never
# notified, the writer decides on each completion (inject-0 is then
# -o inject=write:EIO:0); ENGINE=write notifies write(2).
#
# Usage: bench/inject-overhead.sh [POOF]    (root; default POOF: build/poof)
# Environment: RUNS=5, SIZE=256M, BLOCK=4K, IMAGE_DIR=/dev/shm, ENGINE=pwrite.
set -euo pipefail

POOF=${1:-build/poof}
RUNS=${RUNS:-5}
SIZE=${SIZE:-256M}
BLOCK=${BLOCK:-4K}
IMAGE_DIR=${IMAGE_DIR:-/dev/shm}
ENGINE=${ENGINE:-pwrite}
MODES=(sandbox inject-0 no-sandbox)

die() {
	echo "inject-overhead.sh: $*" >&2
	exit 1
}

# What is missing here is a skip (77), as for the other benchmarks.
skip() {
	echo "inject-overhead.sh: skipped: $*" >&2
	exit 77
}

[[ $(id -u) == 0 ]] || skip "needs root (loop mount, drop_caches)"
for prog in jq mkfs.ext4 losetup; do
	command -v "$prog" >/dev/null || skip "$prog not found"
done
[[ -x $POOF ]] || die "$POOF is not an executable; pass the poof binary"
case "$ENGINE" in
pwrite) call=pwrite64 ;;
write | io_uring) call=write ;;
*) die "ENGINE=$ENGINE: pwrite, write or io_uring (mmap's writes make no system call)" ;;
esac
POOF=$(realpath "$POOF")

. "$(dirname "$0")/lib.sh"
loop_ext4 poof-bench-inject 1G
mkdir "$work/out"

mode_options() {
	case "$1" in
	sandbox) ;;
	inject-0) echo "-o inject=$call:EIO:0" ;;
	no-sandbox) echo "-o sandbox=no" ;;
	esac
}

# run MODE ROUND: one run; its MiB/s appended to $work/out/MODE.
run() {
	local mode=$1 rd=$work/$1-$2 json=$work/$1-$2.json mibs
	# shellcheck disable=SC2046 # mode_options gives separate words on purpose
	"$POOF" stress --profile smoke --dir "$mnt" --run-dir "$rd" --json "$json" -q \
		-o writers=1 -o files=1 -o file-size="$SIZE" -o block-size="$BLOCK" \
		-o fsync=none -o passes=1 -o engine="$ENGINE" \
		-o kill-writers=off -o duration=10m -o keep=never $(mode_options "$1") \
		>/dev/null || die "$mode: poof stress failed (exit $?)"
	[[ $(jq -r .injection.total "$json") == 0 ]] || die "$mode: an error was injected"
	mibs=$(jq -r '.write_phase.bytes_acknowledged / 1048576 / .write_phase.elapsed_s' "$json")
	echo "$mibs" >>"$work/out/$mode"
	printf '  %-11s %8.1f MiB/s\n' "$mode" "$mibs"
	rm -rf "$rd"
}

median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

reporting_state
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$RUNS"); do
	echo "round $round of $RUNS"
	for mode in "${MODES[@]}"; do
		drop_caches
		run "$mode" "$round"
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "medians of $RUNS rounds, one $ENGINE writer, $SIZE in $BLOCK $call calls"
for mode in "${MODES[@]}"; do
	printf '%-11s %8.1f MiB/s\n' "$mode" "$(median "$work/out/$mode")"
done
awk -v i="$(median "$work/out/inject-0")" -v s="$(median "$work/out/sandbox")" \
	-v n="$(median "$work/out/no-sandbox")" 'BEGIN {
	printf "\ninject-0 / sandbox     %.2fx  (the injection overhead ratio)\n", i / s
	printf "sandbox / no-sandbox   %.2fx  (the allow-list alone)\n", s / n
}'
