//! The client's requests and the server's codecs agree, per protocol: the request the client
//! builds for an input is read back by hubsim's server codec as the same operation and the same
//! input; the output and the error the server writes are read back by the client as the same
//! output and error. Plus the exact wire form of one request per protocol, as botocore sends it.

use hubsim_api::AwsError;
use hubsim_client::request::{build, HttpRequest};
use hubsim_client::response::{self, HttpResponse};
use hubsim_server::protocol::{codec, Request};
use serde_json::{json, Value};

fn to_server(req: &HttpRequest) -> Request {
    Request {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect(),
        body: req.body.clone(),
    }
}

fn to_client(resp: hubsim_server::protocol::Response) -> HttpResponse {
    HttpResponse {
        status: resp.status,
        headers: resp.headers.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect(),
        body: resp.body,
    }
}

/// Sends `input` of `service:operation` through the client's request and the server's parser,
/// then `output` back through the server's writer and the client's parser.
fn round_trip(service: &str, operation: &str, input: Value, output: Value) {
    let model = hubsim_model::service(service).expect("model");
    let op = model.operation(operation).expect("operation");
    let codec = codec(hubsim_client::request::protocol(model)).expect("codec");
    let req = build(model, op, &input).expect("request builds");
    let server_req = to_server(&req);
    let routed = codec.operation(model, &server_req).map(|o| o.name.as_str());
    assert_eq!(routed, Some(operation), "{service}:{operation} routes back to itself: {req:?}");
    let parsed = codec.parse(model, op, &server_req).expect("the server parses the client's request");
    assert_eq!(parsed, input, "{service}:{operation} input survives the wire");
    let resp = to_client(codec.serialize(model, op, &output, "rid"));
    let read = response::output(model, op, &resp).expect("the client reads the server's answer");
    assert_eq!(read, output, "{service}:{operation} output survives the wire");
}

#[test]
fn query_protocol() {
    round_trip(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": "r", "PolicyName": "p"}),
        json!({"RoleName": "r", "PolicyName": "p", "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}),
    );
    round_trip("iam", "GetAccountSummary", json!({}), json!({"SummaryMap": {"Users": 2, "AccountMFAEnabled": 1}}));
    round_trip(
        "iam",
        "ListUsers",
        json!({"Marker": "m", "MaxItems": 10}),
        json!({"Users": [{"Path": "/", "UserName": "u", "UserId": "AID1", "Arn": "arn:aws:iam::1:user/u", "CreateDate": "2026-01-02T03:04:05Z"}], "IsTruncated": true, "Marker": "n"}),
    );
    round_trip(
        "sns",
        "GetTopicAttributes",
        json!({"TopicArn": "arn:aws:sns:us-east-1:1:t"}),
        json!({"Attributes": {"Policy": "{}", "KmsMasterKeyId": "alias/aws/sns"}}),
    );
}

#[test]
fn ec2_protocol() {
    round_trip(
        "ec2",
        "DescribeSecurityGroups",
        json!({"Filters": [{"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]}], "GroupIds": ["sg-1"]}),
        json!({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}),
    );
    round_trip(
        "ec2",
        "DescribeRegions",
        json!({}),
        json!({"Regions": [{"RegionName": "us-east-1", "Endpoint": "ec2.us-east-1.amazonaws.com"}]}),
    );
    round_trip("ec2", "GetEbsEncryptionByDefault", json!({}), json!({"EbsEncryptionByDefault": false}));
}

#[test]
fn json_protocol() {
    round_trip(
        "kms",
        "DescribeKey",
        json!({"KeyId": "alias/k"}),
        json!({"KeyMetadata": {"KeyId": "k1", "Arn": "arn:aws:kms:us-east-1:1:key/k1", "CreationDate": "2026-01-02T03:04:05Z", "Enabled": true, "KeyManager": "CUSTOMER"}}),
    );
    round_trip(
        "config",
        "DescribeConfigurationRecorders",
        json!({}),
        json!({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": false}}]}),
    );
    round_trip(
        "cloudwatch",
        "DescribeAlarms",
        json!({"AlarmNames": ["a"]}),
        json!({"MetricAlarms": [{"AlarmName": "a", "Threshold": 1.5}]}),
    );
}

#[test]
fn rest_json_protocol() {
    round_trip(
        "guardduty",
        "GetDetector",
        json!({"DetectorId": "d1"}),
        json!({"Status": "ENABLED", "ServiceRole": "arn:aws:iam::1:role/x", "CreatedAt": "2026-01-02T03:04:05Z"}),
    );
    round_trip(
        "securityhub",
        "GetEnabledStandards",
        json!({"MaxResults": 10}),
        json!({"StandardsSubscriptions": [{"StandardsSubscriptionArn": "arn:x", "StandardsArn": "arn:y", "StandardsInput": {}, "StandardsStatus": "READY"}]}),
    );
    round_trip(
        "lambda",
        "GetPolicy",
        json!({"FunctionName": "f", "Qualifier": "1"}),
        json!({"Policy": "{\"Statement\": []}", "RevisionId": "r1"}),
    );
}

#[test]
fn rest_xml_protocol() {
    round_trip("s3", "GetBucketPolicy", json!({"Bucket": "b"}), json!({"Policy": "{\"Statement\": []}"}));
    round_trip(
        "s3",
        "GetBucketEncryption",
        json!({"Bucket": "b", "ExpectedBucketOwner": "123456789012"}),
        json!({"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": true}]}}),
    );
    round_trip(
        "s3",
        "ListBuckets",
        json!({}),
        json!({"Buckets": [{"Name": "b", "CreationDate": "2026-01-02T03:04:05Z", "BucketRegion": "eu-west-1"}], "Owner": {"ID": "o"}}),
    );
    round_trip(
        "s3control",
        "GetPublicAccessBlock",
        json!({"AccountId": "123456789012"}),
        json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}}),
    );
}

#[test]
fn requests_are_what_botocore_sends() {
    let build_of = |service: &str, op: &str, input: Value| {
        let model = hubsim_model::service(service).expect("model");
        build(model, model.operation(op).expect("op"), &input).expect("builds")
    };
    let r = build_of("iam", "GetRole", json!({"RoleName": "a b"}));
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
    assert_eq!(String::from_utf8_lossy(&r.body), "Action=GetRole&Version=2010-05-08&RoleName=a+b");
    let r = build_of(
        "ec2",
        "DescribeInstances",
        json!({"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "n", "Values": ["v"]}]}),
    );
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=n&Filter.1.Value.1=v"
    );
    let r = build_of("kms", "GetKeyRotationStatus", json!({"KeyId": "k"}));
    assert_eq!(r.header("X-Amz-Target"), Some("TrentService.GetKeyRotationStatus"));
    assert_eq!(r.header("Content-Type"), Some("application/x-amz-json-1.1"));
    assert_eq!(String::from_utf8_lossy(&r.body), r#"{"KeyId":"k"}"#);
    let r = build_of("s3", "GetBucketPolicy", json!({"Bucket": "my.bucket"}));
    assert_eq!((r.method.as_str(), r.path.as_str(), r.query.as_str()), ("GET", "/my.bucket", "policy"));
    assert!(r.body.is_empty());
    let r = build_of("securityhub", "DescribeHub", json!({"HubArn": "arn:aws:securityhub:us-east-1:1:hub/default"}));
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_str()),
        ("GET", "/accounts", "HubArn=arn%3Aaws%3Asecurityhub%3Aus-east-1%3A1%3Ahub%2Fdefault")
    );
    let r = build_of("s3control", "ListAccessPoints", json!({"AccountId": "123456789012", "Bucket": "b"}));
    assert_eq!(r.header("x-amz-account-id"), Some("123456789012"));
    assert_eq!((r.path.as_str(), r.query.as_str()), ("/v20180820/accesspoint", "bucket=b"));
    // A URI label the input lacks is refused before anything is sent.
    let model = hubsim_model::service("s3").expect("model");
    let err = build(model, model.operation("GetBucketPolicy").expect("op"), &json!({})).expect_err("no bucket");
    assert!(err.to_string().contains("Bucket"), "{err}");
}

/// Each protocol's error envelope, as hubsim's server writes it, is read back as the code and
/// message a client matches on.
#[test]
fn errors_round_trip() {
    for (service, op, code, wire_code) in [
        ("iam", "GetRole", "NoSuchEntityException", "NoSuchEntity"),
        ("ec2", "DescribeVpcs", "InvalidVpcID.NotFound", "InvalidVpcID.NotFound"),
        ("kms", "DescribeKey", "NotFoundException", "NotFoundException"),
        ("guardduty", "GetDetector", "BadRequestException", "BadRequestException"),
        ("s3", "GetBucketPolicy", "NoSuchBucketPolicy", "NoSuchBucketPolicy"),
        ("s3", "GetBucketEncryption", "AccessDenied", "AccessDenied"),
    ] {
        let model = hubsim_model::service(service).expect("model");
        let operation = model.operation(op).expect("op");
        let codec = codec(hubsim_client::request::protocol(model)).expect("codec");
        let error = AwsError::new(code, 404, "it <is> gone");
        let resp = to_client(codec.error(model, Some(operation), &error, "rid"));
        let read = response::error(model, &resp);
        assert_eq!((read.code.as_str(), read.message.as_str()), (wire_code, "it <is> gone"), "{service}:{op}");
    }
}

#[test]
fn answers_that_are_not_aws_are_errors_not_empty_outputs() {
    let html = HttpResponse {
        status: 200,
        headers: vec![("content-type".into(), "text/html".into())],
        body: b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec(),
    };
    for (service, op) in
        [("iam", "ListUsers"), ("kms", "ListKeys"), ("s3", "ListBuckets"), ("securityhub", "DescribeHub")]
    {
        let model = hubsim_model::service(service).expect("model");
        let e = response::output(model, model.operation(op).expect("op"), &html).expect_err(op);
        assert_eq!(e.code, response::UNEXPECTED, "{service}:{op}: {e}");
        assert!(e.message.contains("text/html"), "{}", e.message);
    }
    let gateway = HttpResponse { status: 502, headers: vec![], body: b"<html>Bad Gateway</html>".to_vec() };
    let e = response::error(hubsim_model::service("kms").expect("model"), &gateway);
    assert_eq!((e.code.as_str(), e.status), (response::UNEXPECTED, 502));
    let head = HttpResponse { status: 403, headers: vec![], body: vec![] };
    let e = response::error(hubsim_model::service("s3").expect("model"), &head);
    assert_eq!(e.code, "AccessDenied");
}
