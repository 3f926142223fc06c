//! AWS IAM: the root user (with its access keys, as console actions), roles (customer and
//! service-linked), IAM users with their login profiles and access keys (and when each was
//! last used), groups, customer managed policies, virtual MFA devices, the account password
//! policy, the account summary, the credential report and a catalogue of AWS managed policies.
//!
//! IAM state is global: one copy per account, whatever region a call is signed for.
//!
//! hubsim's caller is the `OrganizationAccountAccessRole`, a role (AWS:
//! https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html).
//! Operations whose `UserName` defaults to "the caller" therefore answer as AWS does for role
//! credentials: the ones that list something list nothing (`ListMFADevices`), the ones that
//! need a user refuse (`GetUser`, `ListAccessKeys` and the other access-key operations).

mod access_keys;
mod credential_report;
mod customer_policies;
mod groups;
mod last_accessed;
mod limits;
mod login_profiles;
mod managed_policies;
mod mfa;
mod password_policy;
mod policies;
mod providers;
mod roles;
mod root;
mod service_linked;
mod summary;
mod tags;
mod user_policies;
mod users;

pub use managed_policies::{managed_policy, ManagedPolicy, MANAGED_POLICIES};
pub use roles::role_by_name;
#[cfg(any(test, feature = "testing"))]
pub use root::{root_state, RootState};
pub use root::{MfaKind, RootSpec};
pub use users::StoredUser;

use crate::account::Preset;
use crate::error::AwsError;
use crate::registry::Registrar;
use crate::Ctx;

/// The name of the role AWS Organizations creates in a new member account.
pub const ORGANIZATION_ROLE: &str = "OrganizationAccountAccessRole";

/// Registers IAM's operations.
pub fn register(r: &mut Registrar) {
    access_keys::register(r);
    credential_report::register(r);
    login_profiles::register(r);
    mfa::register(r);
    password_policy::register(r);
    policies::register(r);
    roles::register(r);
    service_linked::register(r);
    summary::register(r);
    users::register(r);
    // Groups, customer managed policies and users' policies (issue 14).
    customer_policies::register(r);
    groups::register(r);
    user_policies::register(r);
    // Tags and the reads scanners call (issue 19).
    tags::register(r);
    providers::register(r);
    last_accessed::register(r);
}

/// Seeds the account's IAM state: the root user, and for `fresh-account` the roles AWS
/// Organizations and AWS create: `OrganizationAccountAccessRole` (trusting the management
/// account, with `AdministratorAccess`) and the service-linked roles of Organizations, Support
/// and Trusted Advisor
/// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create.html).
pub fn seed_account(ctx: &mut Ctx<'_>, preset: Preset, root: &RootSpec) -> Result<(), AwsError> {
    root::seed(ctx, root)?;
    if preset == Preset::FreshAccount {
        let trusted = ctx
            .settings()
            .account
            .organization
            .as_ref()
            .map(|o| o.management_account_id.clone())
            .unwrap_or_else(|| ctx.account().to_string());
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{trusted}:root")},
                "Action": "sts:AssumeRole"
            }]
        });
        let mut role = roles::new_role(ctx, "/", ORGANIZATION_ROLE, trust.to_string());
        role.attached.push(managed_policies::aws_policy_arn("/", "AdministratorAccess"));
        roles::save(ctx, &role)?;
        for service in ["organizations.amazonaws.com", "support.amazonaws.com", "trustedadvisor.amazonaws.com"] {
            service_linked::create(ctx, service, None)?;
        }
    }
    Ok(())
}

/// Sets the root user's MFA device kind (a console action).
pub fn set_root_mfa(ctx: &mut Ctx<'_>, kind: MfaKind) -> Result<(), AwsError> {
    root::set_mfa(ctx, kind)
}

/// Gives the root user a password or removes it (a console action).
pub fn set_root_login_profile(ctx: &mut Ctx<'_>, enabled: bool) -> Result<(), AwsError> {
    root::set_login_profile(ctx, enabled)
}

/// Gives the root user a new active access key (a console action); at most two.
pub fn create_root_access_key(ctx: &mut Ctx<'_>) -> Result<hubsim_model::iam::AccessKeyMetadata, AwsError> {
    root::create_access_key(ctx)
}

/// Sets the status (`Active`/`Inactive`) of a root access key (a console action).
pub fn update_root_access_key(ctx: &mut Ctx<'_>, id: &str, status: &str) -> Result<(), AwsError> {
    root::update_access_key(ctx, id, status)
}

/// Deletes a root access key (a console action).
pub fn delete_root_access_key(ctx: &mut Ctx<'_>, id: &str) -> Result<(), AwsError> {
    root::delete_access_key(ctx, id)
}

/// Records a console sign-in with the password of user `name`, or of root without a name (a
/// console action).
pub fn record_password_use(ctx: &mut Ctx<'_>, name: Option<&str>) -> Result<(), AwsError> {
    login_profiles::record_password_use(ctx, name)
}

/// Records that access key `id` (a user's or root's) signed a request now, for `service` in
/// `region` (a console action).
pub fn record_access_key_use(ctx: &mut Ctx<'_>, id: &str, service: &str, region: &str) -> Result<(), AwsError> {
    access_keys::record_use(ctx, id, service, region)
}

/// The role whose ARN is `arn`, if it exists (CloudTrail, Config and flow logs check roles).
/// The ARN must name this account and the role's exact path.
pub fn role_by_arn(ctx: &Ctx<'_>, arn: &str) -> Result<Option<hubsim_model::iam::Role>, AwsError> {
    let Some(rest) = arn.strip_prefix(&format!("arn:aws:iam::{}:role/", ctx.account())) else {
        return Ok(None);
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    Ok(role_by_name(ctx, name)?.filter(|r| r.arn == arn))
}

/// 404 `NoSuchEntity`.
pub(crate) fn no_such_entity(message: impl Into<String>) -> AwsError {
    AwsError::not_found("NoSuchEntity", message)
}

/// 400 `InvalidInput`.
pub(crate) fn invalid_input(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidInput", message)
}

/// 400 `ValidationError`.
pub(crate) fn validation_error(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationError", message)
}

/// 400 `MalformedPolicyDocument`.
pub(crate) fn malformed_policy(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("MalformedPolicyDocument", message)
}

/// One page of `items` for IAM's `Marker`/`MaxItems` paging. The marker is the index of the
/// next item; `MaxItems` defaults to 100.
pub(crate) struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Whether more items follow.
    pub is_truncated: bool,
    /// The marker of the next page.
    pub marker: Option<String>,
}

/// Cuts one page out of `items`.
pub(crate) fn page<T>(items: Vec<T>, marker: Option<&str>, max_items: Option<i32>) -> Result<Page<T>, AwsError> {
    let start = match marker {
        None => 0,
        Some(m) => m
            .parse::<usize>()
            .ok()
            .filter(|&i| i <= items.len())
            .ok_or_else(|| invalid_input("Invalid value for parameter Marker"))?,
    };
    let max = usize::try_from(max_items.unwrap_or(100).max(1)).unwrap_or(100);
    let total = items.len();
    let end = start.saturating_add(max).min(total);
    let items: Vec<T> = items.into_iter().skip(start).take(end - start).collect();
    let is_truncated = end < total;
    Ok(Page { items, is_truncated, marker: is_truncated.then(|| end.to_string()) })
}

/// IAM's name rule for users, roles, policies and MFA devices: `[\w+=,.@-]`, `1..=max` long.
pub(crate) fn check_name(kind: &str, name: &str, max: usize) -> Result<(), AwsError> {
    let ok = !name.is_empty()
        && name.chars().count() <= max
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(validation_error(format!(
            "The specified value for {kind} is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-"
        )))
    }
}

/// IAM's path rule: `/` or `/…/` of printable ASCII, at most 512 characters.
pub(crate) fn check_path(path: &str) -> Result<(), AwsError> {
    let ok = path.len() <= 512
        && path.starts_with('/')
        && path.ends_with('/')
        && path.bytes().all(|b| (0x21..=0x7e).contains(&b))
        && !path.contains("//");
    if ok {
        Ok(())
    } else {
        Err(validation_error(format!(
            "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters: {path}"
        )))
    }
}
