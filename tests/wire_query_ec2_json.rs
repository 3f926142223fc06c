//! boto3 against `hubsim serve --port 0` over the query (IAM, STS, SNS), ec2 and json
//! (CloudTrail, Config, KMS, Logs, CloudWatch) protocols, plus raw requests for what boto3
//! never sends (malformed bodies, unknown actions, missing parameters) and a concurrency run.
//! One server for the whole file; one python process per test.

mod wire_support;

use std::sync::OnceLock;

use wire_support::{boto, form, have_boto3, json_call, raw, start, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start("query-ec2-json", &[]))
}

#[test]
fn first_line_names_the_listening_address() {
    let s = server();
    assert_eq!(s.first_line, format!("hubsim listening on http://127.0.0.1:{}", s.port));
    assert_ne!(s.port, 0);
}

#[test]
fn iam_password_policy_and_role_documents() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
iam = client("iam", "ap-northeast-1")
OUT["missing"] = err(iam.get_account_password_policy)
iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, MaxPasswordAge=90, PasswordReusePrevention=24)
OUT["policy"] = iam.get_account_password_policy()["PasswordPolicy"]
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName="wire-role", Path="/svc/", AssumeRolePolicyDocument=json.dumps(doc))["Role"]
OUT["created_doc"] = role["AssumeRolePolicyDocument"]
OUT["got"] = iam.get_role(RoleName="wire-role")["Role"]
OUT["expected_doc"] = doc
OUT["dup"] = err(iam.create_role, RoleName="wire-role", AssumeRolePolicyDocument=json.dumps(doc))
OUT["summary"] = iam.get_account_summary()["SummaryMap"]
"#,
    );
    assert_eq!(out["missing"]["Code"], "NoSuchEntity");
    assert_eq!(out["missing"]["Status"], 404);
    let p = &out["policy"];
    assert_eq!(p["MinimumPasswordLength"], 14);
    assert_eq!(p["RequireSymbols"], true);
    assert_eq!(p["MaxPasswordAge"], 90);
    assert_eq!(p["PasswordReusePrevention"], 24);
    assert_eq!(p["ExpirePasswords"], true);
    // botocore URL-decodes and JSON-parses policyDocumentType members: a round trip proves the
    // document went out URL-encoded.
    assert_eq!(out["created_doc"], out["expected_doc"]);
    assert_eq!(out["got"]["AssumeRolePolicyDocument"], out["expected_doc"]);
    assert_eq!(out["got"]["Path"], "/svc/");
    assert_eq!(out["got"]["Arn"], "arn:aws:iam::123456789012:role/svc/wire-role");
    assert_eq!(out["dup"]["Code"], "EntityAlreadyExists");
    assert_eq!(out["dup"]["Status"], 409);
    assert!(out["summary"]["Roles"].as_i64().is_some_and(|n| n >= 1), "{}", out["summary"]);
}

#[test]
fn iam_access_keys() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
import datetime
iam = client("iam", "ap-northeast-1")
iam.create_user(UserName="wire-keys")
key = iam.create_access_key(UserName="wire-keys")["AccessKey"]
OUT["key"] = {k: key[k] for k in ("UserName", "AccessKeyId", "SecretAccessKey", "Status")}
OUT["create_date_is_aware_datetime"] = isinstance(key["CreateDate"], datetime.datetime) and key["CreateDate"].tzinfo is not None
listed = iam.list_access_keys(UserName="wire-keys")["AccessKeyMetadata"]
OUT["listed"] = [{k: m[k] for k in ("UserName", "AccessKeyId", "Status")} for m in listed]
OUT["same_date"] = listed[0]["CreateDate"] == key["CreateDate"]
second = iam.create_access_key(UserName="wire-keys")["AccessKey"]
OUT["third"] = err(iam.create_access_key, UserName="wire-keys")
OUT["ghost"] = err(iam.create_access_key, UserName="wire-keys-ghost")
OUT["caller"] = err(iam.create_access_key)
iam.update_access_key(UserName="wire-keys", AccessKeyId=key["AccessKeyId"], Status="Inactive")
OUT["statuses"] = [m["Status"] for m in iam.list_access_keys(UserName="wire-keys")["AccessKeyMetadata"]]
iam.delete_access_key(UserName="wire-keys", AccessKeyId=key["AccessKeyId"])
OUT["deleted_again"] = err(iam.delete_access_key, UserName="wire-keys", AccessKeyId=key["AccessKeyId"])
OUT["left"] = [m["AccessKeyId"] for m in iam.list_access_keys(UserName="wire-keys")["AccessKeyMetadata"]]
OUT["second"] = second["AccessKeyId"]
iam.delete_access_key(UserName="wire-keys", AccessKeyId=second["AccessKeyId"])
iam.delete_user(UserName="wire-keys")
"#,
    );
    let key = &out["key"];
    assert_eq!(key["UserName"], "wire-keys");
    let id = key["AccessKeyId"].as_str().expect("AccessKeyId");
    assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
    assert_eq!(key["SecretAccessKey"].as_str().expect("SecretAccessKey").len(), 40);
    assert_eq!(key["Status"], "Active");
    assert_eq!(out["create_date_is_aware_datetime"], true);
    assert_eq!(out["listed"], serde_json::json!([{"UserName": "wire-keys", "AccessKeyId": id, "Status": "Active"}]));
    assert_eq!(out["same_date"], true);
    assert_eq!((&out["third"]["Code"], &out["third"]["Status"]), (&"LimitExceeded".into(), &409.into()));
    assert_eq!((&out["ghost"]["Code"], &out["ghost"]["Status"]), (&"NoSuchEntity".into(), &404.into()));
    assert_eq!((&out["caller"]["Code"], &out["caller"]["Status"]), (&"ValidationError".into(), &400.into()));
    assert_eq!(out["statuses"], serde_json::json!(["Inactive", "Active"]));
    assert_eq!(out["deleted_again"]["Code"], "NoSuchEntity");
    assert_eq!(out["left"], serde_json::json!([out["second"]]));
}

#[test]
fn sts_and_sns() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
OUT["me"] = client("sts", "eu-west-1").get_caller_identity()
sns = client("sns", "eu-west-1")
arn = sns.create_topic(Name="wire-topic", Attributes={"DisplayName": "wire"}, Tags=[{"Key": "k", "Value": "v"}])["TopicArn"]
OUT["arn"] = arn
sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
OUT["attrs"] = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
OUT["missing"] = err(sns.get_topic_attributes, TopicArn="arn:aws:sns:eu-west-1:123456789012:nope")
OUT["topics"] = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
"#,
    );
    assert_eq!(out["me"]["Account"], "123456789012");
    assert!(out["me"]["Arn"].as_str().is_some_and(|a| a.starts_with("arn:aws:")), "{}", out["me"]);
    assert_eq!(out["arn"], "arn:aws:sns:eu-west-1:123456789012:wire-topic");
    assert_eq!(out["attrs"]["KmsMasterKeyId"], "alias/aws/sns");
    assert_eq!(out["attrs"]["DisplayName"], "wire");
    assert_eq!(out["missing"]["Code"], "NotFound");
    assert_eq!(out["missing"]["Status"], 404);
    assert!(out["topics"].as_array().is_some_and(|t| t.contains(&out["arn"])), "{}", out["topics"]);
}

#[test]
fn ec2_default_network_remediation_calls() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
ec2 = client("ec2", "us-west-2")
sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
OUT["sg_before"] = sg
gid = sg["GroupId"]
OUT["revoke"] = ec2.revoke_security_group_ingress(GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": gid}]}])
OUT["sg_after"] = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
acl = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Protocol="6", RuleAction="deny", Egress=False,
    CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
OUT["entries"] = ec2.describe_network_acls(NetworkAclIds=[acl["NetworkAclId"]])["NetworkAcls"][0]["Entries"]
subnet = ec2.describe_subnets()["Subnets"][0]
OUT["subnet_before"] = subnet["MapPublicIpOnLaunch"]
ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": False})
OUT["subnet_after"] = ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"][0]["MapPublicIpOnLaunch"]
OUT["not_found"] = err(ec2.describe_security_groups, GroupIds=["sg-0123456789abcdef0"])
OUT["regions"] = [r["RegionName"] for r in ec2.describe_regions()["Regions"]]
"#,
    );
    let before = &out["sg_before"];
    assert_eq!(before["GroupName"], "default");
    assert_eq!(before["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], before["GroupId"]);
    assert_eq!(out["revoke"]["Return"], true);
    assert_eq!(out["sg_after"]["IpPermissions"], serde_json::json!([]));
    assert!(out["sg_after"]["IpPermissionsEgress"].as_array().is_some_and(|e| !e.is_empty()));
    let entry = out["entries"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["RuleNumber"] == 50))
        .unwrap_or_else(|| panic!("no rule 50 in {}", out["entries"]));
    assert_eq!(entry["RuleAction"], "deny");
    assert_eq!(entry["Egress"], false);
    assert_eq!(entry["PortRange"], serde_json::json!({"From": 22, "To": 22}));
    assert_eq!(out["subnet_before"], true);
    assert_eq!(out["subnet_after"], false);
    assert_eq!(out["not_found"]["Code"], "InvalidGroup.NotFound");
    assert_eq!(out["not_found"]["Status"], 400);
    assert!(out["regions"].as_array().is_some_and(|r| r.len() >= 17), "{}", out["regions"]);
}

#[test]
fn json_services() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
ct = client("cloudtrail", "ap-northeast-1")
OUT["trail_error"] = err(ct.create_trail, Name="wire-trail", S3BucketName="no-such-bucket-hubsim")
OUT["trails"] = ct.describe_trails()["trailList"]
OUT["status_missing"] = err(ct.get_trail_status, Name="nope")
OUT["recorders"] = client("config", "ap-northeast-1").describe_configuration_recorders()["ConfigurationRecorders"]
kms = client("kms", "ap-northeast-1")
key = kms.create_key(Description="wire")["KeyMetadata"]
OUT["key"] = key
OUT["described"] = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
OUT["kms_missing"] = err(kms.describe_key, KeyId="alias/does-not-exist")
logs = client("logs", "ap-northeast-1")
logs.create_log_group(logGroupName="/wire/group")
OUT["groups"] = logs.describe_log_groups(logGroupNamePrefix="/wire/")["logGroups"]
OUT["dup_group"] = err(logs.create_log_group, logGroupName="/wire/group")
OUT["cw"] = err(client("cloudwatch", "ap-northeast-1").describe_alarms)
"#,
    );
    assert_eq!(out["trail_error"]["Code"], "S3BucketDoesNotExistException");
    assert_eq!(out["trail_error"]["Status"], 400);
    assert_eq!(out["trails"], serde_json::json!([]));
    assert_eq!(out["status_missing"]["Code"], "TrailNotFoundException");
    // The default account records every resource type with AWS Config (hubsim serve --help).
    assert_eq!(out["recorders"].as_array().map(Vec::len), Some(1), "{}", out["recorders"]);
    assert_eq!(out["recorders"][0]["recordingGroup"]["allSupported"], true, "{}", out["recorders"]);
    assert_eq!(out["key"]["Description"], "wire");
    assert_eq!(out["described"]["KeyId"], out["key"]["KeyId"]);
    // A timestamp went out as epoch seconds and came back as a datetime.
    assert!(out["described"]["CreationDate"].as_str().is_some_and(|d| d.starts_with("20")), "{}", out["described"]);
    assert_eq!(out["kms_missing"]["Code"], "NotFoundException");
    let groups = out["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["logGroupName"], "/wire/group");
    assert!(groups[0]["creationTime"].as_i64().is_some_and(|t| t > 1_000_000_000_000), "{}", groups[0]);
    assert_eq!(out["dup_group"]["Code"], "ResourceAlreadyExistsException");
    // CloudWatch answers in its JSON form; not implemented yet is a non-retried 501 either
    // way, and an implemented DescribeAlarms must simply succeed.
    if !out["cw"].is_null() {
        assert_eq!(out["cw"]["Status"], 501, "{}", out["cw"]);
    }
}

#[test]
fn malformed_unknown_and_missing() {
    let port = server().port;
    // A JSON body that does not parse.
    let (status, headers, body) = json_call(port, "TrentService.DescribeKey", "{not json");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("SerializationException"), "{body}");
    assert!(headers.iter().any(|(k, _)| k == "x-amzn-requestid"), "{headers:?}");
    // An unknown json operation.
    let (status, _, body) = json_call(port, "TrentService.FlyToTheMoon", "{}");
    assert_eq!(status, 400);
    assert!(body.contains("UnknownOperationException"), "{body}");
    // Missing required member (json).
    let (status, _, body) = json_call(port, "TrentService.DescribeKey", "{}");
    assert_eq!(status, 400, "{body}");
    // Unknown query and ec2 actions.
    let (status, body) = form(port, "Action=FlyToTheMoon&Version=2010-05-08");
    assert_eq!(status, 400);
    assert!(body.contains("<Code>InvalidAction</Code>") && body.contains("<ErrorResponse"), "{body}");
    let (status, body) = form(port, "Action=FlyToTheMoon&Version=2016-11-15");
    assert_eq!(status, 400);
    assert!(body.contains("<Response><Errors><Error><Code>InvalidAction</Code>"), "{body}");
    // A value that is not what the model says.
    let (status, body) = form(port, "Action=UpdateAccountPasswordPolicy&Version=2010-05-08&MinimumPasswordLength=lots");
    assert_eq!(status, 400);
    assert!(body.contains("<Code>ValidationError</Code>"), "{body}");
    // Missing required parameters.
    let (status, body) = form(port, "Action=CreateRole&Version=2010-05-08");
    assert_eq!(status, 400);
    assert!(body.contains("<Type>Sender</Type>"), "{body}");
    let (status, body) =
        form(port, "Action=RevokeSecurityGroupIngress&Version=2016-11-15&IpPermissions.1.IpProtocol=tcp");
    assert!(status == 400, "{status} {body}");
    assert!(body.contains("<Code>"), "{body}");
    let (status, body) = form(port, "Action=CreateNetworkAclEntry&Version=2016-11-15");
    assert_eq!(status, 400);
    assert!(body.contains("<Code>MissingParameter</Code>"), "{body}");
    // A service hubsim does not simulate (DynamoDB is simulated since issue 16; Kinesis is not).
    let auth =
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00";
    let (status, _, body) =
        raw(port, "POST", "/", &[("Authorization", auth), ("X-Amz-Target", "Kinesis_20131202.ListStreams")], b"{}");
    assert_eq!(status, 400);
    assert!(body.contains("UnknownService"), "{body}");
    // The query protocol also answers GET with the parameters in the query string.
    let (status, _, body) = raw(port, "GET", "/?Action=GetCallerIdentity&Version=2011-06-15", &[], b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<GetCallerIdentityResult>"), "{body}");
}

#[test]
fn cloudwatch_query_compatible_errors() {
    let port = server().port;
    let (status, headers, body) = raw(
        port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "GraniteServiceVersion20100801.NoSuchThing"),
            ("x-amzn-query-mode", "true"),
        ],
        b"{}",
    );
    assert_eq!(status, 400, "{body}");
    let header = headers.iter().find(|(k, _)| k == "x-amzn-query-error").map(|(_, v)| v.clone());
    assert_eq!(header.as_deref(), Some("UnknownOperationException;Sender"));
    let content_type = headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.clone());
    assert_eq!(content_type.as_deref(), Some("application/x-amz-json-1.0"));
}

#[test]
fn concurrent_calls_all_succeed() {
    let port = server().port;
    let threads: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..50 {
                    let body = if i % 2 == 0 {
                        format!("Action=CreateTopic&Version=2010-03-31&Name=conc-{t}-{i}")
                    } else {
                        "Action=GetCallerIdentity&Version=2011-06-15".to_string()
                    };
                    let (status, text) = form(port, &body);
                    if status != 200 {
                        failures.push(format!("{status}: {text}"));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> =
        threads.into_iter().flat_map(|h| h.join().unwrap_or_else(|_| vec!["panicked".into()])).collect();
    assert!(failures.is_empty(), "{} failures, first: {:?}", failures.len(), failures.first());
    // Every topic exists (unsigned requests are us-east-1).
    let (status, body) = form(port, "Action=ListTopics&Version=2010-03-31");
    assert_eq!(status, 200);
    let listed = body.matches(":conc-").count();
    let mut token = extract(&body, "NextToken");
    let mut total = listed;
    while let Some(t) = token {
        let (_, page) = form(port, &format!("Action=ListTopics&Version=2010-03-31&NextToken={}", urlencode(&t)));
        total += page.matches(":conc-").count();
        token = extract(&page, "NextToken");
    }
    assert_eq!(total, 200);
}

fn extract(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(xml[start..end].to_string())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
