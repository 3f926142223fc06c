#!/usr/bin/env python3
"""The mixed load: reads, short writes, refused calls and Security Hub GetFindings against a
running `hubsim serve`, with every call's latency recorded.

    cargo build --release
    python3 benches/load/mixed.py --seconds 60          # starts its own server on a new database
    python3 benches/load/mixed.py --port 4566 --seconds 30   # against a server already running
    # options: --workers N (connections making short calls, default 4), --hubsim PATH,
    #          --big-every N (one refused 1 MiB bucket policy every N short calls per worker)

What each short-call worker does, over and over, on its own keep-alive connection:
S3 GetBucketEncryption, EC2 DescribeSecurityGroups, IAM GetAccountPasswordPolicy (reads);
IAM UpdateAccountPasswordPolicy and S3 CreateBucket/DeleteBucket of a name from a fixed pool
of 20 (short writes that change the account, so the next GetFindings refreshes the findings);
S3 DeleteBucket of a bucket that does not exist (a refusal) and, every --big-every calls, a
1 MiB bucket policy for a missing bucket (a large refusal). One more connection calls Security
Hub GetFindings in a loop (each refreshing the change-triggered controls first, since the
workers keep changing the account).

Printed: per operation the count, p50 and p99 latency; then the p99 of the short calls that
ran while a GetFindings was in flight (the figure issue 20 item 6 sets under 5 ms). Requests
are signed with a well-formed but unverified SigV4 header (hubsim routes by its credential
scope and does not verify signatures). Every server response is checked for its status.
"""
import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

REGION = "us-east-1"
POOL = [f"mixed-load-{i:02}" for i in range(20)]
KNOWN = "mixed-load-known"


def auth(service, region=REGION):
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return {
        "X-Amz-Date": date,
        "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/{date[:8]}/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
    }


def query(service, action, version, **params):
    body = "&".join([f"Action={action}", f"Version={version}"] + [f"{k}={v}" for k, v in params.items()])
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **auth(service)}
    return ("POST", "/", body.encode(), headers)


def s3(method, path, body=b""):
    return (method, path, body, auth("s3"))


def get_findings():
    headers = {"Content-Type": "application/json", **auth("securityhub")}
    return ("POST", "/findings", b'{"MaxResults": 100}', headers)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []  # (operation, start, end, status)

    def add(self, op, start, end, status):
        with self.lock:
            self.calls.append((op, start, end, status))


def send(conn, request):
    method, path, body, headers = request
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def timed(conn, recorder, op, request, ok):
    start = time.perf_counter()
    status, data = send(conn, request)
    end = time.perf_counter()
    recorder.add(op, start, end, status)
    if status not in ok:
        raise RuntimeError(f"{op}: HTTP {status}: {data[:300]!r}")
    return data


def worker(port, recorder, stop, index, big_every, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    big = b'{"Version":"2012-10-17","Statement":[{"Sid":"' + b"x" * (1 << 20) + b'"}]}'
    n = 0
    try:
        while not stop.is_set():
            n += 1
            name = POOL[(n + index * 7) % len(POOL)]
            steps = [
                ("s3:GetBucketEncryption", s3("GET", f"/{KNOWN}?encryption"), (200,)),
                ("ec2:DescribeSecurityGroups", query("ec2", "DescribeSecurityGroups", "2016-11-15"), (200,)),
                ("iam:GetAccountPasswordPolicy", query("iam", "GetAccountPasswordPolicy", "2010-05-08"), (200,)),
                (
                    "iam:UpdateAccountPasswordPolicy",
                    query("iam", "UpdateAccountPasswordPolicy", "2010-05-08", MinimumPasswordLength=8 + n % 8),
                    (200,),
                ),
                # Created, or already there (another worker took the same name): both are fine.
                ("s3:CreateBucket", s3("PUT", f"/{name}"), (200, 409)),
                ("s3:DeleteBucket", s3("DELETE", f"/{name}"), (204, 404)),
                ("s3:DeleteBucket(missing)", s3("DELETE", "/mixed-load-never-created"), (404,)),
            ]
            if big_every and n % big_every == 0:
                steps.append(("s3:PutBucketPolicy(1 MiB, refused)", s3("PUT", "/mixed-load-never-created?policy", big), (400, 404)))
            for op, request, ok in steps:
                if stop.is_set():
                    break
                timed(conn, recorder, op, request, ok)
    except Exception as e:  # noqa: BLE001 - reported by the main thread
        errors.append(f"worker {index}: {e}")
        stop.set()


def findings_loop(port, recorder, stop, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        while not stop.is_set():
            timed(conn, recorder, "securityhub:GetFindings", get_findings(), (200,))
            time.sleep(0.05)
    except Exception as e:  # noqa: BLE001
        errors.append(f"GetFindings: {e}")
        stop.set()


def percentile(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def seed(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for request, ok in [
        (s3("PUT", f"/{KNOWN}"), (200, 409)),
        (
            s3(
                "PUT",
                f"/{KNOWN}?encryption",
                b'<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
                b"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                b"</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>",
            ),
            (200,),
        ),
        (query("iam", "UpdateAccountPasswordPolicy", "2010-05-08", MinimumPasswordLength=8), (200,)),
    ]:
        status, data = send(conn, request)
        if status not in ok:
            raise RuntimeError(f"seeding: HTTP {status}: {data[:300]!r}")
    conn.close()


def run_load(port, seconds, workers=4, big_every=50, recorder=None, stop=None, on_tick=None):
    """Runs the load for `seconds` (or until `stop` is set); returns the Recorder."""
    recorder = recorder or Recorder()
    stop = stop or threading.Event()
    errors = []
    seed(port)
    threads = [threading.Thread(target=worker, args=(port, recorder, stop, i, big_every, errors)) for i in range(workers)]
    threads.append(threading.Thread(target=findings_loop, args=(port, recorder, stop, errors)))
    for t in threads:
        t.start()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and not stop.is_set():
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if on_tick:
                on_tick()
    finally:
        stop.set()
        for t in threads:
            t.join()
    if errors:
        raise RuntimeError("; ".join(errors))
    return recorder


def summarize(recorder, skip_s=0.0):
    calls = recorder.calls
    if not calls:
        return {}
    t0 = min(c[1] for c in calls) + skip_s
    calls = [c for c in calls if c[1] >= t0]
    windows = sorted((c[1], c[2]) for c in calls if c[0] == "securityhub:GetFindings")
    ops = sorted({c[0] for c in calls})
    print(f"{'operation':<40} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for op in ops:
        xs = [(c[2] - c[1]) * 1000 for c in calls if c[0] == op]
        print(f"{op:<40} {len(xs):>7} {percentile(xs, 50):>8.2f} {percentile(xs, 99):>8.2f} {max(xs):>8.2f}")
    # Short calls overlapping a GetFindings in flight (windows are sorted; a sweep).
    short = sorted((c for c in calls if c[0] != "securityhub:GetFindings"), key=lambda c: c[1])
    # One GetFindings connection: the windows follow one another, so their ends are sorted too.
    during, outside, i = [], [], 0
    for c in short:
        ms = (c[2] - c[1]) * 1000
        while i < len(windows) and windows[i][1] < c[1]:
            i += 1
        j, hit = i, False
        while j < len(windows) and windows[j][0] <= c[2]:
            if windows[j][1] >= c[1]:
                hit = True
                break
            j += 1
        (during if hit else outside).append(ms)
    others = [(c[2] - c[1]) * 1000 for c in short]
    busy = sum(e - s for s, e in windows)
    span = max(c[2] for c in calls) - t0
    result = {
        "short_calls": len(others),
        "short_p99_ms": percentile(others, 99),
        "during_getfindings": len(during),
        "during_p50_ms": percentile(during, 50),
        "during_p99_ms": percentile(during, 99),
        "outside_p99_ms": percentile(outside, 99),
        "getfindings": len(windows),
        "getfindings_busy_share": busy / span if span else 0,
    }
    print(
        f"short calls: {len(others)}, p99 {result['short_p99_ms']:.2f} ms; while a GetFindings was in flight "
        f"({result['getfindings_busy_share'] * 100:.0f} % of the time): {len(during)} calls, "
        f"p50 {result['during_p50_ms']:.2f} ms, p99 {result['during_p99_ms']:.2f} ms (target < 5 ms); "
        f"the others: p99 {result['outside_p99_ms']:.2f} ms"
    )
    return result


def find_hubsim(explicit):
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target")
    path = os.path.join(target, "release", "hubsim")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run `cargo build --release` first (or pass --hubsim)")
    return os.path.abspath(path)


def start_server(hubsim, db):
    """Starts `hubsim serve --db DB --port 0`; returns (process, port)."""
    proc = subprocess.Popen([hubsim, "serve", "--db", db, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://[^:]+:(\d+)", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"hubsim serve did not start: {line}{proc.stderr.read()}")
    return proc, int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--big-every", type=int, default=50)
    ap.add_argument("--port", type=int, help="a server already running (default: start one)")
    ap.add_argument("--hubsim")
    ap.add_argument("--skip", type=float, default=2.0, help="seconds of warm-up left out of the figures")
    args = ap.parse_args()
    proc, work = None, None
    port = args.port
    try:
        if port is None:
            work = tempfile.mkdtemp(prefix="hubsim-mixed-")
            proc, port = start_server(find_hubsim(args.hubsim), os.path.join(work, "mixed.db"))
        recorder = run_load(port, args.seconds, args.workers, args.big_every)
        summarize(recorder, args.skip)
    finally:
        if proc:
            proc.terminate()
            proc.wait()
        if work:
            import shutil

            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
