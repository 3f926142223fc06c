//! GetFindings: filter, sort and page the findings of the call's region.
//!
//! Sorting: `SortCriteria` apply in order, each on a field GetFindings can filter by (string,
//! number or date fields, see [`super::filters`]); `SortOrder` defaults to `asc`; a missing value
//! sorts before any value. Without `SortCriteria` AWS does not document an order: hubsim sorts
//! by `UpdatedAt` descending. Ties are broken by `ProductArn`, then `Id`, so pages are stable.
//! `MaxResults` is 1–100 (default 100); `NextToken` is opaque (an encoded offset).

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
        return Ok(vec![Criterion { field: "UpdatedAt".into(), kind: SortKind::Date, desc: true }]);
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
