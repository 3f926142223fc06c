//! `serve --verify-signatures`: boto3 signing with a known key and its secret works over every
//! protocol (query, ec2, json, rest-json, rest-xml, presigned URLs); a wrong secret, an unknown
//! key, a tampered body and an unsigned request get the errors AWS answers and change nothing.
//! Without the flag, any key is accepted.

mod wire_support;

use std::sync::OnceLock;

use serde_json::Value;
use wire_support::{boto, form, have_boto3, raw, start, start_with_env, Server};

/// A server that accepts AKIDHUBSIMTEST/secret (the wire tests' client) from a credentials
/// file, and AKIDFROMENV/env-secret from its environment.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("credentials");
        std::fs::write(
            &file,
            "[default]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other\n\n\
             [hubsim-test]\naws_access_key_id = AKIDHUBSIMTEST\naws_secret_access_key = secret\n",
        )
        .expect("write credentials");
        let file = file.to_string_lossy().into_owned();
        let server = start_with_env(
            "signatures",
            &["--verify-signatures", "--credentials", &file],
            &[("AWS_ACCESS_KEY_ID", "AKIDFROMENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret")],
        );
        let _ = std::fs::remove_dir_all(&dir);
        server
    })
}

const CLIENTS: &str = r#"
def signed(name, key="AKIDHUBSIMTEST", secret="secret", region="us-east-1"):
    return boto3.client(name, endpoint_url=f"http://127.0.0.1:{PORT}", region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))
import urllib.request, urllib.error
def fetch(url):
    try:
        with urllib.request.urlopen(url) as r:
            return {"Status": r.status, "Body": r.read().decode()}
    except urllib.error.HTTPError as e:
        return {"Status": e.code, "Body": e.read().decode()}
"#;

fn run(script: &str) -> Value {
    boto(server().port, &format!("{CLIENTS}\n{script}"))
}

#[test]
fn the_right_secret_works_over_every_protocol() {
    if !have_boto3() {
        return;
    }
    let out = run(r#"
OUT["query"] = signed("iam").list_users()["Users"]
OUT["sts"] = signed("sts").get_caller_identity()["Account"]
OUT["env_key"] = signed("sts", key="AKIDFROMENV", secret="env-secret").get_caller_identity()["Account"]
OUT["other_profile"] = signed("sts", key="AKIDOTHER", secret="other").get_caller_identity()["Account"]
OUT["ec2"] = len(signed("ec2").describe_security_groups(GroupNames=["default"])["SecurityGroups"])
OUT["json"] = signed("kms").list_keys()["Keys"]
OUT["rest_json"] = signed("guardduty").list_detectors()["DetectorIds"]
sh = signed("securityhub")
# A path with an ARN in it: ':' is sent as %3A and signed as %253A.
arn = sh.get_enabled_standards()["StandardsSubscriptions"][0]["StandardsSubscriptionArn"]
OUT["rest_json_arn_path"] = len(sh.describe_standards_controls(StandardsSubscriptionArn=arn)["Controls"])
s3 = signed("s3")
s3v4 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{PORT}", region_name="us-east-1",
    aws_access_key_id="AKIDHUBSIMTEST", aws_secret_access_key="secret", config=Config(signature_version="s3v4"))
s3.create_bucket(Bucket="signed-bucket")
policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
    "Action": "s3:*", "Resource": "arn:aws:s3:::signed-bucket/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
s3.put_bucket_policy(Bucket="signed-bucket", Policy=policy)
OUT["rest_xml_body"] = json.loads(s3.get_bucket_policy(Bucket="signed-bucket")["Policy"])["Statement"][0]["Effect"]
OUT["s3_presigned"] = fetch(s3v4.generate_presigned_url("get_bucket_policy", Params={"Bucket": "signed-bucket"}))["Status"]
# botocore presigns S3 with SigV2 unless told otherwise: refused while verifying.
OUT["s3_presigned_v2"] = fetch(s3.generate_presigned_url("list_buckets"))
# What `aws eks get-token` makes: a presigned STS GET.
OUT["sts_presigned"] = fetch(signed("sts").generate_presigned_url("get_caller_identity", HttpMethod="GET"))
"#);
    assert!(out["query"].is_array(), "{out}");
    assert_eq!(out["sts"].as_str().map(str::len), Some(12), "{out}");
    assert_eq!(out["env_key"], out["sts"], "{out}");
    assert_eq!(out["other_profile"], out["sts"], "{out}");
    assert_eq!(out["ec2"], 1, "{out}");
    assert!(out["json"].is_array() && out["rest_json"].is_array(), "{out}");
    assert!(out["rest_json_arn_path"].as_u64().is_some_and(|n| n > 0), "{out}");
    assert_eq!(out["rest_xml_body"], "Deny", "{out}");
    assert_eq!(out["s3_presigned"], 200, "{out}");
    assert_eq!(out["s3_presigned_v2"]["Status"], 400, "{out}");
    assert!(
        out["s3_presigned_v2"]["Body"].as_str().is_some_and(|b| b.contains("<Code>InvalidRequest</Code>")),
        "{out}"
    );
    assert_eq!(out["sts_presigned"]["Status"], 200, "{out}");
    assert!(out["sts_presigned"]["Body"].as_str().is_some_and(|b| b.contains("<GetCallerIdentityResult>")), "{out}");
}

#[test]
fn a_wrong_secret_or_an_unknown_key_gets_aws_errors() {
    if !have_boto3() {
        return;
    }
    let out = run(r#"
for who, key, secret in [("wrong", "AKIDHUBSIMTEST", "not-the-secret"), ("unknown", "AKIDNOBODY", "secret")]:
    OUT[who + "_query"] = err(signed("iam", key=key, secret=secret).create_user, UserName=who + "-user")
    OUT[who + "_ec2"] = err(signed("ec2", key=key, secret=secret).describe_security_groups)
    OUT[who + "_json"] = err(signed("kms", key=key, secret=secret).list_keys)
    OUT[who + "_rest_json"] = err(signed("guardduty", key=key, secret=secret).list_detectors)
    OUT[who + "_s3"] = err(signed("s3", key=key, secret=secret).create_bucket, Bucket=who + "-bucket")
bad = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{PORT}", region_name="us-east-1",
    aws_access_key_id="AKIDHUBSIMTEST", aws_secret_access_key="not-the-secret", config=Config(signature_version="s3v4"))
OUT["wrong_presigned"] = fetch(bad.generate_presigned_url("list_buckets"))
OUT["users"] = [u["UserName"] for u in signed("iam").list_users()["Users"]]
OUT["buckets"] = [b["Name"] for b in signed("s3").list_buckets()["Buckets"]]
"#);
    let code = |name: &str| (out[name]["Code"].as_str().unwrap_or("(none)"), out[name]["Status"].as_u64().unwrap_or(0));
    assert_eq!(code("wrong_query"), ("SignatureDoesNotMatch", 403), "{out}");
    assert_eq!(code("wrong_ec2"), ("AuthFailure", 401), "{out}");
    assert_eq!(code("wrong_json"), ("InvalidSignatureException", 400), "{out}");
    assert_eq!(code("wrong_rest_json"), ("InvalidSignatureException", 403), "{out}");
    assert_eq!(code("wrong_s3"), ("SignatureDoesNotMatch", 403), "{out}");
    assert_eq!(code("unknown_query"), ("InvalidClientTokenId", 403), "{out}");
    assert_eq!(code("unknown_ec2"), ("AuthFailure", 401), "{out}");
    assert_eq!(code("unknown_json"), ("UnrecognizedClientException", 400), "{out}");
    assert_eq!(code("unknown_rest_json"), ("UnrecognizedClientException", 403), "{out}");
    assert_eq!(code("unknown_s3"), ("InvalidAccessKeyId", 403), "{out}");
    let presigned = out["wrong_presigned"]["Body"].as_str().unwrap_or_default();
    assert_eq!(out["wrong_presigned"]["Status"], 403, "{out}");
    assert!(
        presigned.contains("<Code>SignatureDoesNotMatch</Code>") && presigned.contains("<CanonicalRequest>"),
        "{presigned}"
    );
    // Nothing was created.
    let none_of = |list: &str, names: [&str; 2]| {
        out[list].as_array().is_some_and(|l| l.iter().all(|n| names.iter().all(|name| n != name)))
    };
    assert!(none_of("users", ["wrong-user", "unknown-user"]), "{out}");
    assert!(none_of("buckets", ["wrong-bucket", "unknown-bucket"]), "{out}");
}

#[test]
fn a_tampered_body_is_refused() {
    if !have_boto3() {
        return;
    }
    let out = run(r#"
def tamper(request, **kwargs):
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    request.body = body.replace(b"honest", b"forged")
iam = signed("iam")
iam.meta.events.register("before-send.iam.CreateUser", tamper)
OUT["iam"] = err(iam.create_user, UserName="honest-user")
s3 = signed("s3")
s3.create_bucket(Bucket="tamper-bucket")
s3.meta.events.register("before-send.s3.PutBucketTagging", tamper)
OUT["s3"] = err(s3.put_bucket_tagging, Bucket="tamper-bucket", Tagging={"TagSet": [{"Key": "k", "Value": "honest"}]})
OUT["users"] = [u["UserName"] for u in signed("iam").list_users()["Users"]]
OUT["tags"] = err(signed("s3").get_bucket_tagging, Bucket="tamper-bucket")
"#);
    assert_eq!(out["iam"]["Code"], "SignatureDoesNotMatch", "{out}");
    // S3 signs the body's hash in x-amz-content-sha256: the signature holds, the hash does not.
    assert_eq!(out["s3"]["Code"], "XAmzContentSHA256Mismatch", "{out}");
    assert!(
        out["users"].as_array().is_some_and(|u| !u.iter().any(|n| n == "forged-user" || n == "honest-user")),
        "{out}"
    );
    assert_eq!(out["tags"]["Code"], "NoSuchTagSet", "{out}");
}

#[test]
fn unsigned_requests_and_unsigned_admin_writes_are_refused() {
    let port = server().port;
    let (status, body) = form(port, "Action=CreateTopic&Version=2010-03-31&Name=unsigned");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>MissingAuthenticationToken</Code>"), "{body}");
    let (status, _, body) = raw(port, "PUT", "/unsigned-bucket", &[], b"");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    let (status, _, body) = raw(port, "POST", "/_hubsim/reset", &[("Content-Type", "application/json")], b"");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--aws-sigv4"), "{body}");
    // The health check stays open to container probes.
    let (status, _, body) = raw(port, "GET", "/_hubsim/health", &[], b"");
    assert_eq!(status, 200, "{body}");
    if !have_boto3() {
        return;
    }
    // A signed admin request passes.
    let out = run(r#"
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
def admin(route, body, secret):
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{PORT}/_hubsim/{route}", data=body,
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKIDHUBSIMTEST", secret), "hubsim", "us-east-1").add_auth(request)
    prepared = request.prepare()
    try:
        with urllib.request.urlopen(urllib.request.Request(prepared.url, data=prepared.body, method="POST",
                                                           headers=dict(prepared.headers))) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
OUT["signed"] = admin("snapshot", b'{"name": "signed"}', "secret")
OUT["wrong"] = admin("snapshot", b'{"name": "wrong"}', "not-the-secret")
"#);
    assert_eq!(out["signed"], 200, "{out}");
    assert_eq!(out["wrong"], 403, "{out}");
}

#[test]
fn without_the_flag_any_key_is_accepted() {
    if !have_boto3() {
        return;
    }
    let server = start("signatures-off", &[]);
    let out = boto(
        server.port,
        r#"
c = lambda n: boto3.client(n, endpoint_url=f"http://127.0.0.1:{PORT}", region_name="us-east-1",
    aws_access_key_id="AKIDANYTHING", aws_secret_access_key="anything")
OUT["sts"] = c("sts").get_caller_identity()["Account"]
c("s3").create_bucket(Bucket="any-key-bucket")
OUT["ec2"] = len(c("ec2").describe_security_groups(GroupNames=["default"])["SecurityGroups"])
"#,
    );
    assert_eq!(out["sts"].as_str().map(str::len), Some(12), "{out}");
    assert_eq!(out["ec2"], 1, "{out}");
    let (status, body) = form(server.port, "Action=ListTopics&Version=2010-03-31");
    assert_eq!(status, 200, "unsigned requests are served too: {body}");
}

#[test]
fn verify_signatures_without_keys_or_with_a_broken_file_is_refused_at_start() {
    let hubsim = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hubsim"))
            .args(["serve", "--port", "0", "--db", "/nonexistent-dir/never.db"])
            .args(args)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run hubsim")
    };
    let out = hubsim(&["--verify-signatures"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--verify-signatures needs keys"), "{stderr}");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sig-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("credentials");
    std::fs::write(&file, "[half]\naws_access_key_id = AKIDHALF\n").expect("write");
    let out = hubsim(&["--verify-signatures", "--credentials", &file.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("profile [half] has aws_access_key_id but no aws_secret_access_key"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
    // --credentials alone would silently verify nothing: clap refuses it.
    let out = hubsim(&["--credentials", "x"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--verify-signatures"));
}
