//! KMS.1, KMS.2 and IAM.21: IAM policies granting decryption with every KMS key, or every
//! action of a service
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html>,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html>).
//!
//! AWS's remediation is a new default policy version (`CreatePolicyVersion` with
//! `SetAsDefault`) or a rewritten inline policy naming the keys (or actions) the principals
//! need. hubsim cannot know them: nothing in the account says which keys a role decrypts
//! with, and a guessed list (the keys that exist today, say) would break a user of a key made
//! tomorrow, or grant one it never needed. Removing the grant could lock its users out. So
//! these are justified, not fixed: the `BroadGrant` justification states the grant, and holds
//! while the grant is there.

use hubsim_api::AwsApi;

use super::{Fix, How, Scope};
use crate::remediate::Justification;

/// The declarations.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    ["KMS.1", "KMS.2", "IAM.21"]
        .into_iter()
        .map(|control| Fix {
            control,
            iam_actions: &[],
            scope: Scope::Resource,
            // What no API can fix is justified after every fix has run (the plan's tie-break).
            after: &[],
            how: How::Justified(Justification::BroadGrant {
                control: control.to_string(),
                policy: String::new(),
                grant: String::new(),
            }),
        })
        .collect()
}
