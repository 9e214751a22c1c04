#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# An OOM storm faster than a small host can respawn (v1 memory controller, as
# on this project's hybrid build hosts): oom-storm with 32 containers whose
# hogs grow without a rate limit, so they die within milliseconds of their
# start. Before the supervisor bounded its work per turn, its reap loop never
# got back to the clock or the signals: a 10 s run of this ran for minutes.
# Now:
#   - a 10 s run ends with a verdict, within duration + 60 s (a deadline that
#     only catches a hang: the machine may be slow), and its report counts
#     the respawns that had to wait;
#   - a SIGINT 3 s in ends the run within 60 s, marked interrupted;
#   - neither leaves a cgroup or a process behind, and poof cleanup finds
#     nothing of either;
#   - every writer and hog is started as poof-worker, by exec; a poof
#     without poof-worker beside it (nor installed) forks them, and the
#     storm runs the same.
#
# Usage: storm.sh [COUNT]      (default 32)

. "$(dirname "$0")/lib.sh"

count=${1:-32}
require_root "to create cgroups"
v1_memory_parent

make_fs ext4 1G

# storm NAME [SIGNAL-AFTER-SECONDS]: one run; sets rc, took (seconds) and report.
storm()
{
	local name=$1 after=${2:-} deadline=70 since="its start" t0

	run=$WORK/run-$name
	t0=$SECONDS
	"$POOF" stress --profile oom-storm -o cgroup=v1 -o container.storm.count="$count" \
		-o hog.squeeze.rate=0 -o duration=10s --dir "$MNT" --run-dir "$run" -q \
		>"$WORK/$name.out" 2>&1 &
	pid=$!
	if [ -n "$after" ]; then
		sleep "$after"
		kill -INT "$pid"
		t0=$SECONDS
		deadline=60
		since="the SIGINT"
	fi
	while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - t0)) -lt "$deadline" ]; do
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null || true
		pid=
		"$POOF" cleanup >/dev/null 2>&1 || true
		fail "$name: still running ${deadline}s after $since (the run lasts 10 s):" \
			"the supervisor did not stay in charge"
	fi
	rc=0
	wait "$pid" || rc=$?
	pid=
	took=$((SECONDS - t0))
	report=$run/report.json
	info "$name: exit $rc, ${took}s after $since"
	[ "$rc" -lt 64 ] || fail "$name: exit $rc: $(cat "$WORK/$name.out")"
	[ -f "$report" ] || fail "$name: no $report: $(cat "$WORK/$name.out")"
}

# Nothing of the run in $run is left: no cgroup, no worker, nothing for poof cleanup.
nothing_left()
{
	local id groups workers

	id=$(json "$report" run_id)
	groups=$(find "$parent" -maxdepth 1 -name "poof-$id*")
	workers=$(run_leftovers "$run")
	[ -z "$groups$workers" ] || fail "$1: left behind: cgroups [$groups] processes [$workers]"
	run_rc rc "$POOF" cleanup --dry-run >"$WORK/$1-cleanup.out" 2>&1
	assert_eq "$1: poof cleanup --dry-run exit code" 0 "$rc"
	! grep -qF "$id" "$WORK/$1-cleanup.out" ||
		fail "$1: poof cleanup would still remove something of run $id:" \
			"$(cat "$WORK/$1-cleanup.out")"
	info "ok: $1: no cgroup, no process of run $id left, nothing for poof cleanup"
	rm -rf "$MNT/poof-$id"
}

storm duration
assert_eq "duration: interrupted" false "$(json "$report" interrupted)"
assert_eq "duration: stop reason" duration "$(json "$report" write_phase.stop_reason)"
assert_ge "duration: OOM kills" 1 "$(json "$report" write_phase.oom_kills)"
# Hogs that die young wait before they start again: the report says how often.
assert_ge "duration: respawns deferred" 1 "$(json "$report" write_phase.respawns_deferred)"
info "ok: $(json "$report" verdict) after $(json "$report" write_phase.oom_kills) OOM kills," \
	"$(json "$report" write_phase.respawns_deferred) respawns deferred," \
	"$(json "$report" write_phase.respawns_refused) refused at the stop"
assert_eq "duration: hogs started by exec" "$(json "$report" write_phase.hogs_started)" \
	"$(json "$report" write_phase.hogs_started_by_exec)"
assert_eq "duration: writers started by exec" \
	$(($(json "$report" write_phase.respawns) + count)) \
	"$(json "$report" write_phase.writers_started_by_exec)"
nothing_left duration

storm interrupt 3
assert_eq "SIGINT: interrupted" true "$(json "$report" interrupted)"
assert_eq "SIGINT: signal" INT "$(json "$report" write_phase.signal)"
nothing_left interrupt

# A copy of poof alone in a directory: no poof-worker beside it, so it forks them.
if ! ls /usr/libexec/poof/poof-worker /usr/local/libexec/poof/poof-worker >/dev/null 2>&1; then
	mkdir "$WORK/alone"
	cp "$POOF" "$WORK/alone/poof"
	POOF=$WORK/alone/poof storm forked
	assert_eq "forked: stop reason" duration "$(json "$report" write_phase.stop_reason)"
	assert_ge "forked: hogs started" "$count" "$(json "$report" write_phase.hogs_started)"
	assert_eq "forked: hogs started by exec" 0 "$(json "$report" write_phase.hogs_started_by_exec)"
	assert_eq "forked: writers started by exec" 0 \
		"$(json "$report" write_phase.writers_started_by_exec)"
	nothing_left forked
fi
