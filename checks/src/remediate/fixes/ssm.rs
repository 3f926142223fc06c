//! SSM.4: documents not public
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html>).
//!
//! SSM.1, SSM.2 and SSM.3 stay manual (no `Fix`): SSM.1 needs an instance profile granting
//! `AmazonSSMManagedInstanceCore` attached to the instance (AssociateIamInstanceProfile), which
//! grants the instance new access — the remediator only narrows access — and an agent on it;
//! SSM.2 needs patches installed on the instance and SSM.3 the association's document run on
//! it, neither of which an API call can make succeed.

use hubsim_api::model::ssm;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The Systems Manager fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![Fix {
        control: "SSM.4",
        iam_actions: &["ssm:ModifyDocumentPermission"],
        scope: Scope::Resource,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(ssm_4),
    }]
}

/// Stops sharing the document publicly (`AccountIdsToRemove: ["all"]`): the document and its
/// shares with named accounts are kept
/// (<https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html>).
fn ssm_4<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some((_, name)) = target.resource.split_once(":document/") else { return Ok(Done::Applied) };
    f.call::<ssm::ModifyDocumentPermission>(
        target.region,
        ssm::ModifyDocumentPermissionRequest {
            name: name.to_string(),
            permission_type: "Share".into(),
            account_ids_to_add: None,
            account_ids_to_remove: Some(vec!["all".into()]),
            shared_document_version: None,
        },
    )?;
    Ok(Done::Applied)
}
