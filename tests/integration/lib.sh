#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by the integration tests (source it; it is not a test). Gives:
#   - skips (exit 77) with the reason when root, loop devices or an mkfs are
#     missing: a test that cannot run says so, it never passes silently;
#   - a fresh work directory under /var/tmp and a trap that removes it, after
#     unmounting everything mounted under it and detaching every loop device
#     backed by a file in it (also what a failed poof run left there);
#   - make_fs FS: a sparse image, mkfs'd, attached with `losetup --find
#     --show` and mounted, so a test knows the device under its mount;
#   - from ../assert.sh, shared with the VM tier: skip and fail, report
#     values read with json-c (json, getv) and the assertions;
#   - assert_classes over a report's verdict classes, run_rc, data_files.
#
# The meson test sets POOF (the poof binary), POOF_DAMAGE (the
# tests/helpers/poof-damage helper) and POOF_JSON (tests/helpers/poof-json);
# set them by hand to run a test alone.

set -euo pipefail

# The profile key that keeps the data (or scratch image) after a run. One
# place to change when the key is renamed.
# shellcheck disable=SC2034 # used by the tests that source this file
KEEP_KEY=keep

. "$(dirname "${BASH_SOURCE[0]}")/../assert.sh"

if [ -z "${POOF:-}" ] || [ ! -x "$POOF" ]; then
	fail "POOF must name the poof binary (meson test sets it), got '${POOF:-}'"
fi

require_root()
{
	[ "$(id -u)" = 0 ] || skip "needs root ($1)"
}

require_loop()
{
	require_root "loop devices and mounts"
	command -v losetup >/dev/null || skip "losetup not found (util-linux)"
	[ -e /dev/loop-control ] || modprobe loop 2>/dev/null || true
	[ -e /dev/loop-control ] || skip "no loop device support (/dev/loop-control missing)"
}

require_mkfs()
{
	local fs=$1

	command -v "mkfs.$fs" >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v "mkfs.$fs" \
		>/dev/null || skip "mkfs.$fs not found"
	grep -qw "$fs" /proc/filesystems || modprobe "$fs" 2>/dev/null || true
	grep -qw "$fs" /proc/filesystems || skip "the kernel has no $fs support"
}

require_damage()
{
	if [ -z "${POOF_DAMAGE:-}" ] || [ ! -x "$POOF_DAMAGE" ]; then
		fail "POOF_DAMAGE must name the poof-damage helper, got '${POOF_DAMAGE:-}'"
	fi
}

export PATH=$PATH:/usr/sbin:/sbin

WORK=$(mktemp -d /var/tmp/poof-it-"$TEST_NAME".XXXXXX)

# Innermost mounts first, then the loop devices, then the files.
cleanup()
{
	local rc=$? m dev back left=0

	set +e
	for m in $(findmnt -rn -o TARGET | grep -F "$WORK/" | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" || left=1
	done
	while read -r dev back; do
		case "$back" in
		"$WORK"/*) losetup -d "$dev" ;;
		esac
	done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null)
	if [ "$left" = 0 ]; then
		rm -rf "$WORK"
	else
		echo "WARNING: $TEST_NAME: something is still mounted under $WORK; not removing it" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# make_fs FS [SIZE]: sets IMG, DEV (the loop device) and MNT.
make_fs()
{
	local fs=$1 size=${2:-} opts=()

	require_loop
	require_mkfs "$fs"
	case "$fs" in
	ext4) opts=(-q -F) ;;
	xfs) opts=(-q -f) ;;
	btrfs) opts=(-q -f) ;;
	*) fail "make_fs: unknown filesystem $fs" ;;
	esac
	# xfsprogs refuses filesystems below 300 MiB.
	[ -n "$size" ] || size=$([ "$fs" = xfs ] && echo 320M || echo 256M)
	IMG=$WORK/$fs.img
	MNT=$WORK/$fs.mnt
	truncate -s "$size" "$IMG"
	"mkfs.$fs" "${opts[@]}" "$IMG" >"$WORK/mkfs-$fs.log" 2>&1 ||
		fail "mkfs.$fs failed: $(cat "$WORK/mkfs-$fs.log")"
	DEV=$(losetup --find --show "$IMG") || skip "no free loop device"
	mkdir "$MNT"
	mount -t "$fs" "$DEV" "$MNT" || fail "cannot mount $DEV ($fs) on $MNT"
	info "$fs on $DEV mounted on $MNT"
}

FAILING_CLASSES="lost-silent lost-durable lost-reported torn misdirected corrupt"

# assert_classes REPORT [CLASS=N]...: the given counts, and 0 for every
# failing class (and lost-reported) not given. ok and in-flight only when given.
assert_classes()
{
	local report=$1 c v
	declare -A expect=()

	shift
	for c in $FAILING_CLASSES; do
		expect[$c]=0
	done
	for v in "$@"; do
		expect[${v%%=*}]=${v#*=}
	done
	for c in "${!expect[@]}"; do
		assert_eq "verify.classes.$c" "${expect[$c]}" "$(json "$report" "verify.classes.$c")"
	done
}

# run_rc VAR CMD...: run CMD, store its exit code in VAR, never trip set -e.
run_rc()
{
	local __var=$1 __rc=0

	shift
	"$@" || __rc=$?
	printf -v "$__var" '%s' "$__rc"
}

# The data file names of a finished run, one a line, from its report.
data_files()
{
	json "$1" 'files.*.name'
}

# run_procs RUNDIR REGEX: the processes of that run still alive, as
# "PID(comm)": their comm matching REGEX and mapping its ledger. Other runs on
# the machine (another test, a benchmark) have workers of the same names: they
# are not counted. One grep reads every process's maps: a process forked per
# candidate made one call take tens of seconds on a loaded host with hundreds
# of other workers.
run_procs()
{
	local f p comm

	for f in $(grep -lF "$1/ledger.live" /proc/[0-9]*/maps 2>/dev/null || true); do
		p=${f#/proc/}
		p=${p%/maps}
		read -r comm <"/proc/$p/comm" 2>/dev/null || continue
		[[ $comm =~ $2 ]] && echo "$p($comm)"
	done
	true
}

# run_workers RUNDIR: the run's writers and hogs still alive (poof-wN, poof-hN).
run_workers()
{
	run_procs "$1" '^poof-[wh][0-9]+$'
}

# run_leftovers RUNDIR: its workers and its spawner (poof-spawner) still alive.
run_leftovers()
{
	run_procs "$1" '^poof-([wh][0-9]+|spawner)$'
}

# v1_memory_parent: for the tests that need the cgroup v1 memory controller.
# Sets parent (the memory cgroup this test runs in, where poof makes its
# groups) and pid (the poof in the background, "" for none), and makes the
# exit kill that poof before the usual cleanup. Skips where there is no v1
# memory controller.
v1_memory_parent()
{
	local self mount

	self=$(sed -n 's/^[0-9]*:\(.*,\)\{0,1\}memory\(,.*\)\{0,1\}:\(.*\)$/\3/p' /proc/self/cgroup)
	mount=$(findmnt -n -t cgroup -o TARGET -O memory | head -1)
	[ -n "$mount" ] && [ -n "$self" ] || skip "no cgroup v1 memory controller on this host"
	parent=$mount${self%/}
	pid=
	trap 'rc=$?; kill_background; (exit $rc); cleanup' EXIT
}

kill_background()
{
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
}
