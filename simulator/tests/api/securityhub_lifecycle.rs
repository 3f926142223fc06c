//! Security Hub: BatchImportFindings and the finding lifecycle (AWS:
//! https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html).

use crate::support::{securityhub_model_code, securityhub_product, securityhub_world};
use hubsim_simulator::model::securityhub as sh;
use hubsim_simulator::testing::ACCOUNT;
use hubsim_simulator::{AwsApi, Simulator};
use serde_json::json;

const REGION: &str = "us-east-1";

fn finding(id: &str, compliance: &str, updated: &str) -> sh::AwsSecurityFinding {
    sh::AwsSecurityFinding {
        schema_version: "2018-10-08".into(),
        id: id.into(),
        product_arn: securityhub_product(REGION),
        generator_id: "security-control/S3.9".into(),
        aws_account_id: ACCOUNT.into(),
        types: Some(vec!["Software and Configuration Checks/Industry and Regulatory Standards".into()]),
        first_observed_at: Some(updated.into()),
        created_at: updated.into(),
        updated_at: updated.into(),
        severity: Some(sh::Severity { label: Some("MEDIUM".into()), ..Default::default() }),
        title: "S3 general purpose buckets should have server access logging enabled".into(),
        description: "This control checks whether server access logging is enabled.".into(),
        resources: vec![sh::Resource {
            type_: "AwsS3Bucket".into(),
            id: "arn:aws:s3:::logs".into(),
            partition: Some("aws".into()),
            region: Some(REGION.into()),
            ..Default::default()
        }],
        compliance: Some(sh::Compliance {
            status: Some(compliance.into()),
            security_control_id: Some("S3.9".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn import(sim: &Simulator, findings: Vec<sh::AwsSecurityFinding>) -> sh::BatchImportFindingsResponse {
    sim.call::<sh::BatchImportFindings>(REGION, sh::BatchImportFindingsRequest { findings }).unwrap()
}

fn get(sim: &Simulator, id: &str) -> sh::AwsSecurityFinding {
    let filters = sh::AwsSecurityFindingFilters {
        id: Some(vec![sh::StringFilter { value: Some(id.into()), comparison: Some("EQUALS".into()) }]),
        ..Default::default()
    };
    let mut found = sim
        .call::<sh::GetFindings>(REGION, sh::GetFindingsRequest { filters: Some(filters), ..Default::default() })
        .unwrap()
        .findings;
    assert_eq!(found.len(), 1, "{id}");
    found.remove(0)
}

fn status(f: &sh::AwsSecurityFinding) -> String {
    f.workflow.as_ref().and_then(|w| w.status.clone()).unwrap_or_default()
}

fn set_workflow(sim: &Simulator, id: &str, to: &str) {
    let out = sim
        .call::<sh::BatchUpdateFindings>(
            REGION,
            sh::BatchUpdateFindingsRequest {
                finding_identifiers: vec![sh::AwsSecurityFindingIdentifier {
                    id: id.into(),
                    product_arn: securityhub_product(REGION),
                }],
                workflow: Some(sh::WorkflowUpdate { status: Some(to.into()) }),
                note: Some(sh::NoteUpdate { text: format!("set to {to}"), updated_by: "analyst".into() }),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(out.processed_findings.len(), 1);
}

#[test]
fn a_new_failed_finding_is_new_and_active() {
    let sim = securityhub_world(REGION);
    let r = import(&sim, vec![finding("f1", "FAILED", "2025-12-31T10:00:00Z")]);
    assert_eq!((r.success_count, r.failed_count), (1, 0));
    assert_eq!(r.failed_findings, Some(vec![]));
    let f = get(&sim, "f1");
    assert_eq!(status(&f), "NEW");
    assert_eq!(f.record_state.as_deref(), Some("ACTIVE"));
    assert_eq!(f.region.as_deref(), Some(REGION));
    assert_eq!(f.product_name.as_deref(), Some("Security Hub"));
    assert_eq!(f.company_name.as_deref(), Some("AWS"));
    assert_eq!(f.created_at, "2025-12-31T10:00:00Z");
    let sev = f.severity.clone().unwrap();
    assert_eq!((sev.label.as_deref(), sev.normalized), (Some("MEDIUM"), Some(40)));
    let fpf = f.finding_provider_fields.clone().unwrap();
    assert_eq!(fpf.severity.unwrap().label.as_deref(), Some("MEDIUM"));
    assert_eq!(fpf.types, f.types);
    assert_eq!(
        f.product_fields.unwrap().get("aws/securityhub/FindingId").cloned(),
        Some(format!("{}/f1", securityhub_product(REGION)))
    );
}

#[test]
fn a_new_passed_finding_is_resolved() {
    let sim = securityhub_world(REGION);
    import(&sim, vec![finding("f1", "PASSED", "2025-12-31T10:00:00Z")]);
    assert_eq!(status(&get(&sim, "f1")), "RESOLVED");
}

#[test]
fn a_new_finding_keeps_the_importers_workflow_but_an_existing_one_does_not() {
    let sim = securityhub_world(REGION);
    let mut f = finding("f1", "FAILED", "2025-12-31T10:00:00Z");
    f.workflow = Some(sh::Workflow { status: Some("NOTIFIED".into()) });
    import(&sim, vec![f.clone()]);
    assert_eq!(status(&get(&sim, "f1")), "NOTIFIED");
    f.workflow = Some(sh::Workflow { status: Some("SUPPRESSED".into()) });
    f.updated_at = "2026-01-01T10:00:00Z".into();
    import(&sim, vec![f]);
    assert_eq!(status(&get(&sim, "f1")), "NOTIFIED");
}

#[test]
fn suppression_survives_failed_reimports() {
    let sim = securityhub_world(REGION);
    import(&sim, vec![finding("f1", "FAILED", "2025-12-31T10:00:00Z")]);
    set_workflow(&sim, "f1", "SUPPRESSED");
    let f = get(&sim, "f1");
    assert_eq!(status(&f), "SUPPRESSED");
    // BatchUpdateFindings does not touch UpdatedAt.
    assert_eq!(f.updated_at, "2025-12-31T10:00:00Z");
    import(&sim, vec![finding("f1", "FAILED", "2026-01-01T10:00:00Z")]);
    let f = get(&sim, "f1");
    assert_eq!(status(&f), "SUPPRESSED");
    assert_eq!(f.updated_at, "2026-01-01T10:00:00Z");
    assert_eq!(f.note.unwrap().text, "set to SUPPRESSED");
}

#[test]
fn a_suppressed_finding_that_passes_stays_suppressed() {
    let sim = securityhub_world(REGION);
    import(&sim, vec![finding("f1", "FAILED", "2025-12-31T10:00:00Z")]);
    set_workflow(&sim, "f1", "SUPPRESSED");
    import(&sim, vec![finding("f1", "PASSED", "2026-01-01T10:00:00Z")]);
    let f = get(&sim, "f1");
    assert_eq!(status(&f), "SUPPRESSED");
    assert_eq!(f.compliance.unwrap().status.as_deref(), Some("PASSED"));
}

#[test]
fn passing_resolves_a_new_finding_and_keeps_a_resolved_one_resolved() {
    let sim = securityhub_world(REGION);
    import(
        &sim,
        vec![finding("new", "FAILED", "2025-12-31T10:00:00Z"), finding("res", "PASSED", "2025-12-31T10:00:00Z")],
    );
    assert_eq!(status(&get(&sim, "new")), "NEW");
    assert_eq!(status(&get(&sim, "res")), "RESOLVED");
    import(
        &sim,
        vec![finding("new", "PASSED", "2026-01-01T10:00:00Z"), finding("res", "PASSED", "2026-01-01T10:00:00Z")],
    );
    assert_eq!(status(&get(&sim, "new")), "RESOLVED");
    assert_eq!(status(&get(&sim, "res")), "RESOLVED");
    // A NOTIFIED finding that becomes PASSED is resolved too.
    import(&sim, vec![finding("n", "FAILED", "2025-12-31T10:00:00Z")]);
    set_workflow(&sim, "n", "NOTIFIED");
    import(&sim, vec![finding("n", "PASSED", "2026-01-01T10:00:00Z")]);
    assert_eq!(status(&get(&sim, "n")), "RESOLVED");
}

#[test]
fn failing_again_reopens_resolved_and_notified_findings() {
    let sim = securityhub_world(REGION);
    import(
        &sim,
        vec![finding("res", "PASSED", "2025-12-31T10:00:00Z"), finding("not", "PASSED", "2025-12-31T10:00:00Z")],
    );
    set_workflow(&sim, "not", "NOTIFIED");
    import(
        &sim,
        vec![finding("res", "FAILED", "2026-01-01T10:00:00Z"), finding("not", "WARNING", "2026-01-01T10:00:00Z")],
    );
    assert_eq!(status(&get(&sim, "res")), "NEW");
    assert_eq!(status(&get(&sim, "not")), "NEW");
    // FAILED → FAILED on a NOTIFIED finding leaves it NOTIFIED (the reset needs PASSED before).
    set_workflow(&sim, "not", "NOTIFIED");
    import(&sim, vec![finding("not", "FAILED", "2026-01-01T11:00:00Z")]);
    assert_eq!(status(&get(&sim, "not")), "NOTIFIED");
}

#[test]
fn an_archived_finding_that_becomes_active_again_is_reopened_unless_suppressed() {
    let sim = securityhub_world(REGION);
    let archived = |id: &str, state: &str, at: &str| {
        let mut f = finding(id, "FAILED", at);
        f.record_state = Some(state.into());
        f
    };
    import(
        &sim,
        vec![finding("res", "FAILED", "2025-12-31T10:00:00Z"), finding("sup", "FAILED", "2025-12-31T10:00:00Z")],
    );
    set_workflow(&sim, "res", "RESOLVED");
    set_workflow(&sim, "sup", "SUPPRESSED");
    import(
        &sim,
        vec![archived("res", "ARCHIVED", "2026-01-01T10:00:00Z"), archived("sup", "ARCHIVED", "2026-01-01T10:00:00Z")],
    );
    let f = get(&sim, "res");
    assert_eq!((f.record_state.as_deref(), status(&f).as_str()), (Some("ARCHIVED"), "RESOLVED"));
    // A re-import without RecordState keeps ARCHIVED.
    import(&sim, vec![finding("res", "FAILED", "2026-01-01T10:30:00Z")]);
    assert_eq!(get(&sim, "res").record_state.as_deref(), Some("ARCHIVED"));
    import(
        &sim,
        vec![archived("res", "ACTIVE", "2026-01-01T11:00:00Z"), archived("sup", "ACTIVE", "2026-01-01T11:00:00Z")],
    );
    let f = get(&sim, "res");
    assert_eq!((f.record_state.as_deref(), status(&f).as_str()), (Some("ACTIVE"), "NEW"));
    let f = get(&sim, "sup");
    assert_eq!((f.record_state.as_deref(), status(&f).as_str()), (Some("ACTIVE"), "SUPPRESSED"));
}

#[test]
fn a_reimport_replaces_provider_fields_and_keeps_customer_fields() {
    let sim = securityhub_world(REGION);
    import(&sim, vec![finding("f1", "FAILED", "2025-12-31T10:00:00Z")]);
    sim.call::<sh::BatchUpdateFindings>(
        REGION,
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![sh::AwsSecurityFindingIdentifier {
                id: "f1".into(),
                product_arn: securityhub_product(REGION),
            }],
            severity: Some(sh::SeverityUpdate { label: Some("LOW".into()), ..Default::default() }),
            verification_state: Some("TRUE_POSITIVE".into()),
            user_defined_fields: Some([("ticket".to_string(), "SEC-1".to_string())].into()),
            note: Some(sh::NoteUpdate { text: "looking".into(), updated_by: "analyst".into() }),
            ..Default::default()
        },
    )
    .unwrap();
    let mut again = finding("f1", "FAILED", "2026-01-01T10:00:00Z");
    again.title = "New title".into();
    again.severity = Some(sh::Severity { label: Some("HIGH".into()), ..Default::default() });
    again.verification_state = Some("FALSE_POSITIVE".into());
    again.confidence = Some(80);
    import(&sim, vec![again]);
    let f = get(&sim, "f1");
    assert_eq!(f.title, "New title");
    assert_eq!(f.updated_at, "2026-01-01T10:00:00Z");
    assert_eq!(f.created_at, "2025-12-31T10:00:00Z");
    assert_eq!(f.first_observed_at.as_deref(), Some("2025-12-31T10:00:00Z"));
    // The customer's severity sticks; the provider's goes to FindingProviderFields.
    assert_eq!(f.severity.clone().unwrap().label.as_deref(), Some("LOW"));
    assert_eq!(f.finding_provider_fields.clone().unwrap().severity.unwrap().label.as_deref(), Some("HIGH"));
    assert_eq!(f.verification_state.as_deref(), Some("TRUE_POSITIVE"));
    assert_eq!(f.user_defined_fields.clone().unwrap().get("ticket").map(String::as_str), Some("SEC-1"));
    assert_eq!(f.note.clone().unwrap().text, "looking");
    // Confidence was never set by the customer, so the provider's value applies.
    assert_eq!(f.confidence, Some(80));
}

#[test]
fn invalid_findings_are_reported_and_the_others_imported() {
    let sim = securityhub_world(REGION);
    let good = finding("good", "FAILED", "2025-12-31T10:00:00Z");
    let mut bad = Vec::new();
    let mut f = finding("schema", "FAILED", "2025-12-31T10:00:00Z");
    f.schema_version = "2018-10-09".into();
    bad.push(f);
    let mut f = finding("account", "FAILED", "2025-12-31T10:00:00Z");
    f.aws_account_id = "111111111111".into();
    bad.push(f);
    let mut f = finding("product", "FAILED", "2025-12-31T10:00:00Z");
    f.product_arn = "arn:aws:securityhub:us-east-1::product/crowdstrike/crowdstrike-falcon".into();
    bad.push(f);
    let mut f = finding("other-region-product", "FAILED", "2025-12-31T10:00:00Z");
    f.product_arn = "arn:aws:securityhub:eu-west-1::product/aws/securityhub".into();
    bad.push(f);
    let mut f = finding("no-resources", "FAILED", "2025-12-31T10:00:00Z");
    f.resources.clear();
    bad.push(f);
    let mut f = finding("many-resources", "FAILED", "2025-12-31T10:00:00Z");
    f.resources = vec![f.resources[0].clone(); 33];
    bad.push(f);
    let mut f = finding("no-severity", "FAILED", "2025-12-31T10:00:00Z");
    f.severity = None;
    bad.push(f);
    let mut f = finding("no-types", "FAILED", "2025-12-31T10:00:00Z");
    f.types = None;
    bad.push(f);
    let mut f = finding("bad-date", "FAILED", "2025-12-31T10:00:00Z");
    f.updated_at = "yesterday".into();
    bad.push(f);
    bad.push(finding(&"x".repeat(513), "FAILED", "2025-12-31T10:00:00Z"));
    let bad_ids: Vec<String> = bad.iter().map(|f| f.id.clone()).collect();
    let mut all = vec![good];
    all.extend(bad);
    let r = import(&sim, all);
    assert_eq!((r.success_count, r.failed_count), (1, bad_ids.len() as i32));
    let failed = r.failed_findings.unwrap();
    assert_eq!(failed.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), bad_ids);
    assert!(failed.iter().all(|e| e.error_code == "InvalidInput" && !e.error_message.is_empty()));
    let all = sim.call::<sh::GetFindings>(REGION, Default::default()).unwrap().findings;
    assert_eq!(all.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), vec!["good"]);
    // 32 resources and a 512-character Id are fine.
    let mut f = finding(&"y".repeat(512), "FAILED", "2025-12-31T10:00:00Z");
    f.resources = vec![f.resources[0].clone(); 32];
    assert_eq!(import(&sim, vec![f]).success_count, 1);
}

#[test]
fn the_batch_must_hold_one_to_one_hundred_findings() {
    let sim = securityhub_world(REGION);
    let none = sim.call::<sh::BatchImportFindings>(REGION, sh::BatchImportFindingsRequest { findings: vec![] });
    assert_eq!(none.unwrap_err().code, securityhub_model_code());
    let many: Vec<_> = (0..101).map(|i| finding(&format!("f{i}"), "FAILED", "2025-12-31T10:00:00Z")).collect();
    let e = sim.call::<sh::BatchImportFindings>(REGION, sh::BatchImportFindingsRequest { findings: many }).unwrap_err();
    assert_eq!((e.code, e.status), (securityhub_model_code(), 400));
    assert!(sim.call::<sh::GetFindings>(REGION, Default::default()).unwrap().findings.is_empty());
}

#[test]
fn the_default_product_imports_as_personal_and_severity_labels_come_from_scores() {
    let sim = securityhub_world(REGION);
    let mut f = finding("custom", "FAILED", "2025-12-31T10:00:00Z");
    f.product_arn = format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default");
    f.severity = Some(sh::Severity { normalized: Some(75), ..Default::default() });
    assert_eq!(import(&sim, vec![f]).success_count, 1);
    let f = get(&sim, "custom");
    assert_eq!((f.product_name.as_deref(), f.company_name.as_deref()), (Some("Default"), Some("Personal")));
    assert_eq!(f.severity.unwrap().label.as_deref(), Some("HIGH"));
}

#[test]
fn the_json_path_imports_a_finding() {
    let sim = securityhub_world(REGION);
    let out = sim
        .call_json(
            REGION,
            "securityhub",
            "BatchImportFindings",
            json!({"Findings": [{
                "SchemaVersion": "2018-10-08",
                "Id": "json-1",
                "ProductArn": securityhub_product(REGION),
                "GeneratorId": "security-control/IAM.6",
                "AwsAccountId": ACCOUNT,
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
                "CreatedAt": "2025-12-31T10:00:00Z",
                "UpdatedAt": "2025-12-31T10:00:00Z",
                "Severity": {"Label": "CRITICAL"},
                "Title": "Hardware MFA should be enabled for the root user",
                "Description": "This control checks whether the root user uses hardware MFA.",
                "Resources": [{"Type": "AwsAccount", "Id": format!("AWS::::Account:{ACCOUNT}")}],
                "Compliance": {"Status": "FAILED", "SecurityControlId": "IAM.6"}
            }]}),
        )
        .unwrap();
    assert_eq!(out["SuccessCount"], json!(1));
    let got = sim
        .call_json(
            REGION,
            "securityhub",
            "GetFindings",
            json!({"Filters": {"ComplianceSecurityControlId": [{"Value": "IAM.6", "Comparison": "EQUALS"}]}}),
        )
        .unwrap();
    assert_eq!(got["Findings"][0]["Workflow"]["Status"], json!("NEW"));
    assert_eq!(got["Findings"][0]["Severity"]["Normalized"], json!(90));
}

#[test]
fn findings_are_regional() {
    let sim = securityhub_world(REGION);
    import(&sim, vec![finding("f1", "FAILED", "2025-12-31T10:00:00Z")]);
    sim.call::<sh::EnableSecurityHub>("eu-west-1", Default::default()).unwrap();
    let there = sim.call::<sh::GetFindings>("eu-west-1", Default::default()).unwrap();
    assert!(there.findings.is_empty());
    // us-east-1's product ARN is not eu-west-1's.
    let r = sim
        .call::<sh::BatchImportFindings>(
            "eu-west-1",
            sh::BatchImportFindingsRequest { findings: vec![finding("f1", "FAILED", "2025-12-31T10:00:00Z")] },
        )
        .unwrap();
    assert_eq!((r.success_count, r.failed_count), (0, 1));
    assert!(sim.call::<sh::GetFindings>("eu-west-1", Default::default()).unwrap().findings.is_empty());
    assert_eq!(sim.call::<sh::GetFindings>(REGION, Default::default()).unwrap().findings.len(), 1);
}
