//! Amazon GuardDuty: the detector of each region (GuardDuty.1 and, in era current, the
//! feature controls GuardDuty.5–13) and the empty answers scanners expect around it
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html).
//!
//! A region holds at most one detector. The account is an Organizations member that is
//! neither the management account's GuardDuty delegated administrator nor managed by one, so
//! it has no members, no administrator and no findings.

mod detectors;
mod limits;
mod org;

use std::collections::BTreeMap;

use hubsim_model::{guardduty, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers GuardDuty's operations.
pub fn register(r: &mut Registrar) {
    detectors::register(r);
    org::register(r);
}

/// A detector, stored under its id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    /// 32 lowercase hex digits.
    pub id: String,
    /// Creation time.
    pub created: Timestamp,
    /// Last change.
    pub updated: Timestamp,
    /// `ENABLED` (true) or `DISABLED` (suspended).
    pub enabled: bool,
    /// `FIFTEEN_MINUTES`, `ONE_HOUR` or `SIX_HOURS`.
    pub finding_publishing_frequency: String,
    /// Every feature with its status, in the order GuardDuty lists them.
    pub features: Vec<guardduty::DetectorFeatureConfigurationResult>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The idempotency token of the CreateDetector call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

impl Resource for Detector {
    const KIND: &'static str = "guardduty:detector";
}

/// The detector of the call's region, if there is one.
pub fn detector(ctx: &Ctx<'_>) -> Result<Option<Detector>, AwsError> {
    Ok(ctx.list::<Detector>()?.into_iter().next().map(|(_, d)| d))
}

/// The status of feature `name` of `detector` (`ENABLED`/`DISABLED`), if it has it.
pub fn feature_status<'a>(detector: &'a Detector, name: &str) -> Option<&'a str> {
    detector.features.iter().find(|f| f.name.as_deref() == Some(name)).and_then(|f| f.status.as_deref())
}

/// 400 `BadRequestException`.
pub(crate) fn bad_request(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("BadRequestException", message)
}

/// GuardDuty's answer to an input it cannot use.
pub(crate) fn invalid_input() -> AwsError {
    bad_request("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
}

/// Reads detector `id` of the call's region, or answers as GuardDuty does for an id that is
/// unknown or another account's.
pub(crate) fn detector_by_id(ctx: &Ctx<'_>, id: &str) -> Result<Detector, AwsError> {
    ctx.get::<Detector>(id)?.ok_or_else(not_owned)
}

/// The answer for a detector (or detector ARN) that is unknown or another account's.
pub(crate) fn not_owned() -> AwsError {
    bad_request("The request is rejected because the input detectorId is not owned by the current account.")
}
