//! The findings store and BatchImportFindings with the finding lifecycle of
//! https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html and
//! https://docs.aws.amazon.com/securityhub/latest/userguide/finding-workflow-status.html.
//!
//! One document per finding, keyed by `(ProductArn, Id)` in the call's region. Imports go
//! through one of two products: Security Hub's own (`…::product/aws/securityhub`, which real
//! AWS reserves for Security Hub itself; hubsim's control evaluator imports through it) or the
//! account's default custom product (`…:<acct>:product/<acct>/default`).
//!
//! Re-importing an existing finding replaces what the finding provider owns and keeps what the
//! customer owns (`Workflow`, `Note`, `UserDefinedFields`, `VerificationState`), plus
//! `Severity`, `Types`, `Confidence`, `Criticality` and `RelatedFindings` once the customer has
//! set them through `BatchUpdateFindings` (the provider's values still reach
//! `FindingProviderFields`). An importer's `Workflow.Status` counts only for a new finding.
//! A re-import without `RecordState` keeps the stored one.
//!
//! Workflow rules on re-import (a `SUPPRESSED` finding stays `SUPPRESSED` in every case,
//! including when it becomes PASSED: AWS does not say, so this is hubsim's default):
//! 1. `RecordState` ARCHIVED → ACTIVE while `NOTIFIED`/`RESOLVED` → `NEW`;
//! 2. `Compliance.Status` PASSED → FAILED/WARNING/NOT_AVAILABLE while `NOTIFIED`/`RESOLVED` → `NEW`;
//! 3. `Compliance.Status` becomes PASSED (from anything else) → `RESOLVED`.

use std::collections::BTreeMap;

use hubsim_model::{securityhub, Timestamp};
use serde::{Deserialize, Serialize};

use super::{default_product_arn, invalid_input, require_hub, securityhub_product_arn};
use crate::error::{AwsError, SimError};
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::BatchImportFindings>();
}

/// A stored finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The finding as GetFindings returns it.
    pub finding: securityhub::AwsSecurityFinding,
    /// Top-level fields the customer set through BatchUpdateFindings (`Severity`, `Types`,
    /// `Confidence`, `Criticality`, `RelatedFindings`): later imports no longer change them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_set: Vec<String>,
}

impl Resource for Finding {
    const KIND: &'static str = "securityhub:finding";
    const OBSERVED: bool = true;

    /// The times a re-import of the finding as it was changes ([`same_but_observed`]).
    fn observation(&self) -> Result<String, SimError> {
        let f = &self.finding;
        let times = Observation {
            updated_at: f.updated_at.clone(),
            last_observed_at: f.last_observed_at.clone(),
            processed_at: f.processed_at.clone(),
        };
        Ok(serde_json::to_string(&times)?)
    }

    fn apply_observation(&mut self, text: &str) -> Result<(), SimError> {
        let times: Observation = serde_json::from_str(text)?;
        let f = &mut self.finding;
        (f.updated_at, f.last_observed_at, f.processed_at) =
            (times.updated_at, times.last_observed_at, times.processed_at);
        Ok(())
    }
}

/// A finding's observation times, written apart from it when only they change.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Observation {
    updated_at: String,
    last_observed_at: Option<String>,
    processed_at: Option<String>,
}

/// The store id of finding `(product_arn, id)` (Security Hub's `aws/securityhub/FindingId`).
pub fn finding_key(product_arn: &str, id: &str) -> String {
    [product_arn, "/", id].concat()
}

/// `SchemaVersion` of every ASFF finding.
pub const SCHEMA_VERSION: &str = "2018-10-08";

pub(super) const WORKFLOW_STATUSES: [&str; 4] = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"];
pub(super) const SEVERITY_LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
pub(super) const VERIFICATION_STATES: [&str; 4] = ["UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"];
const COMPLIANCE_STATUSES: [&str; 4] = ["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"];
const RECORD_STATES: [&str; 2] = ["ACTIVE", "ARCHIVED"];

/// `Severity.Normalized` for a label (AWS: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Severity.html).
pub(super) fn normalized_of(label: &str) -> i32 {
    match label {
        "LOW" => 1,
        "MEDIUM" => 40,
        "HIGH" => 70,
        "CRITICAL" => 90,
        _ => 0,
    }
}

/// `Severity.Label` for a normalized score 0–100
/// (AWS: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Severity.html).
pub(super) fn label_of(normalized: i32) -> &'static str {
    match normalized {
        i32::MIN..=0 => "INFORMATIONAL",
        1..=39 => "LOW",
        40..=69 => "MEDIUM",
        70..=89 => "HIGH",
        _ => "CRITICAL",
    }
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), String> {
    if is_blank(value) {
        return Err(format!("{field} must not be empty"));
    }
    if value.chars().count() > max {
        return Err(format!("{field} must not be longer than {max} characters"));
    }
    Ok(())
}

fn check_time(field: &str, value: &str) -> Result<(), String> {
    Timestamp::parse_iso8601(value).map(|_| ()).ok_or_else(|| format!("{field} must be an ISO 8601 timestamp"))
}

fn check_enum(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), String> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(format!("{field} must be one of {}", allowed.join(", "))),
        _ => Ok(()),
    }
}

fn check_ratio(field: &str, value: Option<i32>) -> Result<(), String> {
    match value {
        Some(v) if !(0..=100).contains(&v) => Err(format!("{field} must be between 0 and 100")),
        _ => Ok(()),
    }
}

/// The two products an account can import findings for in one region.
struct Products {
    /// Security Hub's own.
    securityhub: String,
    /// The account's default custom product.
    default: String,
}

/// What AWS checks of an imported finding beyond the model; the problem, if any.
fn check_finding(f: &securityhub::AwsSecurityFinding, products: &Products, account: &str) -> Result<(), String> {
    if f.schema_version != SCHEMA_VERSION {
        return Err(format!("SchemaVersion must be {SCHEMA_VERSION}"));
    }
    check_text("Id", &f.id, 512)?;
    if f.product_arn != products.securityhub && f.product_arn != products.default {
        return Err(format!("ProductArn {} is not a product this account can import findings for", f.product_arn));
    }
    check_text("GeneratorId", &f.generator_id, 512)?;
    if f.aws_account_id != account {
        return Err(format!("AwsAccountId must be the importing account {account}"));
    }
    match &f.types {
        Some(types) if !types.is_empty() && types.len() <= 50 => {
            for t in types {
                check_text("Types", t, 128)?;
            }
        }
        _ => return Err("Types must contain between 1 and 50 items".to_string()),
    }
    check_time("CreatedAt", &f.created_at)?;
    check_time("UpdatedAt", &f.updated_at)?;
    if let Some(t) = &f.first_observed_at {
        check_time("FirstObservedAt", t)?;
    }
    if let Some(t) = &f.last_observed_at {
        check_time("LastObservedAt", t)?;
    }
    let severity = f.severity.as_ref().ok_or("Severity is required")?;
    if severity.label.is_none() && severity.normalized.is_none() {
        return Err("Severity must have a Label or a Normalized score".to_string());
    }
    check_enum("Severity.Label", severity.label.as_deref(), &SEVERITY_LABELS)?;
    check_ratio("Severity.Normalized", severity.normalized)?;
    check_text("Title", &f.title, 256)?;
    check_text("Description", &f.description, 1024)?;
    if f.resources.is_empty() || f.resources.len() > 32 {
        return Err("Resources must contain between 1 and 32 items".to_string());
    }
    for r in &f.resources {
        check_text("Resources.Type", &r.type_, 256)?;
        check_text("Resources.Id", &r.id, 512)?;
    }
    check_ratio("Confidence", f.confidence)?;
    check_ratio("Criticality", f.criticality)?;
    check_enum("Compliance.Status", f.compliance.as_ref().and_then(|c| c.status.as_deref()), &COMPLIANCE_STATUSES)?;
    check_enum("RecordState", f.record_state.as_deref(), &RECORD_STATES)?;
    check_enum("Workflow.Status", f.workflow.as_ref().and_then(|w| w.status.as_deref()), &WORKFLOW_STATUSES)?;
    check_enum("VerificationState", f.verification_state.as_deref(), &VERIFICATION_STATES)?;
    Ok(())
}

/// Fills what Security Hub sets on every imported finding: region, product and company
/// names, both severity forms, the provider fields and the `aws/securityhub/*` product fields.
/// `key` is the finding's [`finding_key`], its `aws/securityhub/FindingId`.
fn normalize(f: &mut securityhub::AwsSecurityFinding, key: &str, region: &str, products: &Products, now: &str) {
    f.region = Some(region.to_string());
    let (product, company) =
        if f.product_arn == products.securityhub { ("Security Hub", "AWS") } else { ("Default", "Personal") };
    f.product_name = Some(product.to_string());
    f.company_name = Some(company.to_string());
    if let Some(s) = &mut f.severity {
        match (&s.label, s.normalized) {
            (Some(label), None) => s.normalized = Some(normalized_of(label)),
            (None, Some(n)) => s.label = Some(label_of(n).to_string()),
            _ => {}
        }
    }
    let fields = f.product_fields.get_or_insert_with(BTreeMap::new);
    fields.insert("aws/securityhub/FindingId".into(), key.to_string());
    fields.insert("aws/securityhub/ProductName".into(), product.into());
    fields.insert("aws/securityhub/CompanyName".into(), company.into());
    if f.finding_provider_fields.is_none() {
        f.finding_provider_fields = Some(securityhub::FindingProviderFields {
            confidence: f.confidence,
            criticality: f.criticality,
            related_findings: f.related_findings.clone(),
            severity: f
                .severity
                .as_ref()
                .map(|s| securityhub::FindingProviderSeverity { label: s.label.clone(), original: s.original.clone() }),
            types: f.types.clone(),
        });
    }
    f.processed_at = Some(now.to_string());
}

fn compliance_of(f: &securityhub::AwsSecurityFinding) -> Option<&str> {
    f.compliance.as_ref().and_then(|c| c.status.as_deref())
}

/// The workflow status of a re-imported finding (module note, rules 1–3).
fn next_workflow(old: &securityhub::AwsSecurityFinding, new: &securityhub::AwsSecurityFinding) -> String {
    let mut status = old.workflow.as_ref().and_then(|w| w.status.as_deref()).unwrap_or("NEW").to_string();
    if status == "SUPPRESSED" {
        return status;
    }
    let reopenable = |s: &str| s == "NOTIFIED" || s == "RESOLVED";
    let reactivated = old.record_state.as_deref() == Some("ARCHIVED") && new.record_state.as_deref() == Some("ACTIVE");
    if reactivated && reopenable(&status) {
        status = "NEW".into();
    }
    let (was, is) = (compliance_of(old), compliance_of(new));
    if was == Some("PASSED") && matches!(is, Some("FAILED" | "WARNING" | "NOT_AVAILABLE")) && reopenable(&status) {
        status = "NEW".into();
    }
    if is == Some("PASSED") && was != Some("PASSED") {
        status = "RESOLVED".into();
    }
    status
}

/// Makes `incoming` (normalized, checked) a new finding: its workflow and record state.
fn first_import(incoming: &mut securityhub::AwsSecurityFinding) {
    if incoming.workflow.as_ref().and_then(|w| w.status.as_ref()).is_none() {
        let status = if compliance_of(incoming) == Some("PASSED") { "RESOLVED" } else { "NEW" };
        incoming.workflow = Some(securityhub::Workflow { status: Some(status.into()) });
    }
    incoming.record_state.get_or_insert_with(|| "ACTIVE".into());
    incoming.workflow_state.get_or_insert_with(|| "NEW".into());
}

/// Carries over onto `incoming` (normalized, checked) what the stored `old` finding keeps
/// through a re-import; the fields the customer set, which stay the customer's.
fn reimport(incoming: &mut securityhub::AwsSecurityFinding, old: &Finding) -> Vec<String> {
    let prev = &old.finding;
    if incoming.record_state.is_none() {
        incoming.record_state = prev.record_state.clone();
    }
    let status = next_workflow(prev, incoming);
    incoming.created_at = prev.created_at.clone();
    if prev.first_observed_at.is_some() {
        incoming.first_observed_at = prev.first_observed_at.clone();
    }
    incoming.note = prev.note.clone();
    incoming.user_defined_fields = prev.user_defined_fields.clone();
    incoming.verification_state = prev.verification_state.clone();
    incoming.workflow_state = prev.workflow_state.clone();
    incoming.workflow = Some(securityhub::Workflow { status: Some(status) });
    for field in &old.customer_set {
        match field.as_str() {
            "Severity" => incoming.severity = prev.severity.clone(),
            "Types" => incoming.types = prev.types.clone(),
            "Confidence" => incoming.confidence = prev.confidence,
            "Criticality" => incoming.criticality = prev.criticality,
            "RelatedFindings" => incoming.related_findings = prev.related_findings.clone(),
            _ => {}
        }
    }
    old.customer_set.clone()
}

/// Whether `new` (a re-import, as it will be stored) is `old` but for the times at which it was
/// observed and processed (`UpdatedAt`, `LastObservedAt`, `ProcessedAt`: what a check that
/// re-runs with the same result changes, per
/// https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards-schedule.html).
fn same_but_observed(old: &securityhub::AwsSecurityFinding, new: &mut securityhub::AwsSecurityFinding) -> bool {
    // Compared with old's times in place, then new's put back: no copy of the finding.
    let updated = std::mem::replace(&mut new.updated_at, old.updated_at.clone());
    let observed = std::mem::replace(&mut new.last_observed_at, old.last_observed_at.clone());
    let processed = std::mem::replace(&mut new.processed_at, old.processed_at.clone());
    let same = *old == *new;
    (new.updated_at, new.last_observed_at, new.processed_at) = (updated, observed, processed);
    same
}

impl Handler for securityhub::BatchImportFindings {
    const MUTATES: bool = true;
    const JOURNALS_CHANGED_ITEMS: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::BatchImportFindingsRequest,
    ) -> Result<securityhub::BatchImportFindingsResponse, AwsError> {
        require_hub(ctx)?;
        let n = input.findings.len();
        if !(1..=100).contains(&n) {
            return Err(invalid_input(format!("Findings must contain between 1 and 100 findings, got {n}.")));
        }
        let region = ctx.region().to_string();
        let account = ctx.account().to_string();
        let now = ctx.now().to_iso8601();
        let products =
            Products { securityhub: securityhub_product_arn(&region), default: default_product_arn(&region, &account) };
        let mut failed = Vec::new();
        let mut success = 0;
        // The findings that are new or changed in more than their observation times, as the
        // journal keeps them: as stored, which imports again to the same finding (the fields a
        // re-import keeps are taken from the stored finding, not the import).
        let want_text = ctx.wants_changed_items();
        let mut changed = Vec::new();
        let mut changed_text = |f: &securityhub::AwsSecurityFinding| -> Result<(), AwsError> {
            if want_text {
                changed.push(crate::store::json_text(f)?);
            }
            Ok(())
        };
        for mut f in input.findings {
            if let Err(problem) = check_finding(&f, &products, &account) {
                failed.push(securityhub::ImportFindingsError {
                    id: f.id,
                    error_code: "InvalidInput".into(),
                    error_message: format!("Finding does not adhere to Amazon Finding Format. {problem}"),
                });
                continue;
            }
            let key = finding_key(&f.product_arn, &f.id);
            normalize(&mut f, &key, &region, &products, &now);
            // The stored finding is read in place: only what the re-import keeps is copied.
            let prior = ctx.get_with(&key, |old: &Finding| {
                let set = reimport(&mut f, old);
                let same = set == old.customer_set && same_but_observed(&old.finding, &mut f);
                (set, same)
            })?;
            match prior {
                // Re-observed as it was: only the observation times are written.
                Some((customer_set, true)) => ctx.observe(&key, Finding { finding: f, customer_set })?,
                Some((customer_set, false)) => {
                    changed_text(&f)?;
                    ctx.put_owned(&key, Finding { finding: f, customer_set })?;
                }
                None => {
                    first_import(&mut f);
                    changed_text(&f)?;
                    ctx.put_owned(&key, Finding { finding: f, customer_set: Vec::new() })?;
                }
            }
            success += 1;
        }
        if want_text {
            ctx.set_observed_only("Findings", changed);
        }
        Ok(securityhub::BatchImportFindingsResponse {
            failed_count: failed.len() as i32,
            success_count: success,
            failed_findings: Some(failed),
        })
    }
}
