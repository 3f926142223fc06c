#!/usr/bin/env python3
"""Soak: the mixed load (benches/load/mixed.py) against a release `hubsim serve` for N minutes,
sampling the server's resident memory and its database every 30 s.

    cargo build --release
    python3 benches/load/soak.py --minutes 60 --csv soak.csv      # the benchmark
    python3 benches/load/soak.py --minutes 5                      # a quick check of the script
    # options: --interval S (default 30), --warmup M (minutes left out of the verdict, default
    #          a fifth of the run, at least 1), --workers N, --hubsim PATH, --keep DIR

Each sample (a CSV row): seconds since the start, VmRSS and VmHWM of the server (from
/proc/PID/status), the database file and its write-ahead log in bytes, the journal's rows and
the bytes of its pages, the resources' bytes, and the calls made so far.

The journal is the account's history (export replays its successful calls), so it grows by
one bounded row per mutating call (a refusal keeps at most ~2 KB); everything else must not
grow. The verdict, after warm-up: resident memory is flat (its last sample within 10 % of the
first), and the database file less the journal's pages is flat (within 5 %), with the journal's
growth per mutating call and the largest write-ahead log printed (the log keeps its high-water
mark; checkpoints bound it). Exit status 1 if either is not flat.
"""
import argparse
import csv
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mixed  # noqa: E402

WRITES = {
    "iam:UpdateAccountPasswordPolicy",
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:DeleteBucket(missing)",
    "s3:PutBucketPolicy(1 MiB, refused)",
}


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def size(path):
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return 0


def contents(db):
    """(journal rows, bytes of the journal's pages, resource bytes), read through a read-only
    connection. The journal's pages are SQLite's `dbstat` figure (what the journal takes of the
    file); where Python's SQLite lacks `dbstat`, the length of its text."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        (rows,) = conn.execute("SELECT COUNT(*) FROM journal").fetchone()
        try:
            (jbytes,) = conn.execute("SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = 'journal'").fetchone()
        except sqlite3.OperationalError:
            (jbytes,) = conn.execute(
                "SELECT COALESCE(SUM(LENGTH(input) + COALESCE(LENGTH(output), 0) + COALESCE(LENGTH(error), 0)), 0) FROM journal"
            ).fetchone()
        (rbytes,) = conn.execute("SELECT COALESCE(SUM(LENGTH(doc)), 0) FROM resources").fetchone()
        return rows, jbytes, rbytes
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--interval", type=float, default=30)
    ap.add_argument("--warmup", type=float, help="minutes left out of the verdict")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--csv", help="write the samples here (default: printed only)")
    ap.add_argument("--hubsim")
    ap.add_argument("--keep", help="directory to keep the database in")
    args = ap.parse_args()
    warmup = args.warmup if args.warmup is not None else max(1.0, args.minutes / 5)
    work = args.keep or tempfile.mkdtemp(prefix="hubsim-soak-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "soak.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    proc, port = mixed.start_server(mixed.find_hubsim(args.hubsim), db)
    recorder = mixed.Recorder()
    stop = threading.Event()
    samples = []
    start = time.monotonic()
    next_at = [start]

    def sample():
        now = time.monotonic()
        if now < next_at[0]:
            return
        next_at[0] += args.interval
        rows, jbytes, rbytes = contents(db)
        with recorder.lock:
            calls = len(recorder.calls)
            writes = sum(1 for c in recorder.calls if c[0] in WRITES)
        row = {
            "seconds": round(now - start, 1),
            "rss_bytes": status(proc.pid, "VmRSS"),
            "hwm_bytes": status(proc.pid, "VmHWM"),
            "db_bytes": size(db),
            "wal_bytes": size(db + "-wal"),
            "journal_rows": rows,
            "journal_bytes": jbytes,
            "resource_bytes": rbytes,
            "calls": calls,
            "mutating_calls": writes,
        }
        samples.append(row)
        print(
            f"{row['seconds']:7.0f} s  RSS {row['rss_bytes'] / 1e6:6.1f} MB  database {row['db_bytes'] / 1e6:7.2f} MB"
            f" + WAL {row['wal_bytes'] / 1e6:5.2f} MB  journal {rows} rows {jbytes / 1e6:6.2f} MB"
            f"  resources {rbytes / 1e6:5.2f} MB  calls {calls}",
            flush=True,
        )

    try:
        sample()
        mixed.run_load(port, args.minutes * 60, args.workers, 50, recorder, stop, on_tick=sample)
        next_at[0] = 0
        sample()
    finally:
        proc.terminate()
        proc.wait()
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(samples[0]))
            w.writeheader()
            w.writerows(samples)
    mixed.summarize(recorder, skip_s=warmup * 60)
    after = [s for s in samples if s["seconds"] >= warmup * 60]
    ok = True
    if len(after) < 2:
        print("too few samples after warm-up for a verdict")
        ok = False
    else:
        first, last = after[0], after[-1]
        rss_growth = last["rss_bytes"] / first["rss_bytes"] - 1
        # The write-ahead log is left out: its file keeps its high-water mark (a checkpoint
        # reuses it from the start), which moves when a reader, this sampler included, delays
        # a checkpoint; its largest size is printed.
        rest = lambda s: s["db_bytes"] - s["journal_bytes"]  # noqa: E731
        rest_growth = rest(last) / rest(first) - 1
        calls = last["mutating_calls"] - first["mutating_calls"]
        per_call = (last["journal_bytes"] - first["journal_bytes"]) / calls if calls else 0
        total_growth = (last["db_bytes"] + last["wal_bytes"]) / (first["db_bytes"] + first["wal_bytes"]) - 1
        wal_max = max(s["wal_bytes"] for s in samples)
        rss_flat, rest_flat = rss_growth <= 0.10, rest_growth <= 0.05
        print(
            f"after {warmup:g} min of warm-up: RSS {first['rss_bytes'] / 1e6:.1f} → {last['rss_bytes'] / 1e6:.1f} MB "
            f"({rss_growth * 100:+.1f} %, {'flat' if rss_flat else 'NOT flat'}); database file less journal "
            f"{rest(first) / 1e6:.2f} → {rest(last) / 1e6:.2f} MB ({rest_growth * 100:+.1f} %, "
            f"{'flat' if rest_flat else 'NOT flat'}); whole database {total_growth * 100:+.1f} %, the journal "
            f"{per_call:.0f} bytes per mutating call over {calls} calls; WAL at most {wal_max / 1e6:.1f} MB"
        )
        ok = rss_flat and rest_flat
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
