//! Security Hub controls from a (fake) catalogue the simulator is given: standards controls,
//! security controls and their parameters, associations, and the organization tolerate calls;
//! without a catalogue the control operations fail loudly.

use std::collections::BTreeMap;
use std::sync::Arc;

use hubsim_simulator::catalog::{ControlCatalog, ControlInfo, ParameterInfo};
use hubsim_simulator::model::securityhub as sh;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "us-east-1";
const FSBP: &str = "aws-foundational-security-best-practices/v/1.0.0";
const CIS: &str = "cis-aws-foundations-benchmark/v/1.2.0";

struct FakeCatalog;

fn control(id: &str, severity: &str, standards: &[(&str, &str)], parameters: Vec<ParameterInfo>) -> ControlInfo {
    ControlInfo {
        id: id.into(),
        title: format!("{id} title"),
        description: format!("{id} description"),
        severity: severity.into(),
        standards: standards.iter().map(|(s, c)| (s.to_string(), c.to_string())).collect::<BTreeMap<_, _>>(),
        parameters,
        implemented: true,
    }
}

impl ControlCatalog for FakeCatalog {
    fn controls(&self, era: Era) -> Vec<ControlInfo> {
        let mut out = vec![
            control("CloudTrail.1", "HIGH", &[(FSBP, "CloudTrail.1"), (CIS, "2.1")], vec![]),
            control("EC2.10", "MEDIUM", &[(FSBP, "EC2.10")], vec![]),
            control("EC2.2", "HIGH", &[(FSBP, "EC2.2"), (CIS, "4.3")], vec![]),
            control(
                "IAM.7",
                "MEDIUM",
                &[(FSBP, "IAM.7")],
                vec![
                    ParameterInfo {
                        name: "MinimumPasswordLength".into(),
                        value_type: "Integer".into(),
                        allowed: vec![],
                        range: Some((8, 128)),
                        default: Some(json!(8)),
                    },
                    ParameterInfo {
                        name: "RequireSymbols".into(),
                        value_type: "Boolean".into(),
                        allowed: vec![],
                        range: None,
                        default: Some(json!(true)),
                    },
                    ParameterInfo {
                        name: "Mode".into(),
                        value_type: "Enum".into(),
                        allowed: vec!["STRICT".into(), "LAX".into()],
                        range: None,
                        default: Some(json!("STRICT")),
                    },
                ],
            ),
            control("IAM.20", "LOW", &[(CIS, "1.1")], vec![]),
            control("CloudWatch.1", "LOW", &[(CIS, "1.10")], vec![]),
        ];
        if era == Era::Current {
            out.retain(|c| c.id != "IAM.20");
        }
        out
    }
}

fn catalogued(sim: Simulator) -> Simulator {
    sim.with_catalog(Arc::new(FakeCatalog))
}

fn sub(path: &str) -> String {
    format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/{path}")
}

fn control_arn(path: &str, id: &str) -> String {
    format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:control/{path}/{id}")
}

fn hub(era: Era) -> Simulator {
    let sim = catalogued(fresh_account(era, &[REGION, "eu-west-1"]));
    sim.call::<sh::EnableSecurityHub>(REGION, Default::default()).unwrap();
    sim
}

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> (String, u16) {
    let e = r.unwrap_err();
    (e.code, e.status)
}

fn describe(sim: &Simulator, path: &str) -> Vec<sh::StandardsControl> {
    sim.call::<sh::DescribeStandardsControls>(
        REGION,
        sh::DescribeStandardsControlsRequest { standards_subscription_arn: sub(path), ..Default::default() },
    )
    .unwrap()
    .controls
    .unwrap()
}

#[test]
fn describe_standards_controls_lists_every_control_of_the_standard() {
    let sim = hub(Era::Y2022);
    let cis = describe(&sim, CIS);
    let ids: Vec<_> = cis.iter().map(|c| c.control_id.clone().unwrap()).collect();
    assert_eq!(ids, vec!["CIS.1.1", "CIS.1.10", "CIS.2.1", "CIS.4.3"]);
    let c = &cis[2];
    assert_eq!(c.standards_control_arn.as_deref(), Some(control_arn(CIS, "2.1").as_str()));
    assert_eq!(c.control_status.as_deref(), Some("ENABLED"));
    assert_eq!(c.disabled_reason, None);
    assert_eq!(c.title.as_deref(), Some("CloudTrail.1 title"));
    assert_eq!(c.severity_rating.as_deref(), Some("HIGH"));
    assert_eq!(
        c.remediation_url.as_deref(),
        Some("https://docs.aws.amazon.com/console/securityhub/CloudTrail.1/remediation")
    );
    assert_eq!(c.related_requirements, Some(vec!["CIS AWS Foundations Benchmark v1.2.0/2.1".to_string()]));
    assert!(c.control_status_updated_at.is_some());
    let fsbp = describe(&sim, FSBP);
    let ids: Vec<_> = fsbp.iter().map(|c| c.control_id.clone().unwrap()).collect();
    assert_eq!(ids, vec!["CloudTrail.1", "EC2.2", "EC2.10", "IAM.7"]);
    // The era decides the catalogue: IAM.20 (CIS 1.1) is gone today.
    let now = hub(Era::Current);
    assert_eq!(describe(&now, CIS).len(), 3);
}

#[test]
fn describe_standards_controls_paginates_and_checks_the_subscription() {
    let sim = hub(Era::Y2022);
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let out = sim
            .call::<sh::DescribeStandardsControls>(
                REGION,
                sh::DescribeStandardsControlsRequest {
                    standards_subscription_arn: sub(FSBP),
                    next_token: token.clone(),
                    max_results: Some(3),
                },
            )
            .unwrap();
        seen.extend(out.controls.unwrap().into_iter().filter_map(|c| c.control_id));
        token = out.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 4);
    let unknown = sim.call::<sh::DescribeStandardsControls>(
        REGION,
        sh::DescribeStandardsControlsRequest {
            standards_subscription_arn: sub("pci-dss/v/3.2.1"),
            ..Default::default()
        },
    );
    assert_eq!(err(unknown), ("ResourceNotFoundException".to_string(), 404));
    let no_hub = sim.call::<sh::DescribeStandardsControls>(
        "eu-west-1",
        sh::DescribeStandardsControlsRequest { standards_subscription_arn: sub(FSBP), ..Default::default() },
    );
    assert_eq!(err(no_hub), ("InvalidAccessException".to_string(), 401));
}

#[test]
fn update_standards_control_disables_with_a_reason() {
    let sim = hub(Era::Y2022);
    let update = |arn: String, status: Option<&str>, reason: Option<&str>| {
        sim.call::<sh::UpdateStandardsControl>(
            REGION,
            sh::UpdateStandardsControlRequest {
                standards_control_arn: arn,
                control_status: status.map(str::to_string),
                disabled_reason: reason.map(str::to_string),
            },
        )
    };
    // Disabling needs a reason; the failed call changes nothing.
    assert_eq!(err(update(control_arn(CIS, "4.3"), Some("DISABLED"), None)).0, "InvalidInputException");
    assert_eq!(describe(&sim, CIS)[3].control_status.as_deref(), Some("ENABLED"));
    update(control_arn(CIS, "4.3"), Some("DISABLED"), Some("Handled by FSBP EC2.2")).unwrap();
    let cis = describe(&sim, CIS);
    assert_eq!(cis[3].control_status.as_deref(), Some("DISABLED"));
    assert_eq!(cis[3].disabled_reason.as_deref(), Some("Handled by FSBP EC2.2"));
    // The same control in the other standard is untouched.
    let fsbp = describe(&sim, FSBP);
    assert_eq!(fsbp[1].control_id.as_deref(), Some("EC2.2"));
    assert_eq!(fsbp[1].control_status.as_deref(), Some("ENABLED"));
    // Re-enabling clears the reason.
    update(control_arn(CIS, "4.3"), Some("ENABLED"), None).unwrap();
    let cis = describe(&sim, CIS);
    assert_eq!(cis[3].control_status.as_deref(), Some("ENABLED"));
    assert_eq!(cis[3].disabled_reason, None);

    assert_eq!(err(update(control_arn(CIS, "9.9"), Some("DISABLED"), Some("x"))).0, "ResourceNotFoundException");
    assert_eq!(
        err(update(control_arn("pci-dss/v/3.2.1", "PCI.IAM.7"), Some("DISABLED"), Some("x"))).0,
        "ResourceNotFoundException"
    );
    let other_region = control_arn(CIS, "4.3").replace(REGION, "eu-west-1");
    assert_eq!(err(update(other_region, Some("DISABLED"), Some("x"))).0, "ResourceNotFoundException");
    assert_eq!(err(update("arn:aws:securityhub:nope".into(), Some("DISABLED"), Some("x"))).0, "InvalidInputException");
    let bad_status = sim.call_json(
        REGION,
        "securityhub",
        "UpdateStandardsControl",
        json!({"StandardsControlArn": control_arn(CIS, "4.3"), "ControlStatus": "OFF"}),
    );
    assert_eq!(bad_status.unwrap_err().code, "InvalidInputException");
}

#[test]
fn list_security_control_definitions() {
    let sim = hub(Era::Current);
    let out = sim.call::<sh::ListSecurityControlDefinitions>(REGION, Default::default()).unwrap();
    let ids: Vec<_> = out.security_control_definitions.iter().map(|d| d.security_control_id.as_str()).collect();
    assert_eq!(ids, vec!["CloudTrail.1", "CloudWatch.1", "EC2.2", "EC2.10", "IAM.7"]);
    let iam7 = out.security_control_definitions.iter().find(|d| d.security_control_id == "IAM.7").unwrap();
    assert_eq!(iam7.current_region_availability, "AVAILABLE");
    assert_eq!(iam7.customizable_properties, Some(vec!["Parameters".to_string()]));
    let defs = iam7.parameter_definitions.as_ref().unwrap();
    let len = defs["MinimumPasswordLength"].configuration_options.integer.as_ref().unwrap();
    assert_eq!((len.default_value, len.min, len.max), (Some(8), Some(8), Some(128)));
    let mode = defs["Mode"].configuration_options.enum_.as_ref().unwrap();
    assert_eq!(mode.allowed_values, Some(vec!["STRICT".to_string(), "LAX".to_string()]));
    let ct1 = &out.security_control_definitions[0];
    assert_eq!(ct1.customizable_properties, None);
    assert_eq!(ct1.remediation_url, "https://docs.aws.amazon.com/console/securityhub/CloudTrail.1/remediation");

    let cis_only = sim
        .call::<sh::ListSecurityControlDefinitions>(
            REGION,
            sh::ListSecurityControlDefinitionsRequest {
                standards_arn: Some("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let ids: Vec<_> = cis_only.security_control_definitions.iter().map(|d| d.security_control_id.as_str()).collect();
    assert_eq!(ids, vec!["CloudTrail.1", "CloudWatch.1", "EC2.2"]);
    let bad = sim.call::<sh::ListSecurityControlDefinitions>(
        REGION,
        sh::ListSecurityControlDefinitionsRequest {
            standards_arn: Some("arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1".into()),
            ..Default::default()
        },
    );
    assert_eq!(err(bad).0, "InvalidInputException");
    let page = sim
        .call::<sh::ListSecurityControlDefinitions>(
            REGION,
            sh::ListSecurityControlDefinitionsRequest { max_results: Some(2), ..Default::default() },
        )
        .unwrap();
    assert_eq!(page.security_control_definitions.len(), 2);
    assert!(page.next_token.is_some());
}

fn get_controls(sim: &Simulator, ids: &[&str]) -> sh::BatchGetSecurityControlsResponse {
    sim.call::<sh::BatchGetSecurityControls>(
        REGION,
        sh::BatchGetSecurityControlsRequest { security_control_ids: ids.iter().map(|s| s.to_string()).collect() },
    )
    .unwrap()
}

fn custom(value: sh::ParameterValue) -> sh::ParameterConfiguration {
    sh::ParameterConfiguration { value_type: "CUSTOM".into(), value: Some(value) }
}

#[test]
fn batch_get_and_update_security_control_parameters() {
    let sim = hub(Era::Current);
    let out = get_controls(&sim, &["IAM.7", "Nope.1"]);
    assert_eq!(out.security_controls.len(), 1);
    let iam7 = &out.security_controls[0];
    assert_eq!(iam7.security_control_arn, format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:security-control/IAM.7"));
    assert_eq!(iam7.security_control_status, "ENABLED");
    assert_eq!(iam7.update_status.as_deref(), Some("READY"));
    let params = iam7.parameters.as_ref().unwrap();
    assert_eq!(params["MinimumPasswordLength"].value_type, "DEFAULT");
    assert_eq!(params["MinimumPasswordLength"].value.as_ref().unwrap().integer, Some(8));
    let unprocessed = out.unprocessed_ids.unwrap();
    assert_eq!(unprocessed[0].security_control_id, "Nope.1");
    assert_eq!(unprocessed[0].error_code, "NOT_FOUND");

    let update = |params: Vec<(&str, sh::ParameterConfiguration)>| {
        sim.call::<sh::UpdateSecurityControl>(
            REGION,
            sh::UpdateSecurityControlRequest {
                security_control_id: "IAM.7".into(),
                parameters: params.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                last_update_reason: Some("Company policy".into()),
            },
        )
    };
    let int = |n| sh::ParameterValue { integer: Some(n), ..Default::default() };
    // Errors: unknown parameter, wrong type, out of range, enum value, DEFAULT with a value.
    let bad: Vec<Vec<(&str, sh::ParameterConfiguration)>> = vec![
        vec![("MaxPasswordAge", custom(int(90)))],
        vec![("MinimumPasswordLength", custom(sh::ParameterValue { boolean: Some(true), ..Default::default() }))],
        vec![("MinimumPasswordLength", custom(int(4)))],
        vec![("Mode", custom(sh::ParameterValue { enum_: Some("NONE".into()), ..Default::default() }))],
        vec![(
            "MinimumPasswordLength",
            sh::ParameterConfiguration { value_type: "DEFAULT".into(), value: Some(int(14)) },
        )],
        vec![("MinimumPasswordLength", sh::ParameterConfiguration { value_type: "CUSTOM".into(), value: None })],
        vec![("MinimumPasswordLength", custom(int(14))), ("RequireSymbols", custom(int(1)))],
    ];
    for params in bad {
        assert_eq!(err(update(params)).0, "InvalidInputException");
    }
    let unchanged = get_controls(&sim, &["IAM.7"]).security_controls.remove(0);
    assert_eq!(unchanged.parameters.as_ref().unwrap()["MinimumPasswordLength"].value_type, "DEFAULT");
    assert_eq!(unchanged.last_update_reason, None);

    update(vec![
        ("MinimumPasswordLength", custom(int(14))),
        ("Mode", custom(sh::ParameterValue { enum_: Some("LAX".into()), ..Default::default() })),
    ])
    .unwrap();
    let after = get_controls(&sim, &["IAM.7"]).security_controls.remove(0);
    let params = after.parameters.unwrap();
    assert_eq!(params["MinimumPasswordLength"].value_type, "CUSTOM");
    assert_eq!(params["MinimumPasswordLength"].value.as_ref().unwrap().integer, Some(14));
    assert_eq!(params["Mode"].value.as_ref().unwrap().enum_.as_deref(), Some("LAX"));
    assert_eq!(params["RequireSymbols"].value_type, "DEFAULT");
    assert_eq!(after.last_update_reason.as_deref(), Some("Company policy"));
    // Back to the default.
    update(vec![("MinimumPasswordLength", sh::ParameterConfiguration { value_type: "DEFAULT".into(), value: None })])
        .unwrap();
    let reset = get_controls(&sim, &["IAM.7"]).security_controls.remove(0);
    assert_eq!(reset.parameters.unwrap()["MinimumPasswordLength"].value.as_ref().unwrap().integer, Some(8));
    // Parameters are per region.
    sim.call::<sh::EnableSecurityHub>("eu-west-1", Default::default()).unwrap();
    let eu = sim
        .call::<sh::BatchGetSecurityControls>(
            "eu-west-1",
            sh::BatchGetSecurityControlsRequest { security_control_ids: vec!["IAM.7".into()] },
        )
        .unwrap();
    assert_eq!(eu.security_controls[0].parameters.as_ref().unwrap()["Mode"].value_type, "DEFAULT");

    let unknown = sim.call::<sh::UpdateSecurityControl>(
        REGION,
        sh::UpdateSecurityControlRequest { security_control_id: "Nope.1".into(), ..Default::default() },
    );
    assert_eq!(err(unknown), ("ResourceNotFoundException".to_string(), 404));
    let json_call = sim.call_json(
        REGION,
        "securityhub",
        "UpdateSecurityControl",
        json!({"SecurityControlId": "IAM.7", "Parameters": {"RequireSymbols": {"ValueType": "CUSTOM", "Value": {"Boolean": false}}}}),
    );
    assert!(json_call.is_ok(), "{json_call:?}");
    let empty = sim.call::<sh::BatchGetSecurityControls>(REGION, Default::default());
    assert_eq!(err(empty).0, "InvalidInputException");
}

#[test]
fn security_control_status_and_associations_follow_standards_controls() {
    let sim = hub(Era::Current);
    let list = |id: &str| {
        sim.call::<sh::ListStandardsControlAssociations>(
            REGION,
            sh::ListStandardsControlAssociationsRequest { security_control_id: id.into(), ..Default::default() },
        )
    };
    let assoc = list("EC2.2").unwrap().standards_control_association_summaries;
    assert_eq!(assoc.len(), 2);
    assert!(assoc.iter().all(|a| a.association_status == "ENABLED"));
    let cis = assoc.iter().find(|a| a.standards_arn.contains("ruleset")).unwrap();
    assert_eq!(cis.standards_arn, "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0");
    assert_eq!(cis.related_requirements, Some(vec!["CIS AWS Foundations Benchmark v1.2.0/4.3".to_string()]));
    assert_eq!(cis.security_control_arn, format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:security-control/EC2.2"));

    for (path, id) in [(CIS, "4.3"), (FSBP, "EC2.2")] {
        sim.call::<sh::UpdateStandardsControl>(
            REGION,
            sh::UpdateStandardsControlRequest {
                standards_control_arn: control_arn(path, id),
                control_status: Some("DISABLED".into()),
                disabled_reason: Some("Not applicable".into()),
            },
        )
        .unwrap();
    }
    let assoc = list("EC2.2").unwrap().standards_control_association_summaries;
    assert!(assoc.iter().all(|a| a.association_status == "DISABLED"));
    assert!(assoc.iter().all(|a| a.updated_reason.as_deref() == Some("Not applicable")));
    assert_eq!(get_controls(&sim, &["EC2.2"]).security_controls[0].security_control_status, "DISABLED");
    assert_eq!(get_controls(&sim, &["EC2.10"]).security_controls[0].security_control_status, "ENABLED");

    // A standard that is not enabled shows its association as DISABLED.
    sim.call::<sh::BatchDisableStandards>(
        REGION,
        sh::BatchDisableStandardsRequest { standards_subscription_arns: vec![sub(CIS)] },
    )
    .unwrap();
    let ct = list("CloudTrail.1").unwrap().standards_control_association_summaries;
    let cis = ct.iter().find(|a| a.standards_arn.contains("ruleset")).unwrap();
    assert_eq!(cis.association_status, "DISABLED");
    assert_eq!(err(list("Nope.1")).0, "InvalidInputException");
}

#[test]
fn organization_tolerate_calls() {
    let sim = hub(Era::Current);
    let products = sim.call::<sh::ListEnabledProductsForImport>(REGION, Default::default()).unwrap();
    assert_eq!(products.product_subscriptions, Some(vec![]));
    let org = sim.call::<sh::DescribeOrganizationConfiguration>(REGION, Default::default());
    assert_eq!(err(org), ("InvalidAccessException".to_string(), 401));
    // The test account is a member, not the management account.
    let admins = sim.call::<sh::ListOrganizationAdminAccounts>(REGION, Default::default());
    assert_eq!(err(admins), ("InvalidAccessException".to_string(), 401));
    let no_hub = sim.call::<sh::ListEnabledProductsForImport>("eu-west-1", Default::default());
    assert_eq!(err(no_hub).0, "InvalidAccessException");
}

#[test]
fn management_account_lists_no_admin_accounts() {
    let sim = catalogued(Simulator::in_memory().unwrap());
    let mut settings = hubsim_simulator::testing::settings(Era::Current, &[REGION]);
    if let Some(org) = settings.account.organization.as_mut() {
        org.management_account_id = ACCOUNT.into();
    }
    hubsim_simulator::testing::initialize(&sim, settings, &Default::default()).unwrap();
    sim.call::<sh::EnableSecurityHub>(REGION, Default::default()).unwrap();
    let admins = sim.call::<sh::ListOrganizationAdminAccounts>(REGION, Default::default()).unwrap();
    assert_eq!(admins.admin_accounts, Some(vec![]));
}

fn internal<T: std::fmt::Debug>(r: Result<T, AwsError>) {
    let e = r.unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("InternalFailure", 500));
    assert_eq!(e.message, "no control catalogue is installed");
}

#[test]
fn control_operations_need_a_catalogue() {
    // Never a fake empty answer: a simulator opened without a catalogue says it has none (500).
    let sim = fresh_account(Era::Current, &[REGION]);
    assert!(sim.catalog().is_none());
    sim.call::<sh::EnableSecurityHub>(REGION, Default::default()).unwrap();
    let sub =
        format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0");
    internal(sim.call::<sh::DescribeStandardsControls>(
        REGION,
        sh::DescribeStandardsControlsRequest { standards_subscription_arn: sub, ..Default::default() },
    ));
    internal(sim.call::<sh::UpdateStandardsControl>(
        REGION,
        sh::UpdateStandardsControlRequest {
            standards_control_arn: format!(
                "arn:aws:securityhub:{REGION}:{ACCOUNT}:control/aws-foundational-security-best-practices/v/1.0.0/EC2.2"
            ),
            control_status: Some("DISABLED".into()),
            disabled_reason: Some("x".into()),
        },
    ));
    internal(sim.call::<sh::ListSecurityControlDefinitions>(REGION, Default::default()));
    internal(sim.call::<sh::BatchGetSecurityControls>(
        REGION,
        sh::BatchGetSecurityControlsRequest { security_control_ids: vec!["EC2.2".into()] },
    ));
    internal(sim.call::<sh::UpdateSecurityControl>(
        REGION,
        sh::UpdateSecurityControlRequest { security_control_id: "IAM.7".into(), ..Default::default() },
    ));
    internal(sim.call::<sh::ListStandardsControlAssociations>(
        REGION,
        sh::ListStandardsControlAssociationsRequest { security_control_id: "EC2.2".into(), ..Default::default() },
    ));
}

#[test]
fn a_snapshot_keeps_the_catalogue() {
    let sim = hub(Era::Current);
    let copy = sim.snapshot().unwrap();
    assert!(copy.catalog().is_some());
    assert_eq!(describe(&copy, FSBP).len(), describe(&sim, FSBP).len());
}
