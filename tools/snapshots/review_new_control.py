#!/usr/bin/env python3
"""Review the scenario snapshots that adding one control changed.

Every scenario snapshot lists every implemented control, so a new control changes them all.
Run the tests with `INSTA_UPDATE=new INSTA_FORCE_PASS=1 cargo test --test scenarios --test
remediation`, then:

    python3 tools/snapshots/review_new_control.py IAM.15

It compares each tests/snapshots/*.snap.new with its .snap and passes only when every changed
line is the score line or a line naming the new control, and the score moved by exactly that
control (one fewer not implemented; at most one more with data). New snapshots (no .snap yet)
are listed for reading in full. It changes nothing: accepting is renaming each .snap.new to
.snap (without its `assertion_line:` line) once this passes and the new ones were read.
Exit 0 when the review passes, 1 when a change needs a look, 2 on bad usage.
"""
import difflib
import glob
import os
import re
import sys

SCORE = re.compile(r"(\d+) of (\d+) with data passed; (\d+) not implemented")


def body(path):
    """The snapshot's text below its header."""
    with open(path) as f:
        return f.read().split("---\n", 2)[2].splitlines()


def score(lines):
    for line in lines:
        if line.startswith("score: "):
            m = SCORE.search(line)
            return tuple(map(int, m.groups())) if m else None
    return None


def main():
    if len(sys.argv) != 2 or not re.fullmatch(r"[A-Za-z0-9]+\.\d+", sys.argv[1]):
        print(__doc__.strip().splitlines()[0], "\nusage: review_new_control.py CONTROL (e.g. IAM.15)")
        return 2
    control = sys.argv[1]
    # "  IAM.15  PASSED" in the controls list, "  IAM.15 us-east-1 ..." among the findings.
    names_it = re.compile(rf"^  {re.escape(control)} ")
    changed = unchanged = 0
    new, bad = [], []
    counts = {"score": 0, "control": 0}
    for snap_new in sorted(glob.glob("tests/snapshots/*.snap.new")):
        old = snap_new[: -len(".new")]
        if not os.path.exists(old):
            new.append(snap_new)
            continue
        a, b = body(old), body(snap_new)
        if a == b:
            unchanged += 1
            continue
        changed += 1
        for line in difflib.unified_diff(a, b, lineterm="", n=0):
            if line.startswith(("---", "+++", "@@")):
                continue
            text = line[1:]
            if text.startswith("score: "):
                counts["score"] += 1
            elif names_it.match(text):
                counts["control"] += 1
            else:
                bad.append(f"{snap_new}: {line}")
        before, after = score(a), score(b)
        if before and after:
            ok = after[2] == before[2] - 1 and after[1] - before[1] in (0, 1) and after[0] - before[0] in (0, 1)
            if not ok:
                bad.append(f"{snap_new}: score {before} -> {after} is not one more implemented control")
    print(f"changed {changed}, unchanged {unchanged}, new {len(new)}")
    print(f"changed lines: {counts['score']} score lines, {counts['control']} lines naming {control}")
    for n in new:
        print("NEW (read it in full):", n)
    for b in bad:
        print("UNEXPECTED", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
