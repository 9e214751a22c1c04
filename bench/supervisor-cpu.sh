#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The supervisor's own CPU time during a run, as a share of one core: poof
# must watch eight OOM-storming containers without costing the machine
# anything. Runs `poof stress --profile oom-storm` (eight 16M containers)
# for DURATION (default 60s) on a loop-mounted ext4 image, reads
# write_phase.supervisor_cpu_s and write_phase.elapsed_s from the JSON
# report, and prints the share against the target of 1% of one core. It
# needs root and a cgroup manager (v1 or v2 with the memory controller); under
# `poof vm` use: poof vm -- stress --profile oom-storm --json FILE.
#
# Usage: bench/supervisor-cpu.sh [POOF] [DURATION]
set -euo pipefail

poof=${1:-build/poof}
duration=${2:-60s}
work=$(mktemp -d /var/tmp/poof-bench-cpu.XXXXXX)
mnt=$work/mnt

cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	rm -rf "$work"
}
trap cleanup EXIT

truncate -s 1G "$work/ext4.img"
mkfs.ext4 -q -F "$work/ext4.img"
mkdir "$mnt"
mount -o loop "$work/ext4.img" "$mnt"

"$poof" stress --profile oom-storm --dir "$mnt" --run-dir "$work/run" -q \
	-o duration="$duration" --json "$work/report.json" || true

python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = r["write_phase"]
cpu, wall = w["supervisor_cpu_s"], w["elapsed_s"]
share = 100.0 * cpu / wall if wall else 0.0
print(f"verdict {r['verdict']}, {len(r.get('containers', []))} containers, "
      f"{w['oom_kills']} OOM kills, manager {r['cgroup_manager']}")
print(f"supervisor CPU {cpu:.3f} s over {wall:.1f} s: {share:.2f}% of one core "
      f"(target <= 1%: {'PASS' if share <= 1.0 else 'MISS'})")
PY
