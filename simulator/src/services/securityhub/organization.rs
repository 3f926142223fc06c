//! The organization-level calls Prowler makes and only needs a well-formed answer to:
//! ListEnabledProductsForImport, DescribeOrganizationConfiguration,
//! ListOrganizationAdminAccounts.
//!
//! * `ListEnabledProductsForImport` answers an empty list: hubsim simulates no product
//!   integrations (AWS lists the integrations it enabled with the hub; which ones a fresh hub
//!   has is unverified).
//! * `DescribeOrganizationConfiguration` is for the Security Hub administrator account only.
//!   hubsim never designates one, so every account gets 401 `InvalidAccessException`
//!   "Account <id> is not an administrator for this organization" (AWS's answer as reported in
//!   hashicorp/terraform#30285 for the same situation).
//! * `ListOrganizationAdminAccounts` can only be called by the organization's management
//!   account: it gets an empty list (no administrator is designated); member and standalone
//!   accounts get 401 `InvalidAccessException` (the operation's only access error; wording
//!   unverified).

use hubsim_model::securityhub;

use super::{page, require_hub};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::ListEnabledProductsForImport>()
        .add::<securityhub::DescribeOrganizationConfiguration>()
        .add::<securityhub::ListOrganizationAdminAccounts>();
}

impl Handler for securityhub::ListEnabledProductsForImport {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::ListEnabledProductsForImportRequest,
    ) -> Result<securityhub::ListEnabledProductsForImportResponse, AwsError> {
        require_hub(ctx)?;
        let (products, next_token) = page(Vec::<String>::new(), input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::ListEnabledProductsForImportResponse { product_subscriptions: Some(products), next_token })
    }
}

impl Handler for securityhub::DescribeOrganizationConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        _input: securityhub::DescribeOrganizationConfigurationRequest,
    ) -> Result<securityhub::DescribeOrganizationConfigurationResponse, AwsError> {
        require_hub(ctx)?;
        Err(AwsError::new(
            "InvalidAccessException",
            401,
            format!("Account {} is not an administrator for this organization", ctx.account()),
        ))
    }
}

impl Handler for securityhub::ListOrganizationAdminAccounts {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::ListOrganizationAdminAccountsRequest,
    ) -> Result<securityhub::ListOrganizationAdminAccountsResponse, AwsError> {
        require_hub(ctx)?;
        let is_management =
            ctx.settings().account.organization.as_ref().is_some_and(|o| o.management_account_id == ctx.account());
        if !is_management {
            return Err(AwsError::new(
                "InvalidAccessException",
                401,
                format!("Account {} is not the management account of an organization", ctx.account()),
            ));
        }
        if let Some(m) = input.max_results {
            if !(1..=10).contains(&m) {
                return Err(super::invalid_input(format!("MaxResults must be between 1 and 10, got {m}.")));
            }
        }
        let (admins, next_token) =
            page(Vec::<securityhub::AdminAccount>::new(), input.next_token.as_deref(), None, 10)?;
        Ok(securityhub::ListOrganizationAdminAccountsResponse {
            admin_accounts: Some(admins),
            next_token,
            feature: input.feature,
        })
    }
}
