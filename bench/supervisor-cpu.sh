#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The supervisor's own cost as the storm grows: for each container count,
# `poof stress --profile oom-storm -o container.storm.count=N` (N 16 MiB
# containers, each with a writer and a hog, all OOM-killed) for DURATION on
# a loop-mounted ext4 image, and from the JSON report the CPU time of the
# supervisor and of its spawner as a share of one core (all of it, without
# the time spent starting children, and the spawner's), the supervisor's
# peak RSS, how the run ended and how many respawns waited or were
# refused. The target is at most 1% of one core at 64 containers. It needs
# root and a cgroup manager with the memory controller (v1 on this
# project's hybrid hosts); under `poof vm` run the same command by hand.
#
# Like every script here it reports and does not judge timing: it exits 0
# whatever the figures, 1 when a run ended without a verdict (exit 64 or
# above, or no report), 77 when it cannot run here. A meson test runs it
# once at a tiny size so that it cannot rot.
#
# Usage: bench/supervisor-cpu.sh [COUNT...]      (default 8 16 32 64)
# Environment: POOF (default build/poof), DURATION of each run (default
# 60s), CGROUP (the -o cgroup= manager, default auto), IMAGE_SIZE of the
# ext4 image (default 2G).
set -euo pipefail

poof=${POOF:-build/poof}
duration=${DURATION:-60s}
manager=${CGROUP:-auto}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(8 16 32 64)

for n in "${counts[@]}"; do
	case "$n" in '' | *[!0-9]* | 0)
		echo "supervisor-cpu: a container count must be a positive number, got '$n'" >&2
		exit 64
		;;
	esac
done
[ -x "$poof" ] || {
	echo "supervisor-cpu: $poof is not an executable: build poof first" >&2
	exit 69
}
if [ "$(id -u)" != 0 ]; then
	echo "supervisor-cpu: needs root (a loop mount and cgroups); skipped" >&2
	exit 77
fi

work=$(mktemp -d /var/tmp/poof-bench-cpu.XXXXXX)
mnt=$work/mnt
cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	rm -rf "$work"
}
trap cleanup EXIT

truncate -s "${IMAGE_SIZE:-2G}" "$work/ext4.img"
mkfs.ext4 -q -F "$work/ext4.img"
mkdir "$mnt"
mount -o loop "$work/ext4.img" "$mnt"

echo "oom-storm for $duration per count, manager $manager, load average $(cut -d' ' -f1-3 /proc/loadavg)"
row='%-10s %-8s %9s %8s %7s %7s %7s %8s %7s %6s %9s %9s %8s\n'
printf "$row" containers verdict ran-over ended cpu-s share other spawner rss oom respawns \
	deferred refused
status=0
for n in "${counts[@]}"; do
	run=$work/run-$n
	rc=0
	t0=$(date +%s.%N)
	"$poof" stress --profile oom-storm -o container.storm.count="$n" -o cgroup="$manager" \
		-o duration="$duration" --dir "$mnt" --run-dir "$run" -q \
		--json "$work/report-$n.json" >"$work/out-$n.txt" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	if [ "$rc" = 69 ]; then
		echo "supervisor-cpu: poof cannot run the storm here; skipped:" >&2
		sed 's/^/  /' "$work/out-$n.txt" >&2
		exit 77
	fi
	if [ "$rc" -ge 64 ] || [ ! -s "$work/report-$n.json" ]; then
		echo "supervisor-cpu: $n containers: exit $rc without a verdict:" >&2
		sed 's/^/  /' "$work/out-$n.txt" >&2
		status=1
		continue
	fi
	printf "$row" $(python3 - "$work/report-$n.json" "$n" "$t0" "$t1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w, d = r["write_phase"], r["plan"]["duration_s"]
cpu, wall = w["supervisor_cpu_s"], w["elapsed_s"]
ended = float(sys.argv[4]) - float(sys.argv[3]) - d
# Writers and hogs started again: oom-storm has one hog a container.
respawns = w["respawns"] + w["hogs_started"] - int(sys.argv[2])
other = cpu - w["supervisor_spawn_cpu_s"]
# The spawner's part of cpu (0 from a poof without one).
helper = w.get("supervisor_spawner_cpu_s", 0)
share = lambda x: f"{100.0 * x / wall if wall else 0:.2f}%"
print(sys.argv[2], r["verdict"], f"{wall - d:+.1f}s", f"{ended:+.1f}s", f"{cpu:.3f}",
      share(cpu), share(other), share(helper), f"{w['supervisor_max_rss'] / 1048576:.1f}M",
      w["oom_kills"], respawns, w["respawns_deferred"], w["respawns_refused"])
PY
)
	rm -rf "$mnt"/poof-*
done
echo "share: the CPU time of the supervisor and its spawner over the write phase, of one core"
echo "(target <= 1% at 64); other: the share without the time spent starting writers and hogs"
echo "(by exec as poof-worker, or forked): watching and reaping; spawner: the spawner's part of"
echo "the share (it forks workers only where poof-worker cannot be started);"
echo "ran-over: the write phase past its duration; ended: the whole run (verification and"
echo "clean-up included) past its duration; respawns: writers and hogs started again"
exit $status
