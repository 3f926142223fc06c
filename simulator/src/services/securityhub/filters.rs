//! GetFindings filters (`AwsSecurityFindingFilters`) and sort keys.
//!
//! Supported: the string, number, date and boolean fields listed in [`string_values`],
//! [`number_value`], [`date_value`] and `Sample`. A filter on any other field is refused with
//! `InvalidInputException` naming it rather than silently ignored.
//!
//! String comparisons follow AWS's documented rules: `EQUALS`, `PREFIX` and `CONTAINS` on one
//! field are joined by OR; `NOT_EQUALS`, `PREFIX_NOT_EQUALS` and `NOT_CONTAINS` by AND (after
//! the positive ones); `CONTAINS`/`NOT_CONTAINS` combine only with their own kind, and `EQUALS`
//! does not combine with a negative comparison. Comparisons are case-sensitive. For a
//! multi-valued field (resources, types, associated standards) a positive comparison needs one
//! value to match and a negative one needs every value to match. `CONTAINS_WORD` is refused.
//! Several number or date filters on one field are joined by OR; different fields by AND.

use hubsim_model::securityhub::{self, AwsSecurityFinding};
use hubsim_model::Timestamp;
use serde_json::Value;

use super::invalid_input;
use crate::error::AwsError;

const STRING_FIELDS: &[&str] = &[
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "AwsAccountName",
    "Region",
    "Type",
    "Title",
    "Description",
    "SourceUrl",
    "RecommendationText",
    "ProductName",
    "CompanyName",
    "ComplianceStatus",
    "ComplianceSecurityControlId",
    "ComplianceAssociatedStandardsId",
    "VerificationState",
    "WorkflowState",
    "WorkflowStatus",
    "RecordState",
    "SeverityLabel",
    "ResourceId",
    "ResourceType",
    "ResourcePartition",
    "ResourceRegion",
    "RelatedFindingsId",
    "RelatedFindingsProductArn",
    "NoteText",
    "NoteUpdatedBy",
    "FindingProviderFieldsSeverityLabel",
    "FindingProviderFieldsTypes",
];
const NUMBER_FIELDS: &[&str] = &["SeverityNormalized", "SeverityProduct", "Confidence", "Criticality"];
const DATE_FIELDS: &[&str] = &["CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt", "NoteUpdatedAt"];

/// AWS's limits: 10 filtered attributes, 20 values per attribute.
const MAX_FIELDS: usize = 10;
const MAX_VALUES: usize = 20;

const POSITIVE: [&str; 3] = ["EQUALS", "PREFIX", "CONTAINS"];
const NEGATIVE: [&str; 3] = ["NOT_EQUALS", "PREFIX_NOT_EQUALS", "NOT_CONTAINS"];

/// One field's conditions.
enum Condition {
    Str { field: String, filters: Vec<(String, String)> },
    Num { field: String, filters: Vec<securityhub::NumberFilter> },
    Date { field: String, ranges: Vec<(Option<i64>, Option<i64>)> },
    Bool { values: Vec<bool> },
}

/// Checked, ready-to-apply filters.
pub(super) struct Filters(Vec<Condition>);

const DAY_MS: i64 = 86_400_000;

fn parse_date(field: &str, text: &str) -> Result<i64, AwsError> {
    Timestamp::parse_iso8601(text)
        .map(|t| t.0)
        .ok_or_else(|| invalid_input(format!("Invalid date {text} in filter {field}.")))
}

fn string_condition(field: &str, value: Value) -> Result<Condition, AwsError> {
    let list: Vec<securityhub::StringFilter> =
        serde_json::from_value(value).map_err(|_| invalid_input(format!("Invalid filter {field}.")))?;
    let mut filters = Vec::new();
    for f in list {
        let (Some(v), Some(c)) = (f.value, f.comparison) else {
            return Err(invalid_input(format!("Filter {field} needs a Value and a Comparison.")));
        };
        if !POSITIVE.contains(&c.as_str()) && !NEGATIVE.contains(&c.as_str()) {
            return Err(invalid_input(format!("Comparison {c} is not supported by hubsim for filter {field}.")));
        }
        filters.push((c, v));
    }
    let has = |c: &str| filters.iter().any(|(x, _)| x == c);
    let only = |c: &str| filters.iter().all(|(x, _)| x == c);
    let mixed = (has("CONTAINS") && !only("CONTAINS"))
        || (has("NOT_CONTAINS") && !only("NOT_CONTAINS"))
        || (has("EQUALS") && (has("NOT_EQUALS") || has("PREFIX_NOT_EQUALS")));
    if mixed {
        return Err(invalid_input(format!("Invalid combination of comparisons in filter {field}.")));
    }
    Ok(Condition::Str { field: field.to_string(), filters })
}

fn date_condition(field: &str, value: Value, now: Timestamp) -> Result<Condition, AwsError> {
    let list: Vec<securityhub::DateFilter> =
        serde_json::from_value(value).map_err(|_| invalid_input(format!("Invalid filter {field}.")))?;
    let mut ranges = Vec::new();
    for f in list {
        let mut lo = f.start.as_deref().map(|s| parse_date(field, s)).transpose()?;
        let mut hi = f.end.as_deref().map(|s| parse_date(field, s)).transpose()?;
        if let Some(r) = f.date_range {
            let (Some(days), Some("DAYS")) = (r.value, r.unit.as_deref()) else {
                return Err(invalid_input(format!("DateRange of filter {field} needs a Value and Unit DAYS.")));
            };
            let cut = now.0.saturating_sub(i64::from(days).saturating_mul(DAY_MS));
            match r.comparison.as_deref() {
                None | Some("WITHIN") => lo = Some(lo.map_or(cut, |l| l.max(cut))),
                Some("OLDER_THAN") => hi = Some(hi.map_or(cut - 1, |h| h.min(cut - 1))),
                Some(other) => return Err(invalid_input(format!("Invalid DateRange comparison {other}."))),
            }
        }
        if lo.is_none() && hi.is_none() {
            return Err(invalid_input(format!("Filter {field} needs Start, End or DateRange.")));
        }
        ranges.push((lo, hi));
    }
    Ok(Condition::Date { field: field.to_string(), ranges })
}

impl Filters {
    /// Checks `filters` and prepares them; `now` anchors `DateRange`.
    pub(super) fn compile(
        filters: Option<&securityhub::AwsSecurityFindingFilters>,
        now: Timestamp,
    ) -> Result<Filters, AwsError> {
        let Some(filters) = filters else { return Ok(Filters(Vec::new())) };
        let Value::Object(map) = serde_json::to_value(filters)? else { return Ok(Filters(Vec::new())) };
        if map.len() > MAX_FIELDS {
            return Err(invalid_input(format!("You can filter by at most {MAX_FIELDS} finding attributes.")));
        }
        let mut out = Vec::new();
        for (field, value) in map {
            if value.as_array().is_some_and(|a| a.len() > MAX_VALUES) {
                return Err(invalid_input(format!("Filter {field} has more than {MAX_VALUES} values.")));
            }
            let f = field.as_str();
            let condition = if STRING_FIELDS.contains(&f) {
                string_condition(f, value)?
            } else if NUMBER_FIELDS.contains(&f) {
                let filters: Vec<securityhub::NumberFilter> =
                    serde_json::from_value(value).map_err(|_| invalid_input(format!("Invalid filter {f}.")))?;
                if filters
                    .iter()
                    .any(|n| n.gte.is_none() && n.lte.is_none() && n.eq.is_none() && n.gt.is_none() && n.lt.is_none())
                {
                    return Err(invalid_input(format!("Filter {f} needs Gte, Lte, Eq, Gt or Lt.")));
                }
                Condition::Num { field: field.clone(), filters }
            } else if DATE_FIELDS.contains(&f) {
                date_condition(f, value, now)?
            } else if f == "Sample" {
                let filters: Vec<securityhub::BooleanFilter> =
                    serde_json::from_value(value).map_err(|_| invalid_input("Invalid filter Sample."))?;
                Condition::Bool { values: filters.into_iter().filter_map(|b| b.value).collect() }
            } else {
                return Err(invalid_input(format!("hubsim does not support the GetFindings filter {f}.")));
            };
            out.push(condition);
        }
        Ok(Filters(out))
    }

    /// Whether finding `f` passes every condition.
    pub(super) fn matches(&self, f: &AwsSecurityFinding) -> bool {
        self.0.iter().all(|c| match c {
            Condition::Str { field, filters } => string_matches(&string_values(f, field), filters),
            Condition::Num { field, filters } => {
                filters.is_empty() || number_value(f, field).is_some_and(|v| filters.iter().any(|n| number_ok(v, n)))
            }
            Condition::Date { field, ranges } => {
                ranges.is_empty()
                    || date_value(f, field).is_some_and(|t| {
                        ranges.iter().any(|(lo, hi)| lo.is_none_or(|l| t >= l) && hi.is_none_or(|h| t <= h))
                    })
            }
            Condition::Bool { values } => values.is_empty() || values.iter().any(|v| *v == f.sample.unwrap_or(false)),
        })
    }
}

fn compare(value: &str, comparison: &str, wanted: &str) -> bool {
    match comparison {
        "EQUALS" => value == wanted,
        "PREFIX" => value.starts_with(wanted),
        "CONTAINS" => value.contains(wanted),
        "NOT_EQUALS" => value != wanted,
        "PREFIX_NOT_EQUALS" => !value.starts_with(wanted),
        "NOT_CONTAINS" => !value.contains(wanted),
        _ => false,
    }
}

fn string_matches(values: &[&str], filters: &[(String, String)]) -> bool {
    let positives: Vec<_> = filters.iter().filter(|(c, _)| POSITIVE.contains(&c.as_str())).collect();
    let pos_ok = positives.is_empty() || positives.iter().any(|(c, w)| values.iter().any(|v| compare(v, c, w)));
    let neg_ok = filters
        .iter()
        .filter(|(c, _)| NEGATIVE.contains(&c.as_str()))
        .all(|(c, w)| values.iter().all(|v| compare(v, c, w)));
    pos_ok && neg_ok
}

fn number_ok(v: f64, n: &securityhub::NumberFilter) -> bool {
    n.gte.is_none_or(|x| v >= x)
        && n.lte.is_none_or(|x| v <= x)
        && n.eq.is_none_or(|x| v == x)
        && n.gt.is_none_or(|x| v > x)
        && n.lt.is_none_or(|x| v < x)
}

/// The values of string field `field` of `f` (several for resources, types, standards).
pub(super) fn string_values<'a>(f: &'a AwsSecurityFinding, field: &str) -> Vec<&'a str> {
    let one = |v: Option<&'a String>| v.map(|s| vec![s.as_str()]).unwrap_or_default();
    let compliance = f.compliance.as_ref();
    match field {
        "Id" => vec![f.id.as_str()],
        "ProductArn" => vec![f.product_arn.as_str()],
        "GeneratorId" => vec![f.generator_id.as_str()],
        "AwsAccountId" => vec![f.aws_account_id.as_str()],
        "AwsAccountName" => one(f.aws_account_name.as_ref()),
        "Region" => one(f.region.as_ref()),
        "Type" => f.types.iter().flatten().map(String::as_str).collect(),
        "Title" => vec![f.title.as_str()],
        "Description" => vec![f.description.as_str()],
        "SourceUrl" => one(f.source_url.as_ref()),
        "RecommendationText" => {
            one(f.remediation.as_ref().and_then(|r| r.recommendation.as_ref()).and_then(|r| r.text.as_ref()))
        }
        "ProductName" => one(f.product_name.as_ref()),
        "CompanyName" => one(f.company_name.as_ref()),
        "ComplianceStatus" => one(compliance.and_then(|c| c.status.as_ref())),
        "ComplianceSecurityControlId" => one(compliance.and_then(|c| c.security_control_id.as_ref())),
        "ComplianceAssociatedStandardsId" => compliance
            .and_then(|c| c.associated_standards.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|s| s.standards_id.as_deref())
            .collect(),
        "VerificationState" => one(f.verification_state.as_ref()),
        "WorkflowState" => one(f.workflow_state.as_ref()),
        "WorkflowStatus" => one(f.workflow.as_ref().and_then(|w| w.status.as_ref())),
        "RecordState" => one(f.record_state.as_ref()),
        "SeverityLabel" => one(f.severity.as_ref().and_then(|s| s.label.as_ref())),
        "ResourceId" => f.resources.iter().map(|r| r.id.as_str()).collect(),
        "ResourceType" => f.resources.iter().map(|r| r.type_.as_str()).collect(),
        "ResourcePartition" => f.resources.iter().filter_map(|r| r.partition.as_deref()).collect(),
        "ResourceRegion" => f.resources.iter().filter_map(|r| r.region.as_deref()).collect(),
        "RelatedFindingsId" => f.related_findings.iter().flatten().map(|r| r.id.as_str()).collect(),
        "RelatedFindingsProductArn" => f.related_findings.iter().flatten().map(|r| r.product_arn.as_str()).collect(),
        "NoteText" => f.note.as_ref().map(|n| vec![n.text.as_str()]).unwrap_or_default(),
        "NoteUpdatedBy" => f.note.as_ref().map(|n| vec![n.updated_by.as_str()]).unwrap_or_default(),
        "FindingProviderFieldsSeverityLabel" => {
            one(f.finding_provider_fields.as_ref().and_then(|p| p.severity.as_ref()).and_then(|s| s.label.as_ref()))
        }
        "FindingProviderFieldsTypes" => {
            f.finding_provider_fields.iter().flat_map(|p| p.types.iter().flatten()).map(String::as_str).collect()
        }
        _ => Vec::new(),
    }
}

/// The value of number field `field` of `f`.
pub(super) fn number_value(f: &AwsSecurityFinding, field: &str) -> Option<f64> {
    match field {
        "SeverityNormalized" => f.severity.as_ref().and_then(|s| s.normalized).map(f64::from),
        "SeverityProduct" => f.severity.as_ref().and_then(|s| s.product),
        "Confidence" => f.confidence.map(f64::from),
        "Criticality" => f.criticality.map(f64::from),
        _ => None,
    }
}

/// The value of date field `field` of `f`, in epoch milliseconds.
pub(super) fn date_value(f: &AwsSecurityFinding, field: &str) -> Option<i64> {
    let text = match field {
        "CreatedAt" => Some(&f.created_at),
        "UpdatedAt" => Some(&f.updated_at),
        "FirstObservedAt" => f.first_observed_at.as_ref(),
        "LastObservedAt" => f.last_observed_at.as_ref(),
        "NoteUpdatedAt" => f.note.as_ref().map(|n| &n.updated_at),
        _ => None,
    }?;
    Timestamp::parse_iso8601(text).map(|t| t.0)
}

/// The kind of a sortable field, if hubsim can sort by it.
pub(super) fn sort_kind(field: &str) -> Option<SortKind> {
    if STRING_FIELDS.contains(&field) {
        Some(SortKind::Str)
    } else if NUMBER_FIELDS.contains(&field) {
        Some(SortKind::Num)
    } else if DATE_FIELDS.contains(&field) {
        Some(SortKind::Date)
    } else {
        None
    }
}

/// How a sort field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SortKind {
    Str,
    Num,
    Date,
}
