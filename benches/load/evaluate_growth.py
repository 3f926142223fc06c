#!/usr/bin/env python3
"""Evaluation of many buckets: time, peak resident memory and database growth.

Builds a database with N buckets in one region (Config and Security Hub on) with
`hubsim scenario load`, then runs `hubsim evaluate --db FILE` R times, each in its own
process, and prints per run: wall time, peak resident memory (the child's VmHWM, as
getrusage reports it) and the size of the database (file + WAL) afterwards.

    cargo build --release
    python3 benches/load/evaluate_growth.py                 # 10,000 buckets, 10 evaluations
    python3 benches/load/evaluate_growth.py --buckets 1000 --runs 3
    # options: --hubsim PATH (default $CARGO_TARGET_DIR or target/release/hubsim),
    #          --keep DIR (keep the database there), --json FILE (every figure)

Exit status 1 if a target is missed: peak RSS of an evaluation of 10,000 buckets under
200 MB, the database after the last evaluation within 1 % of its size after the first.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

REGION = "us-east-1"


def find_hubsim(explicit):
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "target")
    path = os.path.join(target, "release", "hubsim")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run `cargo build --release` first (or pass --hubsim)")
    return os.path.abspath(path)


def scenario(n):
    return {
        "format": 1,
        "name": f"buckets-{n}",
        "era": "current",
        "account": {"regions": [REGION], "home_region": REGION},
        "baseline": {
            "preset": "fresh-account",
            "config_one_click": {"regions": [REGION], "include_global_resource_types": True},
            "security_hub": {"regions": [REGION]},
        },
        "steps": [{"call": "s3:CreateBucket", "input": {"Bucket": f"bench-{i:05}"}} for i in range(n)],
    }


def db_size(path):
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(path + suffix)
        except FileNotFoundError:
            pass
    return total


def measured(cmd):
    """Runs cmd in a fresh process; (wall seconds, peak RSS in bytes of that process)."""
    # ru_maxrss of RUSAGE_CHILDREN is the largest of all waited-for children: run each
    # measurement through a python child that waits for it alone and reports its own figure.
    probe = (
        "import resource,subprocess,sys,time;t=time.monotonic();"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
        "print(time.monotonic()-t,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss*1024,r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True, text=True).stdout
    wall, rss, code = out.split()
    if code not in ("0", "1"):  # 1: --fail-on would be a finding, not an error; no --fail-on here
        sys.exit(f"{' '.join(cmd)} exited {code}")
    return float(wall), int(rss)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--buckets", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--hubsim")
    ap.add_argument("--keep", help="directory to keep the database in")
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args()
    hubsim = find_hubsim(args.hubsim)
    work = args.keep or tempfile.mkdtemp(prefix="hubsim-growth-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "buckets.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    try:
        spec = os.path.join(work, "buckets.json")
        with open(spec, "w") as f:
            json.dump(scenario(args.buckets), f)
        wall, rss = measured([hubsim, "scenario", "load", spec, "--db", db])
        loaded = db_size(db)
        print(f"load: {args.buckets} buckets in {wall:.2f} s, peak RSS {rss / 1e6:.0f} MB, database {loaded / 1e6:.1f} MB")
        runs = []
        for i in range(args.runs):
            wall, rss = measured([hubsim, "evaluate", "--db", db])
            size = db_size(db)
            runs.append({"run": i + 1, "seconds": wall, "peak_rss": rss, "db_bytes": size})
            print(f"evaluate {i + 1:2}: {wall:6.2f} s, peak RSS {rss / 1e6:6.0f} MB, database {size / 1e6:7.1f} MB")
        first, last = runs[0], runs[-1]
        peak = max(r["peak_rss"] for r in runs)
        growth = (last["db_bytes"] - first["db_bytes"]) / first["db_bytes"]
        print(f"peak RSS (max over runs): {peak / 1e6:.0f} MB; database after run {args.runs} vs run 1: {growth * 100:+.2f} %")
        ok = True
        if args.buckets >= 10_000 and peak >= 200e6:
            print("target missed: peak RSS must stay under 200 MB")
            ok = False
        if args.runs > 1 and growth > 0.01:
            print("target missed: re-evaluations must keep the database within 1 % of its size")
            ok = False
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"buckets": args.buckets, "load_bytes": loaded, "runs": runs}, f, indent=1)
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
