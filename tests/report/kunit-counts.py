#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   kunit-counts.py KUNIT_DIR KTAP REPORT.json
#
# Parses KTAP with the kernel's own parser (KUNIT_DIR holds
# tools/testing/kunit/kunit_parser.py of a kernel source tree, as kunit.py
# runs it: parse_run_tests over the lines) and compares its counts of
# passed, failed and skipped checks, and its errors, with what the report's
# JSON says each check must be. The expectation is derived here from the
# JSON, independently of poof's C code:
#   verification  fails with FAIL, or when it could not run or was cut short
#                 (verify.error, verify.target_hung); skips when it did not
#                 run or is not recorded;
#   hangs         fails with HANG; skips without a write phase;
#   kernel        fails with KERNEL; skips when not watched or not recorded;
#   expect-oom    fails with INEFFECTIVE; passes when OOM kills happened;
#                 skips otherwise.

import io
import json
import sys


def get(r, path, default=None):
    for k in path.split("."):
        if isinstance(r, dict) and k in r:
            r = r[k]
        else:
            return default
    return r if r is not None else default


def expectation(r):
    verdicts = r.get("verdicts")
    if not isinstance(verdicts, list):
        verdicts = [r.get("verdict")]
    checks = {}
    v = r.get("verify")
    if "FAIL" in verdicts:
        checks["verification"] = "failed"
    elif not isinstance(v, dict):
        checks["verification"] = "skipped"
    elif v.get("error") or (v.get("target_hung") and v.get("ran")):
        checks["verification"] = "failed"
    elif not v.get("ran"):
        checks["verification"] = "skipped"
    else:
        checks["verification"] = "passed"
    wp = r.get("write_phase")
    checks["hangs"] = ("failed" if "HANG" in verdicts else
                       "skipped" if not isinstance(wp, dict) else "passed")
    k = r.get("kernel")
    checks["kernel"] = ("failed" if "KERNEL" in verdicts else
                        "skipped" if not isinstance(k, dict) or k.get("watched") is False
                        else "passed")
    checks["expect-oom"] = ("failed" if "INEFFECTIVE" in verdicts else
                            "passed" if isinstance(wp, dict) and (wp.get("oom_kills") or 0) > 0
                            else "skipped")
    return checks


def main(kunit_dir, ktap_path, report_path):
    lines = open(ktap_path, encoding="utf-8").read().splitlines()
    # Its printer binds stdout when imported: import it while stdout is captured,
    # and show what it printed only when something is wrong.
    captured = io.StringIO()
    real, sys.stdout = sys.stdout, captured
    try:
        sys.path.insert(0, kunit_dir)
        import kunit_parser  # from the kernel's tree, found at run time
        test = kunit_parser.parse_run_tests(lines)
    finally:
        sys.stdout = real
    checks = expectation(json.load(open(report_path)))
    want = {s: sum(1 for c in checks.values() if c == s) for s in ("passed", "failed", "skipped")}
    got = {"passed": test.counts.passed, "failed": test.counts.failed,
           "skipped": test.counts.skipped}
    names = [t.name for t in test.subtests]
    print("%s: kunit_parser: %s; subtests %s; expected %s (%s)"
          % (ktap_path, test.counts, names, want, checks))
    problems = []
    if got != want:
        problems.append("counts %s, expected %s" % (got, want))
    if test.counts.errors or test.counts.crashed:
        problems.append("%d parse errors, %d crashed" % (test.counts.errors, test.counts.crashed))
    if names != list(checks):
        problems.append("checks %s, expected %s" % (names, list(checks)))
    for t in test.subtests:
        status = {"SUCCESS": "passed", "FAILURE": "failed", "SKIPPED": "skipped"}.get(
            t.status.name, t.status.name)
        if checks.get(t.name) != status:
            problems.append("%s %s, expected %s" % (t.name, status, checks.get(t.name)))
    if problems:
        sys.stderr.write(captured.getvalue())
        sys.stderr.write("kunit-counts: %s: %s\n" % (ktap_path, "; ".join(problems)))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.stderr.write("usage: kunit-counts.py KUNIT_DIR KTAP REPORT.json\n")
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
