//! AWS Security Hub (CSPM): the hub of each region, its standards subscriptions and the
//! findings store with the finding lifecycle (AWS:
//! https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html).
//!
//! Everything is regional. Every operation except `EnableSecurityHub` answers 401
//! `InvalidAccessException` in a region where the hub is not enabled.
//!
//! Choices hubsim makes where AWS is asynchronous or undocumented:
//! * Standards subscriptions are `READY` at once (AWS goes `PENDING` → `READY` within
//!   minutes); `BatchDisableStandards` answers `DELETING` and the subscription is gone at once.
//! * `DisableSecurityHub` removes the hub and its subscriptions and keeps the findings as they
//!   are (AWS keeps them for 90 days and shows them again when the hub is re-enabled in time).
//! * `DescribeStandards` lists only the two standards hubsim models (FSBP v1.0.0 and CIS
//!   v1.2.0); AWS lists every standard it offers.
//! * Controls (`DescribeStandardsControls`, `UpdateStandardsControl`, the security-control
//!   operations) come from the catalogue installed through [`crate::catalog`]; see
//!   `controls.rs`, `security_controls.rs` and `organization.rs` for their choices.

mod controls;
mod filters;
mod findings;
mod get_findings;
mod hub;
mod organization;
mod security_controls;
mod standards;
mod update;

use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use hubsim_model::Timestamp;

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

pub use standards::Subscription;

/// Registers Security Hub's operations.
pub fn register(r: &mut Registrar) {
    hub::register(r);
    standards::register(r);
    findings::register(r);
    get_findings::register(r);
    update::register(r);
    controls::register(r);
    security_controls::register(r);
    organization::register(r);
}

/// The hub of one region (stored under [`HUB_ID`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hub {
    /// When the hub was enabled.
    pub subscribed_at: Timestamp,
    /// `SECURITY_CONTROL` (consolidated findings) or `STANDARD_CONTROL`.
    pub control_finding_generator: String,
    /// Whether new controls of enabled standards are enabled automatically.
    pub auto_enable_controls: bool,
    /// The tags given to `EnableSecurityHub`.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for Hub {
    const KIND: &'static str = "securityhub:hub";
}

/// The id the hub is stored under (its ARN ends in `hub/default`).
pub const HUB_ID: &str = "default";

/// The ARN of the hub of `region` in `account`.
pub fn hub_arn(region: &str, account: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:hub/{HUB_ID}")
}

/// The hub of the call's region, if Security Hub is enabled there.
pub fn hub(ctx: &Ctx<'_>) -> Result<Option<Hub>, AwsError> {
    ctx.get::<Hub>(HUB_ID)
}

/// The ARN of Security Hub's own product in `region`: the one control findings carry.
pub fn securityhub_product_arn(region: &str) -> String {
    ["arn:aws:securityhub:", region, "::product/aws/securityhub"].concat()
}

/// The ARN of the account's default custom product in `region`.
pub fn default_product_arn(region: &str, account: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:product/{account}/default")
}

/// The hub of the call's region, or AWS's 401 for an account that is not subscribed there.
pub(crate) fn require_hub(ctx: &Ctx<'_>) -> Result<Hub, AwsError> {
    hub(ctx)?.ok_or_else(|| {
        AwsError::new(
            "InvalidAccessException",
            401,
            format!("Account {} is not subscribed to AWS Security Hub", ctx.account()),
        )
    })
}

/// 400 `InvalidInputException` with `message`.
pub(crate) fn invalid_input(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidInputException", message)
}

/// The start offset encoded in a `NextToken` (absent: 0).
pub(crate) fn token_offset(token: Option<&str>) -> Result<usize, AwsError> {
    let Some(token) = token else { return Ok(0) };
    let bad = || invalid_input("The NextToken value is invalid.");
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("offset:").and_then(|n| n.parse::<usize>().ok()).ok_or_else(bad)
}

/// The opaque `NextToken` for a page starting at `offset`.
pub(crate) fn offset_token(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("offset:{offset}"))
}

/// The page of `items` a `NextToken`/`MaxResults` pair selects, and the next token.
pub(crate) fn page<T>(
    items: Vec<T>,
    token: Option<&str>,
    max_results: Option<i32>,
    default_max: usize,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let max = match max_results {
        None => default_max,
        Some(m) if (1..=100).contains(&m) => m as usize,
        Some(m) => return Err(invalid_input(format!("MaxResults must be between 1 and 100, got {m}."))),
    };
    let start = token_offset(token)?;
    if start > items.len() {
        return Err(invalid_input("The NextToken value is invalid."));
    }
    let end = start.saturating_add(max).min(items.len());
    let next = (end < items.len()).then(|| offset_token(end));
    let page = items.into_iter().skip(start).take(end - start).collect();
    Ok((page, next))
}
