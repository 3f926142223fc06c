//! AWS CloudTrail: trails, their logging status and event selectors.
//!
//! A trail is stored once, in its home region (`cloudtrail:trail`, id = name). A multi-region
//! trail is also visible, as a *shadow trail* with the same fields and `HomeRegion` = the
//! creating region, in every other enabled region: `DescribeTrails`, `GetTrail`,
//! `GetEventSelectors` and `GetInsightSelectors` find it there by name or ARN,
//! `GetTrailStatus` by ARN only (as AWS documents). Writes (update, delete, start/stop,
//! selectors) outside the home region answer `InvalidHomeRegionException`.
//!
//! Delivery is simulated as immediate: while a trail is logging, `LatestDeliveryTime` is the
//! time logging started, and `LatestCloudWatchLogsDeliveryTime` (and, with log file
//! validation, `LatestDigestDeliveryTime`) the time logging started or the time the
//! CloudWatch Logs (or validation) configuration was changed, whichever is later.

mod events;
mod preconditions;
mod selectors;
mod status;
mod trails;

use hubsim_model::{cloudtrail as ct, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers CloudTrail's operations.
pub fn register(r: &mut Registrar) {
    trails::register(r);
    status::register(r);
    selectors::register(r);
    events::register(r);
}

/// One trail as stored in its home region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredTrail {
    /// The trail as `DescribeTrails` answers it.
    pub trail: ct::Trail,
    /// Whether the trail is logging.
    #[serde(default)]
    pub logging: bool,
    /// When logging was last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_logging_time: Option<Timestamp>,
    /// When logging was last stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_logging_time: Option<Timestamp>,
    /// Latest (simulated) delivery of log files to S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_time: Option<Timestamp>,
    /// Latest (simulated) delivery to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloudwatch_logs_delivery_time: Option<Timestamp>,
    /// Latest (simulated) digest file delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_digest_delivery_time: Option<Timestamp>,
    /// Basic event selectors, once set with PutEventSelectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_selectors: Option<Vec<ct::EventSelector>>,
    /// Advanced event selectors, once set with PutEventSelectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced_event_selectors: Option<Vec<ct::AdvancedEventSelector>>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<ct::Tag>,
}

impl Resource for StoredTrail {
    const KIND: &'static str = "cloudtrail:trail";
}

impl StoredTrail {
    /// The trail name.
    pub fn name(&self) -> &str {
        self.trail.name.as_deref().unwrap_or_default()
    }

    /// The trail ARN.
    pub fn arn(&self) -> &str {
        self.trail.trail_arn.as_deref().unwrap_or_default()
    }

    /// Whether the trail is multi-region.
    pub fn multi_region(&self) -> bool {
        self.trail.is_multi_region_trail.unwrap_or(false)
    }
}

/// `arn:aws:cloudtrail:<region>:<acct>:trail/<name>`.
pub(crate) fn trail_arn(ctx: &Ctx<'_>, region: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{}:trail/{name}", ctx.account())
}

/// 400 `TrailNotFoundException`.
pub(crate) fn trail_not_found(ctx: &Ctx<'_>, ident: &str) -> AwsError {
    AwsError::bad_request("TrailNotFoundException", format!("Unknown trail: {ident} for the user: {}", ctx.account()))
}

/// What the caller wants to do with a trail it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read it; a shadow trail may be named by name or ARN.
    Read,
    /// Read it; a shadow trail must be named by ARN (GetTrailStatus).
    ReadShadowByArn,
    /// Change it: only from its home region.
    Write,
}

/// Splits a trail ARN into (region, account, name); `None` when `ident` is not an ARN.
pub(crate) fn parse_trail_arn(ident: &str) -> Option<Result<(String, String, String), AwsError>> {
    let rest = ident.strip_prefix("arn:")?;
    let invalid = || {
        AwsError::bad_request(
            "CloudTrailARNInvalidException",
            format!(
                "ARN {ident} is not valid. The required format is arn:aws:cloudtrail:<region>:<account>:trail/<name>."
            ),
        )
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts.as_slice() else {
        return Some(Err(invalid()));
    };
    let Some(name) = resource.strip_prefix("trail/") else {
        return Some(Err(invalid()));
    };
    if !partition.starts_with("aws")
        || *service != "cloudtrail"
        || region.is_empty()
        || account.len() != 12
        || name.is_empty()
    {
        return Some(Err(invalid()));
    }
    Some(Ok((region.to_string(), account.to_string(), name.to_string())))
}

/// Finds the trail the caller names (name or ARN) as seen from the call's region, with its
/// home region.
pub(crate) fn find(ctx: &Ctx<'_>, ident: &str, access: Access) -> Result<(String, StoredTrail), AwsError> {
    let here = ctx.region().to_string();
    let (home, trail) = match parse_trail_arn(ident) {
        Some(parsed) => {
            let (region, account, name) = parsed?;
            if account != ctx.account() {
                return Err(trail_not_found(ctx, ident));
            }
            let t = ctx.get_in::<StoredTrail>(&region, &name)?.ok_or_else(|| trail_not_found(ctx, ident))?;
            (region, t)
        }
        None => {
            preconditions::check_trail_name(ident)?;
            if let Some(t) = ctx.get::<StoredTrail>(ident)? {
                (here.clone(), t)
            } else if access == Access::ReadShadowByArn {
                return Err(trail_not_found(ctx, ident));
            } else {
                ctx.list_all::<StoredTrail>()?
                    .into_iter()
                    .find(|(region, id, t)| region != &here && id == ident && t.multi_region())
                    .map(|(region, _, t)| (region, t))
                    .ok_or_else(|| trail_not_found(ctx, ident))?
            }
        }
    };
    if home == here {
        return Ok((home, trail));
    }
    if access == Access::Write {
        return Err(AwsError::bad_request(
            "InvalidHomeRegionException",
            format!("The trail {} can only be changed from its home region, {home}.", trail.arn()),
        ));
    }
    if trail.multi_region() && ctx.region_enabled(&here) {
        Ok((home, trail))
    } else {
        Err(trail_not_found(ctx, ident))
    }
}

/// Every trail visible in the call's region: its own, then (if `shadows`) the multi-region
/// trails of other regions. `(home region, trail)`.
pub(crate) fn visible(ctx: &Ctx<'_>, shadows: bool) -> Result<Vec<(String, StoredTrail)>, AwsError> {
    let here = ctx.region().to_string();
    let show_shadows = shadows && ctx.region_enabled(&here);
    Ok(ctx
        .list_all::<StoredTrail>()?
        .into_iter()
        .filter(|(region, _, t)| region == &here || (show_shadows && t.multi_region()))
        .map(|(region, _, t)| (region, t))
        .collect())
}
