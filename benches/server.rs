//! Requests per second on loopback against `hubsim serve`'s HTTP stack (the same
//! `hubsim_server::http::run` the command uses), with a minimal keep-alive HTTP/1.1 client so
//! that the client costs little. Run with `cargo bench --bench server`.
//!
//! Each request's status is checked (200), so a fast error never counts as a fast success.
//! `*/1-connection` is sequential latency; `*/16-connections` sends the same number of requests
//! over 16 connections at once (criterion reports time per batch of 16 × 50 requests).

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;
#[path = "../src/allocator.rs"]
mod allocator;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_simulator::Simulator;

const SEED: &str = r#"{"format": 1, "name": "rps", "era": "current", "account": {"regions": ["us-east-1"]},
  "baseline": {"config_one_click": {"regions": ["us-east-1"], "include_global_resource_types": true},
               "security_hub": {"regions": ["us-east-1"]}},
  "steps": [
    {"call": "s3:CreateBucket", "input": {"Bucket": "rps-bucket"}},
    {"call": "iam:UpdateAccountPasswordPolicy", "input": {"MinimumPasswordLength": 14}}
  ]}"#;

fn start() -> String {
    let sim = Simulator::in_memory().expect("database");
    scenario::load(&sim, &scenario::parse(SEED).expect("parses"), LoadOptions::default()).expect("loads");
    hubsim_scenario::runner::evaluate(&sim, false).expect("findings to read");
    let state = Arc::new(hubsim_server::State::new(sim).expect("server state"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address").to_string();
    std::thread::spawn(move || hubsim_server::http::run(listener, state));
    addr
}

fn scope(service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00")
}

/// The three requests of the issue, as raw HTTP/1.1.
fn requests(addr: &str) -> Vec<(&'static str, Vec<u8>)> {
    let form = "Action=DescribeSecurityGroups&Version=2016-11-15";
    vec![
        (
            "s3-get-bucket-encryption",
            format!("GET /rps-bucket?encryption HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\n\r\n", scope("s3")).into_bytes(),
        ),
        (
            "ec2-describe-security-groups",
            format!(
                "POST / HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                scope("ec2"),
                form.len()
            )
            .into_bytes(),
        ),
        (
            "iam-get-account-password-policy",
            format!(
                "POST / HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 50\r\n\r\nAction=GetAccountPasswordPolicy&Version=2010-05-08",
                scope("iam")
            )
            .into_bytes(),
        ),
        (
            "securityhub-get-findings",
            format!(
                "POST /findings HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}",
                scope("securityhub")
            )
            .into_bytes(),
        ),
    ]
}

/// Sends one request on a keep-alive connection and reads the whole response; panics on a
/// status other than 200.
fn exchange(conn: &mut BufReader<TcpStream>, request: &[u8]) {
    conn.get_mut().write_all(request).expect("send");
    let mut status = String::new();
    conn.read_line(&mut status).expect("status line");
    assert!(status.starts_with("HTTP/1.1 200"), "unexpected response: {status}");
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        conn.read_line(&mut line).expect("header");
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().expect("content-length");
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).expect("body");
}

fn connect(addr: &str) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    BufReader::new(stream)
}

fn throughput(c: &mut Criterion) {
    let addr = start();
    let mut g = c.benchmark_group("server");
    for (name, request) in requests(&addr) {
        let mut conn = connect(&addr);
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("{name}/1-connection"), |b| b.iter(|| exchange(&mut conn, &request)));
        g.throughput(Throughput::Elements(16 * 50));
        g.sample_size(10);
        g.bench_function(format!("{name}/16-connections"), |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    for _ in 0..16 {
                        let request = &request;
                        let addr = &addr;
                        s.spawn(move || {
                            let mut conn = connect(addr);
                            for _ in 0..50 {
                                exchange(&mut conn, request);
                            }
                        });
                    }
                });
            })
        });
        g.sample_size(100);
    }
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
