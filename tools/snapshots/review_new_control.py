"""Every changed line of every changed snapshot is the score line or mentions IAM.15."""
import difflib, glob, os, re, sys
changed = same = new = 0
kinds = {"score": 0, "iam15_control": 0, "iam15_finding": 0}
bad = []
for n in sorted(glob.glob("tests/snapshots/*.snap.new")):
    old = n[:-4]
    if not os.path.exists(old):
        new += 1
        continue
    body = lambda p: open(p).read().split("---\n", 2)[2].splitlines()
    a, b = body(old), body(n)
    if a == b:
        same += 1
        continue
    changed += 1
    for line in difflib.unified_diff(a, b, lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        text = line[1:]
        if text.startswith("score: ") :
            kinds["score"] += 1
        elif re.match(r"^\+  IAM\.15 +\S+$", line):
            kinds["iam15_control"] += 1
        elif line.startswith("+  IAM.15 "):
            kinds["iam15_finding"] += 1
        else:
            bad.append((n, line))
    # the score line changes by exactly one more control with data, one fewer not implemented
    sa = [l for l in a if l.startswith("score: ")][0]; sb = [l for l in b if l.startswith("score: ")][0]
    pa = re.search(r"(\d+) of (\d+) with data passed; (\d+) not implemented", sa).groups()
    pb = re.search(r"(\d+) of (\d+) with data passed; (\d+) not implemented", sb).groups()
    pa, pb = list(map(int, pa)), list(map(int, pb))
    if not (pb[1] == pa[1] + 1 and pb[2] == pa[2] - 1 and pb[0] - pa[0] in (0, 1)):
        bad.append((n, f"score {sa} -> {sb}"))
print(f"changed {changed}, unchanged {same}, new (no .snap) {new}")
print("changed lines:", kinds, "total", sum(kinds.values()))
for b in bad:
    print("UNEXPECTED", *b)
sys.exit(1 if bad else 0)
