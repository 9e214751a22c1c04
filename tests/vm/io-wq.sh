#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# io_uring's io-wq workers belong to the writer's container: while the
# io-uring profile runs, a guest hook finds writers with iou-wrk-* threads
# (/proc/PID/task/*/comm) and shows that each worker is in its writer's
# cgroup (/proc/TID/cgroup), is listed in that container's cgroup.threads,
# and that the container is charged the page cache the rings write (file in
# memory.stat) while its only other process is an anonymous-memory hog. The
# run reaches the OOM killer, the final kill finds the rings with writes in
# flight, and nothing acknowledged is lost.
. "$(dirname "$0")/lib.sh"

cat >"$tmp/workers.sh" <<'HOOK'
# The first writer seen with io-wq workers, and where its threads sit.
for i in $(seq 300); do
	for p in $(pidof poof-w0 poof-w1 poof-w2 poof-w3); do
		grep -q '^iou-wrk-' /proc/$p/task/*/comm 2>/dev/null && writer=$p && break 2
	done
	sleep 0.1
done
[ -n "$writer" ] || { echo "no writer with io-wq workers"; exit 0; }
cg=$(sed -n 's/^0:://p' /proc/$writer/cgroup)
echo "writer $writer cgroup $cg"
for t in /proc/$writer/task/*; do
	tid=${t##*/}
	listed=no
	grep -qx "$tid" "/sys/fs/cgroup$cg/cgroup.threads" && listed=yes
	echo "thread $tid $(cat $t/comm) cgroup $(sed -n 's/^0:://p' $t/cgroup) listed $listed"
done
echo "container file $(sed -n 's/^file //p' "/sys/fs/cgroup$cg/memory.stat")"
echo "container pids $(cat "/sys/fs/cgroup$cg/pids.current")"
HOOK

vm_run ring --guest-hook "$tmp/workers.sh" -- stress --profile io-uring -o duration=12s \
	--json "$tmp/ring.json"
sed 's/^/   hook: /' "$tmp/ring/hook.log"
[ "$rc" -eq 0 ] || fail "exit $rc, expected 0 (PASS)"
log=$tmp/ring/hook.log
grep -q '^writer ' "$log" || fail "the hook found no writer with io-wq workers: $(cat "$log")"
cg=$(sed -n 's/^writer [0-9]* cgroup //p' "$log")
case "$cg" in */box) ;; *) fail "the writer is not in the container box: $cg" ;; esac
workers=$(grep -c '^thread [0-9]* iou-wrk-' "$log")
assert_ge "io-wq workers of the writer" 1 "$workers"
assert_eq "workers in the writer's cgroup" "$workers" \
	"$(grep -c "^thread [0-9]* iou-wrk-[0-9]* cgroup $cg listed yes\$" "$log")"
assert_eq "threads outside the container" 0 "$(grep '^thread ' "$log" | grep -vc "cgroup $cg ")"
assert_gt "page cache charged to the container" 0 "$(sed -n 's/^container file //p' "$log")"
r=$tmp/ring.json
classes "$r"
assert_ge "OOM kills" 1 "$(json "$r" write_phase.oom_kills)"
assert_eq losses 0 "$(json "$r" verify.losses_total)"
assert_gt "in-flight (writers killed with writes in the ring)" 0 "$in_flight"
assert_eq "ok + in-flight = blocks" "$blocks" $((ok + in_flight))
nothing_left ring
echo "ok: $workers io-wq workers in the writer's container, charged to it; nothing lost"
