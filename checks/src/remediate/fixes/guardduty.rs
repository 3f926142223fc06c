//! GuardDuty.1: a GuardDuty detector enabled in every region, created with the protection plans
//! GuardDuty.5–13 ask for
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html>).

use hubsim_api::model::guardduty;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The GuardDuty fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![Fix {
        control: "GuardDuty.1",
        // ListDetectors is read to find the region's detector.
        iam_actions: &["guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:ListDetectors"],
        // One detector per region.
        scope: Scope::Region,
        // Keeps the established order (no AWS dependency): network exposure is closed before
        // detection is turned on.
        after: &["EC2.21"],
        how: How::Calls(guardduty_1),
    }]
}

/// The detector GuardDuty.1's fix creates. A detector created without `Features` has every
/// optional plan on except Runtime Monitoring
/// (<https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html>), so
/// GuardDuty.11–13 (and GuardDuty.7) would fail right after it in era current; the request
/// turns Runtime Monitoring on with its three automated agent configurations, so the new
/// detector passes GuardDuty.5–13 at once (a fix must not make another control fail). The
/// plans left out of `Features` stay at their documented default, on.
/// The same request serves era 2022, where GuardDuty.5–13 are not judged: it is the detector a
/// user following today's FSBP would create.
fn full_detector() -> guardduty::CreateDetectorRequest {
    let on = |name: &str| guardduty::DetectorAdditionalConfiguration {
        name: Some(name.into()),
        status: Some("ENABLED".into()),
    };
    guardduty::CreateDetectorRequest {
        enable: true,
        features: Some(vec![guardduty::DetectorFeatureConfiguration {
            name: Some("RUNTIME_MONITORING".into()),
            status: Some("ENABLED".into()),
            additional_configuration: Some(vec![
                on("EKS_ADDON_MANAGEMENT"),
                on("ECS_FARGATE_AGENT_MANAGEMENT"),
                on("EC2_AGENT_MANAGEMENT"),
            ]),
        }]),
        ..Default::default()
    }
}

fn guardduty_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let region = target.region;
    let ids = f
        .read::<guardduty::ListDetectors>(region, Default::default())
        .map_err(|e| Failed { call: "guardduty:ListDetectors".into(), error: e })?
        .detector_ids;
    match ids.first() {
        Some(id) => {
            f.call::<guardduty::UpdateDetector>(
                region,
                guardduty::UpdateDetectorRequest { detector_id: id.clone(), enable: Some(true), ..Default::default() },
            )?;
        }
        None => {
            f.call::<guardduty::CreateDetector>(region, full_detector())?;
        }
    }
    Ok(Done::Applied)
}
