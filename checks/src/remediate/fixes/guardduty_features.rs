//! GuardDuty.5–13: each turns on its protection plan on the failing detector with
//! `UpdateDetector`, naming only that feature (and the additional configuration its control
//! asks for), so the detector's other plans stay as they are
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html>,
//! <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html>).
//!
//! GuardDuty.7 is fixed through `RUNTIME_MONITORING` with `EKS_ADDON_MANAGEMENT`, the plan that
//! replaced EKS Runtime Monitoring (AWS recommends migrating to it:
//! <https://docs.aws.amazon.com/guardduty/latest/ug/migrating-from-eksrunmon-to-runtime-monitoring.html>);
//! one request never names both runtime plans, which GuardDuty refuses.

use hubsim_api::model::guardduty;
use hubsim_api::AwsApi;

use super::{id_after, Done, Fix, How, Scope, Target};
use crate::controls::guardduty_features::REQUIREMENTS;
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The GuardDuty feature fixes, one per control.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let fix = |index: usize, how: super::Apply<A>| Fix {
        control: REQUIREMENTS[index].control,
        iam_actions: &["guardduty:UpdateDetector"],
        // Each detector that fails gets its own call.
        scope: Scope::Resource,
        // The detector GuardDuty.1's fix creates already has every plan on (see
        // `fixes/guardduty.rs`); running after it keeps one order for a round that has both.
        after: &["GuardDuty.1"],
        how: How::Calls(how),
    };
    vec![
        fix(0, enable_feature::<A, 0>),
        fix(1, enable_feature::<A, 1>),
        fix(2, enable_feature::<A, 2>),
        fix(3, enable_feature::<A, 3>),
        fix(4, enable_feature::<A, 4>),
        fix(5, enable_feature::<A, 5>),
        fix(6, enable_feature::<A, 6>),
        fix(7, enable_feature::<A, 7>),
        fix(8, enable_feature::<A, 8>),
    ]
}

/// The feature (and additional configuration) the fix of requirement `index` turns on: the
/// last alternative it accepts, the current plan where there are two.
fn wanted(index: usize) -> Option<(&'static str, Option<&'static str>)> {
    REQUIREMENTS.get(index).and_then(|r| r.any_of.last().copied())
}

/// `UpdateDetector` turning on feature `name` (and `additional`, if any).
fn enable_request(detector_id: &str, name: &str, additional: Option<&str>) -> guardduty::UpdateDetectorRequest {
    guardduty::UpdateDetectorRequest {
        detector_id: detector_id.to_string(),
        features: Some(vec![guardduty::DetectorFeatureConfiguration {
            name: Some(name.into()),
            status: Some("ENABLED".into()),
            additional_configuration: additional.map(|a| {
                vec![guardduty::DetectorAdditionalConfiguration {
                    name: Some(a.into()),
                    status: Some("ENABLED".into()),
                }]
            }),
        }]),
        ..Default::default()
    }
}

fn enable_feature<A: AwsApi, const I: usize>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some((name, additional)) = wanted(I) else {
        return Ok(Done::Applied);
    };
    let detector = id_after(target.resource, ":detector/");
    f.call::<guardduty::UpdateDetector>(target.region, enable_request(detector, name, additional))?;
    Ok(Done::Applied)
}
