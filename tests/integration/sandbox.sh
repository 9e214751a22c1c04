#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# sandbox.sh writer|hog|off [ENGINE]: a worker that leaves its seccomp allow-list is
# stopped and reported, never ignored. POOF_FORBIDDEN_BIN is poof built with
# tests/helpers/forbidden.c: its writer 0 (or hog 0) calls socket(2) right
# after entering its sandbox.
#   writer  the run exits 70 (internal error); the summary and the report
#           name the worker, the syscall and the architecture; writer 0 is
#           not restarted, the other writer's blocks are still verified;
#   hog     the same for a hog in a container (cgroup=auto: v1 on the hybrid
#           build hosts), which is not restarted either;
#   off     -o sandbox=no loads no filter, so the same binary passes.
# ENGINE (default pwrite) is the writers' engine: every engine's writer
# loads its own allow-list, and each must trap the call the same way.

. "$(dirname "$0")/lib.sh"

case=${1:?usage: sandbox.sh writer|hog|off [ENGINE]}
engine=${2:-pwrite}
[ -x "${POOF_FORBIDDEN_BIN:-}" ] || skip "poof-forbidden was not built (no libseccomp)"
make_fs ext4
arch=$(uname -m)
case "$arch" in
i?86) arch=x86 ;;
esac

profile=smoke
opts=(-o duration=3s -o kill-writers=off -o engine="$engine")
if [ "$case" = hog ]; then
	require_root "to create cgroups"
	profile=$WORK/hog.ini
	cat >"$profile" <<'INI'
[run]
cgroup = auto
[container box]
memory-max = 256M
[writer main]
container = box
writers = 2
files = 1
file-size = 1M
[hog squeeze]
container = box
kind = anon
size = 8M
rate = 8M
cycle = yes
INI
fi
[ "$case" = off ] && opts+=(-o sandbox=no)

run=$WORK/run
run_rc rc env POOF_FORBIDDEN="${case/off/writer}" "$POOF_FORBIDDEN_BIN" stress \
	--profile "$profile" --dir "$MNT" --run-dir "$run" "${opts[@]}" >"$WORK/out" 2>"$WORK/err"
[ "$case" = hog ] && [ "$rc" = 69 ] && skip "no usable cgroups here: $(cat "$WORK/err")"
report=$run/report.json
[ -f "$report" ] || fail "no report (exit $rc): $(cat "$WORK/err")"

if [ "$case" = off ]; then
	assert_eq "exit code" 0 "$rc"
	assert_eq "sandbox enabled" false "$(json "$report" sandbox.enabled)"
	assert_eq violations 0 "$(json --count "$report" 'sandbox.violations.*')"
	exit 0
fi

assert_eq "exit code" 70 "$rc"
assert_eq verdict ERROR "$(json "$report" verdict)"
assert_eq "sandbox enabled" true "$(json "$report" sandbox.enabled)"
assert_eq violations 1 "$(json --count "$report" 'sandbox.violations.*')"
assert_eq worker "$case" "$(json "$report" sandbox.violations.0.worker)"
assert_eq "worker id" 0 "$(json "$report" sandbox.violations.0.id)"
assert_eq syscall socket "$(json "$report" sandbox.violations.0.syscall)"
assert_eq arch "$arch" "$(json "$report" sandbox.violations.0.arch)"
assert_contains "summary" "$case 0 called socket ($arch)" "$WORK/out"
assert_contains "summary" "exit 70" "$WORK/out"
assert_contains "the next step" "next: $case 0 called socket, outside its sandbox: a bug in poof" \
	"$WORK/out"
assert_classes "$report"
if [ "$case" = writer ]; then
	assert_eq "writer 0" failed "$(json "$report" writers.0.state)"
	assert_eq "writer 0 spawns" 1 "$(json "$report" writers.0.spawns)"
	assert_ge "writer 1's bytes" 1 "$(json "$report" writers.1.bytes)"
	assert_eq "writers stopped by errors" 0 "$(json "$report" write_phase.stopped_by_errors.writers)"
	# tests/helpers/poof-worker, with the same hook: its slot is the ledger's.
	assert_ge "writers started by exec" 2 "$(json "$report" write_phase.writers_started_by_exec)"
else
	assert_eq "hogs started (never again after the violation)" 1 \
		"$(json "$report" write_phase.hogs_started)"
	# tests/helpers/poof-worker, with the same hook: its slot is the memfd's.
	assert_eq "hogs started by exec" 1 "$(json "$report" write_phase.hogs_started_by_exec)"
fi
