#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# On a kernel without seccomp (tests/helpers/no-seccomp makes it look so), a
# run that asks for the sandbox (the default) or for -o inject exits 69
# before anything is made, and says why and what to do; -o sandbox=no runs
# and passes. `poof --version` shows +SECCOMP in a build with libseccomp.

. "$(dirname "$0")/lib.sh"

[ -x "${POOF_NO_SECCOMP:-}" ] || fail "POOF_NO_SECCOMP must name the no-seccomp helper"
"$POOF" --version | grep -q '+SECCOMP' || skip "poof was built without libseccomp"
make_fs ext4

for ask in sandbox inject; do
	opts=()
	[ "$ask" = inject ] && opts=(-o sandbox=no -o inject=fsync:ENOMEM:1/8)
	run_rc rc "$POOF_NO_SECCOMP" "$POOF" stress --profile smoke "${opts[@]}" \
		--dir "$MNT" --run-dir "$WORK/run-$ask" >"$WORK/out" 2>"$WORK/err"
	[ "$rc" -ne 77 ] || skip "cannot load a seccomp filter here: $(cat "$WORK/err")"
	cat "$WORK/err" >&2
	assert_eq "$ask: exit code" 69 "$rc"
	assert_contains "$ask: the reason" "which this kernel refuses" "$WORK/err"
	assert_contains "$ask: the fix" "CONFIG_SECCOMP_FILTER" "$WORK/err"
	[ ! -e "$WORK/run-$ask" ] || fail "$ask: the run directory was created"
	[ -z "$(ls -A "$MNT" | grep -v lost+found)" ] || fail "$ask: the target got files"
done

run_rc rc "$POOF_NO_SECCOMP" "$POOF" stress --profile smoke -o sandbox=no -o duration=1s -q \
	--dir "$MNT" --run-dir "$WORK/off" >/dev/null 2>"$WORK/err"
assert_eq "sandbox=no on that kernel: exit code" 0 "$rc"
info "ok: no seccomp in the kernel is exit 69 with the reason, before anything is made"
