#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writer and verifier throughput of poof against dd and fio, in one run, on
# one filesystem: an ext4 image on tmpfs (/dev/shm), three times the file
# size, loop-mounted. The device is memory-fast but real: poof refuses tmpfs
# itself as a target. Three times, because ext4 starts writing back inside
# write() itself once its delayed allocations reach half its free space
# (ext4_nonda_switch): in an image of half again the file, a create could
# wait for writeback in its last third.
#
# What is measured, each RUNS times (default 5), every tool starting from
# dropped caches (drop_caches in lib.sh: sync, echo 3 >
# /proc/sys/vm/drop_caches, and in a VM whose freed pages go back to the
# hypervisor, a wait until they have), on a file of SIZE (default 1G):
#
#   write, create     a new file, 4 KiB buffered writes, no fsync:
#                     poof stress -o passes=1 (write_phase.elapsed_s),
#                     dd bs=4k from /dev/zero, fio psync verify=crc32c with
#                     do_verify=0 (fio writes checksummed blocks, no read back).
#   write, overwrite  a second pass in place over the file just written, its
#                     pages still cached as poof's second pass finds them:
#                     poof = passes=2 minus passes=1 in the same round
#                     (poof's report has no per-pass time, so this is a
#                     difference of two runs and the noisiest figure here:
#                     "noise" when it comes out <= 0); dd conv=notrunc and fio
#                     overwrite=1 run right after their create pass.
#   write, 2 passes   create + overwrite, each tool's total: poof passes=2 in
#                     one run, dd and fio summed per round. No subtraction,
#                     so this is the writer figure to trust.
#   engines           2 passes as above through each engine: poof
#                     engine=io_uring (queue-depth QD, default 16) against
#                     fio ioengine=io_uring at iodepth QD, poof engine=mmap
#                     against fio ioengine=mmap (both fio verify=crc32c
#                     do_verify=0, create + overwrite=1), and every poof
#                     engine against dd's 2 passes, the kernel-copy limit.
#                     fio's mmap engine cannot extend a file: it lays the
#                     file out with write() before its timed pass, so its
#                     "create" is an overwrite of cached pages. mmap is
#                     therefore also compared on the overwrite pass alone:
#                     poof mmap passes=2 minus passes=1 (noisy, as above)
#                     against fio's overwrite=1 run.
#   verify            reading the file back from the media with O_DIRECT:
#                     poof verify on the passes=2 run (verify.elapsed_s),
#                     dd iflag=direct bs=1M over the same poof file, fio
#                     verify_only bs=4k direct=1 over the fio-written file.
#
# Times are what each tool reports for its own I/O phase (poof's write phase
# includes starting its writer, about 3 ms; dd's and fio's exclude process
# start-up).
# The table gives medians and ratios of throughput (>1 means poof is faster)
# with the targets next to them. PASS/MISS is informational: the script exits
# 0 unless a tool failed to run or poof found a loss.
#
# A tiny SIZE (SIZE=16M RUNS=1, what the meson test in suite bench runs)
# only proves that the script still works: its figures mean nothing. Missing
# root, fio or mkfs.ext4 is a skip: exit 77 with the reason.
#
# Usage: bench/throughput.sh [POOF]    (root; default POOF: build/poof)
# Environment: RUNS=5, SIZE=1G (a multiple of 1M), QD=16, IMAGE_DIR=/dev/shm,
# KEEP_RAW=DIR copies the raw figures there.
set -euo pipefail

POOF=${1:-build/poof}
RUNS=${RUNS:-5}
IMAGE_DIR=${IMAGE_DIR:-/dev/shm}
QD=${QD:-16}

die() {
	echo "throughput.sh: $*" >&2
	exit 1
}

skip() {
	echo "throughput.sh: skipped: $*" >&2
	exit 77
}

SIZE=${SIZE:-1G}
case $SIZE in
*G) FILE_MIB=$((${SIZE%G} * 1024)) ;;
*M) FILE_MIB=${SIZE%M} ;;
*) die "SIZE=$SIZE: expected a size in M or G, like 16M or 1G" ;;
esac
((FILE_MIB >= 1)) || die "SIZE=$SIZE: at least 1M"
BLOCKS=$((FILE_MIB * 256)) # 4 KiB blocks

[[ $(id -u) == 0 ]] || skip "needs root (loop mount, drop_caches)"
for prog in fio dd python3 mkfs.ext4 losetup; do
	command -v "$prog" >/dev/null || skip "$prog not found (scripts/setup.sh installs it)"
done
[[ -x $POOF ]] || die "$POOF is not an executable; pass the poof binary"
POOF=$(realpath "$POOF")

# jget FILE PATH: a value of a JSON file, PATH in dots (jobs.0.write.runtime);
# "" when missing. python3, since jq is not everywhere.
jget() {
	python3 - "$1" "$2" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    try:
        v = v[int(k)] if isinstance(v, list) else v[k]
    except (KeyError, IndexError, ValueError, TypeError):
        v = None
        break
print("" if v is None else json.dumps(v) if isinstance(v, (dict, list)) else v)
PY
}

. "$(dirname "$0")/lib.sh"
loop_ext4 poof-bench $((FILE_MIB * 3 + 64))M
mkdir "$work/runs" "$work/out"

# The key was renamed keep-scratch -> keep; ask this binary which it knows.
keep_key=$("$POOF" profiles show --effective smoke 2>/dev/null |
	awk '$1 == "keep" || $1 == "keep-scratch" { print $1; exit }') || true
if [[ -z $keep_key ]]; then
	for k in keep keep-scratch; do
		if "$POOF" profiles show -o "$k=always" smoke >/dev/null 2>&1; then
			keep_key=$k
			break
		fi
	done
fi
[[ -n $keep_key ]] || die "$POOF knows neither -o keep nor -o keep-scratch"

# raw NAME VALUE: one measurement, seconds.
raw() {
	echo "$2" >>"$work/out/$1"
	printf '  %-18s %8.3f s\n' "$1" "$2"
}

# poof_stress PASSES KEEP RUNDIR [ENGINE]: the write phase's seconds, checking
# its bytes. The smoke profile has no containers; the overrides make it one
# writer writing one file, unkilled, without fsync.
poof_stress() {
	local passes=$1 keep=$2 rd=$3 engine=${4:-pwrite} json=$3.json bytes

	"$POOF" stress --profile smoke --dir "$mnt" --run-dir "$rd" --json "$json" -q \
		-o writers=1 -o files=1 -o file-size=${FILE_MIB}M -o block-size=4K \
		-o fsync=none -o kill-writers=0 -o passes="$passes" -o duration=10m \
		-o engine="$engine" -o queue-depth="$QD" -o "$keep_key=$keep" \
		-o cgroup=none >/dev/null ||
		die "poof stress passes=$passes engine=$engine failed (exit $?):" \
			"$(jget "$json" verdicts 2>/dev/null) $(jget "$json" write_phase 2>/dev/null)"
	bytes=$(jget "$json" write_phase.bytes_acknowledged)
	((bytes == passes * FILE_MIB * 1048576)) ||
		die "poof stress passes=$passes engine=$engine wrote $bytes bytes"
	jget "$json" write_phase.elapsed_s
}

poof_verify() {
	local rd=$1 json=$1.verify.json bytes

	"$POOF" verify --json "$json" -q "$rd" >/dev/null ||
		die "poof verify failed (exit $?): $(jget "$json" verdicts 2>/dev/null)"
	bytes=$(jget "$json" verify.bytes_read)
	((bytes == FILE_MIB * 1048576)) || die "poof verify read $bytes bytes"
	jget "$json" verify.elapsed_s
}

# dd_seconds ARGS...: dd's own figure from its last line ("..., 1.2 s, ...").
dd_seconds() {
	local out

	out=$(LC_ALL=C dd "$@" 2>&1) || die "dd $* failed: $out"
	grep -q "^$((FILE_MIB * 1048576)) bytes" <<<"$out" || die "dd $* was short: $out"
	awk -F', ' '/copied/ { sub(/ s$/, "", $3); print $3 }' <<<"$out"
}

# fio_seconds DIR ARGS...: the job's runtime for DIR (read or write), in s.
# psync unless ARGS name another --ioengine.
fio_seconds() {
	local dir=$1 json=$work/out/fio.json runtime
	shift

	fio --output-format=json --output="$json" --name=w --bs=4k --size=${FILE_MIB}M \
		--ioengine=psync --verify=crc32c --verify_state_save=0 "$@" >/dev/null ||
		die "fio $* failed: $(head -c 2000 "$json")"
	[[ $(jget "$json" jobs.0.error) == 0 &&
		$(jget "$json" "jobs.0.$dir.io_bytes") == $((FILE_MIB * 1048576)) ]] ||
		die "fio $*: error or short I/O"
	runtime=$(jget "$json" "jobs.0.$dir.runtime")
	awk -v ms="$runtime" 'BEGIN { print ms / 1000 }'
}

# fio_2passes NAME ARGS...: create + overwrite of one file with fio, as raw
# NAME-2passes and NAME-overwrite.
fio_2passes() {
	local name=$1 peer=$mnt/peer.dat t1 t2
	shift

	drop_caches
	t1=$(fio_seconds write --filename="$peer" --rw=write --do_verify=0 --overwrite=0 \
		--fallocate=none --end_fsync=0 "$@")
	t2=$(fio_seconds write --filename="$peer" --rw=write --do_verify=0 --overwrite=1 \
		--end_fsync=0 "$@")
	raw "$name-overwrite" "$t2"
	raw "$name-2passes" "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print a + b }')"
	rm -f "$peer"
}

# The engine column: 2 passes through io_uring and mmap, poof and fio alike,
# and mmap's overwrite pass on its own.
engine_round() {
	local e t1 t2

	for e in io_uring mmap; do
		drop_caches
		raw "poof-$e-2passes" "$(poof_stress 2 never "$work/runs/$e$1" "$e")"
	done
	drop_caches
	t1=$(poof_stress 1 never "$work/runs/mmap-c$1" mmap)
	t2=$(tail -n1 "$work/out/poof-mmap-2passes")
	raw poof-mmap-overwrite "$(awk -v a="$t2" -v b="$t1" 'BEGIN { print a - b }')"
	fio_2passes fio-io_uring --ioengine=io_uring --iodepth="$QD"
	fio_2passes fio-mmap --ioengine=mmap
}

one_round() {
	local rd=$work/runs/r$1 peer=$mnt/peer.dat t t1 t2 pfile

	echo "round $1 of $RUNS"
	drop_caches
	t1=$(poof_stress 1 never "$work/runs/c$1")
	raw poof-create "$t1"
	drop_caches
	t2=$(poof_stress 2 always "$rd")
	raw poof-2passes "$t2"
	raw poof-overwrite "$(awk -v a="$t2" -v b="$t1" 'BEGIN { print a - b }')"
	pfile=$(jget "$rd.json" target.data_dir)/w0000-f000000.dat
	drop_caches
	t=$(poof_verify "$rd")
	raw poof-verify "$t"
	drop_caches
	t=$(dd_seconds if="$pfile" of=/dev/null bs=1M iflag=direct)
	raw dd-read-direct "$t"
	rm -rf "$(jget "$rd.json" target.data_dir)"

	drop_caches
	t1=$(dd_seconds if=/dev/zero of="$peer" bs=4k count=$BLOCKS conv=notrunc)
	raw dd-create "$t1"
	t2=$(dd_seconds if=/dev/zero of="$peer" bs=4k count=$BLOCKS conv=notrunc)
	raw dd-overwrite "$t2"
	raw dd-2passes "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print a + b }')"
	rm -f "$peer"

	drop_caches
	t1=$(fio_seconds write --filename="$peer" --rw=write --do_verify=0 --overwrite=0 \
		--fallocate=none --end_fsync=0)
	raw fio-create "$t1"
	t2=$(fio_seconds write --filename="$peer" --rw=write --do_verify=0 --overwrite=1 \
		--end_fsync=0)
	raw fio-overwrite "$t2"
	raw fio-2passes "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print a + b }')"
	drop_caches
	t=$(fio_seconds read --filename="$peer" --rw=write --verify_only --direct=1)
	raw fio-verify "$t"
	rm -f "$peer"

	engine_round "$1"
}

loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

echo "poof throughput: $POOF, ${FILE_MIB} MiB, 4 KiB blocks, queue depth $QD, $RUNS rounds," \
	"ext4 on $loop on $IMAGE_DIR; $(nproc) CPUs, $(uname -r); $(reporting_state)"
# Other load skews every figure, poof's two-process writer and its verifier most.
echo "load average before: $(loadavg)"
for ((i = 1; i <= RUNS; i++)); do
	one_round "$i"
done

median() {
	sort -g "$work/out/$1" | awk '{ v[NR] = $1 } END {
		print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo "load average after: $(loadavg)"
awk -v mib=$FILE_MIB \
	-v pc="$(median poof-create)" -v po="$(median poof-overwrite)" \
	-v p2="$(median poof-2passes)" -v d2="$(median dd-2passes)" \
	-v f2="$(median fio-2passes)" \
	-v pv="$(median poof-verify)" -v dr="$(median dd-read-direct)" \
	-v dc="$(median dd-create)" -v dov="$(median dd-overwrite)" \
	-v fc="$(median fio-create)" -v fo="$(median fio-overwrite)" \
	-v fv="$(median fio-verify)" -v runs="$RUNS" -v qd="$QD" \
	-v pu="$(median poof-io_uring-2passes)" -v fu="$(median fio-io_uring-2passes)" \
	-v pm="$(median poof-mmap-2passes)" -v fm="$(median fio-mmap-2passes)" \
	-v pmo="$(median poof-mmap-overwrite)" -v fmo="$(median fio-mmap-overwrite)" '
function row(what, tool, s, n) {
	if (s <= 0)
		printf "%-10s %-34s %8.3f %9s\n", what, tool, s, "noise"
	else
		printf "%-10s %-34s %8.3f %9.0f\n", what, tool, s, (n ? n : 1) * mib / s
}
function ratio(name, poof, peer, target) {
	if (poof <= 0) {
		printf "%-44s %7s   (the difference of two runs drowned in noise)\n", name, "n/a"
		return
	}
	r = peer / poof
	printf "%-44s %6.2fx", name, r
	if (target)
		printf "   target >= %.2gx  %s", target, (r >= target ? "PASS" : "MISS")
	printf "\n"
}
BEGIN {
	printf "\nmedians of %d rounds, %d MiB each\n", runs, mib
	printf "%-10s %-34s %8s %9s\n", "phase", "tool", "seconds", "MiB/s"
	row("create", "poof stress passes=1", pc)
	row("create", "dd bs=4k", dc)
	row("create", "fio psync verify=crc32c", fc)
	row("2 passes", "poof stress passes=2", p2, 2)
	row("2 passes", "dd create + overwrite", d2, 2)
	row("2 passes", "fio create + overwrite", f2, 2)
	row("overwrite", "poof (passes=2) - (passes=1)", po)
	row("overwrite", "dd bs=4k conv=notrunc", dov)
	row("overwrite", "fio psync verify=crc32c", fo)
	row("verify", "poof verify", pv)
	row("verify", "dd iflag=direct bs=1M", dr)
	row("verify", "fio verify_only bs=4k direct", fv)
	row("engines", "poof pwrite passes=2", p2, 2)
	row("engines", "poof io_uring qd=" qd " passes=2", pu, 2)
	row("engines", "fio io_uring iodepth=" qd, fu, 2)
	row("engines", "poof mmap passes=2", pm, 2)
	row("engines", "fio mmap (create: laid out)", fm, 2)
	row("engines", "dd create + overwrite", d2, 2)
	row("mmap ovw", "poof mmap (passes=2) - (passes=1)", pmo)
	row("mmap ovw", "fio mmap overwrite=1", fmo)
	printf "\nthroughput ratios (>1: poof faster)\n"
	ratio("poof-writer/dd (2 passes)", p2, d2, 0.9)
	ratio("poof-writer/fio (2 passes)", p2, f2, 2.5)
	ratio("poof-writer/dd (create)", pc, dc, 0.9)
	ratio("poof-writer/fio (create)", pc, fc, 2.5)
	ratio("poof-writer/dd (overwrite, noisy)", po, dov, 0.9)
	ratio("poof-writer/fio (overwrite, noisy)", po, fo, 2.5)
	ratio("poof-verify/dd-direct", pv, dr, 0.8)
	ratio("poof-verify/fio-verify", pv, fv, 0)
	printf "\nengines (>1: poof faster)\n"
	ratio("poof-pwrite/dd (2 passes)", p2, d2, 0.95)
	ratio("poof-io_uring/dd (2 passes)", pu, d2, 0.95)
	ratio("poof-mmap/dd (2 passes)", pm, d2, 0.95)
	ratio("poof-io_uring/fio-io_uring (2 passes)", pu, fu, 1.0)
	ratio("poof-mmap/fio-mmap (overwrite, noisy)", pmo, fmo, 1.0)
	ratio("poof-mmap/fio-mmap (2 passes, fio laid out)", pm, fm, 0)
}'
if [[ -n ${KEEP_RAW:-} ]]; then
	mkdir -p "$KEEP_RAW"
	rm -f "$work/out/fio.json"
	cp "$work"/out/* "$KEEP_RAW"/
	echo "raw figures (seconds, one a line) in $KEEP_RAW/"
fi
