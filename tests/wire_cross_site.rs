//! Web pages cannot reach the simulated account: a cross-site form POST (it carries the page's
//! `Origin`), a cross-site `<img>` GET (`Sec-Fetch-Site: cross-site`), a DNS-rebinding page
//! (`Host: evil.example`) and a form aimed at the admin routes are refused before anything
//! runs, while AWS clients (no `Origin`) and allowed origins and hosts pass.

mod wire_support;

use std::sync::OnceLock;

use wire_support::{boto, form, have_boto3, raw, raw_to, start, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start("cross-site", &["--allow-origin", "http://localhost:3000", "--allow-host", "hubsim"]))
}

const FORM: &str = "application/x-www-form-urlencoded";
const EVIL: &str = "http://evil.example";

/// A form POST as a browser sends it from `origin` (`None`: as the aws CLI sends it).
fn form_from(origin: Option<&str>, body: &str) -> (u16, String) {
    let mut headers = vec![("Content-Type", FORM)];
    if let Some(origin) = origin {
        headers.push(("Origin", origin));
    }
    let (status, _, body) = raw(server().port, "POST", "/", &headers, body.as_bytes());
    (status, body)
}

fn password_policy_status() -> u16 {
    form_from(None, "Action=GetAccountPasswordPolicy&Version=2010-05-08").0
}

fn port_22_open() -> bool {
    let (status, body) = form_from(None, "Action=DescribeSecurityGroups&Version=2016-11-15&GroupName.1=default");
    assert_eq!(status, 200, "{body}");
    body.contains("<fromPort>22</fromPort>")
}

#[test]
fn a_cross_site_form_post_changes_nothing() {
    // A fresh account has no password policy and a default group without port 22.
    assert_eq!(password_policy_status(), 404);
    assert!(!port_22_open());
    let policy = "Action=UpdateAccountPasswordPolicy&Version=2010-05-08&MinimumPasswordLength=6";
    let ingress = "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupName=default&IpProtocol=tcp\
                   &FromPort=22&ToPort=22&CidrIp=0.0.0.0%2F0";
    for body in [policy, ingress] {
        let (status, answer) = form_from(Some(EVIL), body);
        assert_eq!(status, 403, "{answer}");
        assert!(answer.contains("AccessDenied") && answer.contains("--allow-origin http://evil.example"), "{answer}");
    }
    assert_eq!(password_policy_status(), 404);
    assert!(!port_22_open());
    // A page on another port of localhost is another origin, and not allowed either.
    assert_eq!(form_from(Some("http://localhost:8080"), ingress).0, 403);
    assert!(!port_22_open());

    // The same requests from the allowed origin, and without an origin, go through.
    let (status, answer) = form_from(Some("http://localhost:3000"), policy);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(password_policy_status(), 200);
    let (status, answer) = form_from(None, ingress);
    assert_eq!(status, 200, "{answer}");
    assert!(port_22_open());
}

#[test]
fn a_cross_site_get_without_origin_is_refused() {
    // What an <img src="http://127.0.0.1:4566/?Action=CreateTopic..."> sends: no Origin.
    let get = |site: &str| {
        let (status, _, body) = raw(
            server().port,
            "GET",
            "/?Action=CreateTopic&Version=2010-03-31&Name=from-an-image",
            &[("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "no-cors")],
            b"",
        );
        (status, body)
    };
    let (status, body) = get("cross-site");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Sec-Fetch-Site: cross-site"), "{body}");
    let (status, body) = form_from(None, "Action=ListTopics&Version=2010-03-31");
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("from-an-image"), "{body}");
    // Typed into the address bar (`none`), it is the user's own request.
    assert_eq!(get("none").0, 200);
}

fn admin(port: u16, headers: &[(&str, &str)], route: &str, body: &str) -> (u16, serde_json::Value) {
    let (status, _, text) = raw(port, "POST", &format!("/_hubsim/{route}"), headers, body.as_bytes());
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{route}: not JSON ({e}): {text}")))
}

fn topics(port: u16) -> String {
    let (status, body) = form(port, "Action=ListTopics&Version=2010-03-31");
    assert_eq!(status, 200, "{body}");
    body
}

#[test]
fn admin_writes_from_a_form_or_another_origin_are_refused() {
    // A server of its own: a reset here would undo what the other tests check.
    let server = start("cross-site-admin", &[]);
    let port = server.port;
    let (status, body) = form(port, "Action=CreateTopic&Version=2010-03-31&Name=survivor");
    assert_eq!(status, 200, "{body}");
    for (headers, expected) in [
        (vec![("Content-Type", FORM)], 415),
        (vec![("Content-Type", "text/plain")], 415),
        (vec![], 415),
        (vec![("Content-Type", FORM), ("Origin", EVIL)], 403),
        (vec![("Content-Type", "application/json"), ("Origin", EVIL)], 403),
    ] {
        let (status, error) = admin(port, &headers, "reset", "");
        assert_eq!(status, expected, "{headers:?}: {error}");
        let message = error["error"].as_str().unwrap_or_default();
        let names_the_fix = if expected == 415 { "Content-Type: application/json" } else { "--allow-origin" };
        assert!(message.contains(names_the_fix), "{headers:?}: {message}");
        assert!(topics(port).contains(":survivor<"), "{headers:?} reset the account");
    }
    // A snapshot from a form is refused too; the JSON request works and the reset happens.
    assert_eq!(admin(port, &[("Content-Type", FORM)], "snapshot", r#"{"name": "x"}"#).0, 415);
    let (status, answer) = admin(port, &[("Content-Type", "application/json")], "reset", "");
    assert_eq!(status, 200, "{answer}");
    assert!(!topics(port).contains(":survivor<"));
    // Reads need no content type.
    let (status, _, body) = raw(port, "GET", "/_hubsim/health", &[], b"");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn dns_rebinding_hosts_are_refused_and_allowed_hosts_pass() {
    let port = server().port;
    let call = |host: &str, path: &str| {
        let (status, _, body) = raw_to(
            port,
            host,
            "POST",
            path,
            &[("Content-Type", FORM)],
            b"Action=CreateTopic&Version=2010-03-31&Name=rebound",
        );
        (status, body)
    };
    for host in [format!("evil.example:{port}"), "evil.example".to_string(), format!("localhost.evil.example:{port}")] {
        let (status, body) = call(&host, "/");
        assert_eq!(status, 403, "{host}: {body}");
        assert!(body.contains("--allow-host"), "{host}: {body}");
    }
    let (status, _, body) = raw_to(port, "evil.example", "GET", "/_hubsim/health", &[], b"");
    assert_eq!(status, 403, "{body}");
    assert!(!topics(port).contains(":rebound<"));
    // Loopback names and the allowed name (and its subdomains) pass.
    for host in [format!("localhost:{port}"), format!("hubsim:{port}"), format!("[::1]:{port}")] {
        let (status, body) = call(&host, "/");
        assert_eq!(status, 200, "{host}: {body}");
    }
    let (status, _, body) = raw_to(port, &format!("sub.hubsim:{port}"), "GET", "/", &[], b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<ListAllMyBucketsResult"), "{body}");
    // S3's virtual-hosted names under loopback endpoints name their bucket.
    for host in [format!("some-bucket.localhost:{port}"), format!("some-bucket.127.0.0.1:{port}")] {
        let (status, _, body) = raw_to(port, &host, "GET", "/?encryption", &[], b"");
        assert_eq!(status, 404, "{host}: a virtual-hosted bucket is looked up: {body}");
        assert!(body.contains("<BucketName>some-bucket</BucketName>"), "{host}: {body}");
    }
}

#[test]
fn aws_clients_are_unaffected() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
OUT["account"] = client("sts").get_caller_identity()["Account"]
s3 = client("s3")
s3.create_bucket(Bucket="cross-site-check")
OUT["buckets"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]
"#,
    );
    assert!(out["account"].as_str().is_some_and(|a| a.len() == 12), "{out}");
    assert!(out["buckets"].as_array().is_some_and(|b| b.iter().any(|n| n == "cross-site-check")), "{out}");
}

#[test]
fn an_allowed_origin_gets_its_preflight_and_may_read_answers() {
    let port = server().port;
    let preflight = |origin: &str| {
        raw(
            port,
            "OPTIONS",
            "/",
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization,content-type,x-amz-date"),
            ],
            b"",
        )
    };
    let (status, headers, body) = preflight("http://localhost:3000");
    assert_eq!(status, 204, "{body}");
    let header = |name: &str| wire_support::header(&headers, name).map(str::to_string);
    assert_eq!(header("access-control-allow-origin").as_deref(), Some("http://localhost:3000"));
    assert_eq!(header("access-control-allow-headers").as_deref(), Some("authorization,content-type,x-amz-date"));
    assert!(header("access-control-allow-methods").is_some_and(|m| m.contains("POST")));
    // Another origin gets no grant.
    let (status, headers, _) = preflight(EVIL);
    assert_eq!(status, 403);
    assert_eq!(wire_support::header(&headers, "access-control-allow-origin"), None);
    // The allowed page's requests carry the grant; requests without Origin do not.
    let (status, headers, body) = raw(
        port,
        "POST",
        "/",
        &[("Content-Type", FORM), ("Origin", "http://localhost:3000")],
        b"Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(wire_support::header(&headers, "access-control-allow-origin"), Some("http://localhost:3000"));
    let (_, headers, _) =
        raw(port, "POST", "/", &[("Content-Type", FORM)], b"Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(wire_support::header(&headers, "access-control-allow-origin"), None);
}
