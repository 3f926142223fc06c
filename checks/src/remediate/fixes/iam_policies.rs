//! IAM.1, IAM.2 and IAM.18 (<https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html>).
//!
//! IAM.18 creates a support role trusted by the account's root, with `AWSSupportAccess`
//! attached, as AWS's remediation for CIS 1.20 does (AWS Security Hub Automated Response and
//! Remediation's `CreateIAMSupportRole`).
//!
//! IAM.1 is not fixed: narrowing a policy takes access away from whoever it is attached to,
//! which the remediator cannot know is unused, and deleting it deletes the user's data; its
//! justification states how many entities it is attached to. IAM.2 is fixed only where no
//! access is lost: a user whose attached policies are all attached to one of its groups too,
//! and who has no inline policy, has them detached (the user keeps every permission through
//! the group). A user with an inline policy, or an attached one no group of it grants, relies
//! on it: justified, naming those policies.

use hubsim_api::model::iam;
use hubsim_api::AwsApi;
use serde_json::json;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::{own_policies, Failed, Justification};
use crate::snapshot::SUPPORT_ACCESS;

/// The role IAM.18's fix creates.
pub const SUPPORT_ROLE: &str = "hubsim-aws-support";

/// The IAM policy fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "IAM.1",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::AdminPolicy { policy: String::new(), attachments: 0 }),
        },
        Fix {
            control: "IAM.2",
            iam_actions: &["iam:DetachUserPolicy"],
            scope: Scope::Resource,
            // Keeps the established fixes' order (no AWS dependency): run after the last of
            // them, so the resources they create keep their seeded ids.
            after: &["SNS.2"],
            how: How::Calls(iam_2),
        },
        Fix {
            control: "IAM.18",
            // GetRole looks before CreateRole, so a second run makes no call.
            iam_actions: &["iam:GetRole", "iam:CreateRole", "iam:AttachRolePolicy"],
            // One support role per account.
            scope: Scope::Account,
            // Keeps the established fixes' order (no AWS dependency): run after the last of
            // them, so the resources they create keep their seeded ids.
            after: &["SNS.2"],
            how: How::Calls(iam_18),
        },
    ]
}

fn iam_18<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let home = f.home.clone();
    let existing = f.read::<iam::GetRole>(&home, iam::GetRoleRequest { role_name: SUPPORT_ROLE.into() });
    if existing.is_err() {
        let trust = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{}:root", f.account)},
            "Action": "sts:AssumeRole"}]});
        f.call::<iam::CreateRole>(
            &home,
            iam::CreateRoleRequest {
                role_name: SUPPORT_ROLE.into(),
                assume_role_policy_document: trust.to_string(),
                description: Some("Manages incidents with AWS Support (CIS 1.20, Security Hub IAM.18)".into()),
                ..Default::default()
            },
        )?;
    }
    let attached = target.snapshot.global.iam_policies.support_access.roles.iter().any(|(r, _)| r == SUPPORT_ROLE);
    if !attached {
        f.call::<iam::AttachRolePolicy>(
            &home,
            iam::AttachRolePolicyRequest { role_name: SUPPORT_ROLE.into(), policy_arn: SUPPORT_ACCESS.into() },
        )?;
    }
    Ok(Done::Applied)
}

/// Detaches a user's attached policies when its groups grant every one of them and it has no
/// inline policy; otherwise the user relies on its own policies and the finding is justified.
fn iam_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let users = &target.snapshot.global.iam_policies.users;
    let Some(user) = users.iter().find(|u| u.arn == target.resource) else { return Ok(Done::Applied) };
    let relied_on = own_policies(user);
    if !relied_on.is_empty() {
        return Ok(Done::Unfixable(Justification::UserReliesOnPolicies {
            user: user.name.clone(),
            policies: relied_on,
        }));
    }
    let home = f.home.clone();
    for arn in &user.attached {
        f.call::<iam::DetachUserPolicy>(
            &home,
            iam::DetachUserPolicyRequest { user_name: user.name.clone(), policy_arn: arn.clone() },
        )?;
    }
    Ok(Done::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::UserPolicies;

    fn user(attached: &[&str], inline: &[&str], group: &[&str]) -> UserPolicies {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        UserPolicies {
            name: "u".into(),
            arn: "arn:aws:iam::123456789012:user/u".into(),
            attached: owned(attached),
            inline: owned(inline),
            groups: vec![("g".into(), owned(group))],
        }
    }

    #[test]
    fn a_user_relies_on_inline_policies_and_on_attachments_no_group_grants() {
        let ro = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert!(own_policies(&user(&[ro], &[], &[ro])).is_empty(), "the group grants it: safe to detach");
        assert_eq!(own_policies(&user(&[ro, admin], &[], &[ro])), ["AdministratorAccess"]);
        assert_eq!(own_policies(&user(&[ro], &["logs"], &[ro])), ["inline logs"]);
    }

    #[test]
    fn justifications_hold_only_on_what_they_state() {
        let user = Justification::UserReliesOnPolicies { user: "u".into(), policies: Vec::new() };
        assert!(!user.holds());
        let attached = Justification::AdminPolicy { policy: "p".into(), attachments: 2 };
        assert!(attached.holds() && attached.text().contains("attached to 2 user(s)"));
        let unattached = Justification::AdminPolicy { policy: "p".into(), attachments: 0 };
        assert!(unattached.holds() && unattached.text().contains("attached to nothing"));
        assert!(!Justification::AdminPolicy { policy: "p".into(), attachments: -1 }.holds());
    }
}
