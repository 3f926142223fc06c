//! Standards controls: DescribeStandardsControls, UpdateStandardsControl, and the catalogue
//! helpers the security-control operations share.
//!
//! The controls come from the catalogue installed through [`crate::catalog`]; without one
//! these operations answer 500 `InternalFailure` (hubsim never pretends a standard is empty).
//! Every control of a standard is listed, implemented by hubsim's evaluator or not, as AWS
//! lists them all.
//!
//! Identifiers: `StandardsControlArn` is
//! `arn:aws:securityhub:<region>:<acct>:control/<standard path>/<standard-specific id>` (CIS
//! v1.2.0: `…/control/cis-aws-foundations-benchmark/v/1.2.0/2.1`). `ControlId` is the
//! standard-specific id, prefixed `CIS.` for CIS v1.2.0 (`CIS.2.1`), as real
//! DescribeStandardsControls answers seen in public test fixtures show. `RemediationUrl` uses
//! the security control id. A control's status is kept per region, standard and control.

use std::cmp::Ordering;

use hubsim_model::{securityhub, Timestamp};
use serde::{Deserialize, Serialize};

use super::{invalid_input, page, require_hub, Subscription};
use crate::catalog::ControlInfo;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::DescribeStandardsControls>().add::<securityhub::UpdateStandardsControl>();
}

/// The path form of CIS AWS Foundations Benchmark v1.2.0.
const CIS_PATH: &str = "cis-aws-foundations-benchmark/v/1.2.0";

/// A control's status in one standard of one region (stored under its standards-control ARN).
/// Absent: `ENABLED` since the hub was enabled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StandardsControlState {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// When the status last changed.
    pub updated_at: Timestamp,
}

impl Resource for StandardsControlState {
    const KIND: &'static str = "securityhub:standards-control";
}

/// The catalogue's controls of the state's era; 500 when the simulator has no catalogue.
pub(super) fn catalogue(ctx: &Ctx<'_>) -> Result<Vec<ControlInfo>, AwsError> {
    let catalog = ctx.catalog().ok_or_else(|| AwsError::internal("no control catalogue is installed"))?;
    Ok(catalog.controls(ctx.era()))
}

/// The ARN of the standard with path `path` (CIS v1.2.0's names no region).
pub(super) fn standards_arn(path: &str, region: &str) -> String {
    if path == CIS_PATH {
        format!("arn:aws:securityhub:::ruleset/{path}")
    } else {
        format!("arn:aws:securityhub:{region}::standards/{path}")
    }
}

/// The standard path a standards ARN names, if it is well-formed for `region`.
pub(super) fn path_of_standards_arn(arn: &str, region: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:aws:securityhub:")?;
    let (_, resource) = rest.split_once("::")?;
    let path = resource.strip_prefix("ruleset/").or_else(|| resource.strip_prefix("standards/"))?;
    (standards_arn(path, region) == arn).then(|| path.to_string())
}

/// The subscription ARN of the standard with path `path`.
pub(super) fn subscription_arn(region: &str, account: &str, path: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:subscription/{path}")
}

/// The standards-control ARN of control `std_id` of the standard with path `path`.
pub(super) fn standards_control_arn(region: &str, account: &str, path: &str, std_id: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:control/{path}/{std_id}")
}

/// `ControlId` as DescribeStandardsControls answers it.
fn control_id(path: &str, std_id: &str) -> String {
    if path == CIS_PATH {
        format!("CIS.{std_id}")
    } else {
        std_id.to_string()
    }
}

/// The requirements a standard's control maps to (CIS: `CIS AWS Foundations Benchmark v1.2.0/2.1`).
pub(super) fn related_requirements(path: &str, std_id: &str) -> Vec<String> {
    if path == CIS_PATH {
        vec![format!("CIS AWS Foundations Benchmark v1.2.0/{std_id}")]
    } else {
        Vec::new()
    }
}

/// The console remediation link of security control `id`.
pub(super) fn remediation_url(id: &str) -> String {
    format!("https://docs.aws.amazon.com/console/securityhub/{id}/remediation")
}

/// Orders control ids naturally (`1.2` < `1.10`, `EC2.2` < `EC2.10`).
pub(super) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let key = |s: &str| -> Vec<(u64, String)> {
        s.split('.').map(|p| (p.parse::<u64>().map(|n| n + 1).unwrap_or(0), p.to_string())).collect()
    };
    key(a).cmp(&key(b))
}

/// The stored status of control `std_id` of standard `path` in the call's region, if changed.
pub(super) fn state(ctx: &Ctx<'_>, path: &str, std_id: &str) -> Result<Option<StandardsControlState>, AwsError> {
    ctx.get::<StandardsControlState>(&standards_control_arn(ctx.region(), ctx.account(), path, std_id))
}

impl Handler for securityhub::DescribeStandardsControls {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::DescribeStandardsControlsRequest,
    ) -> Result<securityhub::DescribeStandardsControlsResponse, AwsError> {
        let hub = require_hub(ctx)?;
        let controls = catalogue(ctx)?;
        let arn = input.standards_subscription_arn;
        let sub = ctx.get::<Subscription>(&arn)?.ok_or_else(|| {
            AwsError::not_found("ResourceNotFoundException", format!("StandardsSubscription not found: {arn}"))
        })?;
        let path = sub.standards_id.split_once('/').map(|(_, p)| p.to_string()).unwrap_or_default();
        let mut members: Vec<(String, ControlInfo)> =
            controls.into_iter().filter_map(|c| c.standards.get(&path).cloned().map(|std_id| (std_id, c))).collect();
        members.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        let mut all = Vec::new();
        for (std_id, c) in members {
            let st = state(ctx, &path, &std_id)?;
            all.push(securityhub::StandardsControl {
                standards_control_arn: Some(standards_control_arn(ctx.region(), ctx.account(), &path, &std_id)),
                control_status: Some(st.as_ref().map(|s| s.status.clone()).unwrap_or_else(|| "ENABLED".into())),
                disabled_reason: st.as_ref().and_then(|s| s.disabled_reason.clone()),
                control_status_updated_at: Some(st.as_ref().map(|s| s.updated_at).unwrap_or(hub.subscribed_at)),
                control_id: Some(control_id(&path, &std_id)),
                title: Some(c.title),
                description: Some(c.description),
                remediation_url: Some(remediation_url(&c.id)),
                severity_rating: Some(c.severity),
                related_requirements: Some(related_requirements(&path, &std_id)),
            });
        }
        let (controls, next_token) = page(all, input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::DescribeStandardsControlsResponse { controls: Some(controls), next_token })
    }
}

/// `(region, account, standard path, standard-specific id)` of a standards-control ARN.
fn parse_control_arn(arn: &str) -> Option<(String, String, String, String)> {
    let rest = arn.strip_prefix("arn:aws:securityhub:")?;
    let mut parts = rest.splitn(3, ':');
    let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
    let (path, std_id) = resource.strip_prefix("control/")?.rsplit_once('/')?;
    if region.is_empty() || account.is_empty() || path.is_empty() || std_id.is_empty() {
        return None;
    }
    Some((region.to_string(), account.to_string(), path.to_string(), std_id.to_string()))
}

impl Handler for securityhub::UpdateStandardsControl {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::UpdateStandardsControlRequest,
    ) -> Result<securityhub::UpdateStandardsControlResponse, AwsError> {
        require_hub(ctx)?;
        let controls = catalogue(ctx)?;
        let arn = input.standards_control_arn;
        let (region, account, path, std_id) =
            parse_control_arn(&arn).ok_or_else(|| invalid_input(format!("Invalid StandardsControlArn: {arn}")))?;
        let not_found =
            || AwsError::not_found("ResourceNotFoundException", format!("StandardsControl not found: {arn}"));
        if region != ctx.region() || account != ctx.account() {
            return Err(not_found());
        }
        if ctx.get::<Subscription>(&subscription_arn(&region, &account, &path))?.is_none() {
            return Err(not_found());
        }
        if !controls.iter().any(|c| c.standards.get(&path) == Some(&std_id)) {
            return Err(not_found());
        }
        let current = state(ctx, &path, &std_id)?;
        let reason = input.disabled_reason.filter(|r| !r.trim().is_empty());
        let status = match input.control_status.as_deref() {
            Some(s @ ("ENABLED" | "DISABLED")) => s.to_string(),
            Some(other) => return Err(invalid_input(format!("Invalid ControlStatus: {other}"))),
            None => current.as_ref().map(|s| s.status.clone()).unwrap_or_else(|| "ENABLED".into()),
        };
        let disabled_reason = match status.as_str() {
            "DISABLED" => Some(
                reason
                    .or_else(|| current.as_ref().and_then(|s| s.disabled_reason.clone()))
                    .ok_or_else(|| invalid_input("DisabledReason is required when ControlStatus is DISABLED."))?,
            ),
            _ => None,
        };
        let changed = current.as_ref().is_none_or(|s| s.status != status);
        let updated_at = match (&current, changed) {
            (Some(s), false) => s.updated_at,
            _ => ctx.now(),
        };
        ctx.put(&arn, &StandardsControlState { status, disabled_reason, updated_at })?;
        Ok(securityhub::UpdateStandardsControlResponse {})
    }
}
