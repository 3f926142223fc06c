//! AWS's size and count limits over the wire, with boto3: for each family, a request at the
//! limit is accepted, one past it is refused with AWS's code, and the refusal changes nothing.
//! The hostile sizes of issue 20 (a 3.5 MB bucket policy of `*`s, a hundred thousand security
//! group rules) are refused the same way and the server keeps answering.

mod wire_support;

use std::sync::OnceLock;

use wire_support::{boto, have_boto3, start, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start("limits", &[]))
}

/// Python helpers shared by the tests: `compact(doc)` (JSON without white space) and
/// `padded(doc, key, size)`, which pads the string at `doc[key]` so that `compact(doc)` is
/// exactly `size` bytes.
const HELPERS: &str = r#"
def compact(doc):
    return json.dumps(doc, separators=(",", ":"))
def padded(make, size):
    base = len(compact(make("")))
    text = compact(make("A" * (size - base)))
    assert len(text) == size, (len(text), size)
    return text
"#;

#[test]
fn bucket_policy_is_at_most_20_kb_and_a_3_mb_one_is_refused_with_the_server_alive() {
    if !have_boto3() {
        return;
    }
    let script = format!(
        "{HELPERS}{}",
        r#"
s3 = client("s3")
s3.create_bucket(Bucket="limits-policy")
def policy(pad):
    return {"Version": "2012-10-17", "Statement": [{"Sid": "S" + pad, "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::limits-policy/*"}]}
at_limit = padded(policy, 20480)
OUT["at_limit"] = err(s3.put_bucket_policy, Bucket="limits-policy", Policy=at_limit)
# White space does not count: the same policy pretty-printed is still accepted.
OUT["pretty"] = err(s3.put_bucket_policy, Bucket="limits-policy", Policy=json.dumps(json.loads(at_limit), indent=4))
s3.put_bucket_policy(Bucket="limits-policy", Policy=at_limit)
OUT["over"] = err(s3.put_bucket_policy, Bucket="limits-policy", Policy=padded(policy, 20481))
OUT["kept_after_over"] = s3.get_bucket_policy(Bucket="limits-policy")["Policy"] == at_limit
huge = compact({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
    "Action": "s3:GetObject", "Resource": ["*"] * 900000}]})
OUT["huge_bytes"] = len(huge)
OUT["huge"] = err(s3.put_bucket_policy, Bucket="limits-policy", Policy=huge)
OUT["kept_after_huge"] = s3.get_bucket_policy(Bucket="limits-policy")["Policy"] == at_limit
# The server is alive and a trail naming the bucket is judged against the kept policy.
OUT["trail"] = err(client("cloudtrail").create_trail, Name="limits-trail", S3BucketName="limits-policy")
"#
    );
    let out = boto(server().port, &script);
    assert_eq!(out["at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["pretty"], serde_json::Value::Null, "{out}");
    assert_eq!(out["over"]["Code"], "MalformedPolicy", "{out}");
    assert_eq!(out["over"]["Status"], 400, "{out}");
    assert!(out["over"]["Message"].as_str().unwrap_or("").contains("maximum allowed document size"), "{out}");
    assert_eq!(out["kept_after_over"], true, "{out}");
    assert!(out["huge_bytes"].as_u64().unwrap_or(0) > 3_000_000, "{out}");
    assert_eq!(out["huge"]["Code"], "MalformedPolicy", "{out}");
    assert_eq!(out["kept_after_huge"], true, "{out}");
    // The kept policy does not let CloudTrail write: AWS's refusal, from a live server.
    assert_eq!(out["trail"]["Code"], "InsufficientS3BucketPolicyException", "{out}");
}

#[test]
fn iam_trust_and_inline_policies_keep_iams_quotas_without_counting_white_space() {
    if !have_boto3() {
        return;
    }
    let script = format!(
        "{HELPERS}{}",
        r#"
iam = client("iam")
def trust(pad):
    return {"Version": "2012-10-17", "Statement": [{"Sid": "T" + pad, "Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
at_limit = json.dumps(json.loads(padded(trust, 2048)), indent=8)
OUT["raw_length"] = len(at_limit)
OUT["trust_at_limit"] = err(iam.create_role, RoleName="limits-trust-ok", AssumeRolePolicyDocument=at_limit)
OUT["trust_over"] = err(iam.create_role, RoleName="limits-trust-over", AssumeRolePolicyDocument=padded(trust, 2049))
OUT["roles"] = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("limits-trust")]
def inline(pad):
    return {"Version": "2012-10-17", "Statement": [{"Sid": "I" + pad, "Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "*"}]}
iam.put_role_policy(RoleName="limits-trust-ok", PolicyName="a", PolicyDocument=padded(inline, 6000))
OUT["inline_fill"] = err(iam.put_role_policy, RoleName="limits-trust-ok", PolicyName="b", PolicyDocument=padded(inline, 4240))
OUT["inline_over"] = err(iam.put_role_policy, RoleName="limits-trust-ok", PolicyName="c", PolicyDocument=padded(inline, 200))
# Replacing a policy counts its new size, not both.
OUT["inline_replace"] = err(iam.put_role_policy, RoleName="limits-trust-ok", PolicyName="b", PolicyDocument=padded(inline, 4240))
OUT["inline_alone_over"] = err(iam.put_role_policy, RoleName="limits-trust-ok", PolicyName="d", PolicyDocument=padded(inline, 10241))
OUT["inline_names"] = iam.list_role_policies(RoleName="limits-trust-ok")["PolicyNames"]
tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
OUT["user_tags_over"] = err(iam.create_user, UserName="limits-tagged", Tags=tags)
OUT["user_tags_at"] = err(iam.create_user, UserName="limits-tagged", Tags=tags[:50])
"#
    );
    let out = boto(server().port, &script);
    assert!(out["raw_length"].as_u64().unwrap_or(0) > 2048, "{out}");
    assert_eq!(out["trust_at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["trust_over"]["Code"], "LimitExceeded", "{out}");
    assert_eq!(out["trust_over"]["Status"], 409, "{out}");
    assert_eq!(out["trust_over"]["Message"], "Cannot exceed quota for ACLSizePerRole: 2048", "{out}");
    assert_eq!(out["roles"], serde_json::json!(["limits-trust-ok"]), "{out}");
    assert_eq!(out["inline_fill"], serde_json::Value::Null, "{out}");
    assert_eq!(out["inline_over"]["Code"], "LimitExceeded", "{out}");
    assert_eq!(out["inline_replace"], serde_json::Value::Null, "{out}");
    assert_eq!(out["inline_alone_over"]["Code"], "LimitExceeded", "{out}");
    assert_eq!(out["inline_names"], serde_json::json!(["a", "b"]), "{out}");
    assert_eq!(out["user_tags_over"]["Code"], "ValidationError", "{out}");
    assert_eq!(out["user_tags_at"], serde_json::Value::Null, "{out}");
}

#[test]
fn kms_key_policy_is_at_most_32_kb_and_kms_and_guardduty_resources_at_most_50_tags() {
    if !have_boto3() {
        return;
    }
    let script = format!(
        "{HELPERS}{}",
        r#"
kms = client("kms")
key = kms.create_key()["KeyMetadata"]["KeyId"]
def policy(pad):
    return {"Version": "2012-10-17", "Statement": [{"Sid": "K" + pad, "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}
at_limit = padded(policy, 32768)
OUT["at_limit"] = err(kms.put_key_policy, KeyId=key, PolicyName="default", Policy=at_limit)
OUT["over"] = err(kms.put_key_policy, KeyId=key, PolicyName="default", Policy=padded(policy, 32769))
OUT["kept"] = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"] == at_limit
before = len(kms.list_keys()["Keys"])
OUT["create_over"] = err(kms.create_key, Policy=padded(policy, 40000))
tags = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)]
OUT["tags_over"] = err(kms.create_key, Tags=tags)
OUT["keys_unchanged"] = len(kms.list_keys()["Keys"]) == before
OUT["tags_at"] = err(kms.create_key, Tags=tags[:50])
# GuardDuty's model allows 200 tags, GuardDuty itself 50.
gd = client("guardduty")
gd_tags = {f"k{i}": "v" for i in range(51)}
OUT["gd_tags_over"] = err(gd.create_detector, Enable=True, Tags=gd_tags)
OUT["gd_detectors"] = len(gd.list_detectors()["DetectorIds"])
"#
    );
    let out = boto(server().port, &script);
    assert_eq!(out["at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["over"]["Code"], "LimitExceededException", "{out}");
    assert_eq!(out["over"]["Status"], 400, "{out}");
    assert_eq!(out["kept"], true, "{out}");
    assert_eq!(out["create_over"]["Code"], "LimitExceededException", "{out}");
    assert_eq!(out["tags_over"]["Code"], "TagException", "{out}");
    assert_eq!(out["keys_unchanged"], true, "{out}");
    assert_eq!(out["tags_at"], serde_json::Value::Null, "{out}");
    assert_eq!(out["gd_tags_over"]["Code"], "BadRequestException", "{out}");
    assert_eq!(out["gd_detectors"], 0, "no detector was made: {out}");
}

#[test]
fn sns_topic_policy_is_at_most_30_kb() {
    if !have_boto3() {
        return;
    }
    let script = format!(
        "{HELPERS}{}",
        r#"
sns = client("sns")
arn = sns.create_topic(Name="limits-topic")["TopicArn"]
def policy(pad):
    return {"Version": "2012-10-17", "Statement": [{"Sid": "P" + pad, "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sns:Publish", "Resource": arn}]}
at_limit = padded(policy, 30720)
OUT["at_limit"] = err(sns.set_topic_attributes, TopicArn=arn, AttributeName="Policy", AttributeValue=at_limit)
OUT["over"] = err(sns.set_topic_attributes, TopicArn=arn, AttributeName="Policy", AttributeValue=padded(policy, 30721))
OUT["kept"] = sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"] == at_limit
OUT["create_over"] = err(sns.create_topic, Name="limits-topic-2", Attributes={"Policy": padded(policy, 30721)})
OUT["topics"] = sorted(t["TopicArn"].split(":")[-1] for t in sns.list_topics()["Topics"] if "limits-topic" in t["TopicArn"])
"#
    );
    let out = boto(server().port, &script);
    assert_eq!(out["at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["over"]["Code"], "InvalidParameter", "{out}");
    assert_eq!(out["over"]["Status"], 400, "{out}");
    assert_eq!(out["kept"], true, "{out}");
    assert_eq!(out["create_over"]["Code"], "InvalidParameter", "{out}");
    assert_eq!(out["topics"], serde_json::json!(["limits-topic"]), "{out}");
}

#[test]
fn security_group_rules_are_at_most_60_per_direction_and_family() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
ec2 = client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
sg = ec2.create_security_group(GroupName="limits-sg", Description="limits", VpcId=vpc)["GroupId"]
other = ec2.create_security_group(GroupName="limits-other", Description="limits", VpcId=vpc)["GroupId"]
def v4(n, base=0):
    return [{"CidrIp": f"10.{(base + i) // 256}.{(base + i) % 256}.0/24"} for i in range(n)]
def v6(n):
    return [{"CidrIpv6": f"2001:db8:{i:x}::/48"} for i in range(n)]
def ingress(**perm):
    return err(ec2.authorize_security_group_ingress, GroupId=sg,
               IpPermissions=[dict(IpProtocol="tcp", FromPort=443, ToPort=443, **perm)])
def count(egress):
    g = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    perms = g["IpPermissionsEgress" if egress else "IpPermissions"]
    return sum(len(p.get("IpRanges", [])) + len(p.get("Ipv6Ranges", [])) + len(p.get("UserIdGroupPairs", [])) for p in perms)
OUT["v4_too_many_at_once"] = ingress(IpRanges=v4(61))
OUT["v4_at_limit"] = ingress(IpRanges=v4(60))
OUT["v4_over"] = ingress(IpRanges=v4(1, 100))
OUT["v6_at_limit"] = ingress(Ipv6Ranges=v6(60))
# A group reference counts for both families, and both are full.
OUT["group_over"] = ingress(UserIdGroupPairs=[{"GroupId": other}])
OUT["inbound"] = count(False)
# Outbound is counted apart: the group starts with its allow-all IPv4 rule.
OUT["egress_at_limit"] = err(ec2.authorize_security_group_egress, GroupId=sg,
    IpPermissions=[dict(IpProtocol="tcp", FromPort=80, ToPort=80, IpRanges=v4(59))])
OUT["egress_over"] = err(ec2.authorize_security_group_egress, GroupId=sg,
    IpPermissions=[dict(IpProtocol="tcp", FromPort=81, ToPort=81, IpRanges=v4(1))])
OUT["outbound"] = count(True)
OUT["huge"] = err(ec2.authorize_security_group_ingress, GroupId=other,
    IpPermissions=[dict(IpProtocol="tcp", FromPort=22, ToPort=22, IpRanges=v4(60000))])
OUT["other_rules"] = len(ec2.describe_security_groups(GroupIds=[other])["SecurityGroups"][0]["IpPermissions"])
"#,
    );
    assert_eq!(out["v4_too_many_at_once"]["Code"], "RulesPerSecurityGroupLimitExceeded", "{out}");
    assert_eq!(out["v4_too_many_at_once"]["Status"], 400, "{out}");
    assert_eq!(out["v4_at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["v4_over"]["Code"], "RulesPerSecurityGroupLimitExceeded", "{out}");
    assert_eq!(out["v6_at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["group_over"]["Code"], "RulesPerSecurityGroupLimitExceeded", "{out}");
    assert_eq!(out["inbound"], 120, "{out}");
    assert_eq!(out["egress_at_limit"], serde_json::Value::Null, "{out}");
    assert_eq!(out["egress_over"]["Code"], "RulesPerSecurityGroupLimitExceeded", "{out}");
    assert_eq!(out["outbound"], 60, "{out}");
    assert_eq!(out["huge"]["Code"], "RulesPerSecurityGroupLimitExceeded", "{out}");
    assert_eq!(out["other_rules"], 0, "{out}");
}

#[test]
fn scalar_xml_fields_holding_elements_are_refused_and_change_nothing() {
    let port = server().port;
    let (status, _, body) = wire_support::raw(port, "PUT", "/limits-xml", &[], b"");
    assert_eq!(status, 200, "{body}");
    let put = |xml: &str| wire_support::raw(port, "PUT", "/limits-xml?versioning", &[], xml.as_bytes());
    let (status, _, body) =
        put("<VersioningConfiguration><Status>Enabled<Status>Suspended</Status></Status></VersioningConfiguration>");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>MalformedXML</Code>"), "{body}");
    assert!(body.contains("&lt;Status&gt; is a string and cannot hold the element &lt;Status&gt;"), "{body}");
    let (status, _, body) = wire_support::raw(port, "GET", "/limits-xml?versioning", &[], b"");
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("<Status>"), "versioning changed: {body}");
    // The well-formed request still works.
    let (status, _, body) = put("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
    assert_eq!(status, 200, "{body}");
    let (_, _, body) = wire_support::raw(port, "GET", "/limits-xml?versioning", &[], b"");
    assert!(body.contains("<Status>Enabled</Status>"), "{body}");
}

/// An account with one region, eu-west-1, for the region tests.
const ONE_REGION: &str = r#"{
  "format": 1,
  "name": "one-region",
  "description": "A fresh account that has enabled eu-west-1 only.",
  "era": "current",
  "account": {"id": "123456789012", "regions": ["eu-west-1"], "home_region": "eu-west-1"},
  "baseline": {"preset": "fresh-account"}
}"#;

#[test]
fn calls_signed_for_a_region_the_account_lacks_are_refused_and_the_export_still_validates() {
    if !have_boto3() {
        return;
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("regions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let scenario = dir.join("one-region.json");
    std::fs::write(&scenario, ONE_REGION).expect("scenario");
    let server = start("regions", &["--scenario", scenario.to_str().expect("utf-8 path")]);
    let out = boto(
        server.port,
        r#"
FAKE = "xx-fake-1"
OUT["ec2"] = err(client("ec2", FAKE).create_vpc, CidrBlock="10.1.0.0/16")
OUT["ec2_disabled"] = err(client("ec2", "us-west-2").create_vpc, CidrBlock="10.1.0.0/16")
OUT["sns"] = err(client("sns", FAKE).create_topic, Name="fake-topic")
OUT["kms"] = err(client("kms", FAKE).create_key)
OUT["logs"] = err(client("logs", FAKE).create_log_group, logGroupName="fake-group")
OUT["guardduty"] = err(client("guardduty", FAKE).create_detector, Enable=True)
OUT["iam"] = err(client("iam", FAKE).create_user, UserName="fake-user")
OUT["s3"] = err(client("s3", FAKE).create_bucket, Bucket="fake-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
OUT["s3_disabled"] = err(client("s3", "us-east-1").create_bucket, Bucket="fake-bucket-2")
# Nothing was made: the account's own region shows none of it.
home = "eu-west-1"
OUT["vpcs"] = [v["CidrBlock"] for v in client("ec2", home).describe_vpcs()["Vpcs"]]
OUT["topics"] = client("sns", home).list_topics()["Topics"]
OUT["users"] = [u["UserName"] for u in client("iam", home).list_users()["Users"]]
OUT["buckets"] = [b["Name"] for b in client("s3", home).list_buckets()["Buckets"]]
# Global services answer from any real region, as AWS's global endpoints do.
OUT["iam_us_east_1"] = err(client("iam", "us-east-1").create_user, UserName="global-user")
OUT["s3_us_east_1"] = err(client("s3", "us-east-1").create_bucket, Bucket="home-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
OUT["topic_home"] = err(client("sns", home).create_topic, Name="home-topic")
"#,
    );
    assert_eq!((&out["ec2"]["Code"], &out["ec2"]["Status"]), (&"AuthFailure".into(), &401.into()), "{out}");
    assert_eq!(out["ec2_disabled"]["Code"], "AuthFailure", "{out}");
    assert_eq!((&out["sns"]["Code"], &out["sns"]["Status"]), (&"InvalidClientTokenId".into(), &403.into()), "{out}");
    assert_eq!(out["kms"]["Code"], "UnrecognizedClientException", "{out}");
    assert_eq!(out["logs"]["Code"], "UnrecognizedClientException", "{out}");
    assert_eq!(out["guardduty"]["Code"], "UnrecognizedClientException", "{out}");
    assert_eq!(out["iam"]["Code"], "InvalidClientTokenId", "{out}");
    assert_eq!(out["s3"]["Code"], "IllegalLocationConstraintException", "{out}");
    assert_eq!(out["s3_disabled"]["Code"], "IllegalLocationConstraintException", "{out}");
    assert_eq!(out["vpcs"], serde_json::json!(["172.31.0.0/16"]), "{out}");
    assert_eq!(out["topics"], serde_json::json!([]), "{out}");
    assert_eq!(out["users"], serde_json::json!([]), "{out}");
    assert_eq!(out["buckets"], serde_json::json!([]), "{out}");
    assert_eq!(out["iam_us_east_1"], serde_json::Value::Null, "{out}");
    assert_eq!(out["s3_us_east_1"]["Code"], "IllegalLocationConstraintException", "{out}");
    assert_eq!(out["topic_home"], serde_json::Value::Null, "{out}");

    // The database's export is a scenario that validates: the IAM call signed for us-east-1
    // became a step of the home region.
    // The server holds its database: stop it first (one process per database file).
    let db = server.stop_keeping_db();
    let exported = dir.join("exported.json");
    let hubsim = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("run hubsim")
    };
    let export = hubsim(&[
        "scenario",
        "export",
        "--db",
        db.to_str().expect("utf-8"),
        "--output",
        exported.to_str().expect("utf-8"),
    ]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let text = std::fs::read_to_string(&exported).expect("exported");
    let steps: serde_json::Value = serde_json::from_str(&text).expect("json");
    let calls: Vec<(String, Option<String>)> = steps["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| (s["call"].as_str().unwrap_or("").to_string(), s["region"].as_str().map(str::to_string)))
        .collect();
    assert_eq!(calls, vec![("iam:CreateUser".to_string(), None), ("sns:CreateTopic".to_string(), None)], "{text}");
    let validate = hubsim(&["scenario", "validate", exported.to_str().expect("utf-8")]);
    assert!(validate.status.success(), "{}\n{text}", String::from_utf8_lossy(&validate.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(server_dir) = db.parent() {
        let _ = std::fs::remove_dir_all(server_dir);
    }
}

#[test]
fn ec2_parameters_its_api_does_not_have_are_unknown_and_change_nothing() {
    let port = server().port;
    let vpcs = || {
        let (status, body) = wire_support::form(port, "Action=DescribeVpcs&Version=2016-11-15");
        assert_eq!(status, 200, "{body}");
        body.matches("<vpcId>").count()
    };
    let before = vpcs();
    // `CidrBlock` is a string: `CidrBlock.1` cannot stand for it.
    let (status, body) = wire_support::form(port, "Action=CreateVpc&Version=2016-11-15&CidrBlock.1=10.77.0.0%2F16");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>UnknownParameter</Code>"), "{body}");
    assert!(body.contains("The parameter CidrBlock.1 is not recognized"), "{body}");
    assert_eq!(vpcs(), before);
}

#[test]
fn network_acls_hold_at_most_20_entries_per_direction_default_deny_included() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
ec2 = client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.91.0.0/16")["Vpc"]["VpcId"]
acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
def add(n, egress):
    return err(ec2.create_network_acl_entry, NetworkAclId=acl, RuleNumber=n, Protocol="6", RuleAction="allow",
               Egress=egress, CidrBlock=f"10.{n}.0.0/16", PortRange={"From": 443, "To": 443})
OUT["ingress"] = [add(n, False) for n in range(1, 20)]
OUT["ingress_over"] = add(20, False)
OUT["egress_first"] = add(1, True)
entries = ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Entries"]
OUT["counts"] = [sum(1 for e in entries if not e["Egress"]), sum(1 for e in entries if e["Egress"])]
"#,
    );
    assert!(out["ingress"].as_array().expect("list").iter().all(serde_json::Value::is_null), "{out}");
    assert_eq!(out["ingress_over"]["Code"], "NetworkAclEntryLimitExceeded", "{out}");
    assert_eq!(out["ingress_over"]["Status"], 400, "{out}");
    assert_eq!(out["egress_first"], serde_json::Value::Null, "{out}");
    assert_eq!(out["counts"], serde_json::json!([20, 2]), "{out}");
}
