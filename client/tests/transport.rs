//! The client against endpoints that misbehave, each a small local server started by the test:
//! nobody listening, an HTML page with status 200, throttling then success (retried), a server
//! error that never ends (retried, then reported), a slow answer (timed out), AccessDenied (not
//! retried), and a refused operation (nothing sent at all).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hubsim_api::AwsApi;
use hubsim_client::{HttpApi, Retry, Sources, Transport};
use hubsim_model::{iam, kms, s3};

/// A server answering each request with the next of `answers` (the last one repeats), after
/// `delay`; returns its URL and the count of requests it read.
fn serve(answers: Vec<String>, delay: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            // Read the head, then the body by Content-Length.
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let n = seen.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(delay);
            let answer = &answers[n.min(answers.len() - 1)];
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (url, count)
}

fn http(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn api(url: &str, timeout: Duration) -> HttpApi {
    let mut sources = Sources::default();
    sources.env.insert("AWS_ACCESS_KEY_ID".into(), "AKIDTEST".into());
    sources.env.insert("AWS_SECRET_ACCESS_KEY".into(), "secret".into());
    let transport = Transport::new(sources, None, Some(url))
        .expect("transport")
        .with_timeout(timeout)
        .with_retry(Retry { attempts: 3, base: Duration::from_millis(10), cap: Duration::from_millis(50) });
    HttpApi::new(transport)
}

#[test]
fn a_port_nobody_listens_on_is_unreachable_at_once() {
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let started = Instant::now();
    let e = api(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5))
        .call::<kms::ListKeys>("us-east-1", Default::default())
        .expect_err("nobody listens");
    assert_eq!(e.code, hubsim_client::transport::UNREACHABLE, "{e}");
    assert!(e.message.contains(&port.to_string()), "the message names the endpoint: {e}");
    assert!(started.elapsed() < Duration::from_secs(2), "a refused connection is not retried for long");
}

#[test]
fn an_html_page_with_200_is_not_an_empty_answer() {
    let page = http("200 OK", "text/html", "<!DOCTYPE html><html><body>Log in</body></html>");
    let (url, _) = serve(vec![page], Duration::ZERO);
    let api = api(&url, Duration::from_secs(5));
    let e = api.call::<iam::ListUsers>("us-east-1", Default::default()).expect_err("HTML");
    assert_eq!(e.code, hubsim_client::response::UNEXPECTED, "{e}");
    let e = api.call::<s3::ListBuckets>("us-east-1", Default::default()).expect_err("HTML");
    assert_eq!(e.code, hubsim_client::response::UNEXPECTED, "{e}");
}

#[test]
fn throttling_is_retried_then_succeeds() {
    let throttled = http(
        "400 Bad Request",
        "application/x-amz-json-1.1",
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
    );
    let ok = http("200 OK", "application/x-amz-json-1.1", r#"{"Keys":[{"KeyId":"k1"}]}"#);
    let (url, count) = serve(vec![throttled.clone(), throttled, ok], Duration::ZERO);
    let out =
        api(&url, Duration::from_secs(5)).call::<kms::ListKeys>("us-east-1", Default::default()).expect("third try");
    assert_eq!(out.keys.unwrap_or_default().len(), 1);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn server_errors_are_retried_up_to_the_limit_then_reported() {
    let (url, count) = serve(vec![http("503 Service Unavailable", "text/plain", "")], Duration::ZERO);
    let e = api(&url, Duration::from_secs(5)).call::<kms::ListKeys>("us-east-1", Default::default()).expect_err("503");
    assert_eq!((e.code.as_str(), e.status), ("ServiceUnavailable", 503));
    assert_eq!(count.load(Ordering::SeqCst), 3, "three attempts in all");
}

#[test]
fn access_denied_is_not_retried() {
    let denied = http(
        "403 Forbidden",
        "text/xml",
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform iam:ListUsers</Message></Error></ErrorResponse>",
    );
    let (url, count) = serve(vec![denied], Duration::ZERO);
    let e =
        api(&url, Duration::from_secs(5)).call::<iam::ListUsers>("us-east-1", Default::default()).expect_err("denied");
    assert_eq!(e.code, "AccessDenied");
    assert!(e.message.contains("iam:ListUsers"));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn a_slow_endpoint_times_out() {
    let (url, _) = serve(vec![http("200 OK", "application/x-amz-json-1.1", "{}")], Duration::from_secs(3));
    let started = Instant::now();
    let e =
        api(&url, Duration::from_millis(300)).call::<kms::ListKeys>("us-east-1", Default::default()).expect_err("slow");
    assert_eq!(e.code, hubsim_client::transport::TIMEOUT, "{e}");
    assert!(started.elapsed() < Duration::from_secs(2), "not retried: {:?}", started.elapsed());
}

#[test]
fn a_writing_operation_is_refused_before_anything_is_sent() {
    let (url, count) = serve(vec![http("200 OK", "text/xml", "")], Duration::ZERO);
    let e = api(&url, Duration::from_secs(5))
        .call::<s3::PutBucketPolicy>(
            "us-east-1",
            s3::PutBucketPolicyRequest { bucket: "b".into(), policy: "{}".into(), ..Default::default() },
        )
        .expect_err("refused");
    assert_eq!(e.code, hubsim_client::REFUSED);
    assert!(e.message.contains("s3:PutBucketPolicy"), "{e}");
    let e = api(&url, Duration::from_secs(5))
        .call_derived::<hubsim_model::securityhub::BatchImportFindings>("us-east-1", Default::default())
        .expect_err("refused");
    assert_eq!(e.code, hubsim_client::REFUSED);
    assert_eq!(count.load(Ordering::SeqCst), 0, "nothing reached the endpoint");
}

#[test]
fn requests_are_signed() {
    // The server echoes nothing: the request head is checked through a listener that records it.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let _ = stream.write_all(http("200 OK", "application/x-amz-json-1.1", "{}").as_bytes());
        head
    });
    api(&url, Duration::from_secs(5)).call::<kms::ListKeys>("eu-west-3", Default::default()).expect("ok");
    let head = handle.join().expect("server").to_ascii_lowercase();
    assert!(head.contains("authorization: aws4-hmac-sha256 credential=akidtest/"), "{head}");
    assert!(head.contains("/eu-west-3/kms/aws4_request"), "{head}");
    assert!(head.contains("x-amz-date: "), "{head}");
    assert!(!head.contains("secret"), "{head}");
}
