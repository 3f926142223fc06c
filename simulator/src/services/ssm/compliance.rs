//! PutComplianceItems, ListComplianceItems, ListResourceComplianceSummaries
//! (<https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-compliance.html>).
//!
//! Compliance data is held per managed instance and compliance type (`Patch`, `Association`,
//! `Custom:<name>`). A `COMPLETE` upload replaces the type's items, a `PARTIAL` one updates
//! the items it names. A type's summary is `NON_COMPLIANT` when any item is, and its overall
//! severity is the highest severity of its non-compliant items (of all items when none is).

use std::collections::BTreeMap;

use hubsim_model::ssm;

use super::instances::is_managed;
use super::{page, start_of, ComplianceRecord, Item};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ssm::PutComplianceItems>().add::<ssm::ListComplianceItems>().add::<ssm::ListResourceComplianceSummaries>();
}

/// Severities from the highest.
const SEVERITIES: [&str; 6] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED"];

fn rank(severity: &str) -> usize {
    SEVERITIES.iter().position(|s| *s == severity).unwrap_or(SEVERITIES.len())
}

impl Handler for ssm::PutComplianceItems {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::PutComplianceItemsRequest,
    ) -> Result<ssm::PutComplianceItemsResult, AwsError> {
        if input.resource_type != "ManagedInstance" {
            return Err(AwsError::bad_request(
                "InvalidResourceType",
                format!(
                    "ResourceType {} is not supported: compliance data is kept for ManagedInstance.",
                    input.resource_type
                ),
            ));
        }
        if !is_managed(ctx, &input.resource_id)? {
            return Err(AwsError::bad_request(
                "InvalidResourceId",
                format!("{} is not a managed instance in this region.", input.resource_id),
            ));
        }
        let mut items = BTreeMap::new();
        for (n, e) in input.items.into_iter().enumerate() {
            let id = e.id.clone().unwrap_or_else(|| format!("item-{n}"));
            if items.contains_key(&id) {
                return Err(AwsError::bad_request(
                    "InvalidItemContentException",
                    format!("Items[{n}]: item id {id} appears twice."),
                ));
            }
            items.insert(
                id.clone(),
                Item {
                    id,
                    title: e.title,
                    status: e.status,
                    severity: e.severity,
                    details: e.details.unwrap_or_default(),
                },
            );
        }
        let key = ComplianceRecord::key(&input.resource_id, &input.compliance_type);
        let previous = ctx.get::<ComplianceRecord>(&key)?;
        let items = match (input.upload_type.as_deref(), previous) {
            (Some("PARTIAL"), Some(p)) => {
                let mut merged = p.items;
                merged.extend(items);
                merged
            }
            _ => items,
        };
        let s = input.execution_summary;
        let record = ComplianceRecord {
            resource_id: input.resource_id,
            resource_type: input.resource_type,
            compliance_type: input.compliance_type,
            execution_time: s.execution_time,
            execution_id: s.execution_id,
            execution_type: s.execution_type,
            items,
        };
        ctx.put(&key, &record)?;
        Ok(ssm::PutComplianceItemsResult {})
    }
}

/// One parsed `ComplianceStringFilter`.
struct Filter {
    key: String,
    values: Vec<String>,
    op: String,
}

/// Parses filters, refusing keys outside `allowed` (`InvalidFilter`).
fn filters(given: Option<Vec<ssm::ComplianceStringFilter>>, allowed: &[&str]) -> Result<Vec<Filter>, AwsError> {
    let mut out = Vec::new();
    for f in given.unwrap_or_default() {
        let key = f.key.unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(AwsError::bad_request(
                "InvalidFilter",
                format!("Filter key {key} is not valid here; valid keys: {}.", allowed.join(", ")),
            ));
        }
        let values = f.values.unwrap_or_default();
        if values.is_empty() {
            return Err(AwsError::bad_request("InvalidFilter", format!("Filter {key} needs at least one value.")));
        }
        out.push(Filter { key, values, op: f.type_.unwrap_or_else(|| "EQUAL".to_string()) });
    }
    Ok(out)
}

impl Filter {
    /// Whether `value` passes this filter.
    fn admits(&self, value: &str) -> bool {
        let hit = |v: &String| match self.op.as_str() {
            "BEGIN_WITH" => value.starts_with(v.as_str()),
            "LESS_THAN" => value < v.as_str(),
            "GREATER_THAN" => value > v.as_str(),
            _ => value == v,
        };
        if self.op == "NOT_EQUAL" {
            !self.values.iter().any(|v| v == value)
        } else {
            self.values.iter().any(hit)
        }
    }
}

/// Every compliance record of the call's region whose instance is still managed.
fn records(ctx: &Ctx<'_>) -> Result<Vec<ComplianceRecord>, AwsError> {
    let mut out = Vec::new();
    for (_, r) in ctx.list::<ComplianceRecord>()? {
        if is_managed(ctx, &r.resource_id)? {
            out.push(r);
        }
    }
    Ok(out)
}

fn summary_of(r: &ComplianceRecord) -> ssm::ResourceComplianceSummaryItem {
    let (bad, good): (Vec<&Item>, Vec<&Item>) = r.items.values().partition(|i| i.status == "NON_COMPLIANT");
    let counts = |items: &[&Item]| ssm::SeveritySummary {
        critical_count: Some(items.iter().filter(|i| i.severity == "CRITICAL").count() as i32),
        high_count: Some(items.iter().filter(|i| i.severity == "HIGH").count() as i32),
        medium_count: Some(items.iter().filter(|i| i.severity == "MEDIUM").count() as i32),
        low_count: Some(items.iter().filter(|i| i.severity == "LOW").count() as i32),
        informational_count: Some(items.iter().filter(|i| i.severity == "INFORMATIONAL").count() as i32),
        unspecified_count: Some(items.iter().filter(|i| i.severity == "UNSPECIFIED").count() as i32),
    };
    let worst = if bad.is_empty() { &good } else { &bad };
    let overall = worst.iter().map(|i| i.severity.as_str()).min_by_key(|s| rank(s)).unwrap_or("UNSPECIFIED");
    ssm::ResourceComplianceSummaryItem {
        compliance_type: Some(r.compliance_type.clone()),
        resource_type: Some(r.resource_type.clone()),
        resource_id: Some(r.resource_id.clone()),
        status: Some(if bad.is_empty() { "COMPLIANT" } else { "NON_COMPLIANT" }.to_string()),
        overall_severity: Some(overall.to_string()),
        execution_summary: Some(execution(r)),
        compliant_summary: Some(ssm::CompliantSummary {
            compliant_count: Some(good.len() as i32),
            severity_summary: Some(counts(&good)),
        }),
        non_compliant_summary: Some(ssm::NonCompliantSummary {
            non_compliant_count: Some(bad.len() as i32),
            severity_summary: Some(counts(&bad)),
        }),
    }
}

fn execution(r: &ComplianceRecord) -> ssm::ComplianceExecutionSummary {
    ssm::ComplianceExecutionSummary {
        execution_time: r.execution_time,
        execution_id: r.execution_id.clone(),
        execution_type: r.execution_type.clone(),
    }
}

impl Handler for ssm::ListResourceComplianceSummaries {
    const MUTATES: bool = false;

    /// Filter keys `ComplianceType`, `Status`, `ResourceId`, `ResourceType`,
    /// `OverallSeverity`; pages of `MaxResults` (1–50, default 50).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::ListResourceComplianceSummariesRequest,
    ) -> Result<ssm::ListResourceComplianceSummariesResult, AwsError> {
        let fs =
            filters(input.filters, &["ComplianceType", "Status", "ResourceId", "ResourceType", "OverallSeverity"])?;
        let start = start_of(input.next_token.as_deref())?;
        let all: Vec<_> = records(ctx)?
            .iter()
            .map(summary_of)
            .filter(|s| {
                fs.iter().all(|f| {
                    let v = match f.key.as_str() {
                        "ComplianceType" => &s.compliance_type,
                        "Status" => &s.status,
                        "ResourceId" => &s.resource_id,
                        "ResourceType" => &s.resource_type,
                        _ => &s.overall_severity,
                    };
                    f.admits(v.as_deref().unwrap_or(""))
                })
            })
            .collect();
        let (items, next_token) = page(all, start, input.max_results.unwrap_or(50).clamp(1, 50) as usize);
        Ok(ssm::ListResourceComplianceSummariesResult { resource_compliance_summary_items: Some(items), next_token })
    }
}

impl Handler for ssm::ListComplianceItems {
    const MUTATES: bool = false;

    /// The items of the named resources (all managed instances when none is named); filter
    /// keys `ComplianceType`, `Status`, `Severity`, `Id`, `Title`.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::ListComplianceItemsRequest,
    ) -> Result<ssm::ListComplianceItemsResult, AwsError> {
        if let Some(t) = input.resource_types.iter().flatten().find(|t| *t != "ManagedInstance") {
            return Err(AwsError::bad_request("InvalidResourceType", format!("ResourceType {t} is not supported.")));
        }
        let ids = input.resource_ids.unwrap_or_default();
        let fs = filters(input.filters, &["ComplianceType", "Status", "Severity", "Id", "Title"])?;
        let start = start_of(input.next_token.as_deref())?;
        let mut all = Vec::new();
        for r in records(ctx)? {
            if !ids.is_empty() && !ids.contains(&r.resource_id) {
                continue;
            }
            for item in r.items.values() {
                let keep = fs.iter().all(|f| {
                    let v = match f.key.as_str() {
                        "ComplianceType" => r.compliance_type.as_str(),
                        "Status" => item.status.as_str(),
                        "Severity" => item.severity.as_str(),
                        "Id" => item.id.as_str(),
                        _ => item.title.as_deref().unwrap_or(""),
                    };
                    f.admits(v)
                });
                if keep {
                    all.push(ssm::ComplianceItem {
                        compliance_type: Some(r.compliance_type.clone()),
                        resource_type: Some(r.resource_type.clone()),
                        resource_id: Some(r.resource_id.clone()),
                        id: Some(item.id.clone()),
                        title: item.title.clone(),
                        status: Some(item.status.clone()),
                        severity: Some(item.severity.clone()),
                        execution_summary: Some(execution(&r)),
                        details: (!item.details.is_empty()).then(|| item.details.clone()),
                    });
                }
            }
        }
        let (items, next_token) = page(all, start, input.max_results.unwrap_or(50).clamp(1, 50) as usize);
        Ok(ssm::ListComplianceItemsResult { compliance_items: Some(items), next_token })
    }
}
