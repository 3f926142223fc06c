//! AWS Config rules: Guard policies evaluated on configuration items as resources change,
//! periodic rules on the clock, the compliance and discovery reads, and the refusals.

use hubsim_simulator::baseline::{BaselineSpec, ConfigOneClick};
use hubsim_simulator::model::{config, hubsim, s3};
use hubsim_simulator::testing::world;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "eu-west-1";

/// The issue's example: buckets must have versioning with MFA delete, or a lifecycle rule.
const POLICY: &str = r#"
rule bucket_protected when resourceType == "AWS::S3::Bucket" {
    supplementaryConfiguration.BucketVersioningConfiguration.status == "Enabled" or
    supplementaryConfiguration.BucketLifecycleConfiguration.rules not empty

    supplementaryConfiguration.BucketVersioningConfiguration.isMfaDeleteEnabled == true or
    supplementaryConfiguration.BucketLifecycleConfiguration.rules not empty
}
"#;

fn recording() -> Simulator {
    let spec = BaselineSpec {
        config_one_click: Some(ConfigOneClick { regions: vec![REGION.into()], include_global_resource_types: false }),
        ..Default::default()
    };
    world(Era::Current, &[REGION], &spec)
}

fn put_rule(
    sim: &Simulator,
    name: &str,
    policy: &str,
    extra: serde_json::Value,
) -> Result<serde_json::Value, AwsError> {
    let mut rule = json!({
        "ConfigRuleName": name,
        "Scope": {"ComplianceResourceTypes": ["AWS::S3::Bucket"]},
        "Source": {"Owner": "CUSTOM_POLICY",
                   "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}],
                   "CustomPolicyDetails": {"PolicyRuntime": "guard-2.x.x", "PolicyText": policy}}
    });
    if let (Some(r), Some(e)) = (rule.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            r.insert(k.clone(), v.clone());
        }
    }
    sim.call_json(REGION, "config", "PutConfigRule", json!({"ConfigRule": rule}))
}

fn verdict(sim: &Simulator, rule: &str, bucket: &str) -> Option<String> {
    let out = sim
        .call::<config::GetComplianceDetailsByConfigRule>(
            REGION,
            config::GetComplianceDetailsByConfigRuleRequest { config_rule_name: rule.into(), ..Default::default() },
        )
        .unwrap();
    out.evaluation_results.unwrap_or_default().into_iter().find_map(|r| {
        let q = r.evaluation_result_identifier?.evaluation_result_qualifier?;
        (q.resource_id.as_deref() == Some(bucket)).then(|| r.compliance_type.unwrap_or_default())
    })
}

fn versioning(sim: &Simulator, bucket: &str, status: &str) {
    sim.call::<s3::PutBucketVersioning>(
        REGION,
        s3::PutBucketVersioningRequest {
            bucket: bucket.into(),
            versioning_configuration: s3::VersioningConfiguration {
                status: Some(status.into()),
                mfa_delete: Some("Enabled".into()),
            },
            mfa: Some("arn:aws:iam::123456789012:mfa/root-account-mfa-device 123456".into()),
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn a_guard_rule_follows_a_bucket_through_its_changes_in_the_same_call() {
    let sim = recording();
    crate::support::create_bucket(&sim, REGION, "data-bucket", None);
    put_rule(&sim, "buckets-protected", POLICY, json!({})).unwrap();
    assert_eq!(verdict(&sim, "buckets-protected", "data-bucket").as_deref(), Some("NON_COMPLIANT"));
    versioning(&sim, "data-bucket", "Enabled");
    assert_eq!(verdict(&sim, "buckets-protected", "data-bucket").as_deref(), Some("COMPLIANT"));
    versioning(&sim, "data-bucket", "Suspended");
    assert_eq!(verdict(&sim, "buckets-protected", "data-bucket").as_deref(), Some("NON_COMPLIANT"));

    // The failing clause is the annotation.
    let details = sim
        .call::<config::GetComplianceDetailsByResource>(
            REGION,
            config::GetComplianceDetailsByResourceRequest {
                resource_type: Some("AWS::S3::Bucket".into()),
                resource_id: Some("data-bucket".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let annotation = details.evaluation_results.unwrap()[0].annotation.clone().unwrap();
    assert!(annotation.contains("rule bucket_protected"), "{annotation}");

    let by_rule = sim
        .call::<config::DescribeComplianceByConfigRule>(REGION, Default::default())
        .unwrap()
        .compliance_by_config_rules
        .unwrap();
    let c = by_rule[0].compliance.clone().unwrap();
    assert_eq!(c.compliance_type.as_deref(), Some("NON_COMPLIANT"));
    assert!(c.compliance_contributor_count.unwrap().capped_count.unwrap() >= 1);

    // Deleting the bucket ends its verdict; the history keeps its items.
    sim.call::<s3::DeleteBucket>(
        REGION,
        s3::DeleteBucketRequest { bucket: "data-bucket".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(verdict(&sim, "buckets-protected", "data-bucket"), None);
    let history = sim
        .call::<config::GetResourceConfigHistory>(
            REGION,
            config::GetResourceConfigHistoryRequest {
                resource_type: "AWS::S3::Bucket".into(),
                resource_id: "data-bucket".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .configuration_items
        .unwrap();
    let statuses: Vec<_> = history.iter().map(|i| i.configuration_item_status.clone().unwrap()).collect();
    assert_eq!(statuses, ["ResourceDeleted", "OK", "OK", "ResourceDiscovered"]);
    let times: Vec<_> = history.iter().map(|i| i.configuration_item_capture_time.unwrap().0).collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first on the scenario clock: {times:?}");
}

#[test]
fn a_rule_scoped_by_tag_judges_only_tagged_buckets() {
    let sim = recording();
    crate::support::create_bucket(&sim, REGION, "tagged", None);
    crate::support::create_bucket(&sim, REGION, "untagged", None);
    sim.call_json(
        REGION,
        "s3",
        "PutBucketTagging",
        json!({"Bucket": "tagged", "Tagging": {"TagSet": [{"Key": "tier", "Value": "gold"}]}}),
    )
    .unwrap();
    let scope = json!({"Scope": {"TagKey": "tier", "TagValue": "gold"}});
    put_rule(&sim, "gold", POLICY, scope).unwrap();
    assert_eq!(verdict(&sim, "gold", "tagged").as_deref(), Some("NON_COMPLIANT"));
    assert_eq!(verdict(&sim, "gold", "untagged"), None);
}

#[test]
fn a_rule_that_does_not_apply_is_not_applicable_and_parameters_reach_the_policy() {
    let sim = recording();
    crate::support::create_bucket(&sim, REGION, "logs", None);
    let policy = r#"
rule named when resourceType == "AWS::S3::Bucket" {
    resourceName == ruleParameters.expected
}
rule never when resourceType == "AWS::SQS::Queue" { configuration.QueueArn exists }
"#;
    put_rule(&sim, "param", policy, json!({"InputParameters": "{\"expected\": \"logs\"}"})).unwrap();
    assert_eq!(verdict(&sim, "param", "logs").as_deref(), Some("COMPLIANT"));
    let only_queues = r#"rule queues when resourceType == "AWS::SQS::Queue" { configuration.QueueArn exists }"#;
    put_rule(&sim, "queues-only", only_queues, json!({"Scope": {}})).unwrap();
    assert_eq!(verdict(&sim, "queues-only", "logs").as_deref(), Some("NOT_APPLICABLE"));
}

#[test]
fn a_periodic_rule_runs_when_the_clock_passes_its_frequency() {
    let sim = recording();
    crate::support::create_bucket(&sim, REGION, "bucket-one", None);
    let periodic = json!({"Source": {"Owner": "CUSTOM_POLICY",
        "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ScheduledNotification",
                           "MaximumExecutionFrequency": "Six_Hours"}],
        "CustomPolicyDetails": {"PolicyRuntime": "guard-2.x.x", "PolicyText": POLICY}}});
    put_rule(&sim, "every-six-hours", POLICY, periodic).unwrap();
    let status = |sim: &Simulator| {
        sim.call::<config::DescribeConfigRuleEvaluationStatus>(REGION, Default::default())
            .unwrap()
            .config_rules_evaluation_status
            .unwrap()[0]
            .last_successful_evaluation_time
            .unwrap()
    };
    let first = status(&sim);
    assert_eq!(verdict(&sim, "every-six-hours", "bucket-one").as_deref(), Some("NON_COMPLIANT"));
    // A change does not trigger a periodic rule.
    versioning(&sim, "bucket-one", "Enabled");
    assert_eq!(verdict(&sim, "every-six-hours", "bucket-one").as_deref(), Some("NON_COMPLIANT"));
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(5), ..Default::default() })
        .unwrap();
    assert_eq!(status(&sim), first, "not due after 5 hours");
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(2), ..Default::default() })
        .unwrap();
    assert!(status(&sim).0 > first.0);
    assert_eq!(verdict(&sim, "every-six-hours", "bucket-one").as_deref(), Some("COMPLIANT"));
}

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> (String, String) {
    let e = r.unwrap_err();
    (e.code, e.message)
}

#[test]
fn bad_rules_are_refused_with_configs_codes_and_change_nothing() {
    let sim = recording();
    crate::support::create_bucket(&sim, REGION, "bucket-one", None);
    let journal = sim.journal().unwrap().len();
    let (c, m) = code(put_rule(&sim, "broken", "rule x {\n  configuration.a == \n}", json!({})));
    assert_eq!(c, "InvalidParameterValueException");
    assert!(m.contains("line 2") && m.contains("column"), "{m}");
    let deep = format!("rule x {{ {}a{} }}", "(".repeat(2000), ")".repeat(2000));
    let (c, m) = code(put_rule(&sim, "deep", &deep, json!({})));
    assert_eq!(c, "InvalidParameterValueException");
    assert!(m.contains("nest deeper"), "{m}");
    let (c, m) =
        code(put_rule(&sim, "scope", POLICY, json!({"Scope": {"ComplianceResourceTypes": ["AWS::S3::Bukket"]}})));
    assert_eq!(c, "InvalidParameterValueException");
    assert!(m.contains("AWS::S3::Bukket"), "{m}");
    let runtime = json!({"Source": {"Owner": "CUSTOM_POLICY",
        "CustomPolicyDetails": {"PolicyRuntime": "guard-1.0", "PolicyText": POLICY}}});
    assert_eq!(code(put_rule(&sim, "rt", POLICY, runtime)).0, "InvalidParameterValueException");
    assert_eq!(
        code(put_rule(&sim, "p", POLICY, json!({"InputParameters": "[1]"}))).0,
        "InvalidParameterValueException"
    );
    assert_eq!(
        code(sim.call_json(REGION, "config", "DeleteConfigRule", json!({"ConfigRuleName": "nope"}))).0,
        "NoSuchConfigRuleException"
    );
    assert_eq!(
        code(sim.call_json(REGION, "config", "StartConfigRulesEvaluation", json!({"ConfigRuleNames": ["nope"]}))).0,
        "NoSuchConfigRuleException"
    );
    let eval = json!({"ComplianceResourceType": "AWS::S3::Bucket", "ComplianceResourceId": "bucket-one",
                      "ComplianceType": "COMPLIANT", "OrderingTimestamp": 1_700_000_000});
    assert_eq!(
        code(sim.call_json(
            REGION,
            "config",
            "PutEvaluations",
            json!({"ResultToken": "forged", "Evaluations": [eval]})
        ))
        .0,
        "InvalidResultTokenException"
    );
    let rules = sim.call::<config::DescribeConfigRules>(REGION, Default::default()).unwrap();
    assert!(rules.config_rules.unwrap().is_empty());
    assert_eq!(sim.journal().unwrap().len(), journal + 8, "each refusal journaled once, nothing else");

    // Without a recorder there is no rule.
    let bare = hubsim_simulator::testing::fresh_account(Era::Current, &[REGION]);
    let (c, _) = code(put_rule(&bare, "r", POLICY, json!({})));
    assert_eq!(c, "NoAvailableConfigurationRecorderException");
}

#[test]
fn discovery_lists_counts_and_reads_the_recorded_items() {
    let sim = recording();
    crate::support::create_bucket(&sim, REGION, "alpha", None);
    crate::support::create_bucket(&sim, REGION, "beta", None);
    let listed = sim
        .call::<config::ListDiscoveredResources>(
            REGION,
            config::ListDiscoveredResourcesRequest { resource_type: "AWS::S3::Bucket".into(), ..Default::default() },
        )
        .unwrap();
    let ids: Vec<_> = listed.resource_identifiers.unwrap().into_iter().filter_map(|r| r.resource_id).collect();
    assert!(ids.contains(&"alpha".to_string()) && ids.contains(&"beta".to_string()), "{ids:?}");
    let items = sim
        .call::<config::BatchGetResourceConfig>(
            REGION,
            config::BatchGetResourceConfigRequest {
                resource_keys: vec![config::ResourceKey {
                    resource_type: "AWS::S3::Bucket".into(),
                    resource_id: "alpha".into(),
                }],
            },
        )
        .unwrap()
        .base_configuration_items
        .unwrap();
    assert_eq!(items.len(), 1);
    let sup = items[0].supplementary_configuration.clone().unwrap();
    let versioning: serde_json::Value = serde_json::from_str(&sup["BucketVersioningConfiguration"]).unwrap();
    assert_eq!(versioning["status"], "Off");
    let conf: serde_json::Value = serde_json::from_str(items[0].configuration.as_deref().unwrap()).unwrap();
    assert_eq!(conf["name"], "alpha");
    let counts = sim.call::<config::GetDiscoveredResourceCounts>(REGION, Default::default()).unwrap();
    let s3 =
        counts.resource_counts.unwrap().into_iter().find(|c| c.resource_type.as_deref() == Some("AWS::S3::Bucket"));
    // alpha, beta and the 1-click setup's delivery bucket.
    assert_eq!(s3.and_then(|c| c.count), Some(3));
    let sg = sim
        .call::<config::ListDiscoveredResources>(
            REGION,
            config::ListDiscoveredResourcesRequest {
                resource_type: "AWS::EC2::SecurityGroup".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!sg.resource_identifiers.unwrap().is_empty(), "the default VPC's group is recorded");
    assert_eq!(
        code(sim.call::<config::GetResourceConfigHistory>(
            REGION,
            config::GetResourceConfigHistoryRequest {
                resource_type: "AWS::S3::Bucket".into(),
                resource_id: "nope".into(),
                ..Default::default()
            },
        ))
        .0,
        "ResourceNotDiscoveredException"
    );
}
