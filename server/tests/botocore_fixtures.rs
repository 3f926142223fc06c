//! The codecs against botocore itself: request bodies made by botocore's own serializers must
//! parse back to the parameters they came from, and responses the codecs write must parse,
//! with botocore's own parsers, back to the outputs they were made from.
//!
//! Needs python3 with botocore; without it the tests fail when `CI=true` and skip otherwise.

use std::process::{Command, Stdio};

use hubsim_model::service_model::ServiceModel;
use hubsim_server::protocol::{self, Request};
use serde_json::{json, Value};

fn have_botocore() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import botocore"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("python3 with botocore is required on CI");
        }
        eprintln!("skipping: python3 with botocore is not installed");
    }
    ok
}

fn python(program: &str, input: &Value) -> Value {
    let out = Command::new("python3").arg("-c").arg(program).arg(input.to_string()).output().expect("python3");
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("python printed no JSON ({e})"))
}

/// The protocol hubsim serves a case in (CloudWatch: `json`, or `query` when asked).
fn protocol_of(service: &str, model: &ServiceModel, wanted: Option<&str>) -> String {
    wanted.map(str::to_string).unwrap_or_else(|| {
        if service == "cloudwatch" {
            "json".into()
        } else {
            model.metadata.protocol.clone()
        }
    })
}

const SERIALIZE: &str = r#"
import json, sys, botocore.session
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence
session = botocore.session.get_session()
out = []
for service, op, protocol, params in json.loads(sys.argv[1]):
    model = session.get_service_model(service)
    req = create_serializer(protocol, include_validation=False).serialize_to_request(params, model.operation_model(op))
    body = req["body"]
    if isinstance(body, dict):
        body = percent_encode_sequence(body)
    elif isinstance(body, bytes):
        body = body.decode()
    out.append({"headers": {k.lower(): v for k, v in req["headers"].items()}, "body": body,
                "query": percent_encode_sequence(req["query_string"]) if req["query_string"] else ""})
print(json.dumps(out))
"#;

const PARSE: &str = r#"
import json, sys, base64, datetime, botocore.session
from botocore.parsers import create_parser
session = botocore.session.get_session()
def norm(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
out = []
for service, op, protocol, status, headers, body in json.loads(sys.argv[1]):
    model = session.get_service_model(service).operation_model(op)
    parser = create_parser(protocol)
    parsed = parser.parse({"status_code": status, "headers": headers, "body": body.encode()}, model.output_shape)
    out.append(norm(parsed))
print(json.dumps(out))
"#;

#[test]
fn botocore_requests_parse_to_their_parameters() {
    if !have_botocore() {
        return;
    }
    let cases = json!([
        ["iam", "UpdateAccountPasswordPolicy", null, {"MinimumPasswordLength": 14, "RequireSymbols": true, "MaxPasswordAge": 90}],
        ["iam", "CreateRole", null, {"RoleName": "r", "Path": "/a/", "AssumeRolePolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": []}", "MaxSessionDuration": 3600, "Tags": [{"Key": "k", "Value": "v"}, {"Key": "k2", "Value": "v2"}]}],
        ["sns", "CreateTopic", null, {"Name": "t", "Attributes": {"KmsMasterKeyId": "alias/aws/sns", "DisplayName": "d & <x>"}, "Tags": [{"Key": "k", "Value": "v"}]}],
        ["sns", "SetTopicAttributes", null, {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "AttributeName": "Policy", "AttributeValue": "{\"a\": [1, 2]}"}],
        ["ec2", "DescribeSecurityGroups", null, {"GroupIds": ["sg-1", "sg-2"], "Filters": [{"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]}, {"Name": "group-name", "Values": ["default"]}]}],
        ["ec2", "AuthorizeSecurityGroupIngress", null, {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}]}],
        ["ec2", "CreateNetworkAclEntry", null, {"NetworkAclId": "acl-1", "RuleNumber": 50, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}}],
        ["ec2", "ModifySubnetAttribute", null, {"SubnetId": "subnet-1", "MapPublicIpOnLaunch": {"Value": false}}],
        ["ec2", "CreateFlowLogs", null, {"ResourceIds": ["vpc-1"], "ResourceType": "VPC", "TrafficType": "REJECT", "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::b"}],
        ["ec2", "CreateTags", null, {"Resources": ["vpc-1", "sg-1"], "Tags": [{"Key": "Name", "Value": "x"}]}],
        ["ec2", "CreateVpcEndpoint", null, {"VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.s3", "SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"], "VpcEndpointType": "Interface"}],
        ["cloudtrail", "LookupEvents", null, {"StartTime": "2026-01-02T03:04:05Z", "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}], "MaxResults": 5}],
        ["cloudtrail", "PutEventSelectors", null, {"TrailName": "t", "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}],
        ["config", "PutConfigurationRecorder", null, {"ConfigurationRecorder": {"name": "default", "roleARN": "arn:aws:iam::123456789012:role/r", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true}}}],
        ["logs", "PutMetricFilter", null, {"logGroupName": "g", "filterName": "f", "filterPattern": "{ $.errorCode = \"*\" }", "metricTransformations": [{"metricName": "m", "metricNamespace": "ns", "metricValue": "1"}]}],
        ["kms", "CreateKey", null, {"Description": "d", "Tags": [{"TagKey": "k", "TagValue": "v"}]}],
        ["cloudwatch", "PutMetricAlarm", "json", {"AlarmName": "a", "MetricName": "m", "Namespace": "ns", "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 1.5, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"], "Dimensions": [{"Name": "d", "Value": "v"}]}],
        ["cloudwatch", "PutMetricAlarm", "query", {"AlarmName": "a", "MetricName": "m", "Namespace": "ns", "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 1.5, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"], "Dimensions": [{"Name": "d", "Value": "v"}]}],
        ["cloudwatch", "DescribeAlarms", "query", {"AlarmNames": ["a", "b"], "MaxRecords": 10}]
    ]);
    let with_protocols: Vec<Value> = cases
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let service = c[0].as_str().expect("service");
            let model = hubsim_model::service(service).expect("model");
            json!([service, c[1], protocol_of(service, model, c[2].as_str()), c[3]])
        })
        .collect();
    let requests = python(SERIALIZE, &Value::Array(with_protocols.clone()));
    for (case, wire) in with_protocols.iter().zip(requests.as_array().expect("list")) {
        let service = case[0].as_str().expect("service");
        let protocol = case[2].as_str().expect("protocol");
        let model = hubsim_model::service(service).expect("model");
        let codec = protocol::codec(protocol).expect("codec");
        let headers = wire["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        let req = Request {
            method: "POST".into(),
            path: "/".into(),
            query: wire["query"].as_str().unwrap_or("").into(),
            headers,
            body: wire["body"].as_str().unwrap_or("").as_bytes().to_vec(),
        };
        let op = codec.operation(model, &req).unwrap_or_else(|| panic!("{case}: no operation from {wire}"));
        assert_eq!(op.name, case[1].as_str().expect("op"));
        let parsed = codec.parse(model, op, &req).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(parsed, case[3], "{service} {} over {protocol}: wire {wire}", op.name);
    }
}

#[test]
fn codec_responses_parse_back_with_botocore() {
    if !have_botocore() {
        return;
    }
    let cases = json!([
        ["iam", "GetAccountPasswordPolicy", null, {"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": true, "ExpirePasswords": true, "MaxPasswordAge": 90}}],
        ["iam", "GetAccountSummary", null, {"SummaryMap": {"Users": 1, "AccountMFAEnabled": 0}}],
        ["iam", "ListUsers", null, {"Users": [{"Path": "/", "UserName": "u & v", "UserId": "AIDA1", "Arn": "arn:aws:iam::123456789012:user/u", "CreateDate": "2026-01-01T00:00:00Z"}], "IsTruncated": false}],
        ["iam", "GetCredentialReport", null, {"Content": "dXNlcixhcm4K", "ReportFormat": "text/csv", "GeneratedTime": "2026-01-01T00:00:00Z"}],
        ["sts", "GetCallerIdentity", null, {"UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"}],
        ["sns", "GetTopicAttributes", null, {"Attributes": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Policy": "{\"a\": \"<b>\"}"}}],
        ["sns", "ListTopics", null, {"Topics": [{"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}], "NextToken": "1"}],
        ["ec2", "DescribeSecurityGroups", null, {"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default", "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "123456789012"}], "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}], "IpPermissionsEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], "Tags": [{"Key": "k", "Value": "v"}]}]}],
        ["ec2", "DescribeNetworkAcls", null, {"NetworkAcls": [{"NetworkAclId": "acl-1", "IsDefault": true, "Entries": [{"RuleNumber": 50, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}}], "Associations": []}]}],
        ["ec2", "DescribeSubnets", null, {"Subnets": [{"SubnetId": "subnet-1", "MapPublicIpOnLaunch": false, "DefaultForAz": true, "AvailableIpAddressCount": 4091}]}],
        ["ec2", "RevokeSecurityGroupIngress", null, {"Return": true}],
        ["ec2", "DescribeRegions", null, {"Regions": [{"RegionName": "us-east-1", "Endpoint": "ec2.us-east-1.amazonaws.com", "OptInStatus": "opt-in-not-required"}]}],
        ["cloudtrail", "DescribeTrails", null, {"trailList": [{"Name": "t", "S3BucketName": "b", "IsMultiRegionTrail": true, "LogFileValidationEnabled": false}]}],
        ["cloudtrail", "GetTrailStatus", null, {"IsLogging": true, "LatestDeliveryTime": "2026-01-02T03:04:05Z"}],
        ["kms", "DescribeKey", null, {"KeyMetadata": {"KeyId": "k", "Arn": "arn:aws:kms:us-east-1:123456789012:key/k", "CreationDate": "2026-01-01T00:00:39Z", "Enabled": true, "KeyManager": "CUSTOMER"}}],
        ["logs", "DescribeLogGroups", null, {"logGroups": [{"logGroupName": "g", "creationTime": 1767225640000_i64, "retentionInDays": 365}]}],
        ["config", "DescribeConfigurationRecorders", null, {"ConfigurationRecorders": [{"name": "default", "roleARN": "arn:aws:iam::123456789012:role/r", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": false}}]}],
        ["cloudwatch", "DescribeAlarms", "json", {"MetricAlarms": [{"AlarmName": "a", "Threshold": 1.5, "StateUpdatedTimestamp": "2026-01-02T03:04:05Z", "Dimensions": [{"Name": "d", "Value": "v"}], "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"]}], "CompositeAlarms": []}],
        ["cloudwatch", "DescribeAlarms", "query", {"MetricAlarms": [{"AlarmName": "a", "Threshold": 1.5, "StateUpdatedTimestamp": "2026-01-02T03:04:05Z", "Dimensions": [{"Name": "d", "Value": "v"}], "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"]}], "CompositeAlarms": []}]
    ]);
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    for c in cases.as_array().expect("cases") {
        let service = c[0].as_str().expect("service");
        let model = hubsim_model::service(service).expect("model");
        let protocol = protocol_of(service, model, c[2].as_str());
        let codec = protocol::codec(&protocol).expect("codec");
        let op = model.operation(c[1].as_str().expect("op")).expect("operation");
        let response = codec.serialize(model, op, &c[3], "req-1");
        let headers: serde_json::Map<String, Value> =
            response.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.clone()))).collect();
        let body = String::from_utf8(response.body).expect("utf-8");
        wire.push(json!([service, op.name, protocol, response.status, headers, body]));
        expected.push(c[3].clone());
    }
    let parsed = python(PARSE, &Value::Array(wire.clone()));
    for ((got, want), sent) in parsed.as_array().expect("list").iter().zip(&expected).zip(&wire) {
        assert_eq!(got, want, "botocore parsed {} {} differently from what was sent: {}", sent[0], sent[1], sent[5]);
    }
}

#[test]
fn codec_errors_parse_back_with_botocore() {
    if !have_botocore() {
        return;
    }
    let program = r#"
import json, sys, botocore.session
from botocore.parsers import create_parser
session = botocore.session.get_session()
out = []
for service, op, protocol, status, headers, body in json.loads(sys.argv[1]):
    model = session.get_service_model(service).operation_model(op)
    parsed = create_parser(protocol).parse({"status_code": status, "headers": headers, "body": body.encode()}, model.output_shape)
    out.append({"Code": parsed["Error"]["Code"], "Message": parsed["Error"]["Message"], "RequestId": parsed["ResponseMetadata"].get("RequestId")})
print(json.dumps(out))
"#;
    let cases = [
        (
            "iam",
            "GetAccountPasswordPolicy",
            "query",
            hubsim_simulator::AwsError::not_found("NoSuchEntity", "none <here>"),
            "NoSuchEntity",
        ),
        (
            "sns",
            "GetTopicAttributes",
            "query",
            hubsim_simulator::AwsError::not_found("NotFoundException", "gone"),
            "NotFound",
        ),
        (
            "ec2",
            "DescribeSecurityGroups",
            "ec2",
            hubsim_simulator::AwsError::bad_request("InvalidGroup.NotFound", "no"),
            "InvalidGroup.NotFound",
        ),
        (
            "kms",
            "DescribeKey",
            "json",
            hubsim_simulator::AwsError::bad_request("NotFoundException", "no key"),
            "NotFoundException",
        ),
        (
            "cloudtrail",
            "GetTrailStatus",
            "json",
            hubsim_simulator::AwsError::bad_request("TrailNotFoundException", "no trail"),
            "TrailNotFoundException",
        ),
    ];
    let mut wire = Vec::new();
    for (service, op, protocol, error, _) in &cases {
        let model = hubsim_model::service(service).expect("model");
        let codec = protocol::codec(protocol).expect("codec");
        let response = codec.error(model, model.operation(op), error, "req-9");
        let headers: serde_json::Map<String, Value> =
            response.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.clone()))).collect();
        wire.push(json!([service, op, protocol, response.status, headers, String::from_utf8_lossy(&response.body)]));
    }
    let parsed = python(program, &Value::Array(wire));
    for ((_, _, _, error, code), got) in cases.iter().zip(parsed.as_array().expect("list")) {
        assert_eq!(got["Code"], *code, "{got}");
        assert_eq!(got["Message"], error.message.as_str(), "{got}");
        assert_eq!(got["RequestId"], "req-9", "{got}");
    }
}
