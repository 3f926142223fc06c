//! `hubsim serve` as a control developer starts it: the default account records every resource
//! type with AWS Config (so a bucket a client creates gets findings), `--bare-account` keeps
//! Config off, and `--log` prints a line per request with its service, operation, region,
//! status and AWS error code.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A running `hubsim serve` whose standard error goes to a file.
struct Served {
    child: Child,
    port: u16,
    stderr: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let stderr = dir.path().join("stderr.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(["serve", "--port", "0", "--db"])
        .arg(dir.path().join("state.db"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("hubsim serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{line:?}"));
    Served { child, port, stderr, _dir: dir }
}

/// A JSON-protocol call (`X-Amz-Target`) signed-looking for `service` in `region` (any key and
/// signature pass without --verify-signatures): status and body.
fn call(port: u16, service: &str, region: &str, target: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Amz-Target: {target}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nX-Amz-Date: 20260101T000000Z\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

fn recorders(port: u16) -> serde_json::Value {
    let (status, body) = call(port, "config", "eu-west-1", "StarlingDoveService.DescribeConfigurationRecorders", "{}");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["ConfigurationRecorders"].clone()
}

#[test]
fn the_default_account_records_everything_and_the_log_names_each_call() {
    let served = serve(&["--log"]);
    let recorders = recorders(served.port);
    assert_eq!(recorders.as_array().map(Vec::len), Some(1), "{recorders}");
    assert_eq!(recorders[0]["recordingGroup"]["allSupported"], true, "{recorders}");
    assert_eq!(recorders[0]["recordingGroup"]["includeGlobalResourceTypes"], true, "{recorders}");
    let (status, _) = call(served.port, "kms", "us-west-2", "TrentService.DescribeKey", r#"{"KeyId":"alias/nope"}"#);
    assert_eq!(status, 400);

    let log = std::fs::read_to_string(&served.stderr).unwrap();
    assert!(log.contains("AWS Config recording every resource type"), "the start-up note: {log}");
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with("20")).collect();
    assert_eq!(lines.len(), 2, "one line per request: {log}");
    assert!(lines[0].contains(" config DescribeConfigurationRecorders eu-west-1 200 - "), "{log}");
    assert!(lines[1].contains(" kms DescribeKey us-west-2 400 NotFoundException "), "{log}");
    assert!(lines.iter().all(|l| l.ends_with("ms")), "{log}");
}

#[test]
fn a_bare_account_has_no_recorder_and_no_log_without_the_flag() {
    let served = serve(&["--bare-account"]);
    assert_eq!(recorders(served.port), serde_json::json!([]));
    let log = std::fs::read_to_string(&served.stderr).unwrap();
    assert!(log.contains("without AWS Config (--bare-account)"), "{log}");
    assert!(!log.lines().any(|l| l.contains("DescribeConfigurationRecorders")), "no request log unless --log: {log}");
}
