//! DescribeOrganization and the management-only reads scanners call.

use hubsim_model::{organizations, Empty};

use super::{account_arn, as_management, describe, organization};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::settings::Organization;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<organizations::DescribeOrganization>()
        .add::<organizations::DescribeAccount>()
        .add::<organizations::ListAccounts>()
        .add::<organizations::ListPolicies>()
        .add::<organizations::DescribePolicy>()
        .add::<organizations::ListTargetsForPolicy>()
        .add::<organizations::ListDelegatedAdministrators>();
}

/// 400 `InvalidInputException` with `reason` (Organizations' validation answer).
fn invalid_input(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidInputException", message)
}

/// Checks `MaxResults` (1–20) and rejects any `NextToken`: every hubsim list fits one page.
fn check_paging(next_token: Option<&str>, max_results: Option<i32>) -> Result<(), AwsError> {
    if let Some(m) = max_results {
        if !(1..=20).contains(&m) {
            return Err(invalid_input(format!("MaxResults must be between 1 and 20, got {m}.")));
        }
    }
    if next_token.is_some() {
        return Err(invalid_input("The NextToken value is not valid."));
    }
    Ok(())
}

/// The one account hubsim knows, as Organizations describes it.
fn this_account(ctx: &Ctx<'_>, org: &Organization) -> organizations::Account {
    organizations::Account {
        id: Some(ctx.account().to_string()),
        arn: Some(account_arn(org, ctx.account())),
        email: Some(org.management_account_email.clone()),
        name: None,
        status: Some("ACTIVE".into()),
        state: Some("ACTIVE".into()),
        paths: None,
        joined_method: Some("CREATED".into()),
        joined_timestamp: None,
    }
}

fn policy_not_found(id: &str) -> AwsError {
    AwsError::bad_request(
        "PolicyNotFoundException",
        format!("We can't find a policy with the PolicyId that you specified: {id}."),
    )
}

fn check_policy_id(id: &str) -> Result<(), AwsError> {
    let ok = id.strip_prefix("p-").is_some_and(|rest| {
        (8..=128).contains(&rest.len()) && rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
    });
    if ok {
        Ok(())
    } else {
        Err(invalid_input(format!("You specified an invalid value for PolicyId: {id}")))
    }
}

impl Handler for organizations::DescribeOrganization {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, _input: Empty) -> Result<organizations::DescribeOrganizationResponse, AwsError> {
        let org = organization(ctx)?;
        Ok(organizations::DescribeOrganizationResponse { organization: Some(describe(&org)) })
    }
}

impl Handler for organizations::DescribeAccount {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: organizations::DescribeAccountRequest,
    ) -> Result<organizations::DescribeAccountResponse, AwsError> {
        let org = as_management(ctx)?;
        let id = input.account_id;
        if id.len() != 12 || !id.bytes().all(|c| c.is_ascii_digit()) {
            return Err(invalid_input(format!("You specified an invalid value for AccountId: {id}")));
        }
        if id != ctx.account() {
            return Err(AwsError::bad_request(
                "AccountNotFoundException",
                "You specified an account that doesn't exist.",
            ));
        }
        Ok(organizations::DescribeAccountResponse { account: Some(this_account(ctx, &org)) })
    }
}

impl Handler for organizations::ListAccounts {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: organizations::ListAccountsRequest,
    ) -> Result<organizations::ListAccountsResponse, AwsError> {
        let org = as_management(ctx)?;
        check_paging(input.next_token.as_deref(), input.max_results)?;
        Ok(organizations::ListAccountsResponse { accounts: Some(vec![this_account(ctx, &org)]), next_token: None })
    }
}

impl Handler for organizations::ListPolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: organizations::ListPoliciesRequest,
    ) -> Result<organizations::ListPoliciesResponse, AwsError> {
        as_management(ctx)?;
        check_paging(input.next_token.as_deref(), input.max_results)?;
        Ok(organizations::ListPoliciesResponse { policies: Some(Vec::new()), next_token: None })
    }
}

impl Handler for organizations::DescribePolicy {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: organizations::DescribePolicyRequest,
    ) -> Result<organizations::DescribePolicyResponse, AwsError> {
        as_management(ctx)?;
        check_policy_id(&input.policy_id)?;
        Err(policy_not_found(&input.policy_id))
    }
}

impl Handler for organizations::ListTargetsForPolicy {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: organizations::ListTargetsForPolicyRequest,
    ) -> Result<organizations::ListTargetsForPolicyResponse, AwsError> {
        as_management(ctx)?;
        check_policy_id(&input.policy_id)?;
        check_paging(input.next_token.as_deref(), input.max_results)?;
        Err(policy_not_found(&input.policy_id))
    }
}

impl Handler for organizations::ListDelegatedAdministrators {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: organizations::ListDelegatedAdministratorsRequest,
    ) -> Result<organizations::ListDelegatedAdministratorsResponse, AwsError> {
        as_management(ctx)?;
        check_paging(input.next_token.as_deref(), input.max_results)?;
        Ok(organizations::ListDelegatedAdministratorsResponse {
            delegated_administrators: Some(Vec::new()),
            next_token: None,
        })
    }
}
