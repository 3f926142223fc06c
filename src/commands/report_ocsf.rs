//! `hubsim run --format ocsf`: every active control finding of each scenario's last report as an
//! OCSF 1.6.0 Compliance Finding event (class_uid 2003), all in one JSON array, the shape
//! Prowler's `json-ocsf` output takes (an array of events) and the schema version Security Hub
//! writes its findings in ("Security Hub currently supports findings in OCSF schema version
//! 1.6", https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-ocsf.html).
//!
//! The findings are the ones `--format json` writes, read from the scenario's Security Hub page
//! by page and mapped one by one (never held together). Attributes follow the OCSF 1.6.0
//! schema (https://schema.ocsf.io/1.6.0/classes/compliance_finding); Security Hub identifies a
//! finding by `cloud.account.uid`, `finding_info.uid` and `metadata.product.uid`
//! (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_OcsfFindingIdentifier.html).

use std::io::Write;

use anyhow::Context;
use hubsim_checks::findings::{for_each_active, reason};
use hubsim_model::securityhub::AwsSecurityFinding;
use hubsim_model::Timestamp;
use hubsim_simulator::AwsApi;
use serde_json::{json, Map, Value};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.6.0";
/// Compliance Finding.
const CLASS_UID: u64 = 2003;
/// Findings.
const CATEGORY_UID: u64 = 2;
/// `activity_id` 1: "A finding was created" (each run reports its findings afresh).
const ACTIVITY_CREATE: u64 = 1;

/// Writes the events of the findings in `regions` of `api` (the scenario at `path`), each
/// preceded by a comma unless it is the first of the whole array (`*first`); how many.
pub fn write_events<A: AwsApi>(
    out: &mut dyn Write,
    api: &A,
    regions: &[&str],
    path: &str,
    first: &mut bool,
) -> anyhow::Result<usize> {
    let mut written = 0;
    let mut failed: Option<anyhow::Error> = None;
    for region in regions {
        for_each_active(api, region, |f| {
            if failed.is_some() {
                return;
            }
            let sep: &[u8] = if *first { b"\n" } else { b",\n" };
            let result = out
                .write_all(sep)
                .map_err(anyhow::Error::from)
                .and_then(|()| serde_json::to_writer(&mut *out, &event(&f, path)).map_err(anyhow::Error::from));
            match result {
                Ok(()) => {
                    *first = false;
                    written += 1;
                }
                Err(e) => failed = Some(e),
            }
        })
        .with_context(|| format!("reading the findings of {region}"))?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(written)
}

/// OCSF `severity_id` and its caption for a Security Hub severity label.
fn severity(label: Option<&str>) -> (u64, &'static str) {
    match label {
        Some("INFORMATIONAL") => (1, "Informational"),
        Some("LOW") => (2, "Low"),
        Some("MEDIUM") => (3, "Medium"),
        Some("HIGH") => (4, "High"),
        Some("CRITICAL") => (5, "Critical"),
        _ => (0, "Unknown"),
    }
}

/// The compliance object's `status_id` and `status` for `Compliance.Status`: PASSED, WARNING
/// and FAILED are OCSF's Pass, Warning and Fail; NOT_AVAILABLE has no OCSF value, so it is
/// Other (99) with Security Hub's word as the status.
fn compliance_status(status: &str) -> (u64, &str) {
    match status {
        "PASSED" => (1, "Pass"),
        "WARNING" => (2, "Warning"),
        "FAILED" => (3, "Fail"),
        "" => (0, "Unknown"),
        other => (99, other),
    }
}

/// The finding's `status_id` and `status` for `Workflow.Status` (New, In Progress, Suppressed,
/// Resolved: Security Hub's NEW, NOTIFIED, SUPPRESSED, RESOLVED).
fn workflow_status(status: &str) -> (u64, &str) {
    match status {
        "NEW" => (1, "New"),
        "NOTIFIED" => (2, "In Progress"),
        "SUPPRESSED" => (3, "Suppressed"),
        "RESOLVED" => (4, "Resolved"),
        "" => (0, "Unknown"),
        other => (99, other),
    }
}

/// An ASFF time as OCSF's two forms: milliseconds since the epoch and the RFC 3339 text.
fn times(into: &mut Map<String, Value>, name: &str, iso: Option<&str>) {
    let Some(iso) = iso else { return };
    if let Some(t) = Timestamp::parse_iso8601(iso) {
        into.insert(name.to_string(), json!(t.0));
        into.insert(format!("{name}_dt"), json!(t.to_iso8601()));
    }
}

/// One finding as an OCSF Compliance Finding event.
pub fn event(f: &AwsSecurityFinding, scenario: &str) -> Value {
    let compliance = f.compliance.as_ref();
    let status = compliance.and_then(|c| c.status.as_deref()).unwrap_or_default();
    let (status_id, status_caption) = compliance_status(status);
    let workflow = f.workflow.as_ref().and_then(|w| w.status.as_deref()).unwrap_or_default();
    let (workflow_id, workflow_caption) = workflow_status(workflow);
    let (severity_id, severity_caption) = severity(f.severity.as_ref().and_then(|s| s.label.as_deref()));
    let why = reason(f);
    let region = f.region.clone().unwrap_or_default();
    let standards: Vec<&str> = compliance
        .and_then(|c| c.associated_standards.as_ref())
        .map(|s| s.iter().filter_map(|a| a.standards_id.as_deref()).collect())
        .unwrap_or_default();

    let mut finding_info = Map::new();
    finding_info.insert("uid".into(), json!(f.id));
    finding_info.insert("title".into(), json!(f.title));
    finding_info.insert("desc".into(), json!(f.description));
    if let Some(types) = &f.types {
        finding_info.insert("types".into(), json!(types));
    }
    finding_info.insert("product_uid".into(), json!(f.product_arn));
    times(&mut finding_info, "created_time", Some(&f.created_at));
    times(&mut finding_info, "first_seen_time", f.first_observed_at.as_deref());
    times(&mut finding_info, "last_seen_time", f.last_observed_at.as_deref());
    times(&mut finding_info, "modified_time", Some(&f.updated_at));

    let mut compliance_obj = Map::new();
    if let Some(control) = compliance.and_then(|c| c.security_control_id.as_deref()) {
        compliance_obj.insert("control".into(), json!(control));
    }
    compliance_obj.insert("standards".into(), json!(standards));
    if let Some(reqs) = compliance.and_then(|c| c.related_requirements.as_ref()) {
        compliance_obj.insert("requirements".into(), json!(reqs));
    }
    compliance_obj.insert("status_id".into(), json!(status_id));
    compliance_obj.insert("status".into(), json!(status_caption));
    compliance_obj.insert("status_code".into(), json!(status));
    if !why.is_empty() {
        compliance_obj.insert("status_detail".into(), json!(why));
    }

    let resources: Vec<Value> = f
        .resources
        .iter()
        .map(|r| {
            let mut o = Map::new();
            o.insert("uid".into(), json!(r.id));
            o.insert("type".into(), json!(r.type_));
            if let Some(p) = &r.partition {
                o.insert("cloud_partition".into(), json!(p));
            }
            if let Some(reg) = &r.region {
                o.insert("region".into(), json!(reg));
            }
            Value::Object(o)
        })
        .collect();

    let mut e = Map::new();
    e.insert("activity_id".into(), json!(ACTIVITY_CREATE));
    e.insert("activity_name".into(), json!("Create"));
    e.insert("category_uid".into(), json!(CATEGORY_UID));
    e.insert("category_name".into(), json!("Findings"));
    e.insert("class_uid".into(), json!(CLASS_UID));
    e.insert("class_name".into(), json!("Compliance Finding"));
    e.insert("type_uid".into(), json!(CLASS_UID * 100 + ACTIVITY_CREATE));
    e.insert("type_name".into(), json!("Compliance Finding: Create"));
    e.insert("severity_id".into(), json!(severity_id));
    e.insert("severity".into(), json!(severity_caption));
    e.insert("status_id".into(), json!(workflow_id));
    e.insert("status".into(), json!(workflow_caption));
    times(&mut e, "time", Some(&f.updated_at));
    if !why.is_empty() {
        e.insert("message".into(), json!(why));
    }
    if let Some(note) = &f.note {
        // A suppression's justification is the user's comment on the finding.
        e.insert("comment".into(), json!(note.text));
    }
    e.insert(
        "metadata".into(),
        json!({
            "version": OCSF_VERSION,
            "uid": f.id,
            "profiles": ["cloud", "datetime"],
            "product": {
                "uid": f.product_arn,
                "name": f.product_name.as_deref().unwrap_or("Security Hub"),
                "vendor_name": f.company_name.as_deref().unwrap_or("AWS"),
            },
        }),
    );
    e.insert("finding_info".into(), Value::Object(finding_info));
    e.insert("compliance".into(), Value::Object(compliance_obj));
    e.insert("resources".into(), json!(resources));
    e.insert(
        "cloud".into(),
        json!({
            "provider": "AWS",
            "region": region,
            "account": {"uid": f.aws_account_id, "type": "AWS Account", "type_id": 10},
        }),
    );
    if let Some(rec) = f.remediation.as_ref().and_then(|r| r.recommendation.as_ref()) {
        let mut r = Map::new();
        r.insert("desc".into(), json!(rec.text.as_deref().unwrap_or("See the control's documentation.")));
        if let Some(url) = &rec.url {
            r.insert("references".into(), json!([url]));
        }
        e.insert("remediation".into(), Value::Object(r));
    }
    e.insert("unmapped".into(), json!({"hubsim": {"scenario": scenario}}));
    Value::Object(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_ocsf_ids() {
        assert_eq!(compliance_status("PASSED"), (1, "Pass"));
        assert_eq!(compliance_status("WARNING"), (2, "Warning"));
        assert_eq!(compliance_status("FAILED"), (3, "Fail"));
        assert_eq!(compliance_status("NOT_AVAILABLE"), (99, "NOT_AVAILABLE"));
        assert_eq!(workflow_status("SUPPRESSED"), (3, "Suppressed"));
        assert_eq!(workflow_status("NOTIFIED"), (2, "In Progress"));
        assert_eq!(severity(Some("CRITICAL")), (5, "Critical"));
        assert_eq!(severity(None), (0, "Unknown"));
    }

    #[test]
    fn times_are_milliseconds_and_rfc3339() {
        let mut m = Map::new();
        times(&mut m, "time", Some("2022-06-01T00:00:08Z"));
        assert_eq!(m["time"], json!(1_654_041_608_000_i64));
        assert_eq!(m["time_dt"], json!("2022-06-01T00:00:08Z"));
        times(&mut m, "bad", Some("yesterday"));
        assert!(!m.contains_key("bad"));
    }
}
