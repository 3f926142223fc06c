//! KMS.4: automatic rotation of customer managed keys
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html>).

use hubsim_api::model::kms;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The KMS fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![Fix {
        control: "KMS.4",
        iam_actions: &["kms:EnableKeyRotation"],
        scope: Scope::Resource,
        // No AWS dependency: the fixes that create keys (CloudTrail.1/2, S3.11, SNS.1) turn their
        // rotation on themselves; the user's keys come after them, and S3.5 stays first.
        after: &["CloudTrail.2"],
        how: How::Calls(kms_4),
    }]
}

/// Turns on rotation with KMS's default period (365 days): the key, its policy and its
/// material are kept
/// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html>).
fn kms_4<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    f.call::<kms::EnableKeyRotation>(
        target.region,
        kms::EnableKeyRotationRequest { key_id: target.resource.to_string(), rotation_period_in_days: None },
    )?;
    Ok(Done::Applied)
}
