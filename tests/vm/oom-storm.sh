#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The oom-storm profile on cgroup v2, shortened to 10 s: eight 16 MiB
# containers, all in the report, reach the OOM killer, and nothing
# acknowledged is lost (exit 0). Every writer and hog is started as
# poof-worker, by exec: a guest hook sees them run that program in their
# container at OOM score 0, while the supervisor, which lends them that
# score for the moment of each start, holds its own -1000 the rest of the
# time: read up to 20 times, a tenth of a second apart, it is -1000 in
# most readings (under TCG a start takes milliseconds) and never anything
# but -1000 or the lent 0.
. "$(dirname "$0")/lib.sh"

cat >"$tmp/scores.sh" <<'HOOK'
sleep 3
workers=$(pidof poof-w0 poof-w1 poof-h0 poof-h1)
set -- $workers
sup=$(cut -d' ' -f4 /proc/$1/stat) # their parent
echo "supervisor $sup"
for p in $workers; do
	# Skipped if the OOM killer took it meanwhile.
	comm=$(cat /proc/$p/comm) && exe=$(readlink /proc/$p/exe) &&
		score=$(cat /proc/$p/oom_score_adj) && cg=$(sed -n 's/^0:://p' /proc/$p/cgroup) &&
		echo "worker $comm exe ${exe##*/} score $score cgroup $cg"
done
for i in $(seq 20); do
	score=$(cat /proc/$sup/oom_score_adj) || break # the run is over
	echo "supervisor-score $score"
	sleep 0.1
done
HOOK

vm_run storm --guest-hook "$tmp/scores.sh" -- stress --profile oom-storm -o duration=10s \
	--json "$tmp/storm.json"
sed 's/^/   hook: /' "$tmp/storm/hook.log"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
log=$tmp/storm/hook.log
scores=$(sed -n 's/^supervisor-score //p' "$log")
readings=$(echo "$scores" | grep -c .)
assert_ge "the supervisor's readings" 10 "$readings"
assert_eq "readings other than -1000 or the lent 0" 0 "$(echo "$scores" | grep -cvx -- '-1000\|0')"
assert_gt "readings at -1000 (more than half)" $((readings / 2)) \
	"$(echo "$scores" | grep -cx -- -1000)"
workers=$(grep -c '^worker ' "$log")
assert_ge "workers seen" 2 "$workers"
assert_eq "workers running poof-worker at score 0 in a storm container" "$workers" \
	"$(grep -c '^worker poof-[wh][01] exe poof-worker score 0 cgroup .*/storm-[0-9]*$' "$log")"
r=$tmp/storm.json
assert_eq "writers started by exec" $(($(json "$r" write_phase.respawns) + 8)) \
	"$(json "$r" write_phase.writers_started_by_exec)"
assert_eq "hogs started by exec" "$(json "$r" write_phase.hogs_started)" \
	"$(json "$r" write_phase.hogs_started_by_exec)"
kills=$(json "$r" write_phase.oom_kills)
assert_eq containers 8 "$(json --count "$r" 'containers.*')"
assert_ge "OOM kills" 1 "$kills"
assert_eq "OOM kills = the containers' oom_kill" "$(json --sum "$r" 'containers.*.oom_kill')" "$kills"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_eq "report exit_code" 0 "$(json "$r" exit_code)"
echo "ok: eight containers, OOM kills, nothing lost"
