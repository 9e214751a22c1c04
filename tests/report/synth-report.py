#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Reports the renderers must handle that no quick run writes, made from a
# real fixture (written to stdout):
#
#   synth-report.py future FIXTURE      the fixture with the keys a later poof
#       adds (environment, plan.overrides, phases, per-sample PSI and
#       memory_high, write_phase.events, oom_kills, kernel.log_file), and
#       names and kernel lines full of <, & and quotes
#   synth-report.py big FIXTURE [MINUTES [CONTAINERS]]   a run of MINUTES
#       (default 60) with CONTAINERS (default 64), sampled once a second,
#       with bursts of OOM kills (every container gets some; a few dense
#       bursts of many kills within a second)
#   synth-report.py events FIXTURE      the fixture with write_phase.events
#       as this poof writes it: respawns of writers and hogs in every
#       container, a stall and a stopped writer, no OOM kill (those stay
#       with the timeline's series), and a stall snapshot the events replace
#   synth-report.py bare                 a poof report that has nothing but
#       its schema version, tool and verdict: every other key missing
#
# Deterministic (a fixed seed), so a failing test fails the same way again.

import copy
import json
import random
import sys


def future(r):
    r = copy.deepcopy(r)
    r["environment"] = {
        "kernel_release": "6.1.0-57-amd64",
        "kernel_cmdline": "console=ttyS0 quiet <script>alert('x')</script> & \"q\"",
    }
    r.setdefault("plan", {})["overrides"] = {"duration": "20s", "memory-max": "32M"}
    tl = r["timeline"]
    n = len(tl["t_s"])
    end = r["write_phase"]["elapsed_s"]
    r["phases"] = {"write_s": [0, end], "flush_s": [end + 0.2, end + 0.6],
                   "verify_s": [end + 0.6, end + 1.1]}
    events, kills = [], []
    for i, c in enumerate(tl["containers"]):
        c["name"] = c["name"] + "<&\"'>"
        c["psi_some"] = [(k * 37000) % 400000 for k in range(n)]
        c["psi_full"] = [(k * 11000) % 150000 for k in range(n)]
        c["memory_high"] = [24 << 20] * n
        prev = 0
        for k, v in enumerate(c["oom_kills"]):
            for _ in range((v or 0) - prev):
                kill = {"t_s": tl["t_s"][k] - 0.3, "pid": 100 + k, "comm": "poof-h<0>",
                        "container": c["name"]}
                kills.append(kill)
                events.append(dict(kill, kind="oom-kill", writer=None))
            prev = v or prev
        events.append({"t_s": tl["t_s"][n // 2], "kind": "respawn", "container": c["name"],
                       "writer": 0, "pid": 999, "comm": "poof-w0"})
    for c in r.get("containers", []):
        c["name"] = c["name"] + "<&\"'>"
        c["oom_kill"] = sum(1 for k in kills if k["container"] == c["name"])
    r["oom_kills"] = kills
    r["write_phase"]["oom_kills"] = len(kills)
    r["write_phase"]["events"] = events
    r["kernel"]["log_file"] = "kernel.log"
    r["kernel"].setdefault("first_lines", {})["warning"] = "WARNING: <&> \"quoted\" 'line'"
    if r["verify"].get("losses"):
        r["verify"]["losses"][0]["file"] = "w<0>&\"f\".dat"
    return r


def with_events(r):
    r = copy.deepcopy(r)
    tl = r["timeline"]
    n = len(tl["t_s"])
    wp = r["write_phase"]
    events = []
    for i, c in enumerate(tl["containers"]):
        for k in range(0, n, 3):
            events.append({"t_s": tl["t_s"][k] + 0.1, "kind": "respawn", "container": c["name"],
                           "writer": i, "pid": 2000 + 10 * k + i, "comm": "poof-w%d" % i})
        events.append({"t_s": tl["t_s"][n // 2], "kind": "respawn", "container": c["name"],
                       "hog": i, "pid": 3000 + i, "comm": "poof-h%d" % i})
    c0 = tl["containers"][0]["name"]
    events.append({"t_s": tl["t_s"][n // 3], "kind": "stall", "container": c0, "writer": 0,
                   "pid": 4000, "comm": "poof-w0"})
    events.append({"t_s": tl["t_s"][-1], "kind": "writer-stopped", "container": c0,
                   "writer": 0, "pid": 4001, "comm": "poof-w0"})
    events.sort(key=lambda e: e["t_s"])
    wp["respawns"] = sum(1 for e in events if e["kind"] == "respawn" and "writer" in e)
    wp["stalls"] = 1
    wp["stalled"] = [{"writer": 0, "pid": 4000, "at_s": tl["t_s"][0], "silent_s": 2.0,
                      "state": "T", "wchan": "do_signal_stop", "stack": ""}]
    wp["events"] = events
    wp["events_dropped"] = 0
    r.pop("oom_kills", None)
    return r


def squeeze(rng, n, limit):
    """memory.current: climbs to the limit, falls back at a kill."""
    v, out = 0, []
    for _ in range(n):
        v = min(limit, v + rng.randint(0, limit // 8))
        if v >= limit and rng.random() < 0.3:
            v = rng.randint(0, limit // 4)
        out.append(v)
    return out


def big(r, minutes, ncontainers):
    rng = random.Random(4711)
    r = copy.deepcopy(r)
    n = minutes * 60
    limit = 32 << 20
    t = [i + 0.5 for i in range(n)]
    tl = {"interval_s": 1.0, "t_s": t,
          "bytes_acknowledged": [i * 3_000_000 + rng.randint(0, 999) for i in range(n)],
          "containers": []}
    containers, total = [], 0
    for c in range(ncontainers):
        name = "box-%d" % c
        cur = squeeze(rng, n, limit)
        kills, count = [], 0
        for i in range(n):
            step = 1 if rng.random() < 0.02 else 0
            if c == 0 and i in (600, 601, 1800):
                step = 40  # a dense burst: 40 kills in one second
            count += step
            kills.append(count)
        total += count
        tl["containers"].append({
            "name": name, "memory_current": cur,
            "anon": [x * 3 // 4 for x in cur], "file": [x // 4 for x in cur],
            "file_dirty": [rng.randint(0, 1 << 20) for _ in range(n)],
            "file_writeback": [rng.randint(0, 1 << 19) if i % 7 else None for i in range(n)],
            "oom_kills": kills})
        containers.append({"name": name, "path": "/sys/fs/cgroup/poof-big/" + name,
                           "memory_max": limit, "oom": count * 5, "oom_kill": count,
                           "oom_group_kill": 0, "max": count * 50, "high": 0,
                           "under_oom": False,
                           "memory_pressure": {"some_s": 10.0, "full_s": 5.0,
                                               "stall_episodes": 3}})
    r["timeline"] = tl
    r["containers"] = containers
    r["write_phase"]["elapsed_s"] = float(n)
    r["write_phase"]["oom_kills"] = total
    r["plan"]["duration_s"] = float(n)
    return r


def bare():
    return {"schema_version": 1, "tool": {"name": "poof", "version": "0.0.1"},
            "verdict": "PASS", "exit_code": 0}


def main(argv):
    if len(argv) >= 3 and argv[1] == "future":
        out = future(json.load(open(argv[2])))
    elif len(argv) >= 3 and argv[1] == "big":
        minutes = int(argv[3]) if len(argv) > 3 else 60
        count = int(argv[4]) if len(argv) > 4 else 64
        out = big(json.load(open(argv[2])), minutes, count)
    elif len(argv) >= 3 and argv[1] == "events":
        out = with_events(json.load(open(argv[2])))
    elif len(argv) == 2 and argv[1] == "bare":
        out = bare()
    else:
        sys.stderr.write("usage: synth-report.py future|events|big FIXTURE [MINUTES [N]] | bare\n")
        return 2
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
