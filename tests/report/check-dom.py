#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   check-dom.py DOM REPORT.json
#
# Checks the DOM a browser built from `poof report --html` (chromium
# --dump-dom) against the report it was rendered from: the verdict and
# exit code in the banner, the four checks, a timeline figure for every
# container with one OOM-kill mark per kill the report counts for it, as
# many in the run's chart, one respawn, stall, unkillable and
# writer-stopped mark per such event in the run's chart (from
# write_phase.events when it holds that kind, else from the older keys) and
# in its container's chart, the count of every verdict class, the loss
# table's first row, and nothing that
# would load from elsewhere (scripts, external URLs). Prints what it found;
# exit 1 with every mismatch named.

import html.parser
import json
import sys


EVENT_KINDS = ("respawn", "stall", "unkillable", "writer-stopped")


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.figure = None          # id of the <figure> we are inside
        self.marks = {}             # figure id -> OOM-kill marks inside
        self.kind_marks = {}        # (figure id, kind) -> marks of that kind inside
        self.figures = {}           # figure id -> attributes
        self.texts = {}             # element id -> its text
        self.ids = []               # stack of (tag, id) whose text we collect
        self.classes = {}           # class name -> text of the first such element
        self.class_stack = []
        self.loss_rows = []         # cells of each row of #loss-table
        self.class_rows = []        # cells of each row of the class table
        self.table = None           # the list the rows of this table go to
        self.row = None
        self.cell = None
        self.scripts = 0
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        for k in ("src", "href", "xlink:href", "action"):
            v = a.get(k) or ""
            if v.startswith(("http:", "https:", "//", "ftp:")):
                self.external.append("%s %s=%s" % (tag, k, v))
        if tag == "script":
            self.scripts += 1
        if tag == "figure":
            self.figure = a.get("id")
            self.figures[self.figure] = a
            self.marks[self.figure] = 0
        if "mk" in cls and "oom-kill" in cls and self.figure:
            self.marks[self.figure] += 1
        if "mk" in cls and self.figure:
            for kind in EVENT_KINDS:
                if kind in cls:
                    key = (self.figure, kind)
                    self.kind_marks[key] = self.kind_marks.get(key, 0) + 1
        if tag == "table" and a.get("id") == "loss-table":
            self.table = self.loss_rows
        if tag == "table" and "classes" in cls:
            self.table = self.class_rows
        if self.table is not None and tag == "tr":
            self.row = []
        if self.table is not None and tag in ("td", "th") and self.row is not None:
            self.cell = ""
        if a.get("id"):
            self.texts[a["id"]] = ""
        self.ids.append(a.get("id"))
        self.class_stack.append(cls)

    def handle_endtag(self, tag):
        if tag == "figure":
            self.figure = None
        if self.table is not None and tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        if self.table is not None and tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        if tag == "table":
            self.table = None
        if self.ids:
            self.ids.pop()
            self.class_stack.pop()

    def handle_data(self, data):
        for i in self.ids:
            if i:
                self.texts[i] += data
        for cls in self.class_stack:
            for c in cls:
                if c in ("verdict", "exit"):
                    self.classes[c] = self.classes.get(c, "") + data
        if self.cell is not None:
            self.cell += data


def get(r, path, default=None):
    for k in path.split("."):
        if isinstance(r, dict) and k in r:
            r = r[k]
        else:
            return default
    return r if r is not None else default


def events_of(r, kind):
    """The entries of write_phase.events of that kind; None when it holds none."""
    events = get(r, "write_phase.events")
    if not isinstance(events, list):
        return None
    found = [e for e in events if isinstance(e, dict) and e.get("kind") == kind]
    return found or None


def expected_kills(r, name):
    """The kills the report counts for the container, from its most precise key."""
    if isinstance(r.get("oom_kills"), list):
        return sum(1 for k in r["oom_kills"] if k.get("container") == name)
    events = events_of(r, "oom-kill")
    if events:
        return sum(1 for e in events if e.get("container") == name)
    for c in r.get("containers") or []:
        if c.get("name") == name:
            return c.get("oom_kill", 0)
    return 0


def expected_marks(r, kind, name=None):
    """Marks of kind for container name (None: the run's chart), from events or older keys."""
    events = events_of(r, kind)
    if events:
        return sum(1 for e in events if isinstance(e.get("t_s"), (int, float))
                   and (name is None or e.get("container") == name))
    if name is not None:
        return 0  # the older keys name no container
    if kind in ("stall", "unkillable"):
        snaps = get(r, "write_phase.stalled" if kind == "stall" else "write_phase.unkillable", [])
        return sum(1 for s in snaps if isinstance(s.get("at_s"), (int, float)))
    if kind == "writer-stopped":
        return sum(1 for w in r.get("writers") or []
                   if w.get("state") == "failed" and isinstance(w.get("stopped_s"), (int, float)))
    return 0


def main(dom_path, report_path):
    r = json.load(open(report_path))
    dom = Dom()
    dom.feed(open(dom_path, encoding="utf-8").read())
    bad = []

    def expect(what, want, got):
        print("%s %s: %r" % ("ok  " if want == got else "FAIL", what, got))
        if want != got:
            bad.append("%s: expected %r, got %r" % (what, want, got))

    expect("verdict", r.get("verdict"), dom.classes.get("verdict", "").strip())
    expect("exit code", "exit %d" % r.get("exit_code"), dom.classes.get("exit", "").strip())
    for check in ("verification", "hangs", "kernel", "expect-oom"):
        expect("check " + check + " shown", True, "check-" + check in dom.texts)
    total = 0
    for i, c in enumerate(get(r, "timeline.containers", [])):
        fid = "container-%d" % i
        fig = dom.figures.get(fid)
        expect("timeline of %s" % c["name"], c["name"], fig.get("data-name") if fig else None)
        want = expected_kills(r, c["name"])
        total += want
        expect("OOM-kill marks of %s" % c["name"], want, dom.marks.get(fid))
        for kind in EVENT_KINDS:
            expect("%s marks of %s" % (kind, c["name"]), expected_marks(r, kind, c["name"]),
                   dom.kind_marks.get((fid, kind), 0))
    if get(r, "timeline.containers"):
        expect("OOM-kill marks in the run's chart", total, dom.marks.get("run-chart"))
    if "run-chart" in dom.figures:
        for kind in EVENT_KINDS:
            expect("%s marks in the run's chart" % kind, expected_marks(r, kind),
                   dom.kind_marks.get(("run-chart", kind), 0))
    classes = get(r, "verify.classes")
    if get(r, "verify.ran") and isinstance(classes, dict):
        shown = {row[0]: row[1] for row in dom.class_rows[1:] if len(row) > 1}
        expect("class counts", {k: str(v) for k, v in classes.items()}, shown)
    losses = get(r, "verify.losses", [])
    if losses:
        first = losses[0]
        row = dom.loss_rows[1] if len(dom.loss_rows) > 1 else []
        expect("loss table, first row", ["1", first["file"], str(first["block"]),
                                         str(first["offset"]), first["class"],
                                         "generation %d" % first["expected_generation"]],
               row[:6])
    else:
        expect("no loss table", [], dom.loss_rows)
    expect("scripts", 0, dom.scripts)
    expect("external references", [], dom.external)
    if bad:
        sys.stderr.write("check-dom: %s\n" % "; ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write("usage: check-dom.py DOM REPORT.json\n")
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
