//! `hubsim serve` itself: seeding from a scenario, the admin routes (health, evaluate,
//! snapshot, restore, reset, advance-clock), the transport (keep-alive, `Expect: 100-continue`, absolute-form
//! targets, the body limit), a port already in use, and the non-loopback warning.

mod wire_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use wire_support::{db_path, form, raw, read_response, start, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fresh-account.json");
        start("serve", &["--scenario", scenario])
    })
}

fn admin(method: &str, route: &str, body: &str) -> (u16, Value) {
    let (status, _, text) = raw(
        server().port,
        method,
        &format!("/_hubsim/{route}"),
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{route}: not JSON ({e}): {text}")))
}

/// A form-encoded POST signed for the scenario's region (ap-northeast-1).
fn sns_form(body: &str) -> (u16, String) {
    let auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/ap-northeast-1/sns/aws4_request, SignedHeaders=host, Signature=00";
    let headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Authorization", auth)];
    let (status, _, text) = raw(server().port, "POST", "/", &headers, body.as_bytes());
    (status, text)
}

fn topic_count() -> usize {
    let (status, body) = sns_form("Action=ListTopics&Version=2010-03-31");
    assert_eq!(status, 200, "{body}");
    body.matches("<TopicArn>").count()
}

#[test]
fn admin_routes_snapshot_restore_reset_and_evaluate() {
    let (status, health) = admin("GET", "health", "");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    // The scenario seeded the database: its era, not the default account's.
    assert_eq!(health["era"], "2022");

    let base = topic_count();
    assert_eq!(admin("POST", "snapshot", r#"{"name": "before"}"#).0, 200);
    // Unsigned requests are us-east-1, which the scenario's account has not enabled: refused.
    let (status, body) = form(server().port, "Action=CreateTopic&Version=2010-03-31&Name=admin-topic");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>InvalidClientTokenId</Code>"), "{body}");
    assert_eq!(topic_count(), base);
    let (status, body) = sns_form("Action=CreateTopic&Version=2010-03-31&Name=admin-topic");
    assert_eq!(status, 200, "{body}");
    assert_eq!(topic_count(), base + 1);
    assert_eq!(admin("POST", "snapshot", r#"{"name": "after"}"#).0, 200);
    assert_eq!(admin("POST", "restore", r#"{"name": "before"}"#).0, 200);
    assert_eq!(topic_count(), base);
    assert_eq!(admin("POST", "restore", r#"{"name": "after"}"#).0, 200);
    assert_eq!(topic_count(), base + 1);
    assert_eq!(admin("POST", "reset", "").0, 200);
    assert_eq!(topic_count(), base);
    let (status, body) = admin("POST", "restore", r#"{"name": "never-saved"}"#);
    assert_eq!(status, 404, "{body}");
    assert_eq!(admin("POST", "restore", "not json").0, 400);
    assert_eq!(admin("GET", "reset", "").0, 405);
    assert_eq!(admin("GET", "nothing-here", "").0, 404);

    let (status, summary) = admin("POST", "evaluate", "");
    assert_eq!(status, 200, "{summary}");
    assert!(summary["score"]["percent"].is_u64(), "{summary}");
    let controls = summary["controls"].as_array().expect("controls");
    assert!(controls.iter().any(|c| c["id"] == "IAM.6"), "{summary}");
    assert!(controls.iter().all(|c| c["status"].is_string()));
}

#[test]
fn keep_alive_and_expect_continue() {
    let port = server().port;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    // First request: Expect: 100-continue, body sent after the interim response.
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("interim");
    assert!(line.starts_with("HTTP/1.1 100"), "{line}");
    reader.read_line(&mut line).expect("blank");
    stream.write_all(body.as_bytes()).expect("body");
    let first = read_ok(&mut reader);
    assert!(first.contains("<GetCallerIdentityResult>"), "{first}");
    // Second request on the same connection, with an absolute-form target.
    let head = format!(
        "POST http://127.0.0.1:{port}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("second");
    let second = read_ok(&mut reader);
    assert!(second.contains("<GetCallerIdentityResult>"), "{second}");
}

/// Reads one response that must be a 200; its body.
fn read_ok(reader: &mut impl BufRead) -> String {
    let (status, _, body) = read_response(reader, true);
    assert_eq!(status, 200, "{body}");
    body
}

#[test]
fn oversized_bodies_are_refused_with_413() {
    let port = server().port;
    let (status, _, body) = raw(
        port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "TrentService.ListKeys"),
            ("Content-Length", "30000000"),
        ],
        b"",
    );
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("RequestEntityTooLarge"), "{body}");
}

#[test]
fn a_port_in_use_exits_3() {
    let port = server().port.to_string();
    let db = db_path("port-in-use");
    let out = Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(["serve", "--port", &port, "--db"])
        .arg(&db)
        .stdin(Stdio::null())
        .output()
        .expect("run hubsim");
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(out.stdout.is_empty());
    // Nothing was written.
    assert!(!db.exists());
}

#[test]
fn a_non_loopback_bind_warns() {
    let db = db_path("any-address");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("first line");
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    let _ = child.stderr.take().expect("stderr").read_to_string(&mut stderr);
    assert!(line.starts_with("hubsim listening on http://0.0.0.0:"), "{line}");
    assert!(stderr.contains("warning") && stderr.contains("no authentication"), "{stderr}");
    // Names other than addresses need --allow-host there (DNS rebinding).
    assert!(stderr.contains("needs --allow-host NAME"), "{stderr}");
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

/// A signed-looking header for `service` in the scenario's home region (signatures are not
/// verified; the scope routes the request).
fn scope(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIDCLOCK/20260101/ap-northeast-1/{service}/aws4_request, SignedHeaders=host, Signature=00"
    )
}

/// The latest `LastObservedAt` of the findings in ap-northeast-1.
fn latest_observation(port: u16) -> String {
    let auth = scope("securityhub");
    let (status, _, body) = raw(
        port,
        "POST",
        "/findings",
        &[("Content-Type", "application/json"), ("Authorization", &auth)],
        br#"{"MaxResults": 100}"#,
    );
    assert_eq!(status, 200, "{body}");
    let findings: Value = serde_json::from_str(&body).expect("json");
    let times = findings["Findings"].as_array().expect("findings");
    assert!(!times.is_empty(), "{body}");
    times.iter().filter_map(|f| f["LastObservedAt"].as_str()).map(second).max().expect("a LastObservedAt")
}

/// `YYYY-MM-DDTHH:MM:SS` of an ISO 8601 time (these order like the times they name).
fn second(iso: &str) -> String {
    iso.get(..19).unwrap_or(iso).to_string()
}

#[test]
fn advance_clock_moves_time_for_evaluation_and_later_calls() {
    // A server of its own: the admin test above resets and restores the shared one.
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fresh-account.json");
    let server = start("clock", &["--scenario", scenario]);
    let port = server.port;
    let post = |route: &str, body: &str| {
        let (status, _, text) =
            raw(port, "POST", &format!("/_hubsim/{route}"), &[("Content-Type", "application/json")], body.as_bytes());
        (status, serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{route}: not JSON ({e}): {text}")))
    };
    assert_eq!(post("evaluate", "").0, 200);
    let before = latest_observation(port);

    let (status, moved) = post("advance-clock", r#"{"Days": 30, "Hours": 1, "Minutes": 5}"#);
    assert_eq!(status, 200, "{moved}");
    let now = second(moved["now"].as_str().expect("now"));
    assert!(now > before, "the clock moved from {before} to {now}");

    // Periodic evaluation runs at the new time: every finding is observed again at it.
    assert_eq!(post("evaluate", "").0, 200);
    let after = latest_observation(port);
    assert!(after >= now, "findings observed at {after}, the clock says {now}");

    // Later calls are stamped after it.
    let auth = scope("iam");
    let (status, _, body) = raw(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", &auth)],
        b"Action=CreateUser&Version=2010-05-08&UserName=after-the-clock",
    );
    assert_eq!(status, 200, "{body}");
    let created = body.split("<CreateDate>").nth(1).and_then(|s| s.split('<').next()).expect("CreateDate");
    assert!(second(created) >= now, "created {created}, the clock says {now}");

    // Bad bodies say what is wrong and move nothing.
    for bad in ["not json", r#"{"Weeks": 2}"#, r#"{"Days": -1}"#, "{}"] {
        let (status, error) = post("advance-clock", bad);
        assert_eq!(status, 400, "{bad}: {error}");
        assert!(error["error"].as_str().is_some_and(|e| !e.is_empty()), "{bad}: {error}");
    }
    let (status, again) = post("advance-clock", r#"{"Minutes": 1}"#);
    assert_eq!(status, 200, "{again}");
    assert!(second(again["now"].as_str().expect("now")) > now, "{again}");
}

#[test]
fn snapshots_beyond_max_snapshots_are_refused() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fresh-account.json");
    let server = start("snapshot-cap", &["--scenario", scenario, "--max-snapshots", "1"]);
    let snapshot = |name: &str| {
        let body = format!(r#"{{"name": "{name}"}}"#);
        let (status, _, text) =
            raw(server.port, "POST", "/_hubsim/snapshot", &[("Content-Type", "application/json")], body.as_bytes());
        (status, text)
    };
    assert_eq!(snapshot("first").0, 200);
    let (status, text) = snapshot("second");
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("at most 1 snapshots") && text.contains("--max-snapshots"), "{text}");
    assert_eq!(snapshot("first").0, 200, "replacing a kept snapshot is allowed");
}
