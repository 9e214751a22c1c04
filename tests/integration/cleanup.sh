#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# poof cleanup after a SIGKILLed supervisor (v1 memory controller, as on this
# project's hybrid build hosts). The writers die with the supervisor, but the
# run's cgroups stay — and, without --dir, the scratch filesystem stays
# mounted. poof cleanup must remove the cgroups and the mount, kill nothing
# that is not the run's, keep the run directory with its unsealed ledger (so
# poof verify still works on the interrupted run) and keep the scratch image.
#
# Usage: cleanup.sh dir|scratch

. "$(dirname "$0")/lib.sh"

variant=${1:-dir}
require_root "to create cgroups"
self=$(sed -n 's/^[0-9]*:\(.*,\)\{0,1\}memory\(,.*\)\{0,1\}:\(.*\)$/\3/p' /proc/self/cgroup)
mount=$(findmnt -n -t cgroup -o TARGET -O memory | head -1)
[ -n "$mount" ] && [ -n "$self" ] || skip "no cgroup v1 memory controller on this host"
parent=$mount${self%/}
run=$WORK/run
pid=

# A failed assertion must not leave the run behind either.
kill_leftovers()
{
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
	[ -z "${id:-}" ] || "$POOF" cleanup >/dev/null 2>&1 || true
}
trap 'rc=$?; kill_leftovers; (exit $rc); cleanup' EXIT

case "$variant" in
dir)
	make_fs ext4
	target=$MNT
	args=(--dir "$MNT")
	;;
scratch)
	require_loop
	require_mkfs ext4
	target=$run/mnt
	args=(-o scratch-fs=ext4)
	;;
*) fail "unknown variant $variant (dir or scratch)" ;;
esac

"$POOF" stress --profile tight-container "${args[@]}" --run-dir "$run" -q \
	-o duration=30s >"$WORK/stress.out" 2>&1 &
pid=$!

# Wait for its workers; the run's id is the name of its data directory.
id=
for _ in $(seq 300); do
	if [ -e "$run/ledger.live" ] && [ -n "$(run_workers "$run")" ]; then
		id=$(basename "$(find "$target" -maxdepth 1 -name 'poof-*' -print -quit)")
		id=${id#poof-}
		break
	fi
	kill -0 "$pid" 2>/dev/null || fail "poof stress ended early: $(cat "$WORK/stress.out")"
	sleep 0.1
done
[ -n "$id" ] || fail "the run did not start writing within 30 s: $(cat "$WORK/stress.out")"
info "run $id is writing; group $parent/poof-$id"
sleep 1

# While its supervisor lives, the run is not poof cleanup's to touch.
run_rc rc "$POOF" cleanup >"$WORK/live.out" 2>&1
assert_eq "poof cleanup during the run: exit code" 0 "$rc"
assert_contains "cleanup leaves the live run alone" "$id: still running" "$WORK/live.out"
[ -d "$parent/poof-$id" ] || fail "poof cleanup removed the live run's cgroup"
[ -n "$(run_workers "$run")" ] || fail "poof cleanup killed the live run's workers"
info "ok: the live run kept its cgroup and workers"

kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
pid=
[ -d "$parent/poof-$id" ] || fail "no cgroup $parent/poof-$id left after SIGKILL: the test " \
	"proves nothing (did poof stop removing groups in a way that survives SIGKILL?)"
info "ok: $parent/poof-$id was left behind by the killed supervisor"
if [ "$variant" = scratch ]; then
	mountpoint -q "$run/mnt" || fail "the scratch mount $run/mnt is not there after SIGKILL"
	info "ok: $run/mnt is still mounted"
fi

# --dry-run says what it would do and does nothing.
run_rc rc "$POOF" cleanup --dry-run >"$WORK/dry.out" 2>&1
assert_eq "poof cleanup --dry-run exit code" 0 "$rc"
assert_contains "--dry-run names the group" "would remove: cgroup $parent/poof-$id" \
	"$WORK/dry.out"
[ -d "$parent/poof-$id" ] || fail "poof cleanup --dry-run removed $parent/poof-$id"

run_rc rc "$POOF" cleanup >"$WORK/cleanup.out" 2>&1
cat "$WORK/cleanup.out" >&2
assert_eq "poof cleanup exit code" 0 "$rc"
assert_contains "cleanup names the run" "$id" "$WORK/cleanup.out"
[ ! -e "$parent/poof-$id" ] || fail "$parent/poof-$id is still there: $(find "$parent/poof-$id")"
info "ok: no cgroup of the run is left"
left=$(run_leftovers "$run")
assert_eq "workers of the run left" "" "$left"
[ -f "$run/ledger.live" ] || fail "the run directory lost its ledger.live: $(ls -l "$run")"
info "ok: $run/ledger.live was kept"

if [ "$variant" = scratch ]; then
	! mountpoint -q "$run/mnt" || fail "$run/mnt is still mounted after poof cleanup"
	info "ok: $run/mnt was unmounted"
	loops=$(losetup -j "$run/scratch.img")
	assert_eq "loop devices on $run/scratch.img" "" "$loops"
	[ -f "$run/scratch.img" ] || fail "the scratch image $run/scratch.img was removed"
	info "ok: the image was kept"
	assert_contains "cleanup says the image is kept" "kept $run/scratch.img" \
		"$WORK/cleanup.out"
fi

# Nothing left: a second cleanup finds nothing of this run.
run_rc rc "$POOF" cleanup >"$WORK/cleanup2.out" 2>&1
assert_eq "second poof cleanup exit code" 0 "$rc"
! grep -qF "$id" "$WORK/cleanup2.out" || fail "the second cleanup found run $id again: \
$(cat "$WORK/cleanup2.out")"

# The interrupted run can still be verified from its unsealed ledger.
run_rc rc "$POOF" verify "$run" >"$WORK/verify.out" 2>&1
cat "$WORK/verify.out" >&2
[ "$rc" -lt 64 ] || fail "poof verify of the interrupted run: exit $rc"
info "ok: poof verify exit code $rc (< 64)"
assert_contains "verify says the ledger was not sealed" "never sealed" "$WORK/verify.out"
