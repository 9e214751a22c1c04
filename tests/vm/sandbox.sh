#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The workers' sandbox and error injection on cgroup v2, in the guest's
# kernel (Debian's 6.1): four boots.
#   1. poof-forbidden (POOF_FORBIDDEN_BIN, poof with a writer that calls
#      socket(2) after entering its sandbox; under poof vm the guest runs
#      that same binary): exit 70, and the summary and the report name the
#      writer, the syscall and the architecture.
#   2. tight-container with -o inject=fsync:ENOMEM:1/8: the OOM killer fires,
#      the injected errors are counted and match the ledger's fsync errors
#      (up to the writers killed between an answer and its ledger update),
#      nothing is lost, PASS, and the summary says how many were injected.
#   3. tight-container with the write engine and -o inject=write:EIO:1/50:
#      the blocks hit are in flight, none is lost.
#   4. fsync-storm with -o inject=write:EIO:1/50,fdatasync:ENOMEM:1/8: its
#      io_uring group's ring writes and fdatasyncs fail on their completions
#      (seccomp never sees them), counted as the ledger counts them, under
#      the OOM killer, nothing lost.
. "$(dirname "$0")/lib.sh"

[ -x "${POOF_FORBIDDEN_BIN:-}" ] || skip "poof-forbidden was not built (no libseccomp)"
POOF=$POOF_FORBIDDEN_BIN vm_run forbidden -- stress -o cgroup=none --profile smoke \
	-o duration=3s --json "$tmp/forbidden.json"
[ "$rc" -eq 70 ] || fail "a writer out of its sandbox: exit $rc, expected 70"
r=$tmp/forbidden.json
assert_eq verdict ERROR "$(json "$r" verdict)"
assert_eq worker writer "$(json "$r" sandbox.violations.0.worker)"
assert_eq syscall socket "$(json "$r" sandbox.violations.0.syscall)"
assert_eq arch x86_64 "$(json "$r" sandbox.violations.0.arch)"
assert_contains "the guest's summary" "writer 0 called socket (x86_64)" "$tmp/forbidden.out"
echo "ok: a writer that left its sandbox is named, exit 70"

vm_run fsync -- stress --profile tight-container -o duration=12s \
	-o inject=fsync:ENOMEM:1/8 --json "$tmp/fsync.json"
[ "$rc" -eq 0 ] || fail "fsync:ENOMEM:1/8 on tight-container: exit $rc, expected 0 (PASS)"
r=$tmp/fsync.json
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
getv injected "$r" injection.injected.fsync.ENOMEM
getv ledger --sum "$r" 'files.*.fsync_errors'
getv deaths "$r" write_phase.writer_deaths
getv writers --count "$r" 'writers.*'
assert_ge "injected fsync errors" 1 "$injected"
# A writer killed (by the OOM killer, or by the run's final stop) after its
# call was answered with the error never writes that error down: at most one
# per death and one per writer alive at the stop.
[ "$ledger" -le "$injected" ] && [ "$ledger" -ge $((injected - deaths - writers)) ] ||
	fail "the ledger's $ledger fsync errors do not match $injected injected ($deaths deaths)"
info "ok: the ledger's fsync errors ($ledger) match the $injected injected ($deaths deaths)"
assert_contains "the guest's summary" "injected $injected errors" "$tmp/fsync.out"
nothing_left fsync
echo "ok: injected fsync errors under OOM kills: counted, nothing lost"

vm_run write -- stress --profile tight-container -o duration=12s -o engine=write \
	-o inject=write:EIO:1/50 --json "$tmp/write.json"
[ "$rc" -eq 0 ] || fail "write:EIO:1/50 on tight-container: exit $rc, expected 0 (PASS)"
r=$tmp/write.json
classes "$r"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_ge "injected write errors" 1 "$(json "$r" injection.injected.write.EIO)"
assert_ge "blocks in flight" 1 "$in_flight"
echo "ok: the blocks injected write errors hit are in flight, not lost"

vm_run uring -- stress --profile fsync-storm -o duration=12s \
	-o inject=write:EIO:1/50,fdatasync:ENOMEM:1/8 --json "$tmp/uring.json"
[ "$rc" -eq 0 ] || fail "io_uring completions on fsync-storm: exit $rc, expected 0 (PASS)"
r=$tmp/uring.json
classes "$r"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
getv deaths "$r" write_phase.writer_deaths
getv writers --count "$r" 'writers.*'
getv eio "$r" injection.injected.write.EIO
getv ledger_eio --sum "$r" 'files.*.eio'
getv enomem "$r" injection.injected.fdatasync.ENOMEM
getv ledger_sync --sum "$r" 'files.*.fsync_errors'
assert_ge "injected ring write errors" 1 "$eio"
assert_ge "injected ring fdatasync errors" 1 "$enomem"
[ "$ledger_eio" -le "$eio" ] && [ "$ledger_eio" -ge $((eio - deaths - writers)) ] ||
	fail "the ledger's $ledger_eio EIO write errors do not match $eio injected ($deaths deaths)"
[ "$ledger_sync" -le "$enomem" ] && [ "$ledger_sync" -ge $((enomem - deaths - writers)) ] ||
	fail "the ledger's $ledger_sync sync errors do not match $enomem injected ($deaths deaths)"
info "ok: ring errors $eio/$ledger_eio and $enomem/$ledger_sync, $deaths deaths"
assert_contains "the guest's summary" "write EIO $eio of" "$tmp/uring.out"
echo "ok: io_uring's completions take the injected errors, counted, nothing lost"
