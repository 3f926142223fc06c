//! Security Hub: GetFindings filters, sort and pagination, and BatchUpdateFindings.

use crate::support::{securityhub_model_code, securityhub_product, securityhub_world};
use hubsim_simulator::model::hubsim;
use hubsim_simulator::model::securityhub as sh;
use hubsim_simulator::model::Timestamp;
use hubsim_simulator::testing::ACCOUNT;
use hubsim_simulator::{AwsApi, AwsError, Simulator};
use serde_json::json;

const REGION: &str = "us-east-1";
const FSBP: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";
const CIS: &str = "ruleset/cis-aws-foundations-benchmark/v/1.2.0";

struct Spec<'a> {
    id: &'a str,
    control: &'a str,
    compliance: &'a str,
    label: &'a str,
    resource: (&'a str, &'a str),
    updated: &'a str,
    standards: &'a [&'a str],
}

fn make(s: &Spec<'_>) -> sh::AwsSecurityFinding {
    sh::AwsSecurityFinding {
        schema_version: "2018-10-08".into(),
        id: s.id.into(),
        product_arn: securityhub_product(REGION),
        generator_id: format!("security-control/{}", s.control),
        aws_account_id: ACCOUNT.into(),
        types: Some(vec!["Software and Configuration Checks/Industry and Regulatory Standards".into()]),
        created_at: s.updated.into(),
        updated_at: s.updated.into(),
        severity: Some(sh::Severity { label: Some(s.label.into()), ..Default::default() }),
        title: format!("{} check of the {} resource", s.control, s.resource.0),
        description: "A control check.".into(),
        resources: vec![sh::Resource {
            type_: s.resource.0.into(),
            id: s.resource.1.into(),
            partition: Some("aws".into()),
            region: Some(REGION.into()),
            ..Default::default()
        }],
        compliance: Some(sh::Compliance {
            status: Some(s.compliance.into()),
            security_control_id: Some(s.control.into()),
            associated_standards: Some(
                s.standards.iter().map(|id| sh::AssociatedStandard { standards_id: Some(id.to_string()) }).collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn import(sim: &Simulator, findings: Vec<sh::AwsSecurityFinding>) {
    let r = sim.call::<sh::BatchImportFindings>(REGION, sh::BatchImportFindingsRequest { findings }).unwrap();
    assert_eq!(r.failed_count, 0, "{:?}", r.failed_findings);
}

/// Five findings to filter.
fn seeded() -> Simulator {
    let sim = securityhub_world(REGION);
    let acct = format!("AWS::::Account:{ACCOUNT}");
    let sg = format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0");
    let specs = [
        Spec {
            id: "a",
            control: "S3.9",
            compliance: "FAILED",
            label: "MEDIUM",
            resource: ("AwsS3Bucket", "arn:aws:s3:::logs"),
            updated: "2025-12-01T00:00:00Z",
            standards: &[FSBP],
        },
        Spec {
            id: "b",
            control: "S3.1",
            compliance: "PASSED",
            label: "INFORMATIONAL",
            resource: ("AwsAccount", &acct),
            updated: "2025-12-20T00:00:00Z",
            standards: &[FSBP],
        },
        Spec {
            id: "c",
            control: "EC2.2",
            compliance: "FAILED",
            label: "HIGH",
            resource: ("AwsEc2SecurityGroup", &sg),
            updated: "2025-12-30T00:00:00Z",
            standards: &[FSBP, CIS],
        },
        Spec {
            id: "d",
            control: "IAM.6",
            compliance: "FAILED",
            label: "CRITICAL",
            resource: ("AwsAccount", &acct),
            updated: "2025-12-31T12:00:00Z",
            standards: &[FSBP, CIS],
        },
    ];
    import(&sim, specs.iter().map(make).collect());
    let mut custom = make(&Spec {
        id: "e",
        control: "X.1",
        compliance: "WARNING",
        label: "LOW",
        resource: ("Other", "my-thing"),
        updated: "2025-11-01T00:00:00Z",
        standards: &[],
    });
    custom.product_arn = format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default");
    custom.generator_id = "my-scanner/check-1".into();
    custom.title = "Custom bucket check".into();
    custom.compliance = Some(sh::Compliance { status: Some("WARNING".into()), ..Default::default() });
    import(&sim, vec![custom]);
    sim
}

fn sf(comparison: &str, value: &str) -> sh::StringFilter {
    sh::StringFilter { value: Some(value.into()), comparison: Some(comparison.into()) }
}

fn query(sim: &Simulator, filters: sh::AwsSecurityFindingFilters) -> Result<Vec<String>, AwsError> {
    let out =
        sim.call::<sh::GetFindings>(REGION, sh::GetFindingsRequest { filters: Some(filters), ..Default::default() })?;
    let mut ids: Vec<String> = out.findings.into_iter().map(|f| f.id).collect();
    ids.sort();
    Ok(ids)
}

fn ids(sim: &Simulator, filters: sh::AwsSecurityFindingFilters) -> Vec<String> {
    query(sim, filters).unwrap()
}

fn v(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn string_filters_combine_as_aws_documents() {
    let sim = seeded();
    type F = sh::AwsSecurityFindingFilters;
    let eq = |x: &str| vec![sf("EQUALS", x)];
    assert_eq!(ids(&sim, F { compliance_status: Some(eq("FAILED")), ..Default::default() }), v(&["a", "c", "d"]));
    // Positive comparisons on one field: OR.
    let either = vec![sf("EQUALS", "S3.9"), sf("EQUALS", "EC2.2")];
    assert_eq!(ids(&sim, F { compliance_security_control_id: Some(either), ..Default::default() }), v(&["a", "c"]));
    let prefix_or_contains = vec![sf("PREFIX", "security-control/S3"), sf("PREFIX", "my-")];
    assert_eq!(ids(&sim, F { generator_id: Some(prefix_or_contains), ..Default::default() }), v(&["a", "b", "e"]));
    // Negative comparisons on one field: AND.
    let neither = vec![sf("NOT_EQUALS", "FAILED"), sf("NOT_EQUALS", "PASSED")];
    assert_eq!(ids(&sim, F { compliance_status: Some(neither), ..Default::default() }), v(&["e"]));
    let not_prefix = vec![sf("PREFIX_NOT_EQUALS", "security-control/S3"), sf("PREFIX_NOT_EQUALS", "my-")];
    assert_eq!(ids(&sim, F { generator_id: Some(not_prefix), ..Default::default() }), v(&["c", "d"]));
    // PREFIX then NOT_EQUALS on the same field.
    let mixed = vec![sf("PREFIX", "security-control/"), sf("NOT_EQUALS", "security-control/S3.1")];
    assert_eq!(ids(&sim, F { generator_id: Some(mixed), ..Default::default() }), v(&["a", "c", "d"]));
    assert_eq!(
        ids(&sim, F { title: Some(vec![sf("CONTAINS", "bucket"), sf("CONTAINS", "AwsS3")]), ..Default::default() }),
        v(&["a", "e"])
    );
    assert_eq!(ids(&sim, F { title: Some(vec![sf("NOT_CONTAINS", "Aws")]), ..Default::default() }), v(&["e"]));
    // Different fields: AND.
    let f = F {
        compliance_status: Some(eq("FAILED")),
        severity_label: Some(vec![sf("EQUALS", "HIGH"), sf("EQUALS", "CRITICAL")]),
        ..Default::default()
    };
    assert_eq!(ids(&sim, f), v(&["c", "d"]));
    // Resource, product, standards, workflow and record fields.
    assert_eq!(ids(&sim, F { resource_type: Some(eq("AwsAccount")), ..Default::default() }), v(&["b", "d"]));
    assert_eq!(
        ids(&sim, F { resource_id: Some(vec![sf("PREFIX", "arn:aws:s3:::")]), ..Default::default() }),
        v(&["a"])
    );
    assert_eq!(ids(&sim, F { resource_region: Some(eq(REGION)), ..Default::default() }).len(), 5);
    assert_eq!(ids(&sim, F { product_name: Some(eq("Default")), ..Default::default() }), v(&["e"]));
    assert_eq!(ids(&sim, F { company_name: Some(eq("AWS")), ..Default::default() }), v(&["a", "b", "c", "d"]));
    assert_eq!(ids(&sim, F { product_arn: Some(eq(&securityhub_product(REGION))), ..Default::default() }).len(), 4);
    assert_eq!(
        ids(&sim, F { compliance_associated_standards_id: Some(eq(CIS)), ..Default::default() }),
        v(&["c", "d"])
    );
    assert_eq!(ids(&sim, F { workflow_status: Some(eq("RESOLVED")), ..Default::default() }), v(&["b"]));
    assert_eq!(ids(&sim, F { record_state: Some(eq("ACTIVE")), ..Default::default() }).len(), 5);
    assert_eq!(ids(&sim, F { aws_account_id: Some(eq(ACCOUNT)), ..Default::default() }).len(), 5);
    assert_eq!(ids(&sim, F { region: Some(eq("eu-west-1")), ..Default::default() }), Vec::<String>::new());
    assert_eq!(ids(&sim, F { id: Some(eq("d")), ..Default::default() }), v(&["d"]));
}

#[test]
fn number_and_date_filters() {
    let sim = seeded();
    type F = sh::AwsSecurityFindingFilters;
    let num = |gte: Option<f64>, lt: Option<f64>| sh::NumberFilter { gte, lt, ..Default::default() };
    assert_eq!(
        ids(&sim, F { severity_normalized: Some(vec![num(Some(70.0), None)]), ..Default::default() }),
        v(&["c", "d"])
    );
    // Two number filters on one field: OR.
    let either = vec![num(None, Some(1.0)), num(Some(90.0), None)];
    assert_eq!(ids(&sim, F { severity_normalized: Some(either), ..Default::default() }), v(&["b", "d"]));
    let exact = sh::NumberFilter { eq: Some(40.0), ..Default::default() };
    assert_eq!(ids(&sim, F { severity_normalized: Some(vec![exact]), ..Default::default() }), v(&["a"]));

    let range = sh::DateFilter {
        start: Some("2025-12-01T00:00:00Z".into()),
        end: Some("2025-12-30T00:00:00Z".into()),
        date_range: None,
    };
    assert_eq!(ids(&sim, F { updated_at: Some(vec![range]), ..Default::default() }), v(&["a", "b", "c"]));
    let since = sh::DateFilter { start: Some("2025-12-25T00:00:00Z".into()), ..Default::default() };
    assert_eq!(ids(&sim, F { created_at: Some(vec![since]), ..Default::default() }), v(&["c", "d"]));
    // DateRange counts back from the scenario clock (2026-01-01 plus a few seconds).
    let days = |n: i32, cmp: Option<&str>| sh::DateFilter {
        date_range: Some(sh::DateRange {
            value: Some(n),
            unit: Some("DAYS".into()),
            comparison: cmp.map(String::from),
        }),
        ..Default::default()
    };
    assert_eq!(ids(&sim, F { updated_at: Some(vec![days(5, None)]), ..Default::default() }), v(&["c", "d"]));
    assert_eq!(
        ids(&sim, F { updated_at: Some(vec![days(5, Some("OLDER_THAN"))]), ..Default::default() }),
        v(&["a", "b", "e"])
    );
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { days: Some(10), ..Default::default() })
        .unwrap();
    assert_eq!(ids(&sim, F { updated_at: Some(vec![days(5, None)]), ..Default::default() }), Vec::<String>::new());
}

#[test]
fn unsupported_or_contradictory_filters_are_refused() {
    let sim = seeded();
    type F = sh::AwsSecurityFindingFilters;
    let check = |f: F, needle: &str| {
        let e = query(&sim, f).unwrap_err();
        assert_eq!((e.code.as_str(), e.status), ("InvalidInputException", 400));
        assert!(e.message.contains(needle), "{} should name {needle}", e.message);
    };
    check(F { process_name: Some(vec![sf("EQUALS", "sshd")]), ..Default::default() }, "ProcessName");
    check(F { keyword: Some(vec![sh::KeywordFilter { value: Some("x".into()) }]), ..Default::default() }, "Keyword");
    check(F { title: Some(vec![sf("CONTAINS", "a"), sf("EQUALS", "b")]), ..Default::default() }, "Title");
    check(F { title: Some(vec![sf("NOT_CONTAINS", "a"), sf("NOT_EQUALS", "b")]), ..Default::default() }, "Title");
    check(F { id: Some(vec![sf("EQUALS", "a"), sf("NOT_EQUALS", "b")]), ..Default::default() }, "Id");
    check(F { title: Some(vec![sf("CONTAINS_WORD", "bucket")]), ..Default::default() }, "CONTAINS_WORD");
    check(
        F { title: Some(vec![sh::StringFilter { value: Some("x".into()), comparison: None }]), ..Default::default() },
        "Title",
    );
    let bad_date = sh::DateFilter { start: Some("last week".into()), ..Default::default() };
    check(F { updated_at: Some(vec![bad_date]), ..Default::default() }, "UpdatedAt");
    check(
        F { severity_normalized: Some(vec![sh::NumberFilter::default()]), ..Default::default() },
        "SeverityNormalized",
    );
    // The JSON path too.
    let e = sim
        .call_json(
            REGION,
            "securityhub",
            "GetFindings",
            json!({"Filters": {"MalwareName": [{"Value": "x", "Comparison": "EQUALS"}]}}),
        )
        .unwrap_err();
    assert_eq!(e.code, "InvalidInputException");
    assert!(e.message.contains("MalwareName"));
}

#[test]
fn sort_and_paginate_250_findings() {
    let sim = securityhub_world(REGION);
    let base = Timestamp::parse_iso8601("2025-12-01T00:00:00Z").unwrap().0;
    let all: Vec<sh::AwsSecurityFinding> = (0..250)
        .map(|i| {
            let updated = Timestamp(base + i as i64 * 60_000).to_iso8601();
            let mut f = make(&Spec {
                id: &format!("f{i:03}"),
                control: "S3.9",
                compliance: if i % 2 == 0 { "FAILED" } else { "PASSED" },
                label: ["LOW", "MEDIUM", "HIGH", "CRITICAL"][i % 4],
                resource: ("AwsS3Bucket", &format!("arn:aws:s3:::bucket-{i}")),
                updated: &updated,
                standards: &[FSBP],
            });
            f.title = format!("Title {:03}", 249 - i);
            f
        })
        .collect();
    for chunk in all.chunks(100) {
        import(&sim, chunk.to_vec());
    }

    let fetch = |req: sh::GetFindingsRequest| -> Vec<String> {
        let mut out = Vec::new();
        let mut req = req;
        loop {
            let page = sim.call::<sh::GetFindings>(REGION, req.clone()).unwrap();
            assert!(page.findings.len() <= req.max_results.unwrap_or(100) as usize);
            out.extend(page.findings.into_iter().map(|f| f.id));
            match page.next_token {
                Some(t) => req.next_token = Some(t),
                None => break,
            }
        }
        out
    };
    // Default: the order Security Hub received them, 100 per page.
    let first = sim.call::<sh::GetFindings>(REGION, Default::default()).unwrap();
    assert_eq!(first.findings.len(), 100);
    assert!(first.next_token.is_some());
    let default_order = fetch(Default::default());
    let received: Vec<String> = (0..250).map(|i| format!("f{i:03}")).collect();
    assert_eq!(default_order, received);
    // Small pages see the same sequence.
    assert_eq!(fetch(sh::GetFindingsRequest { max_results: Some(7), ..Default::default() }), received);
    let newest_first: Vec<String> = (0..250).rev().map(|i| format!("f{i:03}")).collect();
    let by_updated = sh::GetFindingsRequest {
        sort_criteria: Some(vec![sh::SortCriterion {
            field: Some("UpdatedAt".into()),
            sort_order: Some("desc".into()),
        }]),
        ..Default::default()
    };
    assert_eq!(fetch(by_updated), newest_first);

    // Title ascending is oldest-first here.
    let by_title = sh::GetFindingsRequest {
        sort_criteria: Some(vec![sh::SortCriterion { field: Some("Title".into()), sort_order: Some("asc".into()) }]),
        ..Default::default()
    };
    assert_eq!(fetch(by_title), newest_first);
    // Severity descending, then Id ascending.
    let by_severity = sh::GetFindingsRequest {
        sort_criteria: Some(vec![
            sh::SortCriterion { field: Some("SeverityNormalized".into()), sort_order: Some("desc".into()) },
            sh::SortCriterion { field: Some("Id".into()), sort_order: Some("asc".into()) },
        ]),
        max_results: Some(100),
        ..Default::default()
    };
    let sorted = fetch(by_severity);
    let mut expected: Vec<(i32, String)> = (0..250).map(|i| (-[1, 40, 70, 90][i % 4], format!("f{i:03}"))).collect();
    expected.sort();
    assert_eq!(sorted, expected.into_iter().map(|(_, id)| id).collect::<Vec<_>>());

    // Filters and pages together.
    let failed = sh::GetFindingsRequest {
        filters: Some(sh::AwsSecurityFindingFilters {
            compliance_status: Some(vec![sf("EQUALS", "FAILED")]),
            ..Default::default()
        }),
        max_results: Some(50),
        ..Default::default()
    };
    assert_eq!(fetch(failed).len(), 125);

    // Bad paging input.
    for bad in [
        sh::GetFindingsRequest { next_token: Some("not-a-token".into()), ..Default::default() },
        sh::GetFindingsRequest { max_results: Some(101), ..Default::default() },
        sh::GetFindingsRequest { max_results: Some(0), ..Default::default() },
        sh::GetFindingsRequest {
            sort_criteria: Some(vec![sh::SortCriterion { field: Some("ProcessName".into()), sort_order: None }]),
            ..Default::default()
        },
    ] {
        let e = sim.call::<sh::GetFindings>(REGION, bad).unwrap_err();
        assert_eq!((e.code.as_str(), e.status), ("InvalidInputException", 400));
    }
}

fn ident(id: &str) -> sh::AwsSecurityFindingIdentifier {
    sh::AwsSecurityFindingIdentifier { id: id.into(), product_arn: securityhub_product(REGION) }
}

fn get(sim: &Simulator, id: &str) -> sh::AwsSecurityFinding {
    let filters = sh::AwsSecurityFindingFilters { id: Some(vec![sf("EQUALS", id)]), ..Default::default() };
    sim.call::<sh::GetFindings>(REGION, sh::GetFindingsRequest { filters: Some(filters), ..Default::default() })
        .unwrap()
        .findings
        .remove(0)
}

#[test]
fn batch_update_findings_validates_its_input() {
    let sim = seeded();
    let before = get(&sim, "a");
    let update = |req: sh::BatchUpdateFindingsRequest| sim.call::<sh::BatchUpdateFindings>(REGION, req);
    let note = |text: &str, by: &str| Some(sh::NoteUpdate { text: text.into(), updated_by: by.into() });
    let bad = [
        // Nothing to update.
        sh::BatchUpdateFindingsRequest { finding_identifiers: vec![ident("a")], ..Default::default() },
        // Note without UpdatedBy, blank text, 513 characters.
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![ident("a")],
            note: note("hi", ""),
            ..Default::default()
        },
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![ident("a")],
            note: note("  ", "me"),
            ..Default::default()
        },
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![ident("a")],
            note: note(&"n".repeat(513), "me"),
            ..Default::default()
        },
        // No identifiers, too many identifiers.
        sh::BatchUpdateFindingsRequest { finding_identifiers: vec![], note: note("hi", "me"), ..Default::default() },
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: (0..101).map(|i| ident(&format!("x{i}"))).collect(),
            note: note("hi", "me"),
            ..Default::default()
        },
        // Workflow without a status; severity without label or score.
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![ident("a")],
            workflow: Some(sh::WorkflowUpdate { status: None }),
            ..Default::default()
        },
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![ident("a")],
            severity: Some(sh::SeverityUpdate::default()),
            ..Default::default()
        },
    ];
    for (i, req) in bad.into_iter().enumerate() {
        let e = update(req).unwrap_err();
        assert_eq!((e.code.as_str(), e.status), ("InvalidInputException", 400), "case {i}");
    }
    // What the model itself refuses (range, enum).
    let over = sh::BatchUpdateFindingsRequest {
        finding_identifiers: vec![ident("a")],
        confidence: Some(101),
        ..Default::default()
    };
    assert_eq!(update(over).unwrap_err().code, securityhub_model_code());
    let e = sim
        .call_json(
            REGION,
            "securityhub",
            "BatchUpdateFindings",
            json!({"FindingIdentifiers": [{"Id": "a", "ProductArn": securityhub_product(REGION)}], "Note": {"Text": "hi"}}),
        )
        .unwrap_err();
    assert_eq!((e.code, e.status), (securityhub_model_code(), 400));
    // Nothing changed.
    assert_eq!(get(&sim, "a"), before);

    // 512 characters are fine; an unknown finding is reported, the known one processed.
    let out = update(sh::BatchUpdateFindingsRequest {
        finding_identifiers: vec![ident("a"), ident("nope")],
        note: note(&"n".repeat(512), "me"),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(out.processed_findings, vec![ident("a")]);
    assert_eq!(out.unprocessed_findings.len(), 1);
    assert_eq!(out.unprocessed_findings[0].finding_identifier, ident("nope"));
    assert_eq!(out.unprocessed_findings[0].error_code, "FindingNotFound");
    assert_eq!(get(&sim, "a").note.unwrap().text.len(), 512);
}

#[test]
fn batch_update_findings_sets_customer_fields_without_touching_updated_at() {
    let sim = seeded();
    let now = sim
        .call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(3), ..Default::default() })
        .unwrap()
        .now
        .unwrap();
    let out = sim
        .call::<sh::BatchUpdateFindings>(
            REGION,
            sh::BatchUpdateFindingsRequest {
                finding_identifiers: vec![ident("a"), ident("c")],
                note: Some(sh::NoteUpdate { text: "accepted risk".into(), updated_by: "alice".into() }),
                severity: Some(sh::SeverityUpdate { normalized: Some(75), ..Default::default() }),
                verification_state: Some("BENIGN_POSITIVE".into()),
                confidence: Some(60),
                criticality: Some(20),
                types: Some(vec!["Effects/Data Exposure".into()]),
                user_defined_fields: Some([("owner".to_string(), "alice".to_string())].into()),
                workflow: Some(sh::WorkflowUpdate { status: Some("NOTIFIED".into()) }),
                related_findings: Some(vec![sh::RelatedFinding {
                    product_arn: securityhub_product(REGION),
                    id: "d".into(),
                }]),
            },
        )
        .unwrap();
    assert_eq!(out.processed_findings, vec![ident("a"), ident("c")]);
    assert!(out.unprocessed_findings.is_empty());
    let f = get(&sim, "a");
    assert_eq!(f.updated_at, "2025-12-01T00:00:00Z");
    let n = f.note.clone().unwrap();
    assert_eq!((n.text.as_str(), n.updated_by.as_str()), ("accepted risk", "alice"));
    assert_eq!(n.updated_at, Timestamp(now.0 + 1000).to_iso8601());
    let sev = f.severity.clone().unwrap();
    assert_eq!((sev.label.as_deref(), sev.normalized), (Some("HIGH"), Some(75)));
    assert_eq!(f.verification_state.as_deref(), Some("BENIGN_POSITIVE"));
    assert_eq!((f.confidence, f.criticality), (Some(60), Some(20)));
    assert_eq!(f.types, Some(vec!["Effects/Data Exposure".to_string()]));
    assert_eq!(f.workflow.clone().unwrap().status.as_deref(), Some("NOTIFIED"));
    assert_eq!(f.related_findings.clone().unwrap()[0].id, "d");
    assert_eq!(f.user_defined_fields.clone().unwrap().get("owner").map(String::as_str), Some("alice"));
    // The label wins over a normalized score.
    sim.call::<sh::BatchUpdateFindings>(
        REGION,
        sh::BatchUpdateFindingsRequest {
            finding_identifiers: vec![ident("a")],
            severity: Some(sh::SeverityUpdate { label: Some("LOW".into()), normalized: Some(95), product: None }),
            ..Default::default()
        },
    )
    .unwrap();
    let sev = get(&sim, "a").severity.unwrap();
    assert_eq!((sev.label.as_deref(), sev.normalized), (Some("LOW"), Some(1)));
    // Filters see the customer's values.
    let notified =
        sh::AwsSecurityFindingFilters { workflow_status: Some(vec![sf("EQUALS", "NOTIFIED")]), ..Default::default() };
    assert_eq!(ids(&sim, notified), v(&["a", "c"]));
}

/// A derived re-import (`call_derived`, the evaluator's) that changes nothing but observation
/// times leaves no journal row, through the simulator or a batch; a new finding, a changed one,
/// and any import through `call` are journaled. The clock moves either way.
#[test]
fn derived_reimports_of_unchanged_findings_are_not_journaled() {
    use hubsim_simulator::sim::BatchApi;
    use hubsim_simulator::SimError;
    let sim = securityhub_world(REGION);
    let spec = |compliance, updated| Spec {
        id: "derived-1",
        control: "S3.1",
        compliance,
        label: "MEDIUM",
        resource: ("AwsAccount", "AWS::::Account:123456789012"),
        updated,
        standards: &[FSBP],
    };
    let journal = |sim: &Simulator| sim.journal().unwrap().len();
    let derived =
        |api: &dyn Fn(sh::BatchImportFindingsRequest) -> Result<sh::BatchImportFindingsResponse, AwsError>,
         f: sh::AwsSecurityFinding| {
            let r = api(sh::BatchImportFindingsRequest { findings: vec![f] }).unwrap();
            assert_eq!(r.failed_count, 0, "{:?}", r.failed_findings);
        };
    let via_sim = |req| sim.call_derived::<sh::BatchImportFindings>(REGION, req);
    let start = (journal(&sim), sim.run_state().unwrap().clock_ms);
    derived(&via_sim, make(&spec("FAILED", "2024-01-01T00:00:00Z")));
    assert_eq!(journal(&sim), start.0 + 1, "a new finding is journaled");
    derived(&via_sim, make(&spec("FAILED", "2024-01-02T00:00:00Z")));
    assert_eq!(journal(&sim), start.0 + 1, "the same finding, observed again: no row");
    assert_eq!(sim.run_state().unwrap().clock_ms, start.1 + 2000, "both moved the clock");
    let stored = |sim: &Simulator| {
        let out = sim.call::<sh::GetFindings>(REGION, Default::default()).unwrap();
        out.findings.into_iter().find(|f| f.id == "derived-1").unwrap()
    };
    assert_eq!(stored(&sim).updated_at, "2024-01-02T00:00:00Z", "the re-import was written");
    derived(&via_sim, make(&spec("PASSED", "2024-01-03T00:00:00Z")));
    assert_eq!(journal(&sim), start.0 + 2, "a changed finding is journaled");
    assert_eq!(stored(&sim).workflow.and_then(|w| w.status).as_deref(), Some("RESOLVED"));
    // A batch of one unchanged finding and one new: the row keeps the new one alone.
    let mut other = make(&spec("FAILED", "2024-01-03T12:00:00Z"));
    other.id = "derived-2".into();
    let batch = vec![make(&spec("PASSED", "2024-01-03T12:00:00Z")), other];
    let r = sim.call_derived::<sh::BatchImportFindings>(REGION, sh::BatchImportFindingsRequest { findings: batch });
    assert_eq!(r.unwrap().success_count, 2);
    let rows = sim.journal().unwrap();
    assert_eq!(rows.len(), start.0 + 3);
    let ids: Vec<&str> =
        rows[start.0 + 2].input["Findings"].as_array().unwrap().iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["derived-2"]);
    sim.transaction::<_, SimError>(|batch| {
        let api = BatchApi::new(batch);
        derived(
            &|req| api.call_derived::<sh::BatchImportFindings>(REGION, req),
            make(&spec("PASSED", "2024-01-04T00:00:00Z")),
        );
        // Back to journaling every call for the batch's next one.
        derived(&|req| api.call::<sh::BatchImportFindings>(REGION, req), make(&spec("PASSED", "2024-01-05T00:00:00Z")));
        Ok(())
    })
    .unwrap();
    assert_eq!(journal(&sim), start.0 + 4, "in a batch too; an import through `call` always is");
}
