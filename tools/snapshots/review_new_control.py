#!/usr/bin/env python3
"""Review the scenario snapshots that adding one or more controls changed.

Every scenario snapshot lists every implemented control, so a new control changes them all.
Run the tests with `INSTA_UPDATE=new INSTA_FORCE_PASS=1 cargo test --test scenarios --test
remediation`, then:

    python3 tools/snapshots/review_new_control.py IAM.15 [IAM.16 ...]

It compares each tests/snapshots/*.snap.new with its .snap and passes only when every changed
line is the score line or a line naming one of the new controls, and the score moved by exactly
those controls: as many fewer not implemented as new controls appear in the snapshot's control
list (its era's), and at most that many more with data and more passed. New snapshots (no .snap yet)
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
    controls = sys.argv[1:]
    if not controls or not all(re.fullmatch(r"[A-Za-z0-9]+\.\d+", c) for c in controls):
        print(__doc__.strip().splitlines()[0], "\nusage: review_new_control.py CONTROL... (e.g. IAM.15 IAM.16)")
        return 2
    alternatives = "|".join(re.escape(c) for c in controls)
    # "  IAM.15  PASSED" in the controls list, "  IAM.15 us-east-1 ..." among the findings.
    names_it = re.compile(rf"^  (?:{alternatives}) ")
    listed = re.compile(rf"^  (?:{alternatives}) +[A-Z_]+$")
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
        added = 0
        for line in difflib.unified_diff(a, b, lineterm="", n=0):
            if line.startswith(("---", "+++", "@@")):
                continue
            text = line[1:]
            if text.startswith("score: "):
                counts["score"] += 1
            elif names_it.match(text):
                counts["control"] += 1
                if line.startswith("+") and listed.match(text):
                    added += 1
            else:
                bad.append(f"{snap_new}: {line}")
        before, after = score(a), score(b)
        if before and after:
            # Every implemented control of the scenario's era is listed (NO_DATA included).
            ok = (
                before[2] - after[2] == added
                and 0 <= after[1] - before[1] <= added
                and 0 <= after[0] - before[0] <= added
            )
            if not ok:
                bad.append(f"{snap_new}: score {before} -> {after} is not {added} more implemented control(s)")
    print(f"changed {changed}, unchanged {unchanged}, new {len(new)}")
    print(f"changed lines: {counts['score']} score lines, {counts['control']} lines naming {' '.join(controls)}")
    for n in new:
        print("NEW (read it in full):", n)
    for b in bad:
        print("UNEXPECTED", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
