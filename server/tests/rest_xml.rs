//! The rest-xml codec (S3, S3 Control) against real botocore requests and botocore's parser.

mod rest_common;

use hubsim_server::protocol::{codec, Request};
use hubsim_simulator::AwsError;
use rest_common::{exchange, Answer};
use serde_json::{json, Value};

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

fn none() -> Value {
    json!({})
}

fn region(r: &str) -> Value {
    json!({ "region": r })
}

// ---------------------------------------------------------------- buckets

#[test]
fn list_buckets_round_trips() {
    let output = json!({
        "Buckets": [
            {"Name": "logs-1", "CreationDate": "2022-06-01T09:30:15Z", "BucketRegion": "ap-northeast-1"},
            {"Name": "data-2", "CreationDate": "2023-01-02T03:04:05.250Z", "BucketRegion": "us-east-1"}
        ],
        "Owner": {"ID": "abc123", "DisplayName": "owner"}
    });
    let Some(call) = exchange("s3", "ListBuckets", json!({}), none(), json!({}), Answer::Ok(output.clone())) else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("GET", "/"));
    assert_eq!(call.response.status, 200);
    let body = call.body();
    assert!(body.contains(&format!("<ListAllMyBucketsResult xmlns=\"{S3_NS}\">")), "{body}");
    assert!(
        body.contains("<Buckets><Bucket><Name>logs-1</Name><CreationDate>2022-06-01T09:30:15Z</CreationDate>"),
        "{body}"
    );
    assert_eq!(call.header("Content-Type"), Some("application/xml"));
    assert_eq!(call.header("x-amz-request-id"), Some("REQ-1"));
    assert!(call.header("x-amz-id-2").is_some());
    assert_eq!(call.result(), &output);
}

#[test]
fn create_bucket_without_configuration() {
    let Some(call) = exchange(
        "s3",
        "CreateBucket",
        json!({"Bucket": "b1"}),
        region("us-east-1"),
        json!({"Bucket": "b1"}),
        Answer::Ok(json!({"Location": "/b1"})),
    ) else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("PUT", "/b1"));
    assert!(call.request.body.is_empty());
    assert_eq!(call.header("Location"), Some("/b1"));
    assert!(call.response.body.is_empty());
    assert_eq!(call.result(), &json!({"Location": "/b1"}));
}

#[test]
fn create_bucket_with_configuration_and_headers() {
    let params = json!({
        "Bucket": "tokyo-bucket",
        "ACL": "private",
        "ObjectOwnership": "BucketOwnerEnforced",
        "CreateBucketConfiguration": {"LocationConstraint": "ap-northeast-1"}
    });
    let Some(call) = exchange(
        "s3",
        "CreateBucket",
        params.clone(),
        region("ap-northeast-1"),
        params,
        Answer::Ok(json!({"Location": "http://tokyo-bucket.s3.amazonaws.com/"})),
    ) else {
        return;
    };
    let body = String::from_utf8_lossy(&call.request.body);
    assert!(body.contains("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"), "{body}");
    assert_eq!(call.result()["Location"], "http://tokyo-bucket.s3.amazonaws.com/");
}

#[test]
fn head_bucket_headers_and_bodyless_404() {
    let output = json!({"BucketRegion": "ap-northeast-1", "AccessPointAlias": false, "BucketArn": "arn:aws:s3:::b1"});
    let Some(call) = exchange(
        "s3",
        "HeadBucket",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert_eq!(call.request.method, "HEAD");
    assert_eq!(call.header("x-amz-bucket-region"), Some("ap-northeast-1"));
    assert_eq!(call.header("x-amz-access-point-alias"), Some("false"));
    assert!(call.response.body.is_empty());
    assert_eq!(call.result(), &output);

    let missing = AwsError::not_found("NoSuchBucket", "The specified bucket does not exist");
    let Some(call) = exchange(
        "s3",
        "HeadBucket",
        json!({"Bucket": "nope"}),
        none(),
        json!({"Bucket": "nope"}),
        Answer::Err(missing),
    ) else {
        return;
    };
    assert_eq!(call.response.status, 404);
    assert!(call.response.body.is_empty(), "HEAD errors have no body");
    assert_eq!(call.error()["Code"], "404");
}

#[test]
fn get_bucket_location_us_east_1_is_an_empty_element() {
    let Some(call) = exchange(
        "s3",
        "GetBucketLocation",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(json!({})),
    ) else {
        return;
    };
    assert_eq!(call.request.query, "location");
    assert!(call.body().ends_with(&format!("<LocationConstraint xmlns=\"{S3_NS}\"/>")), "{}", call.body());
    assert_eq!(call.result(), &json!({"LocationConstraint": null}));
}

#[test]
fn get_bucket_location_other_region_is_the_root_text() {
    let Some(call) = exchange(
        "s3",
        "GetBucketLocation",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(json!({"LocationConstraint": "ap-northeast-1"})),
    ) else {
        return;
    };
    assert!(call
        .body()
        .ends_with(&format!("<LocationConstraint xmlns=\"{S3_NS}\">ap-northeast-1</LocationConstraint>")));
    assert_eq!(call.result(), &json!({"LocationConstraint": "ap-northeast-1"}));
}

// ---------------------------------------------------------------- configuration calls

#[test]
fn put_and_get_bucket_encryption() {
    let config = json!({"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/k1"},
        "BucketKeyEnabled": true
    }]});
    let params = json!({"Bucket": "b1", "ServerSideEncryptionConfiguration": config});
    let Some(call) = exchange("s3", "PutBucketEncryption", params.clone(), none(), params, Answer::Ok(json!({})))
    else {
        return;
    };
    assert_eq!(call.request.query, "encryption");
    assert_eq!(call.response.status, 200);
    assert!(call.response.body.is_empty());

    let output = json!({"ServerSideEncryptionConfiguration": config});
    let Some(call) = exchange(
        "s3",
        "GetBucketEncryption",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    let body = call.body();
    assert!(body.contains(&format!("<ServerSideEncryptionConfiguration xmlns=\"{S3_NS}\"><Rule>")), "{body}");
    assert!(!body.contains("<Rules>"), "Rule is flattened: {body}");
    assert_eq!(call.result(), &output);
}

#[test]
fn bucket_policy_is_the_raw_body_both_ways() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b1","arn:aws:s3:::b1/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let params = json!({"Bucket": "b1", "Policy": policy});
    let Some(call) = exchange("s3", "PutBucketPolicy", params.clone(), none(), params, Answer::Ok(json!({}))) else {
        return;
    };
    assert_eq!(call.request.body, policy.as_bytes());
    assert_eq!(call.request.query, "policy");

    let output = json!({"Policy": policy});
    let Some(call) = exchange(
        "s3",
        "GetBucketPolicy",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert_eq!(call.body(), policy);
    assert_eq!(call.header("Content-Type"), Some("application/json"));
    assert_eq!(call.result(), &output);
}

#[test]
fn public_access_block_put_get_delete() {
    let config = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": true});
    let params = json!({"Bucket": "b1", "PublicAccessBlockConfiguration": config});
    if exchange("s3", "PutPublicAccessBlock", params.clone(), none(), params, Answer::Ok(json!({}))).is_none() {
        return;
    }
    let output = json!({"PublicAccessBlockConfiguration": config});
    let Some(call) = exchange(
        "s3",
        "GetPublicAccessBlock",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert!(call.body().contains("<BlockPublicPolicy>false</BlockPublicPolicy>"));
    assert_eq!(call.result(), &output);

    let Some(call) = exchange(
        "s3",
        "DeletePublicAccessBlock",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(json!({})),
    ) else {
        return;
    };
    assert_eq!(call.request.method, "DELETE");
    assert_eq!(call.response.status, 204);
    assert!(call.response.body.is_empty());
    assert_eq!(call.botocore["status"], 204);
}

#[test]
fn no_public_access_block_is_a_404_error_document() {
    let err = AwsError::not_found(
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
    );
    let Some(call) = exchange(
        "s3",
        "GetPublicAccessBlock",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Err(err),
    ) else {
        return;
    };
    assert_eq!(call.response.status, 404);
    assert!(call.body().contains("<Error><Code>NoSuchPublicAccessBlockConfiguration</Code>"), "{}", call.body());
    assert_eq!(call.error()["Code"], "NoSuchPublicAccessBlockConfiguration");
    assert_eq!(call.error()["Message"], "The public access block configuration was not found");
}

#[test]
fn bucket_logging_empty_and_set() {
    let params = json!({"Bucket": "b1", "BucketLoggingStatus": {}});
    let Some(call) = exchange("s3", "PutBucketLogging", params.clone(), none(), params, Answer::Ok(json!({}))) else {
        return;
    };
    assert_eq!(call.request.query, "logging");

    let Some(call) = exchange(
        "s3",
        "GetBucketLogging",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(json!({})),
    ) else {
        return;
    };
    assert!(call.body().ends_with(&format!("<BucketLoggingStatus xmlns=\"{S3_NS}\"/>")), "{}", call.body());
    assert_eq!(call.result(), &json!({}));

    let enabled = json!({"LoggingEnabled": {
        "TargetBucket": "log-bucket", "TargetPrefix": "b1/",
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}
    }});
    let params = json!({"Bucket": "b1", "BucketLoggingStatus": enabled});
    if exchange("s3", "PutBucketLogging", params.clone(), none(), params, Answer::Ok(json!({}))).is_none() {
        return;
    }
    let Some(call) = exchange(
        "s3",
        "GetBucketLogging",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(enabled.clone()),
    ) else {
        return;
    };
    assert!(call.body().contains("<LoggingEnabled><TargetBucket>log-bucket</TargetBucket>"));
    assert_eq!(call.result(), &enabled);
}

#[test]
fn notification_configuration_topic_and_eventbridge() {
    let config = json!({
        "TopicConfigurations": [{
            "Id": "n1",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts",
            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "logs/"}, {"Name": "Suffix", "Value": ".gz"}]}}
        }],
        "EventBridgeConfiguration": {}
    });
    let params = json!({"Bucket": "b1", "NotificationConfiguration": config});
    let Some(call) =
        exchange("s3", "PutBucketNotificationConfiguration", params.clone(), none(), params, Answer::Ok(json!({})))
    else {
        return;
    };
    let sent = String::from_utf8_lossy(&call.request.body).into_owned();
    assert!(sent.contains("<TopicConfiguration>") && sent.contains("<Event>s3:ObjectCreated:*</Event>"), "{sent}");

    let Some(call) = exchange(
        "s3",
        "GetBucketNotificationConfiguration",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(config.clone()),
    ) else {
        return;
    };
    let body = call.body();
    assert!(
        body.contains(&format!("<NotificationConfiguration xmlns=\"{S3_NS}\"><TopicConfiguration><Id>n1</Id><Topic>")),
        "{body}"
    );
    assert!(body.contains("<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>"), "{body}");
    assert!(body.contains("<Filter><S3Key><FilterRule><Name>Prefix</Name>"), "{body}");
    assert!(body.contains("<EventBridgeConfiguration/>"), "{body}");
    assert_eq!(call.result(), &config);
}

#[test]
fn lifecycle_rules_are_flattened() {
    let config = json!({"Rules": [
        {
            "ID": "expire-logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
            "Expiration": {"Days": 365},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
        },
        {"ID": "dated", "Filter": {"Prefix": ""}, "Status": "Disabled", "Expiration": {"Date": "2030-01-01T00:00:00Z"}}
    ]});
    let params = json!({"Bucket": "b1", "LifecycleConfiguration": config});
    if exchange("s3", "PutBucketLifecycleConfiguration", params.clone(), none(), params, Answer::Ok(json!({})))
        .is_none()
    {
        return;
    }
    let output = json!({"Rules": config["Rules"]});
    let Some(call) = exchange(
        "s3",
        "GetBucketLifecycleConfiguration",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    let body = call.body();
    assert!(body.contains(&format!("<LifecycleConfiguration xmlns=\"{S3_NS}\"><Rule><Expiration>")), "{body}");
    assert_eq!(body.matches("<Rule>").count(), 2);
    assert_eq!(body.matches("<Transition>").count(), 2);
    assert!(body.contains("<Date>2030-01-01T00:00:00Z</Date>"), "{body}");
    assert_eq!(call.result(), &output);
}

#[test]
fn bucket_acl_grantee_type_is_an_xsi_attribute() {
    let output = json!({
        "Owner": {"ID": "owner-id", "DisplayName": "me"},
        "Grants": [
            {"Grantee": {"ID": "owner-id", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}
        ]
    });
    let Some(call) = exchange(
        "s3",
        "GetBucketAcl",
        json!({"Bucket": "b1"}),
        none(),
        json!({"Bucket": "b1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    let body = call.body();
    assert!(body.contains(&format!("<AccessControlPolicy xmlns=\"{S3_NS}\"><Owner>")), "{body}");
    assert!(
        body.contains(
            "<AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>owner-id</ID></Grantee>"
        ),
        "{body}"
    );
    assert_eq!(call.result(), &output);
}

#[test]
fn no_such_bucket_error_document() {
    let err = AwsError::not_found("NoSuchBucket", "The specified bucket does not exist");
    let Some(call) = exchange(
        "s3",
        "GetBucketEncryption",
        json!({"Bucket": "gone"}),
        none(),
        json!({"Bucket": "gone"}),
        Answer::Err(err),
    ) else {
        return;
    };
    assert_eq!(call.response.status, 404);
    let body = call.body();
    assert!(
        body.contains("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"),
        "{body}"
    );
    assert!(body.contains("<RequestId>REQ-1</RequestId><HostId>"), "{body}");
    assert_eq!(call.error()["Code"], "NoSuchBucket");
    assert_eq!(call.error()["Message"], "The specified bucket does not exist");
    assert_eq!(call.botocore["status"], 404);
}

#[test]
fn control_characters_in_an_error_message_do_not_break_the_document() {
    // An error that echoes a client's NUL: the body stays well-formed XML, so botocore reads
    // AWS's code and the message (the NUL shown as U+FFFD).
    let err = AwsError::not_found("NoSuchBucket", "The specified bucket does not exist: a\u{0}b");
    let Some(call) = exchange(
        "s3",
        "GetBucketEncryption",
        json!({"Bucket": "gone"}),
        none(),
        json!({"Bucket": "gone"}),
        Answer::Err(err),
    ) else {
        return;
    };
    assert!(!call.body().contains('\u{0}'), "{}", call.body());
    assert_eq!(call.error()["Code"], "NoSuchBucket");
    assert_eq!(call.error()["Message"], "The specified bucket does not exist: a\u{FFFD}b");
}

#[test]
fn virtual_hosted_addressing_takes_the_bucket_from_the_host() {
    let Some(call) = exchange(
        "s3",
        "GetBucketPolicyStatus",
        json!({"Bucket": "my-bucket"}),
        json!({"s3": {"addressing_style": "virtual"}}),
        json!({"Bucket": "my-bucket"}),
        Answer::Ok(json!({"PolicyStatus": {"IsPublic": false}})),
    ) else {
        return;
    };
    assert_eq!(call.request.header("host"), Some("my-bucket.localhost:4566"));
    assert_eq!(call.request.path, "/");
    assert_eq!(call.result(), &json!({"PolicyStatus": {"IsPublic": false}}));
}

// ---------------------------------------------------------------- S3 Control

#[test]
fn s3control_public_access_block_with_account_header() {
    let config = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": false});
    let params = json!({"AccountId": "123456789012", "PublicAccessBlockConfiguration": config});
    let Some(call) =
        exchange("s3control", "PutPublicAccessBlock", params.clone(), none(), params, Answer::Ok(json!({})))
    else {
        return;
    };
    assert!(call.request.header("host").is_some_and(|h| h.starts_with("123456789012.")), "{:?}", call.request);
    assert_eq!(call.request.path, "/v20180820/configuration/publicAccessBlock");
    let sent = String::from_utf8_lossy(&call.request.body).into_owned();
    assert!(sent.contains("xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\""), "{sent}");

    let output = json!({"PublicAccessBlockConfiguration": config});
    let Some(call) = exchange(
        "s3control",
        "GetPublicAccessBlock",
        json!({"AccountId": "123456789012"}),
        none(),
        json!({"AccountId": "123456789012"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert!(call
        .body()
        .contains("<PublicAccessBlockConfiguration xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\">"));
    assert_eq!(call.result(), &output);

    let err = AwsError::not_found(
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
    );
    let Some(call) = exchange(
        "s3control",
        "GetPublicAccessBlock",
        json!({"AccountId": "123456789012"}),
        none(),
        json!({"AccountId": "123456789012"}),
        Answer::Err(err),
    ) else {
        return;
    };
    assert!(
        call.body().contains("<ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration</Code>"),
        "{}",
        call.body()
    );
    assert_eq!(call.error()["Code"], "NoSuchPublicAccessBlockConfiguration");
    assert_eq!(call.response.status, 404);
}

// ---------------------------------------------------------------- without botocore

fn req(method: &str, path: &str, query: &str, body: &str) -> Request {
    Request {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers: vec![("host".into(), "localhost:4566".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn route(service: &str, r: &Request) -> Option<String> {
    let model = hubsim_model::service(service)?;
    codec("rest-xml")?.operation(model, r).map(|op| op.name.clone())
}

#[test]
fn sub_resources_route_before_bare_bucket_templates() {
    let cases = [
        ("GET", "/", "", Some("ListBuckets")),
        ("GET", "/b", "", None), // ListObjects: not modelled
        ("GET", "/b", "encryption", Some("GetBucketEncryption")),
        ("GET", "/b", "encryption=", Some("GetBucketEncryption")),
        ("GET", "/b", "policy", Some("GetBucketPolicy")),
        ("GET", "/b", "policyStatus", Some("GetBucketPolicyStatus")),
        ("PUT", "/b", "publicAccessBlock", Some("PutPublicAccessBlock")),
        ("DELETE", "/b", "lifecycle", Some("DeleteBucketLifecycle")),
        ("DELETE", "/b", "", Some("DeleteBucket")),
        ("PUT", "/b", "", Some("CreateBucket")),
        ("HEAD", "/b", "", Some("HeadBucket")),
        ("PUT", "/b", "website", None), // PutBucketWebsite is not CreateBucket
        ("DELETE", "/b", "website", None),
        ("GET", "/b", "object-lock", Some("GetObjectLockConfiguration")),
    ];
    for (method, path, query, expected) in cases {
        assert_eq!(route("s3", &req(method, path, query, "")).as_deref(), expected, "{method} {path}?{query}");
    }
}

#[test]
fn virtual_host_routing_without_botocore() {
    let mut r = req("GET", "/", "publicAccessBlock", "");
    r.headers = vec![("host".into(), "my.dotted.bucket.localhost:4566".into())];
    assert_eq!(route("s3", &r).as_deref(), Some("GetPublicAccessBlock"));
    let model = hubsim_model::service("s3").unwrap_or_else(|| panic!("s3 model"));
    let Some(op) = model.operation("GetPublicAccessBlock") else { panic!("op") };
    let input = codec("rest-xml").map(|c| c.parse(model, op, &r));
    assert_eq!(input, Some(Ok(json!({"Bucket": "my.dotted.bucket"}))));
}

#[test]
fn s3control_ignores_the_host_label_and_reads_the_header() {
    let mut r = req("GET", "/v20180820/configuration/publicAccessBlock", "", "");
    r.headers =
        vec![("host".into(), "999999999999.localhost:4566".into()), ("x-amz-account-id".into(), "123456789012".into())];
    assert_eq!(route("s3control", &r).as_deref(), Some("GetPublicAccessBlock"));
    let model = hubsim_model::service("s3control").unwrap_or_else(|| panic!("model"));
    let Some(op) = model.operation("GetPublicAccessBlock") else { panic!("op") };
    let input = codec("rest-xml").map(|c| c.parse(model, op, &r));
    assert_eq!(input, Some(Ok(json!({"AccountId": "123456789012"}))));
}

#[test]
fn malformed_or_misnamed_xml_is_malformed_xml() {
    let model = hubsim_model::service("s3").unwrap_or_else(|| panic!("s3 model"));
    let Some(op) = model.operation("PutBucketEncryption") else { panic!("op") };
    let Some(c) = codec("rest-xml") else { panic!("codec") };
    for body in [
        "<ServerSideEncryptionConfiguration><Rule>",
        "<WrongRoot><Rule/></WrongRoot>",
        "not xml at all",
        "<ServerSideEncryptionConfiguration><Rule><BucketKeyEnabled>maybe</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>",
    ] {
        let err = c.parse(model, op, &req("PUT", "/b", "encryption", body));
        let Err(err) = err else { panic!("{body} parsed") };
        assert_eq!((err.code.as_str(), err.status), ("MalformedXML", 400), "{body}");
    }
    let ok = c.parse(
        model,
        op,
        &req(
            "PUT",
            "/b",
            "encryption",
            "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>",
        ),
    );
    assert_eq!(
        ok,
        Ok(
            json!({"Bucket": "b", "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}})
        )
    );
}

#[test]
fn scalar_elements_holding_elements_are_malformed_xml_naming_the_element() {
    let model = hubsim_model::service("s3").unwrap_or_else(|| panic!("s3 model"));
    let Some(c) = codec("rest-xml") else { panic!("codec") };
    let Some(versioning) = model.operation("PutBucketVersioning") else { panic!("op") };
    for (body, element, child) in [
        ("<VersioningConfiguration><Status><x/>Enabled</Status></VersioningConfiguration>", "Status", "x"),
        (
            "<VersioningConfiguration><Status>Enabled<Status>Suspended</Status></Status></VersioningConfiguration>",
            "Status",
            "Status",
        ),
        ("<VersioningConfiguration><MfaDelete><a><b/></a></MfaDelete></VersioningConfiguration>", "MfaDelete", "a"),
    ] {
        let Err(err) = c.parse(model, versioning, &req("PUT", "/b", "versioning", body)) else {
            panic!("{body} parsed")
        };
        assert_eq!((err.code.as_str(), err.status), ("MalformedXML", 400), "{body}");
        assert!(
            err.message.contains(&format!("<{element}> is a string and cannot hold the element <{child}>")),
            "{err:?}"
        );
    }
    // A boolean too.
    let Some(encryption) = model.operation("PutBucketEncryption") else { panic!("op") };
    let body = "<ServerSideEncryptionConfiguration><Rule><BucketKeyEnabled><true/></BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>";
    let Err(err) = c.parse(model, encryption, &req("PUT", "/b", "encryption", body)) else { panic!("parsed") };
    assert!(err.message.contains("<BucketKeyEnabled> is a boolean"), "{err:?}");
    // The same element with text only is read as before.
    let ok = c.parse(
        model,
        versioning,
        &req("PUT", "/b", "versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
    );
    assert_eq!(ok, Ok(json!({"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled"}})));
}

#[test]
fn bad_query_values_are_invalid_argument() {
    let model = hubsim_model::service("s3").unwrap_or_else(|| panic!("s3 model"));
    let Some(op) = model.operation("ListBuckets") else { panic!("op") };
    let Some(c) = codec("rest-xml") else { panic!("codec") };
    let err = c.parse(model, op, &req("GET", "/", "max-buckets=lots", ""));
    assert_eq!(err.map_err(|e| e.code), Err("InvalidArgument".to_string()));
    let ok = c.parse(model, op, &req("GET", "/", "max-buckets=10&prefix=lo%20gs", ""));
    assert_eq!(ok, Ok(json!({"MaxBuckets": 10, "Prefix": "lo gs"})));
}

#[test]
fn errors_without_an_operation_still_have_a_body() {
    let model = hubsim_model::service("s3").unwrap_or_else(|| panic!("s3 model"));
    let Some(c) = codec("rest-xml") else { panic!("codec") };
    let resp = c.error(model, None, &AwsError::bad_request("InvalidRequest", "a < b & c"), "R");
    assert_eq!(resp.status, 400);
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    assert!(body.contains("<Code>InvalidRequest</Code><Message>a &lt; b &amp; c</Message>"), "{body}");
}
