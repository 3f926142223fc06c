//! Amazon CloudWatch Logs: log groups (retention, KMS key, tags) and metric filters.
//!
//! Log groups are regional (`logs:group`, stored under their name); metric filters are stored
//! per group (`logs:metric-filter`, id `<group>:<filter>`; neither name may contain `:`).
//! hubsim keeps no log streams or events: `FilterLogEvents` answers an empty page and
//! `storedBytes` is always 0.

mod groups;
mod metric_filters;
mod pattern;
mod reads;

use std::collections::BTreeMap;

use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers CloudWatch Logs' operations.
pub fn register(r: &mut Registrar) {
    groups::register(r);
    metric_filters::register(r);
    reads::register(r);
}

/// One log group as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    /// The group name.
    pub name: String,
    /// Creation time.
    pub created: Timestamp,
    /// Retention in days; `None` means never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i32>,
    /// The KMS key ARN that encrypts the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY`.
    pub class: String,
    /// Whether deletion protection is on.
    #[serde(default)]
    pub deletion_protection: bool,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for LogGroup {
    const KIND: &'static str = "logs:group";
}

/// One metric filter as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricFilter {
    /// The filter as `DescribeMetricFilters` answers it.
    pub filter: hubsim_model::logs::MetricFilter,
}

impl Resource for MetricFilter {
    const KIND: &'static str = "logs:metric-filter";
}

/// The store id of filter `filter` on group `group`.
pub(crate) fn filter_id(group: &str, filter: &str) -> String {
    format!("{group}:{filter}")
}

/// `arn:aws:logs:<region>:<acct>:log-group:<name>` (without the `:*` suffix).
pub(crate) fn group_arn(ctx: &Ctx<'_>, region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{}:log-group:{name}", ctx.account())
}

/// 400 `ResourceNotFoundException` for a missing log group.
pub(crate) fn no_such_group() -> AwsError {
    AwsError::bad_request("ResourceNotFoundException", "The specified log group does not exist.")
}

/// 400 `InvalidParameterException`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterException", message)
}

/// Reads log group `name` in the call's region or answers `ResourceNotFoundException`.
pub(crate) fn group(ctx: &Ctx<'_>, name: &str) -> Result<LogGroup, AwsError> {
    ctx.get::<LogGroup>(name)?.ok_or_else(no_such_group)
}

/// Whether the log group `name` exists in `region`.
pub fn log_group_exists(ctx: &crate::Ctx<'_>, region: &str, name: &str) -> Result<bool, crate::AwsError> {
    Ok(ctx.get_in::<LogGroup>(region, name)?.is_some())
}
