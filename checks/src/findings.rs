//! Findings: each verdict becomes an ASFF finding (consolidated `SECURITY_CONTROL` shape) with
//! a stable Id per (region, control, resource), imported into the simulated Security Hub
//! through `BatchImportFindings`, which applies the finding lifecycle. Findings no longer
//! produced are archived; the scenario's own suppressions are applied with
//! `BatchUpdateFindings`. Every write here is derived state ([`AwsApi::call_derived`]): the
//! simulator journals only what changed more than observation times (a new or changed finding,
//! a suppression), so re-evaluating an unchanged account adds nothing to the account's history.

use std::collections::{BTreeMap, BTreeSet};

use hubsim_api::model::securityhub as sh;
use hubsim_api::{AwsApi, AwsError};

use crate::catalogue::{catalogue, Severity};
use crate::control::{Compliance, Verdict};
use crate::evaluate::RegionRun;
use crate::snapshot::FetchError;

/// ASFF `Types` of control findings.
pub const CONTROL_TYPE: &str = "Software and Configuration Checks/Industry and Regulatory Standards";

/// Security Hub's own product ARN in `region`.
pub fn product_arn(region: &str) -> String {
    ["arn:aws:securityhub:", region, "::product/aws/securityhub"].concat()
}

/// The stable finding Id of (region, control, resource).
pub fn finding_id(region: &str, account: &str, control: &str, resource: &str) -> String {
    // Built piece by piece: one per finding per evaluation, where `format!` was a visible cost.
    let mut id = String::with_capacity(80 + region.len() + control.len());
    for piece in ["arn:aws:securityhub:", region, ":", account, ":security-control/", control, "/finding/"] {
        id.push_str(piece);
    }
    push_stable_uuid(&mut id, &[region, control, resource]);
    id
}

/// Appends a UUID-shaped (version 5, variant 8) digest of `parts`.
fn push_stable_uuid(out: &mut String, parts: &[&str]) {
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h1 = (h1 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            h2 = (h2 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(7);
        }
    }
    // The 32 hex digits of h1 then h2; digits 12 and 16 give way to the version and variant.
    let digit = |i: usize| {
        let word = if i < 16 { h1 } else { h2 };
        let nibble = (word >> ((15 - i % 16) * 4)) & 0xf;
        char::from(b"0123456789abcdef"[nibble as usize])
    };
    for (range, prefix) in [(0..8, ""), (8..12, "-"), (13..16, "-5"), (17..20, "-8"), (20..32, "-")] {
        out.push_str(prefix);
        range.for_each(|i| out.push(digit(i)));
    }
}

/// Builds the finding for `verdict` of `control` in `region`. (Its texts are joined with
/// `concat`, not `format!`: this runs for every finding of every evaluation, and the formatting
/// machinery cost several times the copying.)
pub fn build(
    account: &str,
    region: &str,
    era: hubsim_api::Era,
    standards: &[String],
    control: &str,
    verdict: &Verdict,
    now: &str,
) -> sh::AwsSecurityFinding {
    let def = catalogue().control(control);
    let entry = def.and_then(|d| d.in_era(era));
    let title = entry.map(|e| e.title.clone()).unwrap_or_else(|| control.to_string());
    let severity = match verdict.status {
        Compliance::Failed => entry.map(|e| e.severity).unwrap_or(Severity::Medium),
        _ => Severity::Informational,
    };
    let mut associated = Vec::new();
    let mut requirements = Vec::new();
    if let Some(e) = entry {
        for (std_id, std_control) in &e.standards {
            if !standards.contains(std_id) {
                continue;
            }
            if let Some(std) = catalogue().standard(std_id) {
                associated.push(sh::AssociatedStandard { standards_id: Some(std.standards_id.clone()) });
                if let Some(prefix) = &std.requirement_prefix {
                    requirements.push([prefix.as_str(), "/", std_control.as_str()].concat());
                }
            }
        }
    }
    let id = finding_id(region, account, control, &verdict.resource.id);
    let product = product_arn(region);
    let mut product_fields = BTreeMap::new();
    product_fields.insert("aws/securityhub/ProductName".to_string(), "Security Hub".to_string());
    product_fields.insert("aws/securityhub/CompanyName".to_string(), "AWS".to_string());
    product_fields.insert("aws/securityhub/FindingId".to_string(), [product.as_str(), "/", id.as_str()].concat());
    product_fields.insert("hubsim/Reason".to_string(), verdict.reason.clone());
    sh::AwsSecurityFinding {
        schema_version: "2018-10-08".into(),
        id,
        product_arn: product,
        product_name: Some("Security Hub".into()),
        company_name: Some("AWS".into()),
        region: Some(region.to_string()),
        generator_id: ["security-control/", control].concat(),
        aws_account_id: account.to_string(),
        types: Some(vec![CONTROL_TYPE.to_string()]),
        first_observed_at: Some(now.to_string()),
        last_observed_at: Some(now.to_string()),
        created_at: now.to_string(),
        updated_at: now.to_string(),
        severity: Some(sh::Severity {
            label: Some(severity.label().into()),
            normalized: Some(severity.normalized()),
            original: Some(severity.label().into()),
            ..Default::default()
        }),
        title,
        description: def.map(|d| d.description.clone()).unwrap_or_default(),
        remediation: Some(sh::Remediation {
            recommendation: Some(sh::Recommendation {
                text: Some("For information on how to correct this issue, consult the AWS Security Hub controls documentation.".into()),
                url: Some(["https://docs.aws.amazon.com/console/securityhub/", control, "/remediation"].concat()),
            }),
        }),
        product_fields: Some(product_fields),
        resources: vec![sh::Resource {
            type_: verdict.resource.kind.to_string(),
            id: verdict.resource.id.clone(),
            partition: Some("aws".into()),
            region: Some(region.to_string()),
            ..Default::default()
        }],
        compliance: Some(sh::Compliance {
            status: Some(verdict.status.as_str().into()),
            security_control_id: Some(control.to_string()),
            associated_standards: Some(associated),
            related_requirements: (!requirements.is_empty()).then_some(requirements),
            ..Default::default()
        }),
        record_state: Some("ACTIVE".into()),
        finding_provider_fields: Some(sh::FindingProviderFields {
            severity: Some(sh::FindingProviderSeverity {
                label: Some(severity.label().into()),
                original: Some(severity.label().into()),
            }),
            types: Some(vec![CONTROL_TYPE.to_string()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn wrap(what: &str, region: &str) -> impl FnOnce(AwsError) -> FetchError {
    let (what, region) = (what.to_string(), region.to_string());
    move |error| FetchError { what, region, error }
}

/// A control finding as a report keeps it: what control status, the score, the table and
/// JUnit formats, expectations and the remediator read of it. A full ASFF finding is ~5 KB
/// (10,000 buckets make 40,000 findings, ~200 MB as values); a row is a few hundred bytes.
/// Whoever needs the whole finding reads it from Security Hub ([`for_each_active`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    /// The finding's `Id`.
    pub id: String,
    /// Its `ProductArn` (with `Id`, what identifies it to `BatchUpdateFindings`).
    pub product_arn: String,
    /// Its `Region`.
    pub region: String,
    /// `Compliance.SecurityControlId`.
    pub control: String,
    /// The first resource's `Id` (control findings name one resource).
    pub resource: String,
    /// `Compliance.Status` (`PASSED`, `FAILED`, `WARNING`, `NOT_AVAILABLE`), if any.
    pub compliance: Option<String>,
    /// `Severity.Label`, if any.
    pub severity: Option<String>,
    /// `Workflow.Status`, if any.
    pub workflow: Option<String>,
    /// `RecordState`, if any.
    pub record_state: Option<String>,
    /// `Note.Text`, if any.
    pub note: Option<String>,
    /// hubsim's human reason (see [`reason`]).
    pub reason: String,
    /// `CreatedAt`.
    pub created_at: String,
}

impl FindingRow {
    /// The row of finding `f`.
    pub fn of(f: &sh::AwsSecurityFinding) -> FindingRow {
        let compliance = f.compliance.as_ref();
        FindingRow {
            id: f.id.clone(),
            product_arn: f.product_arn.clone(),
            region: f.region.clone().unwrap_or_default(),
            control: compliance.and_then(|c| c.security_control_id.clone()).unwrap_or_default(),
            resource: f.resources.first().map(|r| r.id.clone()).unwrap_or_default(),
            compliance: compliance.and_then(|c| c.status.clone()),
            severity: f.severity.as_ref().and_then(|s| s.label.clone()),
            workflow: f.workflow.as_ref().and_then(|w| w.status.clone()),
            record_state: f.record_state.clone(),
            note: f.note.as_ref().map(|n| n.text.clone()),
            reason: reason(f),
            created_at: f.created_at.clone(),
        }
    }

    /// `Compliance.Status`, or "" without one.
    pub fn compliance(&self) -> &str {
        self.compliance.as_deref().unwrap_or_default()
    }

    /// Whether the finding is suppressed (`Workflow.Status` `SUPPRESSED`).
    pub fn suppressed(&self) -> bool {
        self.workflow.as_deref() == Some("SUPPRESSED")
    }
}

/// The filters of every active control finding of Security Hub in `region`.
fn active_filters(region: &str) -> sh::AwsSecurityFindingFilters {
    let filter = |v: &str, c: &str| vec![sh::StringFilter { value: Some(v.into()), comparison: Some(c.into()) }];
    sh::AwsSecurityFindingFilters {
        product_arn: Some(filter(&product_arn(region), "EQUALS")),
        record_state: Some(filter("ACTIVE", "EQUALS")),
        generator_id: Some(filter("security-control/", "PREFIX")),
        ..Default::default()
    }
}

/// Calls `each` with every active control finding Security Hub holds in `region`, in the order
/// it returns them, read 100 at a time: the findings are never all in memory together.
pub fn for_each_active<A: AwsApi>(
    api: &A,
    region: &str,
    mut each: impl FnMut(sh::AwsSecurityFinding),
) -> Result<(), FetchError> {
    let mut token = None;
    loop {
        let request = sh::GetFindingsRequest {
            filters: Some(active_filters(region)),
            next_token: token.take(),
            max_results: Some(100),
            ..Default::default()
        };
        let page = api.call::<sh::GetFindings>(region, request).map_err(wrap("findings", region))?;
        page.findings.into_iter().for_each(&mut each);
        token = page.next_token;
        if token.is_none() {
            return Ok(());
        }
    }
}

/// Every active control finding Security Hub holds in `region`, as rows.
pub fn active<A: AwsApi>(api: &A, region: &str) -> Result<Vec<FindingRow>, FetchError> {
    let mut out = Vec::new();
    for_each_active(api, region, |f| out.push(FindingRow::of(&f)))?;
    Ok(out)
}

/// Imports the findings of `runs` (and archives control findings no longer produced).
pub fn import<A: AwsApi>(
    api: &A,
    account: &str,
    era: hubsim_api::Era,
    runs: &[RegionRun],
    now: &str,
) -> Result<(), FetchError> {
    import_and_read(api, account, era, runs, now).map(|_| ())
}

/// The active control findings of each region, as [`import_and_read`] leaves them.
pub type ActiveByRegion = BTreeMap<String, Vec<FindingRow>>;

/// Imports the findings of `runs`, archives control findings no longer produced, and returns
/// the active control findings each region holds afterwards.
///
/// Security Hub is read once per region, after the import: what is active then and was not
/// produced now is stale (the import only touches the findings it carries), and the same read,
/// minus the stale findings archived next, is what a read-back after archiving would return.
pub fn import_and_read<A: AwsApi>(
    api: &A,
    account: &str,
    era: hubsim_api::Era,
    runs: &[RegionRun],
    now: &str,
) -> Result<ActiveByRegion, FetchError> {
    let mut out = ActiveByRegion::new();
    for run in runs {
        let r = run.region.as_str();
        // Built and sent 100 at a time (the calls are the same as if built all at once): a
        // region's findings are never all in memory together (10,000 buckets: 40,000 findings,
        // ~200 MB as values).
        let mut batch = Vec::with_capacity(100);
        let mut produced = BTreeSet::new();
        for c in &run.controls {
            for v in &c.verdicts {
                let f = build(account, r, era, &run.standards, c.control, v, now);
                produced.insert(f.id.clone());
                batch.push(f);
                if batch.len() == 100 {
                    send(api, r, std::mem::replace(&mut batch, Vec::with_capacity(100)))?;
                }
            }
        }
        if !batch.is_empty() {
            send(api, r, batch)?;
        }
        let ran: BTreeSet<&str> = run.controls.iter().map(|c| c.control).collect();
        // Read back page by page: a row of each finding still active, the whole finding only
        // of a stale one (to archive it).
        let mut active = Vec::new();
        let mut archived = Vec::new();
        for_each_active(api, r, |f| {
            // Only the controls that ran this time can have stale findings.
            let control = f.compliance.as_ref().and_then(|c| c.security_control_id.as_deref()).unwrap_or_default();
            if produced.contains(&f.id) || !ran.contains(control) {
                active.push(FindingRow::of(&f));
                return;
            }
            let mut stale = f;
            stale.record_state = Some("ARCHIVED".into());
            stale.updated_at = now.to_string();
            if let Some(c) = stale.compliance.as_mut() {
                c.status = Some("NOT_AVAILABLE".into());
            }
            stale.severity = Some(sh::Severity {
                label: Some("INFORMATIONAL".into()),
                normalized: Some(0),
                original: Some("INFORMATIONAL".into()),
                ..Default::default()
            });
            archived.push(stale);
        })?;
        drop(produced);
        send(api, r, archived)?;
        out.insert(run.region.clone(), active);
    }
    Ok(out)
}

/// Sends `findings` to `BatchImportFindings` in `region`, 100 at a time, as derived state
/// ([`AwsApi::call_derived`]: a batch of findings re-observed unchanged is not journaled).
fn send<A: AwsApi>(api: &A, r: &str, mut findings: Vec<sh::AwsSecurityFinding>) -> Result<(), FetchError> {
    while !findings.is_empty() {
        // The first 100 go, the rest wait; a batch of at most 100 (the common case) is sent as
        // it is, not copied into a new one (a finding is ~2.8 KB inline).
        let rest = if findings.len() > 100 { findings.split_off(100) } else { Vec::new() };
        let chunk = std::mem::replace(&mut findings, rest);
        let out = api
            .call_derived::<sh::BatchImportFindings>(r, sh::BatchImportFindingsRequest { findings: chunk })
            .map_err(wrap("BatchImportFindings", r))?;
        if let Some(failed) = out.failed_findings.filter(|f| !f.is_empty()) {
            let first = &failed[0];
            return Err(FetchError {
                what: format!("importing finding {}", first.id),
                region: r.to_string(),
                error: AwsError::bad_request(first.error_code.clone(), first.error_message.clone()),
            });
        }
    }
    Ok(())
}

/// A suppression to apply: the finding of (control, region, resource), with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppress {
    /// Security control id.
    pub control: String,
    /// Region.
    pub region: String,
    /// Resource id or ARN, as in `Resources[].Id` (an id matches the end of an ARN).
    pub resource: String,
    /// The justification.
    pub reason: String,
    /// Who suppresses.
    pub by: String,
}

/// A finding's human reason (hubsim keeps it in `ProductFields["hubsim/Reason"]`).
pub fn reason(f: &sh::AwsSecurityFinding) -> String {
    f.product_fields.as_ref().and_then(|p| p.get("hubsim/Reason")).cloned().unwrap_or_default()
}

/// Whether `resource` (as a user wrote it) names the finding's resource.
pub fn resource_matches(written: &str, finding_resource: &str) -> bool {
    written == finding_resource
        || finding_resource.ends_with(&format!("/{written}"))
        || finding_resource.ends_with(&format!(":{written}"))
}

/// Applies suppressions; returns the ones that matched no active finding.
pub fn suppress<A: AwsApi>(api: &A, items: &[Suppress]) -> Result<Vec<Suppress>, FetchError> {
    suppress_known(api, items, &mut ActiveByRegion::new())
}

/// Like [`suppress`], with the active findings of the regions in `known` already read (as
/// [`import_and_read`] returns them); a region where a suppression changed something is read
/// again, so `known` stays what Security Hub holds.
pub fn suppress_known<A: AwsApi>(
    api: &A,
    items: &[Suppress],
    known: &mut ActiveByRegion,
) -> Result<Vec<Suppress>, FetchError> {
    let mut unmatched = Vec::new();
    let mut by_region: BTreeMap<&str, Vec<&Suppress>> = BTreeMap::new();
    for s in items {
        by_region.entry(s.region.as_str()).or_default().push(s);
    }
    for (region, list) in by_region {
        let mut findings = match known.remove(region) {
            Some(f) => f,
            None => active(api, region)?,
        };
        let mut changed = Vec::new();
        for s in list {
            let hit = findings.iter().find(|f| f.control == s.control && resource_matches(&s.resource, &f.resource));
            let Some(f) = hit else {
                unmatched.push(s.clone());
                continue;
            };
            if f.suppressed() && f.note.as_deref() == Some(s.reason.as_str()) {
                continue;
            }
            api.call_derived::<sh::BatchUpdateFindings>(
                region,
                sh::BatchUpdateFindingsRequest {
                    finding_identifiers: vec![sh::AwsSecurityFindingIdentifier {
                        id: f.id.clone(),
                        product_arn: f.product_arn.clone(),
                    }],
                    workflow: Some(sh::WorkflowUpdate { status: Some("SUPPRESSED".into()) }),
                    note: Some(sh::NoteUpdate { text: s.reason.clone(), updated_by: s.by.clone() }),
                    ..Default::default()
                },
            )
            .map_err(wrap("BatchUpdateFindings", region))?;
            changed.push(f.id.clone());
        }
        // What Security Hub now holds of the findings just updated (the others are unchanged).
        for ids in changed.chunks(20) {
            let updated = by_id(api, region, ids)?;
            for f in findings.iter_mut() {
                if let Some(now) = updated.iter().find(|u| u.id == f.id) {
                    *f = FindingRow::of(now);
                }
            }
        }
        known.insert(region.to_string(), findings);
    }
    Ok(unmatched)
}

/// The control findings with these ids (at most 20, AWS's limit per filter) in `region`.
fn by_id<A: AwsApi>(api: &A, region: &str, ids: &[String]) -> Result<Vec<sh::AwsSecurityFinding>, FetchError> {
    let equals = |v: &str| sh::StringFilter { value: Some(v.into()), comparison: Some("EQUALS".into()) };
    let filters = sh::AwsSecurityFindingFilters {
        product_arn: Some(vec![equals(&product_arn(region))]),
        id: Some(ids.iter().map(|id| equals(id)).collect()),
        ..Default::default()
    };
    let request = sh::GetFindingsRequest { filters: Some(filters), max_results: Some(100), ..Default::default() };
    let out = api.call::<sh::GetFindings>(region, request).map_err(wrap("findings", region))?;
    Ok(out.findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = finding_id("us-east-1", "123456789012", "S3.9", "arn:aws:s3:::a");
        assert_eq!(a, finding_id("us-east-1", "123456789012", "S3.9", "arn:aws:s3:::a"));
        assert_ne!(a, finding_id("us-east-1", "123456789012", "S3.9", "arn:aws:s3:::b"));
        assert_ne!(a, finding_id("eu-west-1", "123456789012", "S3.9", "arn:aws:s3:::a"));
        assert!(a.starts_with("arn:aws:securityhub:us-east-1:123456789012:security-control/S3.9/finding/"));
        assert_eq!(a.rsplit('/').next().unwrap().len(), 36);
        // Ids recorded by earlier versions must not change: the digest, pinned.
        assert!(a.ends_with("/finding/318e65ad-eb8c-5301-8652-5dc6902caa8a"), "{a}");
    }

    #[test]
    fn resources_match_by_arn_or_id() {
        assert!(resource_matches("vpc-1", "arn:aws:ec2:us-east-1:1:vpc/vpc-1"));
        assert!(resource_matches("arn:aws:s3:::b", "arn:aws:s3:::b"));
        assert!(!resource_matches("vpc-1", "arn:aws:ec2:us-east-1:1:vpc/vpc-12"));
    }
}
