//! GuardDuty.1: a GuardDuty detector enabled in every region
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
            f.call::<guardduty::CreateDetector>(
                region,
                guardduty::CreateDetectorRequest { enable: true, ..Default::default() },
            )?;
        }
    }
    Ok(Done::Applied)
}
