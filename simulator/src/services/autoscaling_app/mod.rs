//! Application Auto Scaling, as far as DynamoDB tables use it: scalable targets (a table's read
//! or write capacity with its bounds) and their scaling policies
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html>,
//! <https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html>).
//! Only the `dynamodb` namespace and the table dimensions are simulated (hubsim has no
//! secondary indexes); another namespace is an honest `NotImplemented`. A target is stored
//! under `<namespace>|<resource id>|<dimension>` with its policies.

mod policies;
mod targets;

use std::collections::BTreeMap;

use hubsim_model::application_autoscaling as aas;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers the operations.
pub fn register(r: &mut Registrar) {
    targets::register(r);
    policies::register(r);
}

/// One scalable target with its policies, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The target as DescribeScalableTargets answers it.
    pub target: aas::ScalableTarget,
    /// Its scaling policies, by name.
    #[serde(default)]
    pub policies: BTreeMap<String, aas::ScalingPolicy>,
}

impl Resource for Target {
    const KIND: &'static str = "application-autoscaling:target";
    const GLOBAL: bool = false;
}

/// The dimensions of a DynamoDB table.
const TABLE_DIMENSIONS: &[&str] = &["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"];

/// The store id of a target.
pub(crate) fn target_id(namespace: &str, resource: &str, dimension: &str) -> String {
    format!("{namespace}|{resource}|{dimension}")
}

/// 400 `ValidationException`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationException", message)
}

/// 400 `ObjectNotFoundException` for a target never registered.
pub(crate) fn no_such_target(namespace: &str, resource: &str, dimension: &str) -> AwsError {
    AwsError::bad_request(
        "ObjectNotFoundException",
        format!(
            "No scalable target registered for service namespace: {namespace}, resource ID: {resource}, scalable dimension: {dimension}"
        ),
    )
}

/// Checks that a namespace, resource id and dimension name a DynamoDB table's capacity, and
/// that the table exists in the call's region.
pub(crate) fn check_table_target(
    ctx: &Ctx<'_>,
    namespace: &str,
    resource: &str,
    dimension: &str,
) -> Result<(), AwsError> {
    if namespace != "dynamodb" {
        return Err(AwsError::new(
            "NotImplemented",
            501,
            format!("hubsim simulates Application Auto Scaling for DynamoDB tables only, not namespace {namespace}"),
        ));
    }
    if !TABLE_DIMENSIONS.contains(&dimension) {
        return Err(invalid(format!(
            "Unsupported scalable dimension '{dimension}' for a table: hubsim simulates {}",
            TABLE_DIMENSIONS.join(" and ")
        )));
    }
    let Some(table) = resource.strip_prefix("table/").filter(|t| !t.is_empty() && !t.contains('/')) else {
        return Err(invalid(format!(
            "Unsupported resource ID '{resource}': a DynamoDB table target is table/<table name>"
        )));
    };
    if ctx.get::<crate::services::dynamodb::Table>(table)?.is_none() {
        return Err(invalid(format!("DynamoDB table {table} does not exist in {}", ctx.region())));
    }
    Ok(())
}

/// A page of `items` after the token `next` (an offset), at most `max` (1–50, default 50).
pub(crate) fn page<T>(
    items: Vec<T>,
    max: Option<i32>,
    next: Option<&str>,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let size = match max {
        None => 50,
        Some(n @ 1..=50) => n as usize,
        Some(n) => return Err(invalid(format!("MaxResults {n} is outside 1 to 50"))),
    };
    let start = match next {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| invalid("Invalid NextToken"))?,
    };
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let token = (start.saturating_add(out.len()) < total).then(|| (start + out.len()).to_string());
    Ok((out, token))
}
