//! `hubsim evaluate --endpoint`: the evaluator over HTTP against `hubsim serve` gives the same
//! control statuses and findings as the in-process evaluation of the same scenario; against
//! endpoints that fail it says what could not be read, exits 3 and writes nothing; against
//! moto's server it stops at the first operation moto does not implement, naming it.

mod wire_support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use hubsim_api::model::s3;
use hubsim_api::AwsApi;
use serde_json::Value;
use wire_support::{db_path, start};

fn hubsim(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = std::env::temp_dir();
    Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(args)
        // Only what the test gives: no ambient AWS settings, no ~/.aws files.
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .expect("run hubsim")
}

const KEYS: [(&str, &str); 2] = [("AWS_ACCESS_KEY_ID", "AKIDHUBSIMTEST"), ("AWS_SECRET_ACCESS_KEY", "secret")];

fn with_keys(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    KEYS.iter().copied().chain(extra.iter().copied()).collect()
}

/// Control id → status, and finding id → compliance status, of a JSON report.
fn verdicts(report: &[u8]) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let v: Value = serde_json::from_slice(report).expect("a JSON report");
    let controls = v["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .map(|c| {
            (c["id"].as_str().unwrap_or_default().to_string(), c["status"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let findings = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["Id"].as_str().unwrap_or_default().to_string(),
                f["Compliance"]["Status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (controls, findings)
}

fn evaluate_both(scenario: &str, regions: &[&str]) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(scenario);
    let file = file.to_str().expect("utf-8 path");
    // In process: the scenario loaded into a database and evaluated there.
    let db = db_path(&format!("client-in-process-{scenario}"));
    let db = db.to_str().expect("utf-8 path");
    assert!(hubsim(&["scenario", "load", "--db", db, file], &[]).status.success());
    let local = hubsim(&["evaluate", "--db", db, "--format", "json"], &[]);
    assert!(local.status.success(), "{}", String::from_utf8_lossy(&local.stderr));
    // Over HTTP: the same scenario served, evaluated through --endpoint.
    let server = start(&format!("client-served-{scenario}"), &["--scenario", file]);
    let url = format!("http://127.0.0.1:{}", server.port);
    let mut args = vec!["evaluate", "--endpoint", url.as_str(), "--format", "json"];
    for r in regions {
        args.extend(["--region", r]);
    }
    let remote = hubsim(&args, &KEYS);
    assert!(remote.status.success(), "{}", String::from_utf8_lossy(&remote.stderr));
    let (local_controls, local_findings) = verdicts(&local.stdout);
    let (remote_controls, remote_findings) = verdicts(&remote.stdout);
    assert!(local_findings.len() > 100, "{scenario}: a real comparison ({} findings)", local_findings.len());
    assert_eq!(remote_controls, local_controls, "{scenario}: control statuses");
    assert_eq!(remote_findings, local_findings, "{scenario}: finding ids and compliance");
    let _ = std::fs::remove_dir_all(Path::new(db).parent().expect("dir"));
}

#[test]
fn endpoint_evaluation_of_hubsim_serve_equals_the_in_process_one() {
    evaluate_both("production-like-account.json", &["us-east-1"]);
}

#[test]
fn every_region_the_endpoint_lists_is_evaluated_without_region_flags() {
    // The region to call from comes from AWS_REGION when --region is not given; the account of
    // s3-9-log-bucket has one region, so the endpoint lists one.
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/s3-9-log-bucket.json");
    let server = start("client-regions", &["--scenario", file.to_str().expect("utf-8")]);
    let url = format!("http://127.0.0.1:{}", server.port);
    let out = hubsim(&["evaluate", "--endpoint", &url, "--format", "json"], &with_keys(&[("AWS_REGION", "us-east-1")]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, findings) = verdicts(&out.stdout);
    assert!(findings.keys().all(|id| id.contains(":us-east-1:")), "{findings:?}");
    // A region the endpoint does not list: bad input when it is not the one called from...
    let out = hubsim(&["evaluate", "--endpoint", &url, "--region", "us-east-1", "--region", "eu-west-3"], &KEYS);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("region eu-west-3 is not among the endpoint's regions"));
    // ...and the endpoint's own refusal when it is (hubsim answers a disabled region as AWS does).
    let out = hubsim(&["evaluate", "--endpoint", &url, "--region", "eu-west-3"], &KEYS);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("could not read the regions (ec2:DescribeRegions) in eu-west-3: AuthFailure"), "{stderr}");
}

/// An HTTP answer with `body`.
fn answer(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A server answering every request with `answer`.
fn fake(answer: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

fn assert_incomplete(out: &Output, expected: &str, report: &Path) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("could not read"), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(out.stdout.is_empty(), "no report on standard output: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!report.exists(), "no report file");
}

#[test]
fn failing_endpoints_are_reported_per_call_and_nothing_is_written() {
    let dir = db_path("client-failures");
    let report = dir.with_file_name("report.json");
    let report_arg = report.to_str().expect("utf-8");
    let run = |url: &str| {
        hubsim(&["evaluate", "--endpoint", url, "--region", "us-east-1", "--format", "json", "-o", report_arg], &KEYS)
    };
    // Nobody listens.
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let out = run(&format!("http://127.0.0.1:{port}"));
    assert_incomplete(&out, "EndpointUnreachable", &report);
    assert!(String::from_utf8_lossy(&out.stderr).contains("sts:GetCallerIdentity"));
    // A login page with status 200.
    assert_incomplete(
        &run(&fake(answer("200 OK", "text/html", "<!DOCTYPE html><html>Sign in</html>"))),
        "HTML page",
        &report,
    );
    // Every call denied: "could not read", never an account with nothing in it.
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error></ErrorResponse>";
    assert_incomplete(&run(&fake(answer("403 Forbidden", "text/xml", body))), "AccessDenied: not authorized", &report);
}

#[test]
fn usage_errors_are_bad_input() {
    let out = hubsim(&["evaluate", "--endpoint", "http://127.0.0.1:9"], &KEYS);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no region"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = hubsim(&["evaluate", "--endpoint", "http://127.0.0.1:9", "--region", "us-east-1"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no AWS credentials"));
    let out = hubsim(&["evaluate", "--endpoint", "ftp://x", "--region", "us-east-1"], &KEYS);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an http:// or https:// URL"));
    let out = hubsim(&["evaluate", "--endpoint", "http://x", "--db", "x.db"], &KEYS);
    assert_eq!(out.status.code(), Some(2), "--db and --endpoint exclude each other");
    let out = hubsim(&["evaluate"], &KEYS);
    assert_eq!(out.status.code(), Some(2), "one of them is needed");
}

/// moto's server, started and stopped by the test.
struct Moto {
    child: std::process::Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto() -> Option<Moto> {
    let have = Command::new("python3").args(["-c", "import moto.server, boto3"]).status().is_ok_and(|s| s.success());
    if !have {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "moto's server is required on CI");
        eprintln!("skipping: python3 -m moto.server is not installed");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let child = Command::new("python3")
        .args(["-m", "moto.server", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto");
    // Owned at once: dropped (killed and waited for) on every path, a failed start included.
    let moto = Moto { child, url: format!("http://127.0.0.1:{port}") };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(moto);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("moto did not start on {}", moto.url);
}

/// moto 5 does not implement `securityhub:GetEnabledStandards` (404 with an HTML page; nor
/// `ec2:DescribeVpcBlockPublicAccessOptions`, `ec2:DescribeClientVpnEndpoints`,
/// `ssm:DescribeInstanceInformation`, `ssm:ListResourceComplianceSummaries`: 500 with HTML), so
/// the evaluation of a moto account cannot be complete: it must say so, naming the call,
/// rather than judge the account as if it had no such settings.
#[test]
fn moto_is_read_until_its_first_missing_operation_which_is_named() {
    let Some(moto) = moto() else { return };
    let build = format!(
        r#"
import boto3
kw = dict(endpoint_url="{url}", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
boto3.client("s3", **kw).create_bucket(Bucket="moto-bucket")
boto3.client("iam", **kw).create_user(UserName="alice")
boto3.client("securityhub", **kw).enable_security_hub()
"#,
        url = moto.url
    );
    let built = Command::new("python3").args(["-c", &build]).output().expect("boto3");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let out = hubsim(&["evaluate", "--endpoint", &moto.url, "--region", "us-east-1", "--format", "json"], &KEYS);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("could not read enabled standards in us-east-1"), "{stderr}");
    assert!(stderr.contains("UnexpectedResponse: the endpoint answered HTTP 404"), "{stderr}");
    // Where moto answers, it answers as AWS did before 2023, read through the same client: no
    // default encryption, Block Public Access or ownership controls on a new bucket, where AWS
    // now gives every new bucket SSE-S3, all four BPA settings and BucketOwnerEnforced
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html,
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html), as hubsim does.
    let mut sources = hubsim_client::Sources::default();
    sources.env.extend(KEYS.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let client =
        hubsim_client::HttpApi::new(hubsim_client::Transport::new(sources, None, Some(&moto.url)).expect("client"));
    let bucket = || s3::GetBucketEncryptionRequest { bucket: "moto-bucket".into(), ..Default::default() };
    let moto_says = client.call::<s3::GetBucketEncryption>("us-east-1", bucket()).map(|_| ()).map_err(|e| e.code);
    assert_eq!(moto_says, Err("ServerSideEncryptionConfigurationNotFoundError".to_string()));
    let pab = s3::GetPublicAccessBlockRequest { bucket: "moto-bucket".into(), ..Default::default() };
    let moto_says = client.call::<s3::GetPublicAccessBlock>("us-east-1", pab).map(|_| ()).map_err(|e| e.code);
    assert_eq!(moto_says, Err("NoSuchPublicAccessBlockConfiguration".to_string()));
    // What moto does answer was read through the same client: the caller identity and the
    // regions came first, then S3, IAM and Security Hub (no error about them).
    for part in ["the caller identity", "the regions", "buckets", "password policy", "account summary"] {
        assert!(!stderr.contains(&format!("could not read {part}")), "{stderr}");
    }
}
