//! The blog's whole journey with nothing but the aws CLI against `hubsim serve`: a fresh
//! member account in ap-northeast-1 (era 2022, Config 1-click without global resources,
//! Security Hub on) is fixed control by control by hand, then evaluated through the admin
//! route; the log bucket's S3.9 finding is suppressed with `batch-update-findings`, and
//! `get-findings` shows every control passing except the root MFA ones (IAM.6, IAM.9).

mod wire_support;

use serde_json::{json, Value};
use wire_support::{aws_cli, have_aws_cli, raw, start, CliOut, Server};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "ap-northeast-1";
const TRAIL_BUCKET: &str = "journey-cloudtrail-123456789012";
const LOG_BUCKET: &str = "journey-access-logs-123456789012";
const CONFIG_BUCKET: &str = "config-bucket-123456789012";

struct Journey {
    server: Server,
}

impl Journey {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port)
    }

    /// One CLI call that must succeed; its JSON output.
    fn ok(&self, args: &[&str]) -> Value {
        let out = aws_cli(&self.endpoint(), REGION, args);
        assert_eq!(out.code, 0, "aws {}:\n{}\n{}", args.join(" "), out.stderr, out.stdout);
        out.json
    }

    /// One CLI call that must fail with `code` (a service error: CLI v1 exits 255, v2 254).
    fn fails(&self, args: &[&str], code: &str) -> CliOut {
        let out = aws_cli(&self.endpoint(), REGION, args);
        assert!(
            matches!(out.code, 254 | 255),
            "aws {}: expected {code}:\n{}\n{}",
            args.join(" "),
            out.stderr,
            out.stdout
        );
        assert!(out.stderr.contains(&format!("({code})")), "aws {}: expected {code}: {}", args.join(" "), out.stderr);
        out
    }

    fn admin_evaluate(&self) -> Value {
        let (status, _, body) =
            raw(self.server.port, "POST", "/_hubsim/evaluate", &[("Content-Type", "application/json")], b"");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("evaluate: not JSON ({e}): {body}"))
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn control_statuses(summary: &Value) -> Vec<(String, String)> {
    summary["controls"]
        .as_array()
        .unwrap_or_else(|| panic!("no controls: {summary}"))
        .iter()
        .map(|c| (s(&c["id"]).to_string(), s(&c["status"]).to_string()))
        .collect()
}

fn status_of<'a>(statuses: &'a [(String, String)], id: &str) -> &'a str {
    statuses.iter().find(|(c, _)| c == id).map(|(_, s)| s.as_str()).unwrap_or("ABSENT")
}

fn tls_deny(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

fn trust(service: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})
    .to_string()
}

#[test]
fn the_blogs_journey_with_the_aws_cli() {
    if !have_aws_cli() {
        return;
    }
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fresh-account.json");
    let j = Journey { server: start("cli-journey", &["--scenario", scenario]) };

    let me = j.ok(&["sts", "get-caller-identity"]);
    assert_eq!(me["Account"], ACCOUNT);
    let before = control_statuses(&j.admin_evaluate());
    for id in ["CloudTrail.1", "Config.1", "GuardDuty.1", "EC2.2", "IAM.7", "S3.1", "S3.9"] {
        assert_eq!(status_of(&before, id), "FAILED", "{id} before the journey: {before:?}");
    }
    let buckets = j.ok(&["s3api", "list-buckets"]);
    let names: Vec<&str> = buckets["Buckets"].as_array().expect("Buckets").iter().map(|b| s(&b["Name"])).collect();
    assert_eq!(names, [CONFIG_BUCKET], "{buckets}");

    // Config.1: the 1-click recorder, now with global resource types and the service-linked role.
    let recorders = j.ok(&["configservice", "describe-configuration-recorders"]);
    let recorder = &recorders["ConfigurationRecorders"][0];
    assert_eq!(recorder["recordingGroup"]["includeGlobalResourceTypes"], false, "{recorders}");
    let recorder_name = s(&recorder["name"]).to_string();
    let slr = format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig");
    let got = aws_cli(&j.endpoint(), REGION, &["iam", "get-role", "--role-name", "AWSServiceRoleForConfig"]);
    if got.code != 0 {
        assert!(got.stderr.contains("(NoSuchEntity)"), "{}", got.stderr);
        let made = j.ok(&["iam", "create-service-linked-role", "--aws-service-name", "config.amazonaws.com"]);
        assert_eq!(made["Role"]["Arn"], slr.as_str());
    }
    j.ok(&[
        "configservice",
        "put-configuration-recorder",
        "--configuration-recorder",
        &format!("name={recorder_name},roleARN={slr}"),
        "--recording-group",
        "allSupported=true,includeGlobalResourceTypes=true",
    ]);
    let channels = j.ok(&["configservice", "describe-delivery-channels"]);
    assert_eq!(channels["DeliveryChannels"][0]["s3BucketName"], CONFIG_BUCKET, "{channels}");
    j.ok(&["configservice", "start-configuration-recorder", "--configuration-recorder-name", &recorder_name]);
    let status = j.ok(&["configservice", "describe-configuration-recorder-status"]);
    assert_eq!(status["ConfigurationRecordersStatus"][0]["recording"], true, "{status}");
    let recorders = j.ok(&["configservice", "describe-configuration-recorders"]);
    assert_eq!(recorders["ConfigurationRecorders"][0]["recordingGroup"]["includeGlobalResourceTypes"], true);
    assert_eq!(recorders["ConfigurationRecorders"][0]["roleARN"], slr.as_str());

    // A customer-managed key with rotation, usable by CloudTrail, S3 (notifications to an
    // encrypted topic) and CloudWatch Logs.
    let key_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
         "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:aws:cloudtrail:*:{ACCOUNT}:trail/*")}}},
        {"Sid": "S3Publishes", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}
    ]});
    let key = j.ok(&["kms", "create-key", "--description", "journey key", "--policy", &key_policy.to_string()]);
    let key_arn = s(&key["KeyMetadata"]["Arn"]).to_string();
    let key_id = s(&key["KeyMetadata"]["KeyId"]).to_string();
    assert_eq!(key_arn, format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"));
    assert_eq!(key["KeyMetadata"]["KeyManager"], "CUSTOMER");
    j.ok(&["kms", "enable-key-rotation", "--key-id", &key_id]);
    assert_eq!(j.ok(&["kms", "get-key-rotation-status", "--key-id", &key_id])["KeyRotationEnabled"], true);
    j.ok(&["kms", "create-alias", "--alias-name", "alias/journey", "--target-key-id", &key_id]);

    // CloudTrail.1/2/4/5: bucket (CreateTrail refuses it until its policy lets CloudTrail in),
    // log group, role, then the trail, then StartLogging.
    let made = j.ok(&[
        "s3api",
        "create-bucket",
        "--bucket",
        TRAIL_BUCKET,
        "--create-bucket-configuration",
        &format!("LocationConstraint={REGION}"),
    ]);
    // AWS answers `http://<bucket>.s3.amazonaws.com/` outside us-east-1; hubsim `/<bucket>`.
    assert!(s(&made["Location"]).contains(TRAIL_BUCKET), "{made}");
    let trail_args = |key: &str, group: &str, role: &str| -> Vec<String> {
        let mut a: Vec<String> = [
            "cloudtrail",
            "create-trail",
            "--name",
            "journey-trail",
            "--s3-bucket-name",
            TRAIL_BUCKET,
            "--is-multi-region-trail",
            "--include-global-service-events",
            "--enable-log-file-validation",
            "--kms-key-id",
            key,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if !group.is_empty() {
            a.extend(["--cloud-watch-logs-log-group-arn".into(), group.into()]);
            a.extend(["--cloud-watch-logs-role-arn".into(), role.into()]);
        }
        a
    };
    let early: Vec<String> = trail_args(&key_arn, "", "");
    j.fails(&early.iter().map(String::as_str).collect::<Vec<_>>(), "InsufficientS3BucketPolicyException");
    let trail_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{TRAIL_BUCKET}")},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{TRAIL_BUCKET}/AWSLogs/{ACCOUNT}/*"),
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
        tls_deny(TRAIL_BUCKET)
    ]});
    j.ok(&["s3api", "put-bucket-policy", "--bucket", TRAIL_BUCKET, "--policy", &trail_policy.to_string()]);
    j.ok(&["logs", "create-log-group", "--log-group-name", "journey/cloudtrail"]);
    let groups = j.ok(&["logs", "describe-log-groups", "--log-group-name-prefix", "journey/"]);
    let group_arn = s(&groups["logGroups"][0]["arn"]).to_string();
    assert_eq!(group_arn, format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:journey/cloudtrail:*"));
    let role = j.ok(&[
        "iam",
        "create-role",
        "--role-name",
        "journey-cloudtrail-logs",
        "--assume-role-policy-document",
        &trust("cloudtrail.amazonaws.com"),
    ]);
    let trail_role = s(&role["Role"]["Arn"]).to_string();
    assert_eq!(trail_role, format!("arn:aws:iam::{ACCOUNT}:role/journey-cloudtrail-logs"));
    let write_logs = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": group_arn}]});
    j.ok(&[
        "iam",
        "put-role-policy",
        "--role-name",
        "journey-cloudtrail-logs",
        "--policy-name",
        "write-logs",
        "--policy-document",
        &write_logs.to_string(),
    ]);
    let full = trail_args(&key_arn, &group_arn, &trail_role);
    let trail = j.ok(&full.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(trail["TrailARN"], format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/journey-trail"));
    assert_eq!(trail["IsMultiRegionTrail"], true);
    assert_eq!(trail["LogFileValidationEnabled"], true);
    assert_eq!(trail["KmsKeyId"], key_arn.as_str());
    assert_eq!(trail["CloudWatchLogsLogGroupArn"], group_arn.as_str());
    assert_eq!(j.ok(&["cloudtrail", "get-trail-status", "--name", "journey-trail"])["IsLogging"], false);
    j.ok(&["cloudtrail", "start-logging", "--name", "journey-trail"]);
    assert_eq!(j.ok(&["cloudtrail", "get-trail-status", "--name", "journey-trail"])["IsLogging"], true);

    // GuardDuty.1.
    let detector = j.ok(&["guardduty", "create-detector", "--enable"]);
    let detector_id = s(&detector["DetectorId"]).to_string();
    assert_eq!(j.ok(&["guardduty", "get-detector", "--detector-id", &detector_id])["Status"], "ENABLED");
    assert_eq!(j.ok(&["guardduty", "list-detectors"])["DetectorIds"], json!([detector_id]));

    // EC2.2: the default security group loses its rules.
    let groups = j.ok(&["ec2", "describe-security-groups", "--filters", "Name=group-name,Values=default"]);
    let sg = &groups["SecurityGroups"][0];
    let sg_id = s(&sg["GroupId"]).to_string();
    let vpc_id = s(&sg["VpcId"]).to_string();
    assert_eq!(sg["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], sg_id.as_str(), "{sg}");
    assert_eq!(sg["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0", "{sg}");
    let revoked = j.ok(&[
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        &sg_id,
        "--ip-permissions",
        &sg["IpPermissions"].to_string(),
    ]);
    assert_eq!(revoked["Return"], true, "{revoked}");
    j.ok(&[
        "ec2",
        "revoke-security-group-egress",
        "--group-id",
        &sg_id,
        "--ip-permissions",
        &sg["IpPermissionsEgress"].to_string(),
    ]);
    j.fails(
        &[
            "ec2",
            "revoke-security-group-egress",
            "--group-id",
            &sg_id,
            "--ip-permissions",
            &sg["IpPermissionsEgress"].to_string(),
        ],
        "InvalidPermission.NotFound",
    );
    let after = j.ok(&["ec2", "describe-security-groups", "--group-ids", &sg_id]);
    assert_eq!(after["SecurityGroups"][0]["IpPermissions"], json!([]), "{after}");
    assert_eq!(after["SecurityGroups"][0]["IpPermissionsEgress"], json!([]), "{after}");

    // EC2.6: flow logs of the default VPC to CloudWatch Logs.
    j.ok(&["logs", "create-log-group", "--log-group-name", "journey/vpc-flow-logs"]);
    let role = j.ok(&[
        "iam",
        "create-role",
        "--role-name",
        "journey-flow-logs",
        "--assume-role-policy-document",
        &trust("vpc-flow-logs.amazonaws.com"),
    ]);
    let flow_role = s(&role["Role"]["Arn"]).to_string();
    let flows = j.ok(&[
        "ec2",
        "create-flow-logs",
        "--resource-type",
        "VPC",
        "--resource-ids",
        &vpc_id,
        "--traffic-type",
        "REJECT",
        "--log-destination-type",
        "cloud-watch-logs",
        "--log-group-name",
        "journey/vpc-flow-logs",
        "--deliver-logs-permission-arn",
        &flow_role,
    ]);
    assert_eq!(flows["FlowLogIds"].as_array().map(Vec::len), Some(1), "{flows}");
    assert_eq!(flows["Unsuccessful"], json!([]), "{flows}");
    let described = j.ok(&["ec2", "describe-flow-logs"]);
    assert_eq!(described["FlowLogs"][0]["ResourceId"], vpc_id.as_str(), "{described}");

    // EC2.7.
    assert_eq!(j.ok(&["ec2", "get-ebs-encryption-by-default"])["EbsEncryptionByDefault"], false);
    assert_eq!(j.ok(&["ec2", "enable-ebs-encryption-by-default"])["EbsEncryptionByDefault"], true);

    // EC2.10: an interface endpoint for EC2 with its own security group.
    let vpcs = j.ok(&["ec2", "describe-vpcs", "--vpc-ids", &vpc_id]);
    let cidr = s(&vpcs["Vpcs"][0]["CidrBlock"]).to_string();
    let subnets = j.ok(&["ec2", "describe-subnets", "--filters", &format!("Name=vpc-id,Values={vpc_id}")]);
    let subnet_ids: Vec<String> = subnets["Subnets"]
        .as_array()
        .expect("Subnets")
        .iter()
        .map(|s| s["SubnetId"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(subnet_ids.len(), 3, "{subnets}");
    let made = j.ok(&[
        "ec2",
        "create-security-group",
        "--group-name",
        "journey-ec2-endpoint",
        "--description",
        "HTTPS to the EC2 endpoint",
        "--vpc-id",
        &vpc_id,
    ]);
    let endpoint_sg = s(&made["GroupId"]).to_string();
    j.ok(&[
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        &endpoint_sg,
        "--protocol",
        "tcp",
        "--port",
        "443",
        "--cidr",
        &cidr,
    ]);
    j.fails(&["ec2", "describe-security-groups", "--group-ids", "sg-0123456789abcdef0"], "InvalidGroup.NotFound");
    let mut endpoint_args = vec![
        "ec2",
        "create-vpc-endpoint",
        "--vpc-endpoint-type",
        "Interface",
        "--vpc-id",
        &vpc_id,
        "--service-name",
        "com.amazonaws.ap-northeast-1.ec2",
        "--security-group-ids",
        &endpoint_sg,
        "--private-dns-enabled",
        "--subnet-ids",
    ];
    endpoint_args.extend(subnet_ids.iter().map(String::as_str));
    let endpoint = j.ok(&endpoint_args);
    assert_eq!(endpoint["VpcEndpoint"]["ServiceName"], "com.amazonaws.ap-northeast-1.ec2", "{endpoint}");
    assert_eq!(endpoint["VpcEndpoint"]["VpcEndpointType"], "Interface");
    assert_eq!(endpoint["VpcEndpoint"]["Groups"][0]["GroupId"], endpoint_sg.as_str());

    // EC2.15: no public IPs on launch.
    for subnet in &subnet_ids {
        j.ok(&["ec2", "modify-subnet-attribute", "--subnet-id", subnet, "--no-map-public-ip-on-launch"]);
    }
    let subnets = j.ok(&["ec2", "describe-subnets", "--subnet-ids", &subnet_ids[0]]);
    assert_eq!(subnets["Subnets"][0]["MapPublicIpOnLaunch"], false, "{subnets}");

    // EC2.21: rule 100 of the default NACL is narrowed to everything but 22 and 3389.
    let acls = j.ok(&["ec2", "describe-network-acls", "--filters", "Name=default,Values=true"]);
    let acl = &acls["NetworkAcls"][0];
    let acl_id = s(&acl["NetworkAclId"]).to_string();
    let rule_100 = acl["Entries"]
        .as_array()
        .expect("Entries")
        .iter()
        .find(|e| e["RuleNumber"] == 100 && e["Egress"] == false)
        .unwrap_or_else(|| panic!("no inbound rule 100: {acl}"));
    assert_eq!(rule_100["Protocol"], "-1");
    assert_eq!(rule_100["CidrBlock"], "0.0.0.0/0");
    let entry = |verb: &str, number: &str, proto: &str, ports: &str| -> Vec<String> {
        let mut a: Vec<String> = ["ec2", verb, "--network-acl-id", &acl_id, "--ingress", "--rule-number", number]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(["--protocol", proto, "--cidr-block", "0.0.0.0/0", "--rule-action", "allow"].map(String::from));
        if proto == "icmp" {
            a.extend(["--icmp-type-code".into(), "Type=-1,Code=-1".into()]);
        } else {
            a.extend(["--port-range".into(), ports.into()]);
        }
        a
    };
    let run = |a: Vec<String>| j.ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let clash = entry("create-network-acl-entry", "100", "tcp", "From=443,To=443");
    j.fails(&clash.iter().map(String::as_str).collect::<Vec<_>>(), "NetworkAclEntryAlreadyExists");
    run(entry("replace-network-acl-entry", "100", "tcp", "From=0,To=21"));
    for (n, proto, ports) in [
        ("101", "tcp", "From=23,To=3388"),
        ("102", "tcp", "From=3390,To=65535"),
        ("103", "udp", "From=0,To=21"),
        ("104", "udp", "From=23,To=3388"),
        ("105", "udp", "From=3390,To=65535"),
        ("106", "icmp", ""),
    ] {
        run(entry("create-network-acl-entry", n, proto, ports));
    }
    let acls = j.ok(&["ec2", "describe-network-acls", "--network-acl-ids", &acl_id]);
    let inbound: Vec<&Value> = acls["NetworkAcls"][0]["Entries"]
        .as_array()
        .expect("Entries")
        .iter()
        .filter(|e| e["Egress"] == false && e["RuleAction"] == "allow")
        .collect();
    assert_eq!(inbound.len(), 7, "{acls}");
    assert!(inbound.iter().any(|e| e["RuleNumber"] == 100 && e["Protocol"] == "6" && e["PortRange"]["To"] == 21));

    // IAM.7.
    j.fails(&["iam", "get-account-password-policy"], "NoSuchEntity");
    j.ok(&[
        "iam",
        "update-account-password-policy",
        "--minimum-password-length",
        "14",
        "--require-symbols",
        "--require-numbers",
        "--require-uppercase-characters",
        "--require-lowercase-characters",
        "--allow-users-to-change-password",
        "--max-password-age",
        "90",
        "--password-reuse-prevention",
        "24",
    ]);
    let policy = j.ok(&["iam", "get-account-password-policy"]);
    assert_eq!(policy["PasswordPolicy"]["MinimumPasswordLength"], 14, "{policy}");
    assert_eq!(policy["PasswordPolicy"]["PasswordReusePrevention"], 24);

    // IAM.18 (CIS 1.20): a support role trusted by the account, with AWSSupportAccess.
    let root_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]});
    j.ok(&["iam", "create-role", "--role-name", "support", "--assume-role-policy-document", &root_trust.to_string()]);
    let support = "arn:aws:iam::aws:policy/AWSSupportAccess";
    j.ok(&["iam", "attach-role-policy", "--role-name", "support", "--policy-arn", support]);
    let entities = j.ok(&["iam", "list-entities-for-policy", "--policy-arn", support]);
    assert_eq!(entities["PolicyRoles"][0]["RoleName"], "support", "{entities}");

    // S3.1 through S3 Control, whose account-id host label lands in the endpoint's user-info.
    let s3control = format!("http://s3control@127.0.0.1:{}", j.server.port);
    let pab = "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true";
    let missing = aws_cli(&s3control, REGION, &["s3control", "get-public-access-block", "--account-id", ACCOUNT]);
    assert!(matches!(missing.code, 254 | 255), "{missing:?}");
    assert!(missing.stderr.contains("(NoSuchPublicAccessBlockConfiguration)"), "{}", missing.stderr);
    let put = aws_cli(
        &s3control,
        REGION,
        &["s3control", "put-public-access-block", "--account-id", ACCOUNT, "--public-access-block-configuration", pab],
    );
    assert_eq!(put.code, 0, "{put:?}");
    let got = aws_cli(&s3control, REGION, &["s3control", "get-public-access-block", "--account-id", ACCOUNT]);
    assert_eq!(got.code, 0, "{got:?}");
    assert_eq!(
        got.json["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
    );

    // The access-log bucket: log delivery through its policy, SSE-S3.
    j.ok(&[
        "s3api",
        "create-bucket",
        "--bucket",
        LOG_BUCKET,
        "--create-bucket-configuration",
        &format!("LocationConstraint={REGION}"),
    ]);
    let log_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{LOG_BUCKET}/*"),
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
        tls_deny(LOG_BUCKET)
    ]});
    j.ok(&["s3api", "put-bucket-policy", "--bucket", LOG_BUCKET, "--policy", &log_policy.to_string()]);

    // The topic S3 notifies: its policy lets S3 publish, encrypted with the key S3 may use;
    // SNS.2's delivery-status logging through a role SNS assumes.
    let topic = j.ok(&["sns", "create-topic", "--name", "journey-security-events"]);
    let topic_arn = s(&topic["TopicArn"]).to_string();
    assert_eq!(topic_arn, format!("arn:aws:sns:{REGION}:{ACCOUNT}:journey-security-events"));
    let topic_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
         "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:Publish"], "Resource": topic_arn},
        {"Sid": "S3Publishes", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": "SNS:Publish", "Resource": topic_arn,
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    ]});
    let set = |name: &str, value: &str| {
        j.ok(&[
            "sns",
            "set-topic-attributes",
            "--topic-arn",
            &topic_arn,
            "--attribute-name",
            name,
            "--attribute-value",
            value,
        ]);
    };
    set("Policy", &topic_policy.to_string());
    set("KmsMasterKeyId", &key_arn);
    let role = j.ok(&[
        "iam",
        "create-role",
        "--role-name",
        "journey-sns-delivery-status",
        "--assume-role-policy-document",
        &trust("sns.amazonaws.com"),
    ]);
    let sns_role = s(&role["Role"]["Arn"]).to_string();
    set("HTTPSuccessFeedbackRoleArn", &sns_role);
    set("HTTPFailureFeedbackRoleArn", &sns_role);
    let attrs = j.ok(&["sns", "get-topic-attributes", "--topic-arn", &topic_arn]);
    assert_eq!(attrs["Attributes"]["KmsMasterKeyId"], key_arn.as_str(), "{attrs}");
    assert_eq!(attrs["Attributes"]["HTTPFailureFeedbackRoleArn"], sns_role.as_str(), "{attrs}");

    // S3.4/5/8/9/11/13 on every bucket there is.
    let buckets = j.ok(&["s3api", "list-buckets"]);
    let mut names: Vec<String> =
        buckets["Buckets"].as_array().expect("Buckets").iter().map(|b| s(&b["Name"]).to_string()).collect();
    names.sort();
    assert_eq!(names, [CONFIG_BUCKET, LOG_BUCKET, TRAIL_BUCKET], "{buckets}");
    j.fails(
        &["s3api", "get-bucket-encryption", "--bucket", CONFIG_BUCKET],
        "ServerSideEncryptionConfigurationNotFoundError",
    );
    for bucket in &names {
        let bucket = bucket.as_str();
        j.ok(&["s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration", pab]);
        j.ok(&[
            "s3api",
            "put-bucket-encryption",
            "--bucket",
            bucket,
            "--server-side-encryption-configuration",
            r#"{"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}"#,
        ]);
        if bucket == CONFIG_BUCKET {
            // Keep what Config's 1-click wrote; add the TLS deny.
            let got = j.ok(&["s3api", "get-bucket-policy", "--bucket", bucket]);
            let mut doc: Value = serde_json::from_str(s(&got["Policy"])).expect("policy JSON");
            doc["Statement"].as_array_mut().expect("Statement list").push(tls_deny(bucket));
            j.ok(&["s3api", "put-bucket-policy", "--bucket", bucket, "--policy", &doc.to_string()]);
        }
        if bucket != LOG_BUCKET {
            let logging = json!({"LoggingEnabled": {"TargetBucket": LOG_BUCKET, "TargetPrefix": format!("{bucket}/")}});
            j.ok(&["s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status", &logging.to_string()]);
        }
        let notification = json!({"TopicConfigurations": [{"Id": "journey", "TopicArn": topic_arn,
            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]});
        j.ok(&[
            "s3api",
            "put-bucket-notification-configuration",
            "--bucket",
            bucket,
            "--notification-configuration",
            &notification.to_string(),
        ]);
        let lifecycle = json!({"Rules": [{"ID": "journey-transition", "Status": "Enabled", "Filter": {"Prefix": ""},
            "Transitions": [{"Days": 30, "StorageClass": "INTELLIGENT_TIERING"}]}]});
        j.ok(&[
            "s3api",
            "put-bucket-lifecycle-configuration",
            "--bucket",
            bucket,
            "--lifecycle-configuration",
            &lifecycle.to_string(),
        ]);
    }
    let enc = j.ok(&["s3api", "get-bucket-encryption", "--bucket", CONFIG_BUCKET]);
    assert_eq!(
        enc["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    let logging = j.ok(&["s3api", "get-bucket-logging", "--bucket", TRAIL_BUCKET]);
    assert_eq!(logging["LoggingEnabled"]["TargetBucket"], LOG_BUCKET, "{logging}");
    let notification = j.ok(&["s3api", "get-bucket-notification-configuration", "--bucket", LOG_BUCKET]);
    assert_eq!(notification["TopicConfigurations"][0]["TopicArn"], topic_arn.as_str(), "{notification}");
    let policy = j.ok(&["s3api", "get-bucket-policy", "--bucket", CONFIG_BUCKET]);
    let doc: Value = serde_json::from_str(s(&policy["Policy"])).expect("policy JSON");
    let statements = doc["Statement"].as_array().expect("Statement");
    assert!(statements.len() >= 2, "{doc}");
    assert_eq!(statements.last(), Some(&tls_deny(CONFIG_BUCKET)), "{doc}");

    // CIS 3.1-3.14 (CloudWatch.1-14, and IAM.20 in era 2022): a metric filter with CIS's
    // pattern on the trail's log group, an alarm on its metric notifying the topic, and an email
    // subscription confirmed with the token Subscribe answered (hubsim's token is the ARN).
    for n in 1..=14 {
        let id = format!("CloudWatch.{n}");
        let (pattern, metric) = hubsim_checks::controls::cis_monitoring_pattern(&id).expect("a CIS pattern");
        let transformation = json!([{"metricName": metric, "metricNamespace": "CISBenchmark", "metricValue": "1"}]);
        j.ok(&[
            "logs",
            "put-metric-filter",
            "--log-group-name",
            "journey/cloudtrail",
            "--filter-name",
            metric,
            "--filter-pattern",
            pattern,
            "--metric-transformations",
            &transformation.to_string(),
        ]);
        j.ok(&[
            "cloudwatch",
            "put-metric-alarm",
            "--alarm-name",
            &format!("cis-{metric}"),
            "--metric-name",
            metric,
            "--namespace",
            "CISBenchmark",
            "--statistic",
            "Sum",
            "--period",
            "300",
            "--evaluation-periods",
            "1",
            "--threshold",
            "1",
            "--comparison-operator",
            "GreaterThanOrEqualToThreshold",
            "--alarm-actions",
            &topic_arn,
        ]);
    }
    j.fails(
        &[
            "logs",
            "put-metric-filter",
            "--log-group-name",
            "journey/cloudtrail",
            "--filter-name",
            "broken",
            "--filter-pattern",
            "{ ($.eventName = ConsoleLogin }",
            "--metric-transformations",
            r#"[{"metricName": "Broken", "metricNamespace": "CISBenchmark", "metricValue": "1"}]"#,
        ],
        "InvalidParameterException",
    );
    let sub = j.ok(&[
        "sns",
        "subscribe",
        "--topic-arn",
        &topic_arn,
        "--protocol",
        "email",
        "--notification-endpoint",
        "security@example.com",
        "--return-subscription-arn",
    ]);
    let token = s(&sub["SubscriptionArn"]).to_string();
    let pending = j.ok(&["sns", "list-subscriptions-by-topic", "--topic-arn", &topic_arn]);
    assert_eq!(pending["Subscriptions"][0]["SubscriptionArn"], "PendingConfirmation", "{pending}");
    let confirmed = j.ok(&["sns", "confirm-subscription", "--topic-arn", &topic_arn, "--token", &token]);
    assert_eq!(confirmed["SubscriptionArn"], token.as_str());
    let attrs = j.ok(&["sns", "get-subscription-attributes", "--subscription-arn", &token]);
    assert_eq!(attrs["Attributes"]["PendingConfirmation"], "false", "{attrs}");

    // The admin route evaluates everything now: only the root user's MFA (IAM.6, and IAM.9 of
    // CIS 1.13: no MFA of any kind; both need a root sign-in) and the log bucket's S3.9 fail. The
    // account has no IAM user and no customer managed policy, so IAM.1, IAM.2, IAM.3, IAM.5 and
    // IAM.8 have nothing to judge: No data in era 2022; nor have KMS.1 and IAM.21 (customer
    // managed policies), SQS.1 (no queue), S3.10 (no versioned bucket), EC2.23 (no transit
    // gateway), EC2.20 (no VPN connection), nor the instance and volume controls (EC2.3, EC2.4, EC2.8, EC2.9, EC2.17,
    // EC2.24): the journey launches no instance; nor the controls of the services it creates
    // nothing in (functions, repositories, load balancers, databases, tables, secrets, managed
    // instances and documents).
    const NOTHING_TO_JUDGE: &[&str] = &[
        "IAM.1",
        "IAM.2",
        "IAM.3",
        "IAM.5",
        "IAM.8",
        "IAM.21",
        "KMS.1",
        "SQS.1",
        "S3.10",
        "EC2.3",
        "EC2.4",
        "EC2.8",
        "EC2.9",
        "EC2.17",
        "EC2.20",
        "EC2.23",
        "EC2.24",
        // issue 16
        "DynamoDB.1",
        "DynamoDB.2",
        "SecretsManager.1",
        "SecretsManager.2",
        "SecretsManager.3",
        "SecretsManager.4",
    ];
    const UNUSED_SERVICES: &[&str] = &["Lambda.", "ECR.", "ELB.", "RDS.", "DynamoDB.", "SecretsManager.", "SSM."];
    let nothing_to_judge =
        |id: &str| NOTHING_TO_JUDGE.contains(&id) || UNUSED_SERVICES.iter().any(|s| id.starts_with(s));
    let summary = j.admin_evaluate();
    let after = control_statuses(&summary);
    // The journey's account is in era 2022: controls only the current era has are not judged.
    let catalogue = hubsim_checks::catalogue::catalogue();
    let in_2022 = |id: &&str| catalogue.control(id).is_some_and(|c| c.in_era(hubsim_simulator::Era::Y2022).is_some());
    for id in hubsim_checks::controls::all().iter().map(|c| c.id).filter(in_2022) {
        let want = match id {
            "IAM.6" | "IAM.9" | "S3.9" => "FAILED",
            id if nothing_to_judge(id) => "NO_DATA",
            _ => "PASSED",
        };
        assert_eq!(status_of(&after, id), want, "{id} after the journey: {summary}");
    }

    // The log bucket cannot log to itself: suppress its S3.9 finding with a note.
    let log_arn = format!("arn:aws:s3:::{LOG_BUCKET}");
    let filter = json!({
        "ComplianceSecurityControlId": [{"Value": "S3.9", "Comparison": "EQUALS"}],
        "ResourceId": [{"Value": log_arn, "Comparison": "EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]
    });
    let found = j.ok(&["securityhub", "get-findings", "--filters", &filter.to_string()]);
    let findings = found["Findings"].as_array().expect("Findings");
    assert_eq!(findings.len(), 1, "{found}");
    let finding = &findings[0];
    assert_eq!(finding["Compliance"]["Status"], "FAILED");
    assert_eq!(finding["Workflow"]["Status"], "NEW");
    assert_eq!(finding["Resources"][0]["Id"], log_arn.as_str());
    let identifier = format!("Id={},ProductArn={}", s(&finding["Id"]), s(&finding["ProductArn"]));
    let updated = j.ok(&[
        "securityhub",
        "batch-update-findings",
        "--finding-identifiers",
        &identifier,
        "--workflow",
        "Status=SUPPRESSED",
        "--note",
        "Text=The access-log bucket cannot log to itself,UpdatedBy=journey",
    ]);
    assert_eq!(updated["ProcessedFindings"].as_array().map(Vec::len), Some(1), "{updated}");
    assert_eq!(updated["UnprocessedFindings"], json!([]), "{updated}");
    let found = j.ok(&["securityhub", "get-findings", "--filters", &filter.to_string()]);
    assert_eq!(found["Findings"][0]["Workflow"]["Status"], "SUPPRESSED", "{found}");
    assert_eq!(found["Findings"][0]["Note"]["Text"], "The access-log bucket cannot log to itself");
    assert_eq!(found["Findings"][0]["Note"]["UpdatedBy"], "journey");

    // Every active finding, a few pages at a time: every control passes or is suppressed,
    // except the root MFA ones (IAM.6, IAM.9); the per-user ones have none.
    let active = json!({"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]});
    let all = j.ok(&["securityhub", "get-findings", "--filters", &active.to_string(), "--page-size", "20"]);
    let findings = all["Findings"].as_array().expect("Findings");
    assert!(findings.len() > 20, "expected several pages: {}", findings.len());
    let ids: Vec<&str> = findings.iter().map(|f| s(&f["Id"])).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "pagination repeated findings");
    for id in hubsim_checks::controls::all().iter().map(|c| c.id).filter(in_2022) {
        let mine: Vec<&Value> = findings.iter().filter(|f| f["Compliance"]["SecurityControlId"] == *id).collect();
        // The controls with nothing to judge have no finding at all.
        if nothing_to_judge(id) {
            assert!(mine.is_empty(), "{id} judged what the account does not have: {mine:?}");
            continue;
        }
        assert!(!mine.is_empty(), "no active finding for {id}");
        for f in mine {
            let compliance = s(&f["Compliance"]["Status"]);
            let workflow = s(&f["Workflow"]["Status"]);
            if id == "IAM.6" || id == "IAM.9" {
                assert_eq!(compliance, "FAILED", "{f}");
            } else {
                assert!(
                    compliance == "PASSED" || workflow == "SUPPRESSED",
                    "{id} {}: {compliance}/{workflow}",
                    f["Resources"][0]["Id"]
                );
            }
        }
    }
}
