//! AWS Config custom policy rules over the wire with boto3 (issue 21): a Guard rule put with
//! PutConfigRule turns NON_COMPLIANT in the same request cycle as a bucket changes and
//! COMPLIANT once it is fixed; a periodic rule follows `hubsim:AdvanceClock`; a policy that does
//! not parse is refused with the parser's line and column; configuration items read back as
//! Config shapes them.

mod wire_support;

use wire_support::{boto, have_boto3, start};

const SCENARIO: &str = r#"{
  "format": 1,
  "name": "rules-wire",
  "era": "current",
  "account": {"id": "123456789012", "regions": ["eu-west-1"], "home_region": "eu-west-1"},
  "baseline": {"preset": "fresh-account", "config_one_click": {"regions": ["eu-west-1"]}}
}"#;

const SCRIPT: &str = r#"
import datetime
cfg = client("config", "eu-west-1")
s3 = client("s3", "eu-west-1")
POLICY = """
rule bucket_protected when resourceType == "AWS::S3::Bucket" {
    supplementaryConfiguration.BucketVersioningConfiguration.status == "Enabled" or
    supplementaryConfiguration.BucketLifecycleConfiguration.rules not empty
}
"""
def rule(name, details, text=POLICY):
    return {"ConfigRuleName": name, "Scope": {"ComplianceResourceTypes": ["AWS::S3::Bucket"]},
            "Source": {"Owner": "CUSTOM_POLICY", "SourceDetails": details,
                       "CustomPolicyDetails": {"PolicyRuntime": "guard-2.x.x", "PolicyText": text}}}
def verdict(name, bucket):
    for r in cfg.get_compliance_details_by_config_rule(ConfigRuleName=name)["EvaluationResults"]:
        q = r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
        if q["ResourceId"] == bucket:
            return [r["ComplianceType"], r.get("Annotation", "")]
    return None
CHANGE = [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}]
s3.create_bucket(Bucket="wire-rules-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3.put_bucket_versioning(Bucket="wire-rules-data", VersioningConfiguration={"Status": "Enabled"})
cfg.put_config_rule(ConfigRule=rule("protected", CHANGE))
OUT["described"] = cfg.describe_config_rules(ConfigRuleNames=["protected"])["ConfigRules"][0]
OUT["first"] = verdict("protected", "wire-rules-data")
s3.put_bucket_versioning(Bucket="wire-rules-data", VersioningConfiguration={"Status": "Suspended"})
OUT["after_change"] = verdict("protected", "wire-rules-data")
OUT["by_rule"] = cfg.describe_compliance_by_config_rule(ConfigRuleNames=["protected"])["ComplianceByConfigRules"][0]["Compliance"]
s3.put_bucket_lifecycle_configuration(Bucket="wire-rules-data", LifecycleConfiguration={"Rules": [
    {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}]})
OUT["after_fix"] = verdict("protected", "wire-rules-data")
item = cfg.batch_get_resource_config(resourceKeys=[{"resourceType": "AWS::S3::Bucket", "resourceId": "wire-rules-data"}])["baseConfigurationItems"][0]
OUT["item"] = {"type": item["resourceType"], "arn": item["arn"], "status": item["configurationItemStatus"],
               "versioning": json.loads(item["supplementaryConfiguration"]["BucketVersioningConfiguration"]),
               "lifecycle": json.loads(item["supplementaryConfiguration"]["BucketLifecycleConfiguration"]),
               "configuration": json.loads(item["configuration"])}
OUT["history"] = [i["configurationItemStatus"] for i in cfg.get_resource_config_history(
    resourceType="AWS::S3::Bucket", resourceId="wire-rules-data", chronologicalOrder="Forward")["configurationItems"]]

# Periodic: evaluated at put, then only when the clock passes the frequency.
s3.create_bucket(Bucket="wire-rules-periodic", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
PERIODIC = [{"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": "One_Hour"}]
cfg.put_config_rule(ConfigRule=rule("hourly", PERIODIC))
OUT["periodic_first"] = verdict("hourly", "wire-rules-periodic")
s3.put_bucket_versioning(Bucket="wire-rules-periodic", VersioningConfiguration={"Status": "Enabled"})
OUT["periodic_before_clock"] = verdict("hourly", "wire-rules-periodic")
import urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{PORT}/_hubsim/advance-clock", data=json.dumps({"Minutes": 61}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req).read()
OUT["periodic_after_clock"] = verdict("hourly", "wire-rules-periodic")

OUT["bad_policy"] = err(cfg.put_config_rule, ConfigRule=rule("broken", CHANGE, "rule x {\n  configuration.a == \n}"))
OUT["bad_scope"] = err(cfg.put_config_rule, ConfigRule=dict(rule("scope", CHANGE), Scope={"ComplianceResourceTypes": ["AWS::S3::Buckets"]}))
OUT["missing"] = err(cfg.delete_config_rule, ConfigRuleName="nope")
OUT["rules_after"] = sorted(r["ConfigRuleName"] for r in cfg.describe_config_rules()["ConfigRules"])
"#;

#[test]
fn boto3_sees_a_guard_rule_follow_a_bucket_and_a_periodic_rule_follow_the_clock() {
    if !have_boto3() {
        return;
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rules-wire-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let scenario = dir.join("scenario.json");
    std::fs::write(&scenario, SCENARIO).expect("scenario");
    let server = start("rules-wire", &["--scenario", scenario.to_str().expect("utf-8 path")]);
    let out = boto(server.port, SCRIPT);
    let _ = std::fs::remove_dir_all(&dir);

    let described = &out["described"];
    assert_eq!(described["ConfigRuleState"], "ACTIVE");
    assert!(described["ConfigRuleArn"]
        .as_str()
        .unwrap_or("")
        .starts_with("arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-"));
    assert_eq!(described["Source"]["CustomPolicyDetails"]["PolicyRuntime"], "guard-2.x.x");
    assert_eq!(out["first"][0], "COMPLIANT");
    assert_eq!(out["after_change"][0], "NON_COMPLIANT", "{}", out["after_change"]);
    assert!(out["after_change"][1].as_str().unwrap_or("").contains("bucket_protected"), "{}", out["after_change"]);
    assert_eq!(out["by_rule"]["ComplianceType"], "NON_COMPLIANT");
    // This bucket and the 1-click setup's delivery bucket (never versioned).
    assert_eq!(out["by_rule"]["ComplianceContributorCount"]["CappedCount"], 2);
    assert_eq!(out["after_fix"][0], "COMPLIANT", "{}", out["after_fix"]);

    assert_eq!(out["item"]["type"], "AWS::S3::Bucket");
    assert_eq!(out["item"]["arn"], "arn:aws:s3:::wire-rules-data");
    assert_eq!(out["item"]["status"], "OK");
    assert_eq!(out["item"]["versioning"]["status"], "Suspended");
    assert_eq!(out["item"]["lifecycle"]["rules"][0]["id"], "expire");
    assert_eq!(out["item"]["configuration"]["name"], "wire-rules-data");
    let history = out["history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.first().and_then(|s| s.as_str()), Some("ResourceDiscovered"), "{history:?}");
    assert!(history.len() >= 3, "discovered, then each change: {history:?}");

    assert_eq!(out["periodic_first"][0], "NON_COMPLIANT");
    assert_eq!(out["periodic_before_clock"][0], "NON_COMPLIANT", "a periodic rule ignores changes");
    assert_eq!(out["periodic_after_clock"][0], "COMPLIANT", "it ran once the clock passed an hour");

    assert_eq!(out["bad_policy"]["Code"], "InvalidParameterValueException");
    let message = out["bad_policy"]["Message"].as_str().unwrap_or("");
    assert!(message.contains("line 2 at column"), "{message}");
    assert_eq!(out["bad_scope"]["Code"], "InvalidParameterValueException");
    assert_eq!(out["missing"]["Code"], "NoSuchConfigRuleException");
    assert_eq!(out["rules_after"], serde_json::json!(["hourly", "protected"]));
}
