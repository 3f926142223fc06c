//! AWS Organizations as seen from the simulated account. Nothing is stored: the answers come
//! from the account's settings (`Settings.account.organization`; `None` = a standalone account).
//!
//! * Standalone account: every operation answers 400 `AWSOrganizationsNotInUseException`.
//! * Member account (id ≠ the management account's): `DescribeOrganization` answers; the
//!   management-only operations (`DescribeAccount`, `ListAccounts`, `ListPolicies`,
//!   `DescribePolicy`, `ListTargetsForPolicy`, `ListDelegatedAdministrators`) answer 400
//!   `AccessDeniedException` "You don't have permissions to access this resource." — the
//!   code is in each operation's error list; the wording is AWS's usual one (unverified).
//!   hubsim has no delegated administrators, so no member is one.
//! * The management account itself: answers from what hubsim knows — the organization holds
//!   only this account, no policies and no delegated administrators. AWS would list the
//!   AWS-managed `FullAWSAccess` SCP once SCPs are enabled; hubsim does not simulate policy
//!   types, so `ListPolicies` is empty and every policy id is unknown. The account's name is
//!   not known to hubsim and is left out.

mod ops;

use hubsim_model::organizations;

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::settings::Organization;
use crate::Ctx;

/// Registers Organizations' operations.
pub fn register(r: &mut Registrar) {
    ops::register(r);
}

/// The organization the account belongs to, or AWS's answer for a standalone account.
pub(crate) fn organization(ctx: &Ctx<'_>) -> Result<Organization, AwsError> {
    ctx.settings().account.organization.clone().ok_or_else(|| {
        AwsError::bad_request("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
    })
}

/// The organization, when the call comes from its management account; AWS's refusal for a
/// member account otherwise.
pub(crate) fn as_management(ctx: &Ctx<'_>) -> Result<Organization, AwsError> {
    let org = organization(ctx)?;
    if org.management_account_id != ctx.account() {
        return Err(AwsError::bad_request(
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        ));
    }
    Ok(org)
}

/// `arn:aws:organizations::<mgmt>:organization/<org>`.
pub fn organization_arn(org: &Organization) -> String {
    format!("arn:aws:organizations::{}:organization/{}", org.management_account_id, org.id)
}

/// `arn:aws:organizations::<mgmt>:account/<org>/<account>`.
pub fn account_arn(org: &Organization, account: &str) -> String {
    format!("arn:aws:organizations::{}:account/{}/{account}", org.management_account_id, org.id)
}

/// The organization as `DescribeOrganization` answers it.
pub(crate) fn describe(org: &Organization) -> organizations::Organization {
    organizations::Organization {
        id: Some(org.id.clone()),
        arn: Some(organization_arn(org)),
        feature_set: Some("ALL".into()),
        master_account_arn: Some(account_arn(org, &org.management_account_id)),
        master_account_id: Some(org.management_account_id.clone()),
        master_account_email: Some(org.management_account_email.clone()),
        available_policy_types: Some(Vec::new()),
    }
}
