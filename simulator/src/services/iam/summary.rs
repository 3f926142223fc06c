//! Account-level answers: GetAccountSummary, ListAccountAliases, ListOrganizationsFeatures.

use std::collections::BTreeMap;

use hubsim_model::{iam, Empty};

use super::MfaKind;
use super::{customer_policies, groups, mfa, page, roles, users};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::View;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::GetAccountSummary>().add::<iam::ListAccountAliases>().add::<iam::ListOrganizationsFeatures>();
}

/// IAM's quotas as GetAccountSummary reports them: hubsim's values (the ones other simulators
/// use), not checked against a real account.
const QUOTAS: &[(&str, i32)] = &[
    ("UsersQuota", 5000),
    ("GroupsQuota", 300),
    ("RolesQuota", 1000),
    ("PoliciesQuota", 1500),
    ("PolicySizeQuota", 6144),
    ("PolicyVersionsInUseQuota", 10000),
    ("VersionsPerPolicyQuota", 5),
    ("AccessKeysPerUserQuota", 2),
    ("SigningCertificatesPerUserQuota", 2),
    ("GroupsPerUserQuota", 10),
    ("AttachedPoliciesPerUserQuota", 10),
    ("AttachedPoliciesPerGroupQuota", 10),
    ("AttachedPoliciesPerRoleQuota", 10),
    ("AssumeRolePolicySizeQuota", 2048),
    ("UserPolicySizeQuota", 2048),
    ("GroupPolicySizeQuota", 5120),
    ("RolePolicySizeQuota", 10240),
    ("InstanceProfilesQuota", 1000),
    ("ServerCertificatesQuota", 20),
    ("GlobalEndpointTokenVersion", 1),
];

/// What the summary reads of a role: how many managed policies it has attached (see [`View`]).
struct RoleAttachments {
    attached: usize,
}

impl View for RoleAttachments {
    type Of = roles::StoredRole;
    fn of(role: &roles::StoredRole) -> Self {
        RoleAttachments { attached: role.attached.len() }
    }
}

/// What the summary reads of a user: how many managed policies it has attached.
struct UserAttachments {
    attached: usize,
}

impl View for UserAttachments {
    type Of = users::StoredUser;
    fn of(user: &users::StoredUser) -> Self {
        UserAttachments { attached: user.attached.len() }
    }
}

/// What the summary reads of a group: how many managed policies it has attached.
struct GroupAttachments {
    attached: usize,
}

impl View for GroupAttachments {
    type Of = groups::StoredGroup;
    fn of(group: &groups::StoredGroup) -> Self {
        GroupAttachments { attached: group.attached.len() }
    }
}

/// What the summary reads of a customer managed policy: nothing but that it exists.
struct PolicyExists;

impl View for PolicyExists {
    type Of = customer_policies::StoredPolicy;
    fn of(_: &customer_policies::StoredPolicy) -> Self {
        PolicyExists
    }
}

/// What the summary reads of a virtual MFA device: whether it is enabled for a user.
struct MfaUser {
    enabled: bool,
}

impl View for MfaUser {
    type Of = mfa::StoredMfaDevice;
    fn of(device: &mfa::StoredMfaDevice) -> Self {
        MfaUser { enabled: device.user.is_some() }
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl Handler for iam::GetAccountSummary {
    const MUTATES: bool = false;

    /// Counts come from the state. `AccountMFAEnabled` is 1 when root has any MFA device
    /// (virtual or hardware); root's device also counts in `MFADevices`/`MFADevicesInUse`.
    /// `PolicyVersionsInUse` counts managed-policy attachments of users, groups and roles (one
    /// version each); `Policies` counts customer managed policies.
    fn handle(ctx: &mut Ctx<'_>, _input: Empty) -> Result<iam::GetAccountSummaryResponse, AwsError> {
        let root = super::root::load(ctx)?;
        // Only counts are needed: the documents are read as parts, not whole.
        let roles = ctx.list_view::<RoleAttachments>()?;
        let users = ctx.list_view::<UserAttachments>()?;
        let devices = ctx.list_view::<MfaUser>()?;
        let groups = ctx.list_view::<GroupAttachments>()?;
        let policies = ctx.list_view::<PolicyExists>()?;
        let root_mfa = usize::from(root.mfa != MfaKind::None);
        let attachments = roles.iter().map(|(_, r)| r.attached).sum::<usize>()
            + users.iter().map(|(_, u)| u.attached).sum::<usize>()
            + groups.iter().map(|(_, g)| g.attached).sum::<usize>();
        let mut map: BTreeMap<String, i32> = QUOTAS.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let counts = [
            ("AccountMFAEnabled", root_mfa),
            ("AccountAccessKeysPresent", usize::from(!root.access_keys.is_empty())),
            ("AccountSigningCertificatesPresent", 0),
            ("AccountPasswordPresent", usize::from(root.login_profile)),
            ("Users", users.len()),
            ("Groups", groups.len()),
            ("Roles", roles.len()),
            ("Policies", policies.len()),
            ("PolicyVersionsInUse", attachments),
            ("MFADevices", devices.len() + root_mfa),
            ("MFADevicesInUse", devices.iter().filter(|(_, d)| d.enabled).count() + root_mfa),
            ("Providers", 0),
            ("ServerCertificates", 0),
            ("InstanceProfiles", 0),
        ];
        for (k, v) in counts {
            map.insert(k.to_string(), count(v));
        }
        Ok(iam::GetAccountSummaryResponse { summary_map: Some(map) })
    }
}

impl Handler for iam::ListAccountAliases {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        input: iam::ListAccountAliasesRequest,
    ) -> Result<iam::ListAccountAliasesResponse, AwsError> {
        let p = page(Vec::<String>::new(), input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListAccountAliasesResponse {
            account_aliases: p.items,
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}

impl Handler for iam::ListOrganizationsFeatures {
    const MUTATES: bool = false;

    /// Only an organization's management account (or IAM's delegated administrator) may ask.
    /// A member account gets `AccountNotManagementOrDelegatedAdministratorException`; an
    /// account outside any organization `OrganizationNotFoundException`; the management
    /// account `ServiceAccessNotEnabledException`, because hubsim's organizations never enable
    /// trusted access for IAM. Which error AWS gives a member is unverified: this is the one
    /// the model's name describes.
    fn handle(
        ctx: &mut Ctx<'_>,
        _input: iam::ListOrganizationsFeaturesRequest,
    ) -> Result<iam::ListOrganizationsFeaturesResponse, AwsError> {
        match &ctx.settings().account.organization {
            None => Err(AwsError::bad_request(
                "OrganizationNotFoundException",
                "The request was rejected because no organization is associated with your account.",
            )),
            Some(org) if org.management_account_id == ctx.account() => Err(AwsError::bad_request(
                "ServiceAccessNotEnabledException",
                "The request was rejected because trusted access is not enabled for IAM in AWS Organizations.",
            )),
            Some(_) => Err(AwsError::bad_request(
                "AccountNotManagementOrDelegatedAdministratorException",
                "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.",
            )),
        }
    }
}
