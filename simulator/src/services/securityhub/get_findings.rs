//! GetFindings: filter, sort and page the findings of the call's region.
//!
//! Sorting: `SortCriteria` apply in order, each on a field GetFindings can filter by (string,
//! number or date fields, see [`super::filters`]); `SortOrder` defaults to `asc`; a missing value
//! sorts before any value; ties are broken by `ProductArn`, then `Id`, so pages are stable.
//! Without `SortCriteria` AWS does not document an order: hubsim returns findings in the order it
//! first received them, paging by store position so that reading many findings costs one pass.
//! `MaxResults` is 1–100 (default 100); `NextToken` is opaque.

use std::cmp::Ordering;

use hubsim_model::securityhub::{self, AwsSecurityFinding};

use super::filters::{date_value, number_value, sort_kind, string_values, Filters, SortKind};
use super::findings::Finding;
use super::{invalid_input, page, require_hub};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::GetFindings>();
}

/// One criterion: field, kind, descending.
struct Criterion {
    field: String,
    kind: SortKind,
    desc: bool,
}

/// A finding's value for one criterion.
#[derive(Debug, PartialEq, PartialOrd)]
enum Key {
    Str(Option<String>),
    Num(Option<f64>),
    Date(Option<i64>),
}

fn key(f: &AwsSecurityFinding, c: &Criterion) -> Key {
    match c.kind {
        SortKind::Str => Key::Str(string_values(f, &c.field).first().map(|s| s.to_string())),
        SortKind::Num => Key::Num(number_value(f, &c.field)),
        SortKind::Date => Key::Date(date_value(f, &c.field)),
    }
}

fn compare_keys(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Num(Some(x)), Key::Num(Some(y))) => x.total_cmp(y),
        _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

fn criteria(input: Option<&Vec<securityhub::SortCriterion>>) -> Result<Vec<Criterion>, AwsError> {
    let Some(list) = input.filter(|l| !l.is_empty()) else {
        // No criteria: creation order (see the module docs).
        return Ok(Vec::new());
    };
    list.iter()
        .map(|c| {
            let field = c.field.clone().ok_or_else(|| invalid_input("SortCriteria needs a Field."))?;
            let kind =
                sort_kind(&field).ok_or_else(|| invalid_input(format!("hubsim cannot sort findings by {field}.")))?;
            let desc = match c.sort_order.as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => return Err(invalid_input(format!("Invalid SortOrder: {other}"))),
            };
            Ok(Criterion { field, kind, desc })
        })
        .collect()
}

impl Handler for securityhub::GetFindings {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::GetFindingsRequest,
    ) -> Result<securityhub::GetFindingsResponse, AwsError> {
        require_hub(ctx)?;
        let filters = Filters::compile(input.filters.as_ref(), ctx.now())?;
        let criteria = criteria(input.sort_criteria.as_ref())?;
        if criteria.is_empty() {
            return in_creation_order(ctx, &filters, input.next_token.as_deref(), input.max_results);
        }
        let mut keyed: Vec<(Vec<Key>, AwsSecurityFinding)> = ctx
            .list::<Finding>()?
            .into_iter()
            .map(|(_, d)| d.finding)
            .filter(|f| filters.matches(f))
            .map(|f| (criteria.iter().map(|c| key(&f, c)).collect(), f))
            .collect();
        keyed.sort_by(|(ka, fa), (kb, fb)| {
            for ((a, b), c) in ka.iter().zip(kb).zip(&criteria) {
                let o = compare_keys(a, b);
                let o = if c.desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            (&fa.product_arn, &fa.id).cmp(&(&fb.product_arn, &fb.id))
        });
        let all: Vec<AwsSecurityFinding> = keyed.into_iter().map(|(_, f)| f).collect();
        let (findings, next_token) = page(all, input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::GetFindingsResponse { findings, next_token })
    }
}

/// Without sort criteria, findings come in the order Security Hub first received them, read
/// page by page from the store (a token holds the last position), so paging through many
/// findings costs one pass, not one pass per page.
fn in_creation_order(
    ctx: &Ctx<'_>,
    filters: &Filters,
    token: Option<&str>,
    max_results: Option<i32>,
) -> Result<securityhub::GetFindingsResponse, AwsError> {
    let max = match max_results {
        None => 100,
        Some(n @ 1..=100) => n as usize,
        Some(n) => return Err(invalid_input(format!("MaxResults must be between 1 and 100, not {n}."))),
    };
    let mut after = match token {
        None => 0,
        Some(t) => position_of(t)?,
    };
    // Findings are large values: room for a whole page up front, so the page is not moved as
    // it grows.
    let mut findings = Vec::with_capacity(max);
    let mut more = false;
    ctx.scan_after::<Finding>(after, |seq, doc| {
        if findings.len() == max {
            more = true;
            return false;
        }
        after = seq;
        if filters.matches(&doc.finding) {
            findings.push(doc.finding.clone());
        }
        true
    })?;
    Ok(securityhub::GetFindingsResponse { findings, next_token: more.then(|| position_token(after)) })
}

fn position_token(after: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("after:{after}"))
}

fn position_of(token: &str) -> Result<i64, AwsError> {
    use base64::Engine;
    let bad = || invalid_input("The NextToken is not valid.");
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("after:").and_then(|n| n.parse::<i64>().ok()).filter(|n| *n >= 0).ok_or_else(bad)
}
