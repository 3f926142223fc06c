//! Security Hub: the hub and its standards subscriptions, and the 401 of a region without a hub.

use crate::support::securityhub_model_code;
use hubsim_simulator::model::securityhub as sh;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "us-east-1";
const OTHER: &str = "eu-west-1";

fn fsbp_arn(region: &str) -> String {
    format!("arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0")
}
const CIS_ARN: &str = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0";

fn fsbp_sub(region: &str) -> String {
    format!("arn:aws:securityhub:{region}:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0")
}
fn cis_sub(region: &str) -> String {
    format!("arn:aws:securityhub:{region}:{ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/1.2.0")
}

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn enable(sim: &Simulator, region: &str, defaults: bool) {
    sim.call::<sh::EnableSecurityHub>(
        region,
        sh::EnableSecurityHubRequest { enable_default_standards: Some(defaults), ..Default::default() },
    )
    .unwrap();
}

fn enabled(sim: &Simulator, region: &str) -> Vec<sh::StandardsSubscription> {
    sim.call::<sh::GetEnabledStandards>(region, Default::default()).unwrap().standards_subscriptions.unwrap()
}

fn sample_finding(region: &str) -> sh::AwsSecurityFinding {
    sh::AwsSecurityFinding {
        schema_version: "2018-10-08".into(),
        id: "finding-1".into(),
        product_arn: format!("arn:aws:securityhub:{region}::product/aws/securityhub"),
        generator_id: "security-control/S3.9".into(),
        aws_account_id: ACCOUNT.into(),
        types: Some(vec!["Software and Configuration Checks/Industry and Regulatory Standards".into()]),
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
        severity: Some(sh::Severity { label: Some("MEDIUM".into()), ..Default::default() }),
        title: "S3 general purpose buckets should have server access logging enabled".into(),
        description: "This control checks whether server access logging is enabled.".into(),
        resources: vec![sh::Resource {
            type_: "AwsS3Bucket".into(),
            id: "arn:aws:s3:::logs".into(),
            ..Default::default()
        }],
        compliance: Some(sh::Compliance { status: Some("FAILED".into()), ..Default::default() }),
        ..Default::default()
    }
}

#[test]
fn every_operation_answers_401_where_the_hub_is_not_enabled() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    enable(&sim, REGION, true);
    let results: Vec<(&str, AwsError)> = vec![
        ("DescribeHub", err(sim.call::<sh::DescribeHub>(OTHER, Default::default()))),
        ("DisableSecurityHub", err(sim.call::<sh::DisableSecurityHub>(OTHER, Default::default()))),
        ("DescribeStandards", err(sim.call::<sh::DescribeStandards>(OTHER, Default::default()))),
        ("GetEnabledStandards", err(sim.call::<sh::GetEnabledStandards>(OTHER, Default::default()))),
        (
            "BatchEnableStandards",
            err(sim.call::<sh::BatchEnableStandards>(
                OTHER,
                sh::BatchEnableStandardsRequest {
                    standards_subscription_requests: vec![sh::StandardsSubscriptionRequest {
                        standards_arn: fsbp_arn(OTHER),
                        standards_input: None,
                    }],
                },
            )),
        ),
        (
            "BatchDisableStandards",
            err(sim.call::<sh::BatchDisableStandards>(
                OTHER,
                sh::BatchDisableStandardsRequest { standards_subscription_arns: vec![fsbp_sub(OTHER)] },
            )),
        ),
        ("GetFindings", err(sim.call::<sh::GetFindings>(OTHER, Default::default()))),
        (
            "BatchImportFindings",
            err(sim.call::<sh::BatchImportFindings>(
                OTHER,
                sh::BatchImportFindingsRequest { findings: vec![sample_finding(OTHER)] },
            )),
        ),
        (
            "BatchUpdateFindings",
            err(sim.call::<sh::BatchUpdateFindings>(
                OTHER,
                sh::BatchUpdateFindingsRequest {
                    finding_identifiers: vec![sh::AwsSecurityFindingIdentifier {
                        id: "finding-1".into(),
                        product_arn: format!("arn:aws:securityhub:{OTHER}::product/aws/securityhub"),
                    }],
                    workflow: Some(sh::WorkflowUpdate { status: Some("SUPPRESSED".into()) }),
                    ..Default::default()
                },
            )),
        ),
    ];
    for (op, e) in results {
        assert_eq!(e.code, "InvalidAccessException", "{op}");
        assert_eq!(e.status, 401, "{op}");
        assert_eq!(e.message, format!("Account {ACCOUNT} is not subscribed to AWS Security Hub"), "{op}");
    }
    // The JSON path answers the same.
    let e = sim.call_json(OTHER, "securityhub", "DescribeHub", json!({})).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("InvalidAccessException", 401));
    // The enabled region works.
    sim.call::<sh::DescribeHub>(REGION, Default::default()).unwrap();
}

#[test]
fn enable_describe_and_disable_the_hub() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    sim.call::<sh::EnableSecurityHub>(REGION, Default::default()).unwrap();
    let hub = sim.call::<sh::DescribeHub>(REGION, Default::default()).unwrap();
    assert_eq!(hub.hub_arn.as_deref(), Some(format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default").as_str()));
    // Each mutating call takes one second of scenario time.
    assert_eq!(hub.subscribed_at.as_deref(), Some("2026-01-01T00:00:01Z"));
    assert_eq!(hub.auto_enable_controls, Some(true));
    assert_eq!(hub.control_finding_generator.as_deref(), Some("SECURITY_CONTROL"));
    // HubArn of this hub is accepted; another region's is not found, garbage is invalid.
    let same = sh::DescribeHubRequest { hub_arn: hub.hub_arn.clone() };
    sim.call::<sh::DescribeHub>(REGION, same).unwrap();
    let other = sh::DescribeHubRequest { hub_arn: Some(format!("arn:aws:securityhub:{OTHER}:{ACCOUNT}:hub/default")) };
    assert_eq!(err(sim.call::<sh::DescribeHub>(REGION, other)).code, "ResourceNotFoundException");
    let garbage = sh::DescribeHubRequest { hub_arn: Some("not-an-arn".into()) };
    assert_eq!(err(sim.call::<sh::DescribeHub>(REGION, garbage)).code, "InvalidInputException");

    // Default standards: FSBP and CIS v1.2.0, READY.
    let subs = enabled(&sim, REGION);
    let arns: Vec<_> = subs.iter().map(|s| (s.standards_subscription_arn.clone(), s.standards_arn.clone())).collect();
    assert_eq!(arns, vec![(fsbp_sub(REGION), fsbp_arn(REGION)), (cis_sub(REGION), CIS_ARN.to_string())]);
    assert!(subs.iter().all(|s| s.standards_status == "READY"));

    // Enabling again conflicts and changes nothing.
    let e = err(sim.call::<sh::EnableSecurityHub>(
        REGION,
        sh::EnableSecurityHubRequest {
            control_finding_generator: Some("STANDARD_CONTROL".into()),
            ..Default::default()
        },
    ));
    assert_eq!((e.code.as_str(), e.status), ("ResourceConflictException", 409));
    let again = sim.call::<sh::DescribeHub>(REGION, Default::default()).unwrap();
    assert_eq!(again.control_finding_generator.as_deref(), Some("SECURITY_CONTROL"));

    // The other region is untouched.
    assert_eq!(err(sim.call::<sh::DescribeHub>(OTHER, Default::default())).code, "InvalidAccessException");

    // Disabling removes the hub and its subscriptions.
    sim.call::<sh::DisableSecurityHub>(REGION, Default::default()).unwrap();
    assert_eq!(err(sim.call::<sh::DescribeHub>(REGION, Default::default())).code, "InvalidAccessException");
    assert_eq!(err(sim.call::<sh::DisableSecurityHub>(REGION, Default::default())).code, "InvalidAccessException");

    // Re-enabling without default standards, with the standard-based generator and a later clock.
    let now = sim
        .call::<hubsim_simulator::model::hubsim::AdvanceClock>(
            REGION,
            hubsim_simulator::model::hubsim::AdvanceClockInput { hours: Some(2), ..Default::default() },
        )
        .unwrap()
        .now
        .unwrap();
    sim.call::<sh::EnableSecurityHub>(
        REGION,
        sh::EnableSecurityHubRequest {
            enable_default_standards: Some(false),
            control_finding_generator: Some("STANDARD_CONTROL".into()),
            tags: Some([("team".to_string(), "sec".to_string())].into()),
        },
    )
    .unwrap();
    let hub = sim.call::<sh::DescribeHub>(REGION, Default::default()).unwrap();
    assert_eq!(hub.control_finding_generator.as_deref(), Some("STANDARD_CONTROL"));
    let expected = hubsim_simulator::model::Timestamp(now.0 + 1000).to_iso8601();
    assert_eq!(hub.subscribed_at, Some(expected));
    assert_eq!(enabled(&sim, REGION), vec![]);
}

#[test]
fn enable_refuses_an_unknown_generator_and_stays_disabled() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let e = err(sim.call::<sh::EnableSecurityHub>(
        REGION,
        sh::EnableSecurityHubRequest { control_finding_generator: Some("PER_RESOURCE".into()), ..Default::default() },
    ));
    assert_eq!((e.code, e.status), (securityhub_model_code(), 400));
    assert_eq!(err(sim.call::<sh::DescribeHub>(REGION, Default::default())).code, "InvalidAccessException");
}

#[test]
fn the_json_path_enables_and_reports_the_hub() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out =
        sim.call_json(REGION, "securityhub", "EnableSecurityHub", json!({"EnableDefaultStandards": true})).unwrap();
    assert_eq!(out, json!({}));
    let hub = sim.call_json(REGION, "securityhub", "DescribeHub", json!({})).unwrap();
    assert_eq!(hub["HubArn"], json!(format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default")));
    assert_eq!(hub["AutoEnableControls"], json!(true));
    let subs = sim
        .call_json(
            REGION,
            "securityhub",
            "GetEnabledStandards",
            json!({"StandardsSubscriptionArns": [cis_sub(REGION)]}),
        )
        .unwrap();
    assert_eq!(subs["StandardsSubscriptions"][0]["StandardsArn"], json!(CIS_ARN));
    assert_eq!(subs["StandardsSubscriptions"].as_array().map(Vec::len), Some(1));
}

#[test]
fn describe_standards_lists_the_two_standards_and_pages() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    enable(&sim, OTHER, false);
    let all = sim.call::<sh::DescribeStandards>(OTHER, Default::default()).unwrap();
    let standards = all.standards.unwrap();
    assert_eq!(all.next_token, None);
    assert_eq!(standards.len(), 2);
    assert_eq!(standards[0].standards_arn.as_deref(), Some(fsbp_arn(OTHER).as_str()));
    assert_eq!(standards[0].name.as_deref(), Some("AWS Foundational Security Best Practices v1.0.0"));
    assert_eq!(standards[1].standards_arn.as_deref(), Some(CIS_ARN));
    assert_eq!(standards[1].name.as_deref(), Some("CIS AWS Foundations Benchmark v1.2.0"));
    for s in &standards {
        assert_eq!(s.enabled_by_default, Some(true));
        assert!(s.description.as_deref().is_some_and(|d| !d.is_empty()));
        let by = s.standards_managed_by.clone().unwrap();
        assert_eq!((by.company.as_deref(), by.product.as_deref()), (Some("AWS"), Some("Security Hub")));
    }
    // One per page.
    let first = sim
        .call::<sh::DescribeStandards>(OTHER, sh::DescribeStandardsRequest { max_results: Some(1), next_token: None })
        .unwrap();
    assert_eq!(first.standards.unwrap()[0].standards_arn.as_deref(), Some(fsbp_arn(OTHER).as_str()));
    let second = sim
        .call::<sh::DescribeStandards>(
            OTHER,
            sh::DescribeStandardsRequest { max_results: Some(1), next_token: first.next_token.clone() },
        )
        .unwrap();
    assert_eq!(second.standards.unwrap()[0].standards_arn.as_deref(), Some(CIS_ARN));
    assert_eq!(second.next_token, None);
    let bad = sh::DescribeStandardsRequest { max_results: None, next_token: Some("garbage!".into()) };
    assert_eq!(err(sim.call::<sh::DescribeStandards>(OTHER, bad)).code, "InvalidInputException");
    let zero = sh::DescribeStandardsRequest { max_results: Some(0), next_token: None };
    assert_eq!(err(sim.call::<sh::DescribeStandards>(OTHER, zero)).code, "InvalidInputException");
}

fn enable_standards(sim: &Simulator, arns: &[String]) -> Result<sh::BatchEnableStandardsResponse, AwsError> {
    sim.call::<sh::BatchEnableStandards>(
        REGION,
        sh::BatchEnableStandardsRequest {
            standards_subscription_requests: arns
                .iter()
                .map(|a| sh::StandardsSubscriptionRequest { standards_arn: a.clone(), standards_input: None })
                .collect(),
        },
    )
}

#[test]
fn batch_enable_and_disable_standards() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    enable(&sim, REGION, false);
    // An unknown ARN (or another region's FSBP ARN) fails the whole call.
    for bad in [
        "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1".to_string(),
        fsbp_arn(OTHER),
        format!("arn:aws:securityhub:{REGION}::ruleset/cis-aws-foundations-benchmark/v/1.2.0"),
    ] {
        let e = err(enable_standards(&sim, &[fsbp_arn(REGION), bad.clone()]));
        assert_eq!((e.code.as_str(), e.status), ("InvalidInputException", 400), "{bad}");
    }
    assert_eq!(err(enable_standards(&sim, &[])).code, securityhub_model_code());
    assert_eq!(enabled(&sim, REGION), vec![]);

    let out = enable_standards(&sim, &[fsbp_arn(REGION)]).unwrap().standards_subscriptions.unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].standards_subscription_arn, fsbp_sub(REGION));
    assert_eq!(out[0].standards_status, "READY");
    // Idempotent.
    let again = enable_standards(&sim, &[fsbp_arn(REGION), CIS_ARN.to_string()]).unwrap();
    assert_eq!(again.standards_subscriptions.unwrap().len(), 2);
    let subs = enabled(&sim, REGION);
    assert_eq!(
        subs.iter().map(|s| s.standards_subscription_arn.clone()).collect::<Vec<_>>(),
        vec![fsbp_sub(REGION), cis_sub(REGION)]
    );

    // Filter and page.
    let filtered = sim
        .call::<sh::GetEnabledStandards>(
            REGION,
            sh::GetEnabledStandardsRequest {
                standards_subscription_arns: Some(vec![cis_sub(REGION)]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(filtered.standards_subscriptions.unwrap()[0].standards_arn, CIS_ARN);
    let p1 = sim
        .call::<sh::GetEnabledStandards>(
            REGION,
            sh::GetEnabledStandardsRequest { max_results: Some(1), ..Default::default() },
        )
        .unwrap();
    assert_eq!(p1.standards_subscriptions.unwrap()[0].standards_subscription_arn, fsbp_sub(REGION));
    let p2 = sim
        .call::<sh::GetEnabledStandards>(
            REGION,
            sh::GetEnabledStandardsRequest { max_results: Some(1), next_token: p1.next_token, ..Default::default() },
        )
        .unwrap();
    assert_eq!(p2.standards_subscriptions.unwrap()[0].standards_subscription_arn, cis_sub(REGION));
    assert_eq!(p2.next_token, None);

    // Disabling an unknown subscription fails the call and disables nothing.
    let e = err(sim.call::<sh::BatchDisableStandards>(
        REGION,
        sh::BatchDisableStandardsRequest { standards_subscription_arns: vec![fsbp_sub(REGION), fsbp_sub(OTHER)] },
    ));
    assert_eq!(e.code, "InvalidInputException");
    assert_eq!(enabled(&sim, REGION).len(), 2);

    let out = sim
        .call::<sh::BatchDisableStandards>(
            REGION,
            sh::BatchDisableStandardsRequest { standards_subscription_arns: vec![fsbp_sub(REGION)] },
        )
        .unwrap()
        .standards_subscriptions
        .unwrap();
    assert_eq!(out[0].standards_subscription_arn, fsbp_sub(REGION));
    assert_eq!(out[0].standards_status, "DELETING");
    let left = enabled(&sim, REGION);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].standards_subscription_arn, cis_sub(REGION));
}

#[test]
fn disabling_the_hub_keeps_findings() {
    let sim = fresh_account(Era::Current, &[REGION]);
    enable(&sim, REGION, true);
    let r = sim
        .call::<sh::BatchImportFindings>(
            REGION,
            sh::BatchImportFindingsRequest { findings: vec![sample_finding(REGION)] },
        )
        .unwrap();
    assert_eq!(r.success_count, 1);
    sim.call::<sh::DisableSecurityHub>(REGION, Default::default()).unwrap();
    enable(&sim, REGION, false);
    let found = sim.call::<sh::GetFindings>(REGION, Default::default()).unwrap().findings;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "finding-1");
    assert_eq!(found[0].record_state.as_deref(), Some("ACTIVE"));
}
