//! KMS.3: a key scheduled for deletion
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html>).

use hubsim_api::model::kms;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The fixes of KMS keys.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![Fix {
        control: "KMS.3",
        iam_actions: &["kms:CancelKeyDeletion", "kms:EnableKey"],
        scope: Scope::Resource,
        // No AWS dependency (KMS.4 does not judge a key pending deletion until it is back, in
        // the next round); S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(kms_3),
    }]
}

/// Cancels the deletion, then enables the key: a cancelled key comes back Disabled
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-scheduling-key-deletion.html>),
/// and a disabled key still cannot be used, so cancelling alone would leave whatever depends
/// on it broken. The key, its policy, aliases and material are kept; nothing is deleted.
fn kms_3<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let key_id = target.resource.to_string();
    f.call::<kms::CancelKeyDeletion>(target.region, kms::CancelKeyDeletionRequest { key_id: key_id.clone() })?;
    f.call_noted::<kms::EnableKey>(
        target.region,
        kms::EnableKeyRequest { key_id },
        Some("a key whose deletion is cancelled comes back Disabled; enabled so its users work again".into()),
    )?;
    Ok(Done::Applied)
}
