//! Shared by the wire tests: a `hubsim serve` child per test file, boto3 in a python
//! subprocess, and raw HTTP requests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// A running `hubsim serve`. It lives as long as the test process: a shell wrapper kills it
/// when the test process's end of its stdin pipe closes.
pub struct Server {
    /// The port it listens on.
    pub port: u16,
    /// The first line it printed.
    pub first_line: String,
    /// Its database file.
    pub db: PathBuf,
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

/// A database path unique to this process and `name`.
pub fn db_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("wire-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("state.db")
}

/// Starts `hubsim serve --port 0` with `args` and reads its first line.
pub fn start(name: &str, args: &[&str]) -> Server {
    start_with_env(name, args, &[])
}

/// [`start`] with environment variables `env` set for the server.
pub fn start_with_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
    let db = db_path(name);
    // The wrapper removes the database when the test process goes away, unless told `keep`.
    let script = r#"bin="$1"; shift; "$bin" "$@" & pid=$!; read answer; kill $pid 2>/dev/null; wait $pid 2>/dev/null; [ "$answer" = keep ] || rm -rf "$(dirname "$DB")""#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_hubsim"))
        .arg("serve")
        .arg("--db")
        .arg(&db)
        .arg("--port")
        .arg("0")
        .args(args)
        .env("DB", &db)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn hubsim serve");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("first line");
    let first_line = line.trim_end().to_string();
    let port = first_line
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in the first line {first_line:?}"));
    Server { port, first_line, db, _stdin: Mutex::new(stdin), _child: Mutex::new(child) }
}

impl Server {
    /// Stops the server and waits for it, keeping its database (no longer held by any
    /// process) for the test to open; the caller removes it.
    pub fn stop_keeping_db(self) -> PathBuf {
        let mut stdin = self._stdin.into_inner().unwrap_or_else(|p| p.into_inner());
        let _ = stdin.write_all(b"keep\n");
        drop(stdin);
        let _ = self._child.into_inner().unwrap_or_else(|p| p.into_inner()).wait();
        self.db
    }
}

/// Whether python3 with boto3 is available; when not, `CI=true` fails the test and anything
/// else skips it with a message.
pub fn have_boto3() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import boto3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("python3 with boto3 is required on CI");
        }
        eprintln!("skipping: python3 with boto3 is not installed");
    }
    ok
}

const PRELUDE: &str = r#"
import json, sys, boto3, botocore
from botocore.config import Config
PORT = int(sys.argv[1])
def client(name, region="us-east-1"):
    return boto3.client(name, endpoint_url=f"http://127.0.0.1:{PORT}", region_name=region,
        aws_access_key_id="AKIDHUBSIMTEST", aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))
def err(f, *a, **k):
    try:
        f(*a, **k)
    except botocore.exceptions.ClientError as e:
        return {"Code": e.response["Error"]["Code"], "Message": e.response["Error"].get("Message", ""),
                "Status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "QueryErrorCode": e.response["Error"].get("QueryErrorCode")}
    return None
OUT = {}
"#;

/// Runs `script` (python, after a prelude with `client(name)`, `err(f, ...)` and a dict `OUT`)
/// against the server and returns `OUT` as JSON.
pub fn boto(port: u16, script: &str) -> serde_json::Value {
    boto_printing(port, script).0
}

/// [`boto`], also returning everything the script printed.
pub fn boto_printing(port: u16, script: &str) -> (serde_json::Value, String) {
    let program = format!("{PRELUDE}\n{script}\nprint(json.dumps(OUT, default=str))\n");
    let out = Command::new("python3").arg("-c").arg(&program).arg(port.to_string()).output().expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python failed:\n{stderr}\n{stdout}");
    let last = stdout.lines().last().unwrap_or("");
    let value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("python printed no JSON ({e}): {stdout}\n{stderr}"));
    (value, stdout.into_owned())
}

/// A raw HTTP/1.1 exchange (`Connection: close`): the status and the body.
pub fn raw(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, String) {
    raw_to(port, &format!("127.0.0.1:{port}"), method, target, headers, body)
}

/// [`raw`] with the `Host` header `host`.
pub fn raw_to(
    port: u16,
    host: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// A form-encoded POST.
pub fn form(port: u16, body: &str) -> (u16, String) {
    let (status, _, body) = raw(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
        body.as_bytes(),
    );
    (status, body)
}

/// A json-protocol POST with `X-Amz-Target`.
pub fn json_call(port: u16, target: &str, body: &str) -> (u16, Vec<(String, String)>, String) {
    raw(port, "POST", "/", &[("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)], body.as_bytes())
}

/// Whether the aws CLI is available; when not, `CI=true` fails the test and anything else
/// skips it with a message.
pub fn have_aws_cli() -> bool {
    let ok = Command::new("aws")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the aws CLI is required on CI");
        }
        eprintln!("skipping: the aws CLI is not installed");
    }
    ok
}

/// What one aws CLI call printed.
#[derive(Debug)]
pub struct CliOut {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// stdout parsed as JSON (`Null` when empty or not JSON).
    pub json: serde_json::Value,
    /// stdout as printed.
    pub stdout: String,
    /// stderr as printed.
    pub stderr: String,
}

/// Runs `aws --endpoint-url ENDPOINT --region REGION ARGS...` with fake credentials, JSON
/// output, no pager, one attempt, and no user configuration.
pub fn aws_cli(endpoint: &str, region: &str, args: &[&str]) -> CliOut {
    let out = Command::new("aws")
        .args(["--endpoint-url", endpoint, "--region", region])
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_ACCESS_KEY_ID", "AKIDHUBSIMJOURNEY")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_OUTPUT", "json")
        .env("AWS_PAGER", "")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .expect("run aws");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    CliOut { code: out.status.code().unwrap_or(-1), json, stdout, stderr }
}

/// The first header called `name` (lower-case) of a response read by [`read_response`].
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Reads a response's status line and headers; the body only when `with_body`, by Content-Length.
pub fn read_response(reader: &mut impl BufRead, with_body: bool) -> (u16, Vec<(String, String)>, String) {
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status =
        line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status: {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut body = String::new();
    if with_body {
        let length = header(&headers, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0usize);
        let mut bytes = vec![0; length];
        reader.read_exact(&mut bytes).expect("body");
        body = String::from_utf8_lossy(&bytes).into_owned();
    }
    (status, headers, body)
}
