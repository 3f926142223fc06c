//! What scanners ask around a detector: ListFindings, ListMembers, GetAdministratorAccount,
//! DescribeOrganizationConfiguration, ListOrganizationAdminAccounts.
//!
//! hubsim simulates no findings, members or GuardDuty administrator. The organization calls
//! are for the management account (ListOrganizationAdminAccounts) and the delegated
//! administrator (DescribeOrganizationConfiguration); the simulated account is neither
//! (unless it is itself the management account, which then lists no delegated admins), so it
//! gets the 400 `BadRequestException` GuardDuty gives callers without Organizations
//! permission. The message is the one GuardDuty returns for an organization call made
//! without that permission (seen for UpdateOrganizationConfiguration in
//! aws-samples/aws-security-reference-architecture-examples issue #141); that these two
//! calls use the same wording is unverified.

use hubsim_model::guardduty;

use super::detectors::start_index;
use super::{bad_request, detector_by_id};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<guardduty::ListFindings>()
        .add::<guardduty::ListMembers>()
        .add::<guardduty::GetAdministratorAccount>()
        .add::<guardduty::DescribeOrganizationConfiguration>()
        .add::<guardduty::ListOrganizationAdminAccounts>();
}

fn no_organization_permission() -> AwsError {
    bad_request("The request failed because you do not have required AWS Organization master permission.")
}

/// Whether the simulated account is its organization's management account.
fn is_management_account(ctx: &Ctx<'_>) -> bool {
    ctx.settings().account.organization.as_ref().is_some_and(|o| o.management_account_id == ctx.account())
}

impl Handler for guardduty::ListFindings {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::ListFindingsRequest,
    ) -> Result<guardduty::ListFindingsResponse, AwsError> {
        detector_by_id(ctx, &input.detector_id)?;
        start_index(input.next_token.as_deref())?;
        Ok(guardduty::ListFindingsResponse { finding_ids: Vec::new(), next_token: None })
    }
}

impl Handler for guardduty::ListMembers {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::ListMembersRequest,
    ) -> Result<guardduty::ListMembersResponse, AwsError> {
        detector_by_id(ctx, &input.detector_id)?;
        start_index(input.next_token.as_deref())?;
        Ok(guardduty::ListMembersResponse { members: Some(Vec::new()), next_token: None })
    }
}

impl Handler for guardduty::GetAdministratorAccount {
    const MUTATES: bool = false;

    /// No administrator: the model makes `Administrator` a required member, so the answer is
    /// an empty `Administrator` object (scanners read `Administrator.AccountId` as absent).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::GetAdministratorAccountRequest,
    ) -> Result<guardduty::GetAdministratorAccountResponse, AwsError> {
        detector_by_id(ctx, &input.detector_id)?;
        Ok(guardduty::GetAdministratorAccountResponse { administrator: guardduty::Administrator::default() })
    }
}

impl Handler for guardduty::DescribeOrganizationConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::DescribeOrganizationConfigurationRequest,
    ) -> Result<guardduty::DescribeOrganizationConfigurationResponse, AwsError> {
        detector_by_id(ctx, &input.detector_id)?;
        // The simulated account is never GuardDuty's delegated administrator.
        Err(no_organization_permission())
    }
}

impl Handler for guardduty::ListOrganizationAdminAccounts {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::ListOrganizationAdminAccountsRequest,
    ) -> Result<guardduty::ListOrganizationAdminAccountsResponse, AwsError> {
        if !is_management_account(ctx) {
            return Err(no_organization_permission());
        }
        start_index(input.next_token.as_deref())?;
        Ok(guardduty::ListOrganizationAdminAccountsResponse { admin_accounts: Some(Vec::new()), next_token: None })
    }
}
