#!/usr/bin/env python3
"""hubsim against moto, side by side, in one run (BENCHMARKS.md "Comparison with moto").

    python3 benches/compare_moto/compare.py              # the full comparison (several minutes)
    python3 benches/compare_moto/compare.py --quick      # a smoke run (about a minute)

Measures, alternating moto and hubsim (A B A B ...) for several rounds, and prints medians and
median ratios:

  startup     process start to the first successful EC2 DescribeSecurityGroups response,
              `python -m moto.server` against `hubsim serve` on a new database
  workload    the same boto3 workload (read the fresh account, then create, configure and read
              back N buckets) against moto's server, hubsim's server and moto's in-process
              `mock_aws`; each run in a fresh python process against a fresh server
  throughput  requests per second with wrk on loopback (S3 GetBucketEncryption, EC2
              DescribeSecurityGroups, IAM GetAccountPasswordPolicy; 1 and 16 connections),
              after seeding both servers so that every request succeeds
  memory      resident memory (VmRSS) of each server idle after start-up and seeding, and its
              peak (VmHWM) after the boto3 workload and after the wrk load

Every response is checked: the start-up probe and wrk's Lua script check the status and a marker
in the body, and the workload checks what it reads back; a failed check fails the run. Load
loops stop by count and by time. Every process the harness starts is stopped on the way out
(also on Ctrl-C).

Needs: python3 with boto3 and moto[server]; wrk (`apt-get install wrk`) for the throughput part;
a release build of hubsim (`cargo build --release`; the binary is looked up in
$CARGO_TARGET_DIR/release, then target/release, or pass --hubsim).
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REGION = "us-east-1"
CREDS = {"AWS_ACCESS_KEY_ID": "AKIDHUBSIMBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret"}

# ---------------------------------------------------------------------------------------------
# Processes


class Server:
    """A server process (moto or hubsim) on its own free port, in its own process group."""

    live = []

    def __init__(self, kind, hubsim_bin):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp = tempfile.mkdtemp(prefix=f"compare-{kind}-")
        if kind == "moto":
            # The interpreter itself rather than the `moto_server` wrapper script, so that the pid
            # is the server's (for its memory) and no launcher (e.g. a pyenv shim) is timed.
            argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        else:
            argv = [hubsim_bin, "serve", "--db", os.path.join(self.tmp, "state.db"), "--port", str(self.port)]
        self.log = open(os.path.join(self.tmp, "server.log"), "wb")
        env = dict(os.environ, **CREDS)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        Server.live.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def status(self, field):
        """A /proc/PID/status field in KiB (VmRSS, VmHWM)."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"{field} not in /proc/{self.pid}/status")

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self in Server.live:
            Server.live.remove(self)

    def tail(self):
        try:
            with open(os.path.join(self.tmp, "server.log"), "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except OSError:
            return ""


def stop_all():
    for s in list(Server.live):
        s.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Requests exactly as boto3 sends them


def client(service, endpoint, region=REGION):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
        # One attempt: an error must surface, never be retried into a success.
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, s3={"addressing_style": "path"}),
    )


class _Captured(Exception):
    pass


def boto_request(c, operation, send, **kwargs):
    """The request boto3 sends for `operation` (signed with botocore's SigV4), as raw HTTP/1.1
    bytes. With send=False the request is captured and not sent (the server may not be up)."""
    box = {}

    def capture(request, **_):
        box["request"] = request
        if not send:
            raise _Captured()

    c.meta.events.register("before-send", capture)
    try:
        result = getattr(c, operation)(**kwargs)
    except _Captured:
        result = None
    finally:
        c.meta.events.unregister("before-send", capture)
    r = box["request"]
    parts = urlsplit(r.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = r.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()
    headers = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in r.headers.items()]
    names = {k.lower() for k, _ in headers}
    if "host" not in names:
        headers.insert(0, ("Host", parts.netloc))
    if body and "content-length" not in names:
        headers.append(("Content-Length", str(len(body))))
    head = f"{r.method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + body, result


def exchange(port, raw, timeout=30.0):
    """Sends raw bytes on a new connection; returns (status, body) or None if nobody listens."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return None
    with s:
        s.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
        if "content-length" in fields:
            length = int(fields["content-length"])
            while len(body) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            while not body.endswith(b"0\r\n\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
        return status, body


# ---------------------------------------------------------------------------------------------
# (a) start-up


def probe_request(port):
    raw, _ = boto_request(client("ec2", f"http://127.0.0.1:{port}"), "describe_security_groups", send=False)
    return raw


def wait_ready(server, raw, deadline_s=120.0):
    """Polls with an EC2 DescribeSecurityGroups until a 200 whose body lists the default group;
    returns seconds since the process started."""
    while True:
        if not server.alive():
            raise RuntimeError(f"{server.kind} exited during start-up:\n{server.tail()}")
        got = exchange(server.port, raw)
        if got is not None:
            status, body = got
            if status == 200 and b"<securityGroupInfo>" in body and b"<groupName>default</groupName>" in body:
                return time.perf_counter() - server.started
            if status < 500 and status not in (404, 503):
                raise RuntimeError(f"{server.kind} answered the probe with {status}: {body[:500]!r}")
        if time.perf_counter() - server.started > deadline_s:
            raise RuntimeError(f"{server.kind} not ready after {deadline_s} s:\n{server.tail()}")
        time.sleep(0.002)


def start_ready(kind, hubsim_bin):
    server = Server(kind, hubsim_bin)
    try:
        elapsed = wait_ready(server, probe_request(server.port))
    except BaseException:
        server.stop()
        raise
    return server, elapsed


# ---------------------------------------------------------------------------------------------
# (b) the boto3 workload; runs in a fresh python process per measurement


def tls_deny_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def log_delivery_policy(bucket, account):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogsPolicy",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }


BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
READ_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def workload(endpoint, n_buckets):
    """Reads the fresh account, then creates, configures and reads back n_buckets buckets.
    Returns the number of API calls; raises on any error or unexpected value."""
    import botocore.exceptions

    calls = 0

    def call(c, op, **kw):
        nonlocal calls
        calls += 1
        return getattr(c, op)(**kw)

    def call_error(c, op, **kw):
        nonlocal calls
        calls += 1
        try:
            getattr(c, op)(**kw)
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"]
        return None

    sts, iam, s3 = client("sts", endpoint), client("iam", endpoint), client("s3", endpoint)
    account = call(sts, "get_caller_identity")["Account"]
    expect(len(account) == 12, f"account id {account!r}")

    # The fresh account.
    for region in READ_REGIONS:
        ec2 = client("ec2", endpoint, region)
        vpcs = call(ec2, "describe_vpcs", Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        expect(len(vpcs) == 1, f"{region}: {len(vpcs)} default VPCs")
        vpc = vpcs[0]["VpcId"]
        sgs = call(ec2, "describe_security_groups", Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
        expect(any(g["GroupName"] == "default" for g in sgs), f"{region}: no default security group")
        subnets = call(ec2, "describe_subnets", Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        expect(len(subnets) >= 2, f"{region}: {len(subnets)} default subnets")
        nacls = call(ec2, "describe_network_acls", Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
        expect(any(n["IsDefault"] for n in nacls), f"{region}: no default network ACL")
        # Read, not asserted: moto's default VPC has no internet gateway (AWS's has one).
        call(ec2, "describe_internet_gateways")
        tables = call(ec2, "describe_route_tables", Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
        expect(len(tables) >= 1, f"{region}: no route table")
        ebs = call(ec2, "get_ebs_encryption_by_default")["EbsEncryptionByDefault"]
        expect(ebs is False, f"{region}: EBS encryption by default is {ebs}")
    code = call_error(iam, "get_account_password_policy")
    expect(code == "NoSuchEntity", f"fresh account password policy: {code}")
    expect(call(iam, "list_users")["Users"] == [], "fresh account has IAM users")
    call(iam, "list_roles")
    before = {b["Name"] for b in call(s3, "list_buckets")["Buckets"]}

    # The log bucket, with the bucket policy S3 wants before it delivers access logs.
    suffix = f"{os.getpid()}"
    logs = f"bench-logs-{suffix}"
    call(s3, "create_bucket", Bucket=logs)
    call(s3, "put_bucket_policy", Bucket=logs, Policy=json.dumps(log_delivery_policy(logs, account)))

    names = [f"bench-{i:04d}-{suffix}" for i in range(n_buckets)]
    for name in names:
        call(s3, "create_bucket", Bucket=name)
        call(
            s3,
            "put_bucket_encryption",
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
            },
        )
        call(s3, "put_bucket_policy", Bucket=name, Policy=json.dumps(tls_deny_policy(name)))
        call(s3, "put_public_access_block", Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
        call(
            s3,
            "put_bucket_logging",
            Bucket=name,
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{name}/"}},
        )
    for name in names:
        rules = call(s3, "get_bucket_encryption", Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        expect(rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", f"{name}: encryption {rules}")
        policy = json.loads(call(s3, "get_bucket_policy", Bucket=name)["Policy"])
        st = policy["Statement"][0]
        expect(
            st["Effect"] == "Deny" and st["Condition"] == {"Bool": {"aws:SecureTransport": "false"}},
            f"{name}: policy {policy}",
        )
        block = call(s3, "get_public_access_block", Bucket=name)["PublicAccessBlockConfiguration"]
        expect(block == BLOCK_ALL, f"{name}: public access block {block}")
        logging = call(s3, "get_bucket_logging", Bucket=name).get("LoggingEnabled")
        expect(
            logging is not None and logging["TargetBucket"] == logs and logging["TargetPrefix"] == f"{name}/",
            f"{name}: logging {logging}",
        )
        location = call(s3, "get_bucket_location", Bucket=name).get("LocationConstraint")
        expect(location in (None, ""), f"{name}: location {location!r}")
    after = {b["Name"] for b in call(s3, "list_buckets")["Buckets"]}
    expect(after - before == set(names) | {logs}, f"ListBuckets: {len(after - before)} new buckets")
    return calls


def run_workload_child(args):
    """`compare.py workload ...`: the timed workload in this (fresh) process; prints JSON."""
    os.environ.update(CREDS)
    os.environ["AWS_DEFAULT_REGION"] = REGION
    import boto3  # noqa: F401  (imported before the clock starts, as the server is started)

    mock = None
    if args.endpoint == "mock":
        from moto import mock_aws

        mock = mock_aws()
        mock.start()
        endpoint = None
    else:
        endpoint = args.endpoint
    try:
        t0 = time.perf_counter()
        calls = workload(endpoint, args.buckets)
        elapsed = time.perf_counter() - t0
    finally:
        if mock is not None:
            mock.stop()
    print(json.dumps({"seconds": elapsed, "calls": calls}))


def timed_workload(endpoint, buckets):
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "workload", "--endpoint", endpoint, "--buckets", str(buckets)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if out.returncode != 0:
        raise RuntimeError(f"workload against {endpoint} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# (c) throughput with wrk

LUA = r"""
local req = %(request)s
local marker = %(marker)s
local limit = %(limit)d
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
  first_bad = ""
end

function request()
  return req
end

function response(status, headers, body)
  if status == 200 and body ~= nil and string.find(body, marker, 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(tostring(body), 1, 300)
    end
  end
  if ok + bad >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local o, b, first = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
    local f = t:get("first_bad")
    if first == "" and f ~= nil then first = f end
  end
  local e = summary.errors
  io.write(string.format(
    "CHECK {\"ok\": %%d, \"bad\": %%d, \"requests\": %%d, \"duration_us\": %%d, \"connect\": %%d, \"read\": %%d, \"write\": %%d, \"status\": %%d, \"timeout\": %%d, \"p50_us\": %%d, \"p99_us\": %%d}\n",
    o, b, summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
  if first ~= "" then
    io.write("FIRSTBAD " .. string.gsub(first, "\n", " ") .. "\n")
  end
end
"""


def lua_string(data):
    out = []
    for b in data:
        c = chr(b)
        if 32 <= b < 127 and c not in '"\\':
            out.append(c)
        else:
            out.append("\\%03d" % b)
    return '"' + "".join(out) + '"'


# (name, marker, how to capture the request on a seeded server)
THROUGHPUT = [
    (
        "S3 GetBucketEncryption",
        b"ServerSideEncryptionConfiguration",
        lambda ep: boto_request(client("s3", ep), "get_bucket_encryption", True, Bucket="bench-encrypted"),
    ),
    (
        "EC2 DescribeSecurityGroups",
        b"securityGroupInfo",
        lambda ep: boto_request(client("ec2", ep), "describe_security_groups", True),
    ),
    (
        "IAM GetAccountPasswordPolicy",
        b"MinimumPasswordLength",
        lambda ep: boto_request(client("iam", ep), "get_account_password_policy", True),
    ),
]
# (wrk threads, connections, pinned). Pinned: the server (every thread) and wrk share one CPU.
# On these VMs a request/response round trip between two vCPUs pays the wake-up of a halted vCPU
# each way (about 0.1 ms here), which caps a one-connection loop at ~5,000 req/s whatever the
# server does; on one CPU the hand-over is a plain context switch. Both servers are measured
# both ways.
CONNECTIONS = [(1, 1, False), (2, 16, False), (1, 1, True)]


def conn_key(conns, pinned):
    return f"c{conns}" + (" same-cpu" if pinned else "")


def pin(pid, cpus):
    """Sets the CPU affinity of every thread of `pid`."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except (ProcessLookupError, FileNotFoundError):
            pass


def seed_for_throughput(endpoint):
    """A bucket with default encryption and a password policy; returns the three raw requests
    (name -> bytes), each captured from a call that succeeded."""
    s3, iam = client("s3", endpoint), client("iam", endpoint)
    s3.create_bucket(Bucket="bench-encrypted")
    s3.put_bucket_encryption(
        Bucket="bench-encrypted",
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    raws = {}
    for name, marker, make in THROUGHPUT:
        raw, _ = make(endpoint)
        got = exchange(int(urlsplit(endpoint).port), raw)
        expect(got is not None and got[0] == 200 and marker in got[1], f"{endpoint} {name}: replay gave {got!r:.300}")
        raws[name] = raw
    return raws


def run_wrk(server, raw, marker, threads, conns, duration, limit, workdir, pinned=False):
    script = os.path.join(workdir, f"{server.kind}-{threads}-{conns}.lua")
    with open(script, "w") as f:
        f.write(LUA % {"request": lua_string(raw), "marker": lua_string(marker), "limit": limit})
    before_self = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = server.cpu_seconds()
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--timeout", "10s", "-s", script, server.url]
    if pinned:
        argv = ["taskset", "-c", "0"] + argv
    out = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    cpu1 = server.cpu_seconds()
    after_self = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    line = next((l for l in out.stdout.splitlines() if l.startswith("CHECK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no CHECK line:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[len("CHECK ") :])
    bad = next((l for l in out.stdout.splitlines() if l.startswith("FIRSTBAD ")), "")
    errors = {k: r[k] for k in ("connect", "read", "write", "status", "timeout") if r[k]}
    if r["bad"] or errors:
        raise RuntimeError(f"{server.kind}: {r['bad']} failed checks, errors {errors}; {bad}")
    if not server.alive():
        raise RuntimeError(f"{server.kind} died under load:\n{server.tail()}")
    seconds = r["duration_us"] / 1e6
    wrk_cpu = (after_self.ru_utime + after_self.ru_stime) - (before_self.ru_utime + before_self.ru_stime)
    return {
        "rps": r["ok"] / seconds,
        "ok": r["ok"],
        "seconds": seconds,
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "server_cores": (cpu1 - cpu0) / seconds,
        "wrk_cores": wrk_cpu / seconds,
    }


# ---------------------------------------------------------------------------------------------
# The run


def median(xs):
    return statistics.median(xs) if xs else float("nan")


class Results:
    def __init__(self):
        self.samples = {}  # key -> {"moto": [...], "hubsim": [...], "mock": [...]}
        self.extra = {}

    def add(self, key, side, value):
        self.samples.setdefault(key, {}).setdefault(side, []).append(value)

    def get(self, key, side):
        return self.samples.get(key, {}).get(side, [])

    def ratio(self, key, num, den):
        """Median of the per-round ratios num/den."""
        a, b = self.get(key, num), self.get(key, den)
        return median([x / y for x, y in zip(a, b) if y])


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def measure_startup(res, rounds, hubsim_bin):
    for r in range(rounds):
        for kind in ("moto", "hubsim"):
            server, elapsed = start_ready(kind, hubsim_bin)
            try:
                res.add("startup_s", kind, elapsed)
                time.sleep(0.3)
                res.add("rss_after_start_kib", kind, server.status("VmRSS"))
            finally:
                server.stop()
            log(f"  startup round {r + 1}: {kind} {elapsed * 1000:.0f} ms")


def measure_workload(res, rounds, hubsim_bin, buckets):
    for r in range(rounds):
        for kind in ("moto", "hubsim", "mock"):
            if kind == "mock":
                out = timed_workload("mock", buckets)
            else:
                server, _ = start_ready(kind, hubsim_bin)
                try:
                    cpu0 = server.cpu_seconds()
                    out = timed_workload(server.url, buckets)
                    res.add("workload_server_cpu_s", kind, server.cpu_seconds() - cpu0)
                    res.add("peak_after_workload_kib", kind, server.status("VmHWM"))
                finally:
                    server.stop()
            res.add("workload_s", kind, out["seconds"])
            res.extra["workload_calls"] = out["calls"]
            log(f"  workload round {r + 1}: {kind} {out['seconds']:.2f} s ({out['calls']} calls)")


def measure_throughput(res, rounds, hubsim_bin, duration, limit):
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or pass --skip throughput")
    workdir = tempfile.mkdtemp(prefix="compare-wrk-")
    try:
        for r in range(rounds):
            servers = {}
            try:
                for kind in ("moto", "hubsim"):
                    server, _ = start_ready(kind, hubsim_bin)
                    servers[kind] = (server, seed_for_throughput(server.url))
                time.sleep(0.5)
                for kind, (server, _) in servers.items():
                    res.add("idle_rss_kib", kind, server.status("VmRSS"))
                all_cpus = os.sched_getaffinity(0)
                for name, marker, _ in THROUGHPUT:
                    for threads, conns, pinned in CONNECTIONS:
                        ck = conn_key(conns, pinned)
                        for kind in ("moto", "hubsim"):
                            server, raws = servers[kind]
                            if pinned:
                                pin(server.proc.pid, {0})
                            try:
                                m = run_wrk(server, raws[name], marker, threads, conns, duration, limit, workdir, pinned)
                            finally:
                                if pinned:
                                    pin(server.proc.pid, all_cpus)
                            res.add(f"rps {name} {ck}", kind, m["rps"])
                            res.add(f"cores {name} {ck}", kind, (m["server_cores"], m["wrk_cores"]))
                            res.add(f"latency {name} {ck}", kind, (m["p50_ms"], m["p99_ms"]))
                            log(
                                f"  throughput round {r + 1}: {kind:6} {name} {ck}: {m['rps']:.0f} req/s "
                                f"(server {m['server_cores']:.2f} cores, wrk {m['wrk_cores']:.2f} cores)"
                            )
                for kind, (server, _) in servers.items():
                    res.add("peak_after_load_kib", kind, server.status("VmHWM"))
            finally:
                for server, _ in servers.values():
                    server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def fmt_s(x):
    return f"{x * 1000:.0f} ms" if x < 10 else f"{x:.1f} s"


def report(res):
    rows = []

    def row(what, moto, hubsim, ratio, target, met, extra=""):
        rows.append((what, moto, hubsim, extra, ratio, target, met))

    def verdict(ok, ratio, goal, higher_is_better=True):
        if ok:
            return "met"
        short = (goal / ratio) if higher_is_better else (ratio / goal)
        return f"missed by {(short - 1) * 100:.0f} %" if short < 1.5 else f"missed ({short:.1f}x short)"

    if res.get("startup_s", "moto"):
        m, h = median(res.get("startup_s", "moto")), median(res.get("startup_s", "hubsim"))
        q = res.ratio("startup_s", "moto", "hubsim")
        row("start-up to first EC2 response", fmt_s(m), fmt_s(h), f"{q:.1f}x faster", ">= 20x", verdict(q >= 20, q, 20))
    if res.get("workload_s", "moto"):
        m, h, k = (median(res.get("workload_s", s)) for s in ("moto", "hubsim", "mock"))
        q = res.ratio("workload_s", "moto", "hubsim")
        qk = res.ratio("workload_s", "mock", "hubsim")
        calls = res.extra.get("workload_calls", 0)
        row(
            f"boto3 workload ({calls} calls)",
            fmt_s(m),
            fmt_s(h),
            f"{q:.2f}x faster (mock_aws/hubsim {qk:.2f}x)",
            ">= 2.5x",
            verdict(q >= 2.5, q, 2.5),
            extra=f"mock_aws {fmt_s(k)}; hubsim {calls / h:,.0f} calls/s",
        )
    for name, _, _ in THROUGHPUT:
        for _, conns, pinned in CONNECTIONS:
            key = f"rps {name} {conn_key(conns, pinned)}"
            if not res.get(key, "moto"):
                continue
            m, h = median(res.get(key, "moto")), median(res.get(key, "hubsim"))
            q = res.ratio(key, "hubsim", "moto")
            what = f"{name}, {conns} conn" + (", same CPU" if pinned else "")
            row(what, f"{m:,.0f}/s", f"{h:,.0f}/s", f"{q:.1f}x", ">= 50x", verdict(q >= 50, q, 50))
    if res.get("idle_rss_kib", "moto"):
        m, h = median(res.get("idle_rss_kib", "moto")), median(res.get("idle_rss_kib", "hubsim"))
        q = res.ratio("idle_rss_kib", "hubsim", "moto")
        row(
            "idle RSS (started, seeded)",
            f"{m / 1024:.0f} MiB",
            f"{h / 1024:.0f} MiB",
            f"{q:.2f} of moto's",
            "<= 0.25",
            verdict(q <= 0.25, q, 0.25, higher_is_better=False),
        )
    for key, what in (("peak_after_workload_kib", "peak RSS after workload"), ("peak_after_load_kib", "peak RSS after wrk")):
        if res.get(key, "moto"):
            m, h = median(res.get(key, "moto")), median(res.get(key, "hubsim"))
            row(what, f"{m / 1024:.0f} MiB", f"{h / 1024:.0f} MiB", f"{h / m:.2f} of moto's", "-", "")

    header = ("measure", "moto server", "hubsim", "", "ratio (median of rounds)", "target", "")
    table = [header] + rows
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    print()
    for i, r in enumerate(table):
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))

    # How much of the workload's time the server itself spent (the rest is boto3 in the client).
    if res.get("workload_server_cpu_s", "moto"):
        print("\nboto3 workload, server CPU time (median; the rest of the wall time is the boto3 client):")
        for side in ("moto", "hubsim"):
            cpu, wall = median(res.get("workload_server_cpu_s", side)), median(res.get("workload_s", side))
            print(f"  {side}: {cpu:.2f} s of {wall:.2f} s")

    # Where the CPU went under load (2 cores: wrk itself needs a good part of one).
    cores = [k for k in res.samples if k.startswith("cores ")]
    if cores:
        print("\nCPU under load (median cores used, server / wrk):")
        for k in cores:
            parts = []
            for side in ("moto", "hubsim"):
                xs = res.get(k, side)
                if xs:
                    parts.append(f"{side} {median([a for a, _ in xs]):.2f} / {median([b for _, b in xs]):.2f}")
                    lat = res.get(k.replace("cores", "latency"), side)
                    parts[-1] += f" (p50 {median([a for a, _ in lat]):.2f} ms, p99 {median([b for _, b in lat]):.2f} ms)"
            print(f"  {k[6:]}: " + "; ".join(parts))
    return rows


def find_hubsim(explicit):
    candidates = [explicit] if explicit else []
    if os.environ.get("CARGO_TARGET_DIR"):
        candidates.append(os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "hubsim"))
    candidates.append(os.path.join(REPO, "target", "release", "hubsim"))
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    raise SystemExit(
        "no hubsim release binary (looked at: " + ", ".join(c for c in candidates if c) + "); "
        "run `cargo build --release` or pass --hubsim PATH"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd")
    w = sub.add_parser("workload", help="internal: one timed workload run, JSON on stdout")
    w.add_argument("--endpoint", required=True, help="a server URL, or `mock` for mock_aws in this process")
    w.add_argument("--buckets", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3, help="rounds of A B alternation per measurement (default 3)")
    p.add_argument("--quick", action="store_true", help="smoke run: 1 round, 20 buckets, 1 s of load")
    p.add_argument("--buckets", type=int, default=200, help="buckets in the boto3 workload (default 200)")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="per wrk thread and run (default 1e6)")
    p.add_argument("--hubsim", help="the hubsim binary (default: $CARGO_TARGET_DIR or target/release/hubsim)")
    p.add_argument("--skip", action="append", default=[], choices=["startup", "workload", "throughput"])
    p.add_argument("--json", help="also write every sample to this file")
    args = p.parse_args()
    if args.cmd == "workload":
        return run_workload_child(args)
    if args.quick:
        args.rounds, args.buckets, args.duration = 1, 20, 1
    hubsim_bin = find_hubsim(args.hubsim)

    def on_term(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, on_term)
    res = Results()
    t0 = time.time()
    try:
        log(f"hubsim: {hubsim_bin}; moto: {sys.executable} -m moto.server; rounds: {args.rounds}")
        if "startup" not in args.skip:
            measure_startup(res, args.rounds, hubsim_bin)
        if "workload" not in args.skip:
            measure_workload(res, args.rounds, hubsim_bin, args.buckets)
        if "throughput" not in args.skip:
            measure_throughput(res, args.rounds, hubsim_bin, args.duration, args.max_requests)
    finally:
        stop_all()
    import moto

    print(
        f"\nhubsim vs moto {moto.__version__}, {args.rounds} round(s), {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}, {time.time() - t0:.0f} s; load average at the end "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    report(res)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"samples": res.samples, "extra": res.extra}, f, indent=1)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        stop_all()
        sys.exit(130)
