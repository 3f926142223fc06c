//! Connections cannot lock hubsim out: an idle or half-sent connection is closed after
//! `--idle-timeout`, a body that stops halfway is answered `RequestTimeout`, and beyond
//! `--max-connections` a new connection is told so at once (503) while the others go on.

mod wire_support;

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use wire_support::{read_response, start};

const CALLER: &str = "Action=GetCallerIdentity&Version=2011-06-15";

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    // Far longer than the server's timeout: a read that hits this has waited in vain.
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    stream
}

/// Sends one keep-alive GetCallerIdentity on `stream` and returns its status and body.
fn call(stream: &mut TcpStream) -> (u16, String) {
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{CALLER}",
        CALLER.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let (status, _, body) = read_response(&mut reader, true);
    (status, body)
}

/// Reads until the server closes the connection; what it sent. Panics if the read timed out
/// instead (the server kept the connection open).
fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    match stream.read_to_end(&mut seen) {
        Ok(_) => String::from_utf8_lossy(&seen).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => String::from_utf8_lossy(&seen).into_owned(),
        Err(e) => panic!("the server kept the connection open ({e}); it had sent {:?}", String::from_utf8_lossy(&seen)),
    }
}

#[test]
fn idle_and_half_sent_connections_are_closed_after_the_timeout() {
    let server = start("idle-timeout", &["--idle-timeout", "1"]);
    // Half a request line.
    let mut half_line = connect(server.port);
    half_line.write_all(b"POST / HTT").expect("write");
    // Headers that never end.
    let mut half_head = connect(server.port);
    half_head.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le").expect("write");
    // A connection that never says anything.
    let mut silent = connect(server.port);
    // A keep-alive connection, idle after one answer.
    let mut idle = connect(server.port);
    assert_eq!(call(&mut idle).0, 200);
    for (what, stream) in [("half line", &mut half_line), ("half head", &mut half_head), ("silent", &mut silent)] {
        let sent = read_until_closed(stream);
        assert!(sent.is_empty() || sent.starts_with("HTTP/1.1 408"), "{what}: {sent:?}");
    }
    assert_eq!(read_until_closed(&mut idle), "");

    // A body that stops halfway: RequestTimeout, then the connection closes.
    let mut half_body = connect(server.port);
    half_body
        .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=GetCallerIdentity")
        .expect("write");
    let sent = read_until_closed(&mut half_body);
    assert!(sent.starts_with("HTTP/1.1 400"), "{sent}");
    assert!(sent.contains("<Code>RequestTimeout</Code>") && sent.contains("--idle-timeout"), "{sent}");
    assert!(sent.to_ascii_lowercase().contains("connection: close"), "{sent}");

    // The server still answers.
    let mut fresh = connect(server.port);
    assert_eq!(call(&mut fresh).0, 200);
}

#[test]
fn connections_beyond_the_cap_are_told_so_and_the_others_go_on() {
    let server = start("max-connections", &["--max-connections", "2"]);
    let mut first = connect(server.port);
    let mut second = connect(server.port);
    assert_eq!(call(&mut first).0, 200);
    assert_eq!(call(&mut second).0, 200);

    let mut third = connect(server.port);
    let (status, body) = call(&mut third);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("at most 2 connections") && body.contains("--max-connections"), "{body}");
    assert_eq!(read_until_closed(&mut third), "", "the refused connection is closed");

    // The first two are still served, on the same connections.
    assert_eq!(call(&mut first).0, 200);
    assert_eq!(call(&mut second).0, 200);

    // Once one closes, a new connection is served (the server notices the close a moment later).
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut next = connect(server.port);
        let (status, body) = call(&mut next);
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(Instant::now() < deadline, "a slot was never freed");
        std::thread::sleep(Duration::from_millis(50));
    }
}
