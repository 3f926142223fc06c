//! SSM.4: documents not public, fixed; SSM.1–SSM.3 justified
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html>).
//!
//! SSM.1 needs an instance profile granting `AmazonSSMManagedInstanceCore` attached to the
//! instance (AssociateIamInstanceProfile), which grants the instance new access — the
//! remediator only narrows access — and an agent on it; SSM.2 needs patches installed on the
//! instance and SSM.3 the association's document to succeed on it, neither of which an API call
//! of the remediator can make happen.

use hubsim_api::model::ssm;
use hubsim_api::AwsApi;

use super::{id_after, Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::Snapshot;

/// The Systems Manager fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let justified =
        |control, j| Fix { control, iam_actions: &[], scope: Scope::Resource, after: &[], how: How::Justified(j) };
    vec![
        justified("SSM.1", Justification::SsmUnmanaged),
        justified("SSM.2", Justification::SsmPatchNonCompliant),
        justified("SSM.3", Justification::SsmAssociationNonCompliant),
        Fix {
            control: "SSM.4",
            iam_actions: &["ssm:ModifyDocumentPermission"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(ssm_4),
        },
    ]
}

/// The SSM justifications hold while the finding's instance is still unmanaged (SSM.1), or its
/// compliance of the control's type still NON_COMPLIANT (SSM.2, SSM.3); the others are not
/// this file's.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    let kind = match j {
        Justification::SsmUnmanaged => None,
        Justification::SsmPatchNonCompliant => Some("Patch"),
        Justification::SsmAssociationNonCompliant => Some("Association"),
        _ => return Ok(()),
    };
    // arn:aws:ec2:<region>:<account>:instance/<id>
    let region = resource.split(':').nth(3).unwrap_or_default();
    let id = id_after(resource, "instance/");
    let Some(view) = snapshot.regions.iter().find(|r| r.name == region).map(|r| &r.ssm) else {
        return Err(format!("region {region} is not evaluated"));
    };
    match kind {
        None if view.is_managed(id) => Err(format!("instance {id} is now managed by Systems Manager")),
        None => Ok(()),
        Some(kind) => {
            let failing = view
                .of_type(kind)
                .any(|s| s.resource_id.as_deref() == Some(id) && s.status.as_deref() == Some("NON_COMPLIANT"));
            if failing {
                Ok(())
            } else {
                Err(format!("instance {id}'s {kind} compliance is no longer NON_COMPLIANT"))
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Region;
    use hubsim_api::model::ssm as m;

    fn snapshot(managed: bool, patch: &str) -> Snapshot {
        let mut r = Region { name: "eu-west-1".into(), ..Default::default() };
        if managed {
            r.ssm.managed.push(m::InstanceInformation { instance_id: Some("i-1".into()), ..Default::default() });
            r.ssm.compliance.push(m::ResourceComplianceSummaryItem {
                compliance_type: Some("Patch".into()),
                resource_id: Some("i-1".into()),
                status: Some(patch.into()),
                ..Default::default()
            });
        }
        Snapshot { regions: vec![r], ..Default::default() }
    }

    #[test]
    fn ssm_justifications_hold_only_while_the_instance_still_fails() {
        let arn = "arn:aws:ec2:eu-west-1:123456789012:instance/i-1";
        assert!(precondition(&Justification::SsmUnmanaged, &snapshot(false, ""), arn).is_ok());
        assert!(precondition(&Justification::SsmUnmanaged, &snapshot(true, "COMPLIANT"), arn).is_err());
        let patch = Justification::SsmPatchNonCompliant;
        assert!(precondition(&patch, &snapshot(true, "NON_COMPLIANT"), arn).is_ok());
        assert!(precondition(&patch, &snapshot(true, "COMPLIANT"), arn).is_err());
        assert!(
            precondition(&Justification::SsmAssociationNonCompliant, &snapshot(true, "NON_COMPLIANT"), arn).is_err()
        );
        // Other justifications are not this file's to judge.
        assert!(precondition(&Justification::NoFix, &snapshot(true, "COMPLIANT"), arn).is_ok());
    }
}
