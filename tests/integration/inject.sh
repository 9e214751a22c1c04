#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# inject.sh fsync|write|io-uring|msync|seed|usage: errors injected into the writers'
# syscalls through seccomp user notification (-o inject), on ext4 with the
# smoke profile, writers never killed so that every count is exact: no
# kill-writers, and one pass that ends before the duration, so the run's
# final stop never kills a writer between the error it was answered and
# the ledger entry it makes of it. A fixed seed makes the injected calls the
# same in every run (they depend on the seed and the call's index alone).
#   fsync  fsync:ENOMEM:1/8: the run passes (an fsync that failed moves no
#          durability watermark, and nothing was lost, so nothing is
#          lost-reported either); the report counts the injected errors per
#          syscall and errno, the ledger's files count as many fsync
#          errors, and the summary says how many calls were injected;
#   write  write:EIO:1/50 with the write engine and one pass: every block
#          hit stays in flight (intended, never acknowledged), none is lost;
#   io-uring  write:EIO:1/50 with the io_uring engine, whose ring writes
#          seccomp never sees: decided on the completions, with the same
#          accounting as write (blocks hit in flight, counted in the ledger);
#   msync  msync:EIO:1/8 with the mmap engine (mmap-flush=msync): the run
#          passes and the ledger's files count the injected msync errors;
#   seed   the same inject-seed twice fails the same call indices of every
#          writer (from the two JSON reports); another seed fails others;
#   usage  bad values and a syscall no writer calls exit 64, naming what is
#          accepted, before anything is created.

. "$(dirname "$0")/lib.sh"

case=${1:?usage: inject.sh fsync|write|io-uring|msync|seed|usage}
make_fs ext4
common=(--profile smoke --dir "$MNT" -o kill-writers=off)

# stress NAME OPTIONS...: a run into $WORK/NAME, exit code in rc, summary in $WORK/NAME.out.
stress()
{
	local name=$1

	shift
	run_rc rc "$POOF" stress "${common[@]}" --run-dir "$WORK/$name" "$@" \
		>"$WORK/$name.out" 2>"$WORK/$name.err"
	[ "$rc" = 69 ] && grep -q "seccomp" "$WORK/$name.err" && skip "$(cat "$WORK/$name.err")"
	return 0
}

case "$case" in
fsync)
	stress run -o passes=4 -o duration=60s -o seed=7 -o inject=fsync:ENOMEM:1/8
	r=$WORK/run/report.json
	assert_eq "exit code" 0 "$rc"
	assert_eq verdict PASS "$(json "$r" verdict)"
	assert_classes "$r"
	getv injected "$r" injection.injected.fsync.ENOMEM
	assert_ge "injected fsync errors" 1 "$injected"
	assert_eq "injection total" "$injected" "$(json "$r" injection.total)"
	assert_eq "the ledger's fsync errors" "$injected" "$(json --sum "$r" 'files.*.fsync_errors')"
	assert_eq "injected = the writers' counts" "$injected" \
		"$(json --sum "$r" 'injection.writers.*.fsync.injected')"
	assert_eq "first fsync error" ENOMEM "$(json "$r" files.0.first_fsync_error)"
	assert_eq "rule" "fsync ENOMEM 1/8" "$(json "$r" injection.rules.0.syscall) \
$(json "$r" injection.rules.0.errno) $(json "$r" injection.rules.0.rate)"
	assert_contains "summary" "injected $injected errors" "$WORK/run.out"
	assert_contains "summary" "fsync ENOMEM $injected of" "$WORK/run.out"
	;;
write)
	stress run -o engine=write -o fsync=none -o passes=1 -o duration=60s \
		-o inject=write:EIO:1/50
	r=$WORK/run/report.json
	assert_eq "exit code" 0 "$rc"
	assert_classes "$r"
	getv injected "$r" injection.injected.write.EIO
	assert_ge "injected write errors" 1 "$injected"
	assert_eq "blocks in flight" "$injected" "$(json "$r" verify.classes.in-flight)"
	assert_eq "the ledger's EIO write errors" "$injected" "$(json --sum "$r" 'files.*.eio')"
	assert_eq "calls: a write per block" "$(json "$r" verify.blocks)" \
		"$(json "$r" injection.calls.write)"
	;;
io-uring)
	stress run -o engine=io_uring -o fsync=none -o passes=1 -o duration=60s \
		-o inject=write:EIO:1/50
	[ "$rc" = 69 ] && grep -q "io_uring" "$WORK/run.err" && skip "$(cat "$WORK/run.err")"
	r=$WORK/run/report.json
	assert_eq "exit code" 0 "$rc"
	assert_eq verdict PASS "$(json "$r" verdict)"
	assert_classes "$r"
	getv injected "$r" injection.injected.write.EIO
	assert_ge "injected write errors" 1 "$injected"
	assert_eq "blocks in flight" "$injected" "$(json "$r" verify.classes.in-flight)"
	assert_eq "the ledger's EIO write errors" "$injected" "$(json --sum "$r" 'files.*.eio')"
	assert_eq "injected = the writers' counts" "$injected" \
		"$(json --sum "$r" 'injection.writers.*.write.injected')"
	# A completion is a call: at least one per block (more after a short write).
	assert_ge "calls: a completion per block" "$(json "$r" verify.blocks)" \
		"$(json "$r" injection.calls.write)"
	assert_eq "listeners (nothing to notify)" 0 "$(json "$r" injection.notifications.listeners)"
	assert_contains "summary" "write EIO $injected of" "$WORK/run.out"
	;;
msync)
	stress run -o engine=mmap -o fsync=every=4 -o passes=1 -o duration=60s -o seed=7 \
		-o inject=msync:EIO:1/8
	r=$WORK/run/report.json
	assert_eq "exit code" 0 "$rc"
	assert_eq verdict PASS "$(json "$r" verdict)"
	assert_classes "$r"
	getv injected "$r" injection.injected.msync.EIO
	assert_ge "injected msync errors" 1 "$injected"
	assert_eq "the ledger's fsync errors" "$injected" "$(json --sum "$r" 'files.*.fsync_errors')"
	assert_eq "injected = the writers' counts" "$injected" \
		"$(json --sum "$r" 'injection.writers.*.msync.injected')"
	assert_contains "summary" "msync EIO $injected of" "$WORK/run.out"
	;;
seed)
	opts=(-o passes=1 -o duration=60s -o fsync=none -o seed=7 -o inject=pwrite:EIO:1/16)
	stress a "${opts[@]}" -o inject-seed=11
	assert_eq "first run: exit code" 0 "$rc"
	stress b "${opts[@]}" -o inject-seed=11
	assert_eq "second run: exit code" 0 "$rc"
	stress c "${opts[@]}" -o inject-seed=12
	assert_eq "third run: exit code" 0 "$rc"
	n=$(json --count "$WORK/a/report.json" 'injection.writers.*')
	assert_eq writers 2 "$n"
	for w in $(seq 0 $((n - 1))); do
		p=injection.writers.$w.pwrite64.indices
		a=$(json "$WORK/a/report.json" "$p")
		assert_eq "writer $w: same seed, same indices" "$a" "$(json "$WORK/b/report.json" "$p")"
		[ "$a" != "$(json "$WORK/c/report.json" "$p")" ] ||
			fail "writer $w: inject-seed 12 failed the same calls as 11: $a"
		info "ok: writer $w: another seed, other indices"
	done
	assert_eq "seed in the report" 11 "$(json "$WORK/a/report.json" injection.seed)"
	;;
usage)
	for bad in fsync:ENOMEM:2/1 fsync:ENOMEM fsnyc:ENOMEM:1/8 fsync:NOMEM:1/8 \
		fsync:EIO:1/8,fsync:EIO:1/2 fsync:EIO:1; do
		stress "bad" -o inject="$bad"
		assert_eq "-o inject=$bad: exit code" 64 "$rc"
		assert_contains "-o inject=$bad: the message" "SYSCALL:ERRNO:RATE" "$WORK/bad.err"
		[ ! -e "$WORK/bad" ] || fail "-o inject=$bad: the run directory was created"
	done
	stress bad -o inject=write:EIO:1/50
	assert_eq "a syscall no writer calls: exit code" 64 "$rc"
	assert_contains "the message" "no writer calls write" "$WORK/bad.err"
	stress bad -o inject-seed=x
	assert_eq "-o inject-seed=x: exit code" 64 "$rc"
	;;
*)
	fail "unknown case $case"
	;;
esac
