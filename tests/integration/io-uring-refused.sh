#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Where the kernel refuses io_uring (a seccomp filter answering EPERM, a
# kernel without it answering ENOSYS; kernel.io_uring_disabled answers EPERM
# too), a run that asks for engine=io_uring exits 69 before anything is
# made, and says why and what to do. A run with another engine is not
# concerned, and where io_uring works the same command passes.

. "$(dirname "$0")/lib.sh"

[ -x "${POOF_NO_IO_URING:-}" ] || fail "POOF_NO_IO_URING must name the no-io-uring helper"
"$POOF" --version | grep -q '+URING' || skip "poof was built without liburing"
make_fs ext4

for error in EPERM ENOSYS; do
	run_rc rc "$POOF_NO_IO_URING" "$error" "$POOF" stress --profile smoke -o engine=io_uring \
		--dir "$MNT" --run-dir "$WORK/run-$error" >"$WORK/out" 2>"$WORK/err"
	[ "$rc" -ne 77 ] || skip "cannot load a seccomp filter here: $(cat "$WORK/err")"
	cat "$WORK/err" >&2
	assert_eq "$error: exit code" 69 "$rc"
	assert_contains "$error: the reason" "engine=io_uring:" "$WORK/err"
	assert_contains "$error: the fix" "or use -o engine=pwrite" "$WORK/err"
	[ ! -e "$WORK/run-$error" ] || fail "$error: the run directory was created"
	[ -z "$(ls -A "$MNT" | grep -v lost+found)" ] || fail "$error: the target got files"
done
assert_contains "ENOSYS names it" "this kernel has no io_uring" "$WORK/err"

# The same filter does not concern a run that writes with pwrite.
run_rc rc "$POOF_NO_IO_URING" EPERM "$POOF" stress --profile smoke -o duration=1s -q \
	--dir "$MNT" --run-dir "$WORK/pwrite" >/dev/null 2>"$WORK/err"
assert_eq "pwrite under the filter: exit code" 0 "$rc"

# Without the filter, io_uring works here and the run passes.
run_rc rc "$POOF" stress --profile smoke -o engine=io_uring -o duration=2s -q \
	--dir "$MNT" --run-dir "$WORK/uring" >/dev/null 2>"$WORK/err"
assert_eq "io_uring without the filter: exit code" 0 "$rc"
info "ok: a refused io_uring is exit 69 with the reason, before anything is made"
