//! The rest-json codec (GuardDuty, Security Hub) against real botocore requests and botocore's
//! parser.

mod rest_common;

use hubsim_server::protocol::{codec, Request};
use hubsim_simulator::AwsError;
use rest_common::{exchange, Answer};
use serde_json::{json, Value};

fn none() -> Value {
    json!({})
}

fn sent_body(call: &rest_common::Call) -> Value {
    serde_json::from_slice(&call.request.body).unwrap_or(Value::Null)
}

fn response_body(call: &rest_common::Call) -> Value {
    serde_json::from_slice(&call.response.body).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------- GuardDuty

#[test]
fn guardduty_create_detector_maps_lower_camel_wire_names() {
    let params = json!({
        "Enable": true,
        "ClientToken": "token-1",
        "FindingPublishingFrequency": "SIX_HOURS",
        "DataSources": {"S3Logs": {"Enable": true}},
        "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}],
        "Tags": {"Team": "sec"}
    });
    let output = json!({"DetectorId": "12abc34d567e8fa901bc2d34e56789f0", "UnprocessedDataSources": {}});
    let Some(call) =
        exchange("guardduty", "CreateDetector", params.clone(), none(), params, Answer::Ok(output.clone()))
    else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("POST", "/detector"));
    let sent = sent_body(&call);
    assert_eq!(sent["enable"], true);
    assert_eq!(sent["clientToken"], "token-1");
    assert_eq!(sent["dataSources"], json!({"s3Logs": {"enable": true}}));
    assert_eq!(sent["features"], json!([{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]));
    assert_eq!(sent["tags"], json!({"Team": "sec"}), "map keys are data, not renamed");
    assert_eq!(
        response_body(&call),
        json!({"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "unprocessedDataSources": {}})
    );
    assert_eq!(call.header("Content-Type"), Some("application/json"));
    assert_eq!(call.header("x-amzn-RequestId"), Some("REQ-1"));
    assert_eq!(call.result(), &output);
}

#[test]
fn guardduty_list_detectors_query_members() {
    let output = json!({"DetectorIds": ["d1"], "NextToken": "n2"});
    let Some(call) = exchange(
        "guardduty",
        "ListDetectors",
        json!({"MaxResults": 5, "NextToken": "n1"}),
        none(),
        json!({"MaxResults": 5, "NextToken": "n1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert_eq!(call.request.method, "GET");
    assert!(
        call.request.query.contains("maxResults=5") && call.request.query.contains("nextToken=n1"),
        "{}",
        call.request.query
    );
    assert_eq!(response_body(&call), json!({"detectorIds": ["d1"], "nextToken": "n2"}));
    assert_eq!(call.result(), &output);
}

#[test]
fn guardduty_get_detector_with_epoch_feature_timestamps() {
    let output = json!({
        "CreatedAt": "2026-11-28T21:19:00.000Z",
        "FindingPublishingFrequency": "SIX_HOURS",
        "ServiceRole": "arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
        "Status": "ENABLED",
        "UpdatedAt": "2026-11-28T21:19:00.000Z",
        "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED", "UpdatedAt": "2026-11-28T21:19:00Z"}],
        "Tags": {}
    });
    let Some(call) = exchange(
        "guardduty",
        "GetDetector",
        json!({"DetectorId": "d1"}),
        none(),
        json!({"DetectorId": "d1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert_eq!(call.request.path, "/detector/d1");
    let body = response_body(&call);
    assert_eq!(body["serviceRole"], output["ServiceRole"]);
    assert_eq!(body["createdAt"], "2026-11-28T21:19:00.000Z", "createdAt is a string member");
    assert!(body["features"][0]["updatedAt"].is_number(), "Timestamp without a format is epoch seconds: {body}");
    assert_eq!(call.result(), &output);
}

#[test]
fn guardduty_update_detector_and_bad_request() {
    let Some(call) = exchange(
        "guardduty",
        "UpdateDetector",
        json!({"DetectorId": "d1", "Enable": false}),
        none(),
        json!({"DetectorId": "d1", "Enable": false}),
        Answer::Ok(json!({})),
    ) else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("POST", "/detector/d1"));
    assert_eq!(sent_body(&call), json!({"enable": false}));
    assert_eq!(call.body(), "{}");

    let err = AwsError::bad_request(
        "BadRequestException",
        "The request is rejected because the input detectorId is not owned by the current account.",
    );
    let Some(call) = exchange(
        "guardduty",
        "GetDetector",
        json!({"DetectorId": "x"}),
        none(),
        json!({"DetectorId": "x"}),
        Answer::Err(err),
    ) else {
        return;
    };
    assert_eq!(call.response.status, 400);
    assert_eq!(call.header("X-Amzn-ErrorType"), Some("BadRequestException"));
    let body = response_body(&call);
    assert_eq!(body["__type"], "BadRequestException");
    assert_eq!(body["type"], "BadRequestException");
    assert_eq!(call.error()["Code"], "BadRequestException");
    assert_eq!(
        call.error()["Message"],
        "The request is rejected because the input detectorId is not owned by the current account."
    );
}

// ---------------------------------------------------------------- Security Hub

#[test]
fn securityhub_get_findings_post_body() {
    let params = json!({
        "Filters": {
            "ComplianceSecurityControlId": [{"Value": "EC2.2", "Comparison": "EQUALS"}],
            "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
            "SeverityNormalized": [{"Gte": 40.0}]
        },
        "SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "desc"}],
        "MaxResults": 100
    });
    let finding = json!({
        "SchemaVersion": "2018-10-08",
        "Id": "arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.2/finding/f1",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": "security-control/EC2.2",
        "AwsAccountId": "123456789012",
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2026-11-28T21:19:00.000Z",
        "UpdatedAt": "2026-11-28T21:19:00.000Z",
        "Severity": {"Label": "MEDIUM", "Normalized": 40},
        "Title": "VPC default security groups should not allow inbound or outbound traffic",
        "Description": "d",
        "Resources": [{"Type": "AwsEc2SecurityGroup", "Id": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1", "Region": "us-east-1"}],
        "Compliance": {"Status": "FAILED", "SecurityControlId": "EC2.2"},
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE"
    });
    let output = json!({"Findings": [finding]});
    let Some(call) = exchange("securityhub", "GetFindings", params.clone(), none(), params, Answer::Ok(output.clone()))
    else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("POST", "/findings"));
    assert_eq!(call.result(), &output);
}

#[test]
fn securityhub_batch_update_findings_patch() {
    let params = json!({
        "FindingIdentifiers": [{"Id": "f1", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub"}],
        "Workflow": {"Status": "SUPPRESSED"},
        "Note": {"Text": "root MFA: hardware device cannot be bought by API", "UpdatedBy": "hubsim"}
    });
    let output = json!({
        "ProcessedFindings": [{"Id": "f1", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub"}],
        "UnprocessedFindings": []
    });
    let Some(call) =
        exchange("securityhub", "BatchUpdateFindings", params.clone(), none(), params, Answer::Ok(output.clone()))
    else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("PATCH", "/findings/batchupdate"));
    assert_eq!(call.result(), &output);
}

#[test]
fn securityhub_describe_standards_controls_greedy_arn_label() {
    let arn =
        "arn:aws:securityhub:ap-northeast-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0";
    let output = json!({
        "Controls": [{
            "StandardsControlArn": "arn:aws:securityhub:ap-northeast-1:123456789012:control/aws-foundational-security-best-practices/v/1.0.0/EC2.2",
            "ControlStatus": "ENABLED",
            "ControlStatusUpdatedAt": "2026-11-28T21:19:00Z",
            "ControlId": "EC2.2",
            "SeverityRating": "HIGH",
            "RelatedRequirements": []
        }],
        "NextToken": "t2"
    });
    let Some(call) = exchange(
        "securityhub",
        "DescribeStandardsControls",
        json!({"StandardsSubscriptionArn": arn, "MaxResults": 25, "NextToken": "t1"}),
        json!({"region": "ap-northeast-1"}),
        json!({"StandardsSubscriptionArn": arn, "MaxResults": 25, "NextToken": "t1"}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert!(call.request.path.starts_with("/standards/controls/arn%3Aaws%3Asecurityhub%3A"), "{}", call.request.path);
    assert!(call.request.path.ends_with("/aws-foundational-security-best-practices/v/1.0.0"), "{}", call.request.path);
    let body = response_body(&call);
    assert_eq!(
        body["Controls"][0]["ControlStatusUpdatedAt"], "2026-11-28T21:19:00Z",
        "Security Hub timestamps are iso8601"
    );
    assert_eq!(call.result(), &output);
}

#[test]
fn securityhub_batch_import_findings() {
    let finding = json!({
        "SchemaVersion": "2018-10-08",
        "Id": "hubsim/s3-1/b1",
        "ProductArn": "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default",
        "GeneratorId": "hubsim-s3",
        "AwsAccountId": "123456789012",
        "Types": ["Software and Configuration Checks"],
        "CreatedAt": "2026-11-28T21:19:00Z",
        "UpdatedAt": "2026-11-28T21:19:00Z",
        "Severity": {"Label": "HIGH"},
        "Title": "t",
        "Description": "d",
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::b1"}]
    });
    let params = json!({"Findings": [finding]});
    let output = json!({"FailedCount": 0, "SuccessCount": 1, "FailedFindings": []});
    let Some(call) =
        exchange("securityhub", "BatchImportFindings", params.clone(), none(), params, Answer::Ok(output.clone()))
    else {
        return;
    };
    assert_eq!(call.request.path, "/findings/import");
    assert_eq!(call.result(), &output);
}

#[test]
fn securityhub_describe_hub_not_subscribed_is_401() {
    let err =
        AwsError::new("InvalidAccessException", 401, "Account 123456789012 is not subscribed to AWS Security Hub");
    let Some(call) = exchange("securityhub", "DescribeHub", json!({}), none(), json!({}), Answer::Err(err)) else {
        return;
    };
    assert_eq!((call.request.method.as_str(), call.request.path.as_str()), ("GET", "/accounts"));
    assert_eq!(call.response.status, 401);
    assert_eq!(call.header("X-Amzn-ErrorType"), Some("InvalidAccessException"));
    let body = response_body(&call);
    assert_eq!(body["Code"], "InvalidAccessException");
    assert_eq!(body["message"], body["Message"]);
    assert_eq!(call.error()["Code"], "InvalidAccessException");
    assert_eq!(call.error()["Message"], "Account 123456789012 is not subscribed to AWS Security Hub");
    assert_eq!(call.botocore["status"], 401);
}

#[test]
fn securityhub_describe_hub_query_member() {
    let output = json!({
        "HubArn": "arn:aws:securityhub:us-east-1:123456789012:hub/default",
        "SubscribedAt": "2026-11-28T21:19:00.000Z",
        "AutoEnableControls": true,
        "ControlFindingGenerator": "SECURITY_CONTROL"
    });
    let hub = "arn:aws:securityhub:us-east-1:123456789012:hub/default";
    let Some(call) = exchange(
        "securityhub",
        "DescribeHub",
        json!({"HubArn": hub}),
        none(),
        json!({"HubArn": hub}),
        Answer::Ok(output.clone()),
    ) else {
        return;
    };
    assert!(call.request.query.starts_with("HubArn=arn%3Aaws%3Asecurityhub"), "{}", call.request.query);
    assert_eq!(call.result(), &output);
}

// ---------------------------------------------------------------- without botocore

fn req(method: &str, path: &str, query: &str, body: &str) -> Request {
    Request {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn route(service: &str, r: &Request) -> Option<String> {
    let model = hubsim_model::service(service)?;
    codec("rest-json")?.operation(model, r).map(|op| op.name.clone())
}

#[test]
fn routes_by_method_and_most_specific_template() {
    let cases = [
        ("guardduty", "GET", "/detector", Some("ListDetectors")),
        ("guardduty", "POST", "/detector", Some("CreateDetector")),
        ("guardduty", "GET", "/detector/d1", Some("GetDetector")),
        ("guardduty", "POST", "/detector/d1", Some("UpdateDetector")),
        ("guardduty", "DELETE", "/detector/d1", Some("DeleteDetector")),
        ("guardduty", "GET", "/detector/d1/admin", Some("DescribeOrganizationConfiguration")),
        ("guardduty", "GET", "/detector/d1/administrator", Some("GetAdministratorAccount")),
        ("guardduty", "POST", "/detector/d1/findings", Some("ListFindings")),
        (
            "guardduty",
            "GET",
            "/tags/arn%3Aaws%3Aguardduty%3Aus-east-1%3A1%3Adetector%2Fd1",
            Some("ListTagsForResource"),
        ),
        ("guardduty", "PUT", "/detector", None),
        ("securityhub", "POST", "/findings", Some("GetFindings")),
        ("securityhub", "POST", "/findings/import", Some("BatchImportFindings")),
        ("securityhub", "PATCH", "/findings/batchupdate", Some("BatchUpdateFindings")),
        (
            "securityhub",
            "GET",
            "/standards/controls/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A1%3Asubscription/cis/v/1.2.0",
            Some("DescribeStandardsControls"),
        ),
        (
            "securityhub",
            "PATCH",
            "/standards/control/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A1%3Acontrol/cis/v/1.2.0/1.1",
            Some("UpdateStandardsControl"),
        ),
        ("securityhub", "GET", "/standards/controls", None),
        ("securityhub", "GET", "/accounts", Some("DescribeHub")),
        ("securityhub", "POST", "/accounts", Some("EnableSecurityHub")),
        ("securityhub", "DELETE", "/accounts", Some("DisableSecurityHub")),
    ];
    for (service, method, path, expected) in cases {
        assert_eq!(route(service, &req(method, path, "", "")).as_deref(), expected, "{service} {method} {path}");
    }
}

#[test]
fn greedy_label_keeps_slashes_and_decodes_colons() {
    let model = hubsim_model::service("securityhub").unwrap_or_else(|| panic!("model"));
    let Some(op) = model.operation("UpdateStandardsControl") else { panic!("op") };
    let Some(c) = codec("rest-json") else { panic!("codec") };
    let r = req(
        "PATCH",
        "/standards/control/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A1%3Acontrol/aws-foundational-security-best-practices/v/1.0.0/EC2.2",
        "",
        r#"{"ControlStatus":"DISABLED","DisabledReason":"n/a"}"#,
    );
    assert_eq!(
        c.parse(model, op, &r),
        Ok(json!({
            "StandardsControlArn": "arn:aws:securityhub:us-east-1:1:control/aws-foundational-security-best-practices/v/1.0.0/EC2.2",
            "ControlStatus": "DISABLED",
            "DisabledReason": "n/a"
        }))
    );
}

#[test]
fn malformed_json_uses_the_modelled_bad_request_error() {
    let Some(c) = codec("rest-json") else { panic!("codec") };
    let gd = hubsim_model::service("guardduty").unwrap_or_else(|| panic!("model"));
    let Some(op) = gd.operation("CreateDetector") else { panic!("op") };
    let err = c.parse(gd, op, &req("POST", "/detector", "", "{\"enable\": tru"));
    assert_eq!(err.map_err(|e| (e.code, e.status)), Err(("BadRequestException".to_string(), 400)));
    let err = c.parse(gd, op, &req("POST", "/detector", "", "[1, 2]"));
    assert_eq!(err.map_err(|e| e.code), Err("BadRequestException".to_string()));

    let sh = hubsim_model::service("securityhub").unwrap_or_else(|| panic!("model"));
    let Some(op) = sh.operation("GetFindings") else { panic!("op") };
    let err = c.parse(sh, op, &req("POST", "/findings", "", "{"));
    assert_eq!(err.map_err(|e| e.code), Err("InvalidInputException".to_string()));
    // An empty body is an empty input.
    assert_eq!(c.parse(sh, op, &req("POST", "/findings", "", "")), Ok(json!({})));
}

#[test]
fn unknown_wire_keys_are_dropped_and_bad_query_values_rejected() {
    let Some(c) = codec("rest-json") else { panic!("codec") };
    let gd = hubsim_model::service("guardduty").unwrap_or_else(|| panic!("model"));
    let Some(op) = gd.operation("CreateDetector") else { panic!("op") };
    let parsed = c.parse(gd, op, &req("POST", "/detector", "", r#"{"enable": true, "Enable": false, "bogus": 1}"#));
    assert_eq!(parsed, Ok(json!({"Enable": true})));
    let Some(op) = gd.operation("ListDetectors") else { panic!("op") };
    let err = c.parse(gd, op, &req("GET", "/detector", "maxResults=ten", ""));
    assert_eq!(err.map_err(|e| e.code), Err("BadRequestException".to_string()));
}
