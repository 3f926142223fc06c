//! What `hubsim serve` answers to requests a well-behaved SDK never sends: malformed
//! `Authorization` headers (per protocol), malformed XML and JSON bodies on the REST protocols,
//! operations no REST route matches, oversized S3 bodies, and HEAD requests (never a body).
//! Every case checks the AWS error code, the status, and that nothing changed. boto3, when
//! installed, checks that a real client reads the same errors (`CI=true` requires it).

mod wire_support;

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use wire_support::{boto, form, have_boto3, header, raw, read_response, start, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start("bad-input", &[]))
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");

/// The HTTP status of an unsigned HeadBucket.
fn head_bucket(bucket: &str) -> u16 {
    raw(server().port, "HEAD", &format!("/{bucket}"), &[], b"").0
}

/// The number of KMS keys in us-east-1.
fn key_count() -> usize {
    let (status, _, body) = raw(
        server().port,
        "POST",
        "/",
        &[("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.ListKeys")],
        b"{}",
    );
    assert_eq!(status, 200, "{body}");
    let keys: Value = serde_json::from_str(&body).expect("json");
    keys["Keys"].as_array().map(Vec::len).unwrap_or(0)
}

/// The GuardDuty detectors of us-east-1.
fn detectors() -> Value {
    let (status, _, body) = raw(server().port, "GET", "/detector", &[], b"");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body).expect("json")["detectorIds"].clone()
}

#[test]
fn malformed_authorization_is_refused_in_each_protocols_shape() {
    let port = server().port;
    // query (IAM, found by the form's Version): nothing is created.
    let (status, _, body) = raw(
        port,
        "POST",
        "/",
        &[FORM, ("Authorization", "garbage")],
        b"Action=CreateUser&Version=2010-05-08&UserName=bad-auth-user",
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<ErrorResponse") && body.contains("<Code>IncompleteSignature</Code>"), "{body}");
    assert!(body.contains("Authorization header requires &apos;Credential&apos; parameter."), "{body}");
    let (status, body) = form(port, "Action=GetUser&Version=2010-05-08&UserName=bad-auth-user");
    assert_eq!(status, 404, "the user must not exist: {body}");

    // json (KMS, by X-Amz-Target): a SigV4 header without a signature.
    let keys = key_count();
    let (status, headers, body) = raw(
        port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "TrentService.CreateKey"),
            ("X-Amz-Date", "20260101T000000Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request"),
        ],
        b"{}",
    );
    assert_eq!(status, 400, "{body}");
    let error: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(error["__type"], "IncompleteSignature");
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains("requires 'Signature' parameter") && message.contains("requires 'SignedHeaders' parameter"),
        "{message}"
    );
    assert!(!message.contains("'Credential'"), "{message}");
    assert!(header(&headers, "x-amzn-requestid").is_some(), "{headers:?}");
    assert_eq!(key_count(), keys);

    // ec2, found by the credential's service although its terminator is wrong.
    let (status, _, body) = raw(
        port,
        "POST",
        "/",
        &[
            FORM,
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_reqest, SignedHeaders=host, Signature=00",
            ),
        ],
        b"Action=CreateSecurityGroup&Version=2016-11-15&GroupName=bad-auth-sg&Description=x",
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Response><Errors><Error><Code>IncompleteSignature</Code>"), "{body}");
    assert!(body.contains("valid terminator: &apos;aws4_request&apos;, not &apos;aws4_reqest&apos;"), "{body}");
    let (_, body) = form(
        port,
        "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=group-name&Filter.1.Value.1=bad-auth-sg",
    );
    assert!(!body.contains("bad-auth-sg"), "{body}");

    // rest-json (GuardDuty, by path): a credential with four elements.
    let before = detectors();
    let (status, headers, body) = raw(
        port,
        "POST",
        "/detector",
        &[
            ("Content-Type", "application/json"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/guardduty/aws4_request, SignedHeaders=host, Signature=00",
            ),
        ],
        br#"{"enable": true}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(header(&headers, "x-amzn-errortype"), Some("IncompleteSignature"), "{headers:?}");
    assert!(body.contains("exactly 5 slash-delimited elements"), "{body}");
    assert_eq!(detectors(), before);

    // S3 (the default when nothing else tells): its own codes, no bucket made.
    let cases: [(&str, &str, &str); 4] = [
        ("Bearer token", "InvalidArgument", "<Message>Unsupported Authorization Type</Message><ArgumentName>Authorization</ArgumentName><ArgumentValue>Bearer token</ArgumentValue><RequestId>"),
        ("AWS AKIDONLY", "InvalidArgument", "Expected AwsAccessKeyId:signature"),
        ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request", "AuthorizationHeaderMalformed", "requires three components: Credential, SignedHeaders, and Signature."),
        ("AWS4-HMAC-SHA256 Credential=AKID/20260101/s3/aws4_request, SignedHeaders=host, Signature=00", "AuthorizationHeaderMalformed", "the Credential is mal-formed; expecting \"&lt;YOUR-AKID&gt;/YYYYMMDD/REGION/SERVICE/aws4_request\"."),
    ];
    for (auth, code, text) in cases {
        let (status, headers, body) = raw(port, "PUT", "/bad-auth-bucket", &[("Authorization", auth)], b"");
        assert_eq!(status, 400, "{auth}: {body}");
        assert!(body.contains(&format!("<Error><Code>{code}</Code>")), "{auth}: {body}");
        assert!(body.contains(text), "{auth}: {body}");
        assert!(header(&headers, "x-amz-request-id").is_some(), "{headers:?}");
        assert_eq!(head_bucket("bad-auth-bucket"), 404, "{auth} made the bucket");
    }
    // A presigned URL with a malformed credential.
    let (status, _, body) =
        raw(port, "PUT", "/bad-auth-bucket?X-Amz-Credential=AKID%2Fus-east-1%2Fs3&X-Amz-Signature=00", &[], b"");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>AuthorizationQueryParametersError</Code>"), "{body}");
    assert_eq!(head_bucket("bad-auth-bucket"), 404);

    // Well-formed requests still work: SigV2, a presigned scope, and no signature at all.
    let (status, _, body) =
        raw(port, "PUT", "/sigv2-bucket", &[("Authorization", "AWS AKIDEXAMPLE:c2lnbmF0dXJl")], b"");
    assert_eq!(status, 200, "{body}");
    assert_eq!(head_bucket("sigv2-bucket"), 200);
    let (status, _, body) = raw(
        port,
        "GET",
        "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Signature=00",
        &[],
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = form(port, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn boto3_reads_the_signature_errors() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
def garble(request, **kwargs):
    request.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKID/us-east-1, SignedHeaders=host, Signature=00"
iam = client("iam")
iam.meta.events.register("before-send.iam", garble)
OUT["iam"] = err(iam.create_user, UserName="boto-bad-auth")
s3 = client("s3")
s3.meta.events.register("before-send.s3", garble)
OUT["s3"] = err(s3.create_bucket, Bucket="boto-bad-auth")
OUT["users"] = [u["UserName"] for u in client("iam").list_users()["Users"]]
OUT["buckets"] = [b["Name"] for b in client("s3").list_buckets()["Buckets"]]
missing = None
try:
    client("s3").get_bucket_policy(Bucket="boto-no-such-bucket")
except botocore.exceptions.ClientError as e:
    missing = e.response["Error"]
OUT["missing"] = missing
"#,
    );
    assert_eq!(out["iam"]["Code"], "IncompleteSignature", "{out}");
    assert_eq!(out["iam"]["Status"], 400);
    assert_eq!(out["s3"]["Code"], "AuthorizationHeaderMalformed", "{out}");
    assert_eq!(out["s3"]["Status"], 400);
    assert!(!out["users"].as_array().expect("users").contains(&"boto-bad-auth".into()), "{out}");
    assert!(!out["buckets"].as_array().expect("buckets").contains(&"boto-bad-auth".into()), "{out}");
    // botocore hands the extra <Error> elements on: S3's BucketName.
    assert_eq!(out["missing"]["Code"], "NoSuchBucket", "{out}");
    assert_eq!(out["missing"]["BucketName"], "boto-no-such-bucket", "{out}");
}

#[test]
fn s3_errors_name_the_bucket_in_aws_order() {
    let port = server().port;
    let (status, headers, body) = raw(port, "GET", "/no-such-wire-bucket?encryption", &[], b"");
    assert_eq!(status, 404, "{body}");
    let order: Vec<usize> = [
        "<Code>NoSuchBucket</Code>",
        "<Message>",
        "<BucketName>no-such-wire-bucket</BucketName>",
        "<RequestId>",
        "<HostId>",
    ]
    .iter()
    .map(|tag| body.find(tag).unwrap_or_else(|| panic!("{tag} missing: {body}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{body}");
    let request_id = header(&headers, "x-amz-request-id").expect("x-amz-request-id");
    assert!(body.contains(&format!("<RequestId>{request_id}</RequestId>")), "{body}");
    // A configuration the bucket lacks.
    assert_eq!(raw(port, "PUT", "/named-bucket", &[], b"").0, 200);
    for (sub, code) in [
        ("policy", "NoSuchBucketPolicy"),
        ("lifecycle", "NoSuchLifecycleConfiguration"),
        ("policyStatus", "NoSuchBucketPolicy"),
        ("cors", "NoSuchCORSConfiguration"),
    ] {
        let (status, _, body) = raw(port, "GET", &format!("/named-bucket?{sub}"), &[], b"");
        assert_eq!(status, 404, "{sub}: {body}");
        assert!(body.contains(&format!("<Code>{code}</Code>")), "{sub}: {body}");
        assert!(body.contains("<BucketName>named-bucket</BucketName>"), "{sub}: {body}");
    }
}

#[test]
fn head_answers_have_no_body_and_keep_the_connection_usable() {
    let port = server().port;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    // A missing bucket, an S3 route no operation matches, a malformed signature, an admin route.
    let heads: [(&str, &str, u16); 4] = [
        ("/no-such-head-bucket", "", 404),
        ("/no-such-head-bucket/some/key", "", 501),
        ("/", "Authorization: garbage\r\n", 400),
        ("/_hubsim/nothing-here", "", 404),
    ];
    for (path, extra, expected) in heads {
        let head = format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n");
        stream.write_all(head.as_bytes()).expect("head");
        let (status, headers, _) = read_response(&mut reader, false);
        assert_eq!(status, expected, "HEAD {path}: {headers:?}");
        // If a body had been sent, the next status line would be read from it.
        let query = "GET /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        stream.write_all(query.as_bytes()).expect("get");
        let (status, _, body) = read_response(&mut reader, true);
        assert_eq!(status, 200, "after HEAD {path}: {body}");
        assert!(body.contains("<GetCallerIdentityResult>"), "after HEAD {path}: {body}");
    }
}

#[test]
fn malformed_rest_bodies_and_unmatched_routes_change_nothing() {
    let port = server().port;
    assert_eq!(raw(port, "PUT", "/xml-bucket", &[], b"").0, 200);
    let encryption = || raw(port, "GET", "/xml-bucket?encryption", &[], b"").2;
    let before = encryption();
    // XML that does not parse, XML with the wrong root, and XML nested 130,000 deep (0.9 MB:
    // the tree it built once overflowed the server's stack).
    let deep = format!("<ServerSideEncryptionConfiguration>{}{}", "<R>".repeat(130_000), "</R>".repeat(130_000));
    let bodies: [&[u8]; 3] = [
        b"<ServerSideEncryptionConfiguration><Rule>",
        b"<NotTheRightRoot><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></NotTheRightRoot>",
        deep.as_bytes(),
    ];
    for body in bodies {
        let (status, _, text) =
            raw(port, "PUT", "/xml-bucket?encryption", &[("Content-Type", "application/xml")], body);
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("<Code>MalformedXML</Code>"), "{text}");
        assert!(!text.contains("<BucketName>"), "MalformedXML is not about the bucket: {text}");
    }
    // The RequestId differs per response; the configuration does not.
    let strip = |s: String| s.split("<RequestId>").next().unwrap_or("").to_string();
    assert_eq!(strip(encryption()), strip(before));

    // rest-json bodies that are not JSON: each service's bad-request code.
    let detectors_before = detectors();
    let (status, headers, text) =
        raw(port, "POST", "/detector", &[("Content-Type", "application/json")], b"{\"enable\": tru");
    assert_eq!(status, 400, "{text}");
    assert_eq!(header(&headers, "x-amzn-errortype"), Some("BadRequestException"), "{headers:?}");
    assert_eq!(detectors(), detectors_before);
    // JSON nested 200,000 deep: refused by the parser's depth limit like any bad body (rest-json
    // here, json below), and the server goes on answering.
    let deep = format!("{{\"enable\": {}{}}}", "[".repeat(200_000), "]".repeat(200_000));
    let (status, headers, text) =
        raw(port, "POST", "/detector", &[("Content-Type", "application/json")], deep.as_bytes());
    assert_eq!(status, 400, "{text}");
    assert_eq!(header(&headers, "x-amzn-errortype"), Some("BadRequestException"), "{headers:?}");
    let keys_before = key_count();
    let kms_deep = format!("{{\"Description\": {}{}}}", "[".repeat(200_000), "]".repeat(200_000));
    let (status, _, text) = raw(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.CreateKey")],
        kms_deep.as_bytes(),
    );
    assert_eq!(status, 400, "{text}");
    assert_eq!(key_count(), keys_before);
    assert_eq!(detectors(), detectors_before);
    let (status, headers, text) = raw(port, "POST", "/findings", &[("Content-Type", "application/json")], b"[1, 2");
    assert_eq!(status, 400, "{text}");
    assert_eq!(header(&headers, "x-amzn-errortype"), Some("InvalidInputException"), "{headers:?}");

    // Routes no operation matches.
    let (status, headers, text) = raw(port, "PATCH", "/findings", &[("Content-Type", "application/json")], b"{}");
    assert_eq!(status, 400, "{text}");
    assert_eq!(header(&headers, "x-amzn-errortype"), Some("UnknownOperationException"), "{headers:?}");
    let (status, _, text) = raw(port, "POST", "/xml-bucket?website", &[], b"");
    assert_eq!(status, 501, "{text}");
    assert!(text.contains("<Code>NotImplemented</Code>"), "{text}");

    // An S3 body over the limit: refused in S3's shape, no bucket made.
    let (status, _, text) = raw(port, "PUT", "/too-big-bucket", &[("Content-Length", "30000000")], b"");
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("<Error><Code>RequestEntityTooLarge</Code>"), "{text}");
    assert_eq!(head_bucket("too-big-bucket"), 404);
}
