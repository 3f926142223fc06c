//! What IAM.1, IAM.2 and IAM.18 read: users with their policies and groups, customer managed
//! policies with their default version's document and usage, and where `AWSSupportAccess` is
//! attached (with each group's members and each role's trust policy).

use hubsim_api::model::iam;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// The AWS managed policy CIS 1.20 (IAM.18) asks to be in use.
pub const SUPPORT_ACCESS: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

/// The IAM identities and policies of the account.
#[derive(Debug, Clone, Default)]
pub struct IamPolicies {
    /// Every IAM user, sorted by name.
    pub users: Vec<UserPolicies>,
    /// Every customer managed policy.
    pub policies: Vec<CustomerPolicy>,
    /// Where `AWSSupportAccess` is attached.
    pub support_access: SupportAccess,
}

/// One user and what grants it permissions.
#[derive(Debug, Clone, Default)]
pub struct UserPolicies {
    /// User name.
    pub name: String,
    /// User ARN.
    pub arn: String,
    /// ARNs of the managed policies attached to it.
    pub attached: Vec<String>,
    /// Names of its inline policies.
    pub inline: Vec<String>,
    /// Its groups, each with the ARNs of the managed policies attached to the group.
    pub groups: Vec<(String, Vec<String>)>,
}

/// One customer managed policy.
#[derive(Debug, Clone, Default)]
pub struct CustomerPolicy {
    /// Policy ARN.
    pub arn: String,
    /// Policy name.
    pub name: String,
    /// Its default version's document (JSON text).
    pub document: String,
    /// How many users, groups and roles it is attached to.
    pub attachment_count: i32,
    /// How many users and roles it bounds.
    pub boundary_count: i32,
}

/// The entities `AWSSupportAccess` is attached to.
#[derive(Debug, Clone, Default)]
pub struct SupportAccess {
    /// User names.
    pub users: Vec<String>,
    /// Group names with their member counts.
    pub groups: Vec<(String, usize)>,
    /// Role names with their trust policies (JSON text; empty when none).
    pub roles: Vec<(String, String)>,
}

/// Reads the account's IAM identities and policies (global: signed in `home`).
pub fn fetch<A: AwsApi>(api: &A, home: &str) -> Result<IamPolicies, FetchError> {
    Ok(IamPolicies { users: users(api, home)?, policies: policies(api, home)?, support_access: support(api, home)? })
}

fn users<A: AwsApi>(api: &A, home: &str) -> Result<Vec<UserPolicies>, FetchError> {
    let mut listed = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<iam::ListUsers>(home, iam::ListUsersRequest { marker: marker.clone(), ..Default::default() })
            .map_err(fail("users", home))?;
        listed.extend(page.users);
        marker = page.marker.filter(|_| page.is_truncated == Some(true));
        if marker.is_none() {
            break;
        }
    }
    let mut out = Vec::with_capacity(listed.len());
    let mut group_policies: Vec<(String, Vec<String>)> = Vec::new();
    for u in listed {
        let what = format!("user {}", u.user_name);
        let attached = attached_of_user(api, home, &u.user_name, &what)?;
        let inline = api
            .call::<iam::ListUserPolicies>(
                home,
                iam::ListUserPoliciesRequest {
                    user_name: u.user_name.clone(),
                    max_items: Some(1000),
                    ..Default::default()
                },
            )
            .map_err(fail(&what, home))?
            .policy_names;
        let names: Vec<String> = api
            .call::<iam::ListGroupsForUser>(
                home,
                iam::ListGroupsForUserRequest {
                    user_name: u.user_name.clone(),
                    max_items: Some(1000),
                    ..Default::default()
                },
            )
            .map_err(fail(&what, home))?
            .groups
            .into_iter()
            .map(|g| g.group_name)
            .collect();
        let mut groups = Vec::with_capacity(names.len());
        for g in names {
            // A group's policies are read once, however many members it has.
            if let Some((_, known)) = group_policies.iter().find(|(n, _)| *n == g) {
                groups.push((g, known.clone()));
                continue;
            }
            let arns: Vec<String> = api
                .call::<iam::ListAttachedGroupPolicies>(
                    home,
                    iam::ListAttachedGroupPoliciesRequest {
                        group_name: g.clone(),
                        max_items: Some(1000),
                        ..Default::default()
                    },
                )
                .map_err(fail(&format!("group {g}"), home))?
                .attached_policies
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.policy_arn)
                .collect();
            group_policies.push((g.clone(), arns.clone()));
            groups.push((g, arns));
        }
        out.push(UserPolicies { name: u.user_name, arn: u.arn, attached, inline, groups });
    }
    Ok(out)
}

fn attached_of_user<A: AwsApi>(api: &A, home: &str, user: &str, what: &str) -> Result<Vec<String>, FetchError> {
    Ok(api
        .call::<iam::ListAttachedUserPolicies>(
            home,
            iam::ListAttachedUserPoliciesRequest {
                user_name: user.into(),
                max_items: Some(1000),
                ..Default::default()
            },
        )
        .map_err(fail(what, home))?
        .attached_policies
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.policy_arn)
        .collect())
}

fn policies<A: AwsApi>(api: &A, home: &str) -> Result<Vec<CustomerPolicy>, FetchError> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<iam::ListPolicies>(
                home,
                iam::ListPoliciesRequest { scope: Some("Local".into()), marker: marker.clone(), ..Default::default() },
            )
            .map_err(fail("customer managed policies", home))?;
        for p in page.policies.unwrap_or_default() {
            let (Some(arn), Some(version)) = (p.arn, p.default_version_id) else { continue };
            let document = api
                .call::<iam::GetPolicyVersion>(
                    home,
                    iam::GetPolicyVersionRequest { policy_arn: arn.clone(), version_id: version },
                )
                .map_err(fail(&format!("policy {arn}"), home))?
                .policy_version
                .and_then(|v| v.document)
                .unwrap_or_default();
            out.push(CustomerPolicy {
                arn,
                name: p.policy_name.unwrap_or_default(),
                document,
                attachment_count: p.attachment_count.unwrap_or(0),
                boundary_count: p.permissions_boundary_usage_count.unwrap_or(0),
            });
        }
        marker = page.marker.filter(|_| page.is_truncated == Some(true));
        if marker.is_none() {
            break;
        }
    }
    Ok(out)
}

fn support<A: AwsApi>(api: &A, home: &str) -> Result<SupportAccess, FetchError> {
    let what = "AWSSupportAccess entities";
    let entities = api
        .call::<iam::ListEntitiesForPolicy>(
            home,
            // Attached, not used as a permissions boundary: iam-policy-in-use's policyUsageType
            // ANY means a user, group or role it is attached to.
            iam::ListEntitiesForPolicyRequest {
                policy_arn: SUPPORT_ACCESS.into(),
                policy_usage_filter: Some("PermissionsPolicy".into()),
                max_items: Some(1000),
                ..Default::default()
            },
        )
        .map_err(fail(what, home))?;
    let users = entities.policy_users.unwrap_or_default().into_iter().filter_map(|u| u.user_name).collect();
    let mut groups = Vec::new();
    for name in entities.policy_groups.unwrap_or_default().into_iter().filter_map(|g| g.group_name) {
        let members = api
            .call::<iam::GetGroup>(
                home,
                iam::GetGroupRequest { group_name: name.clone(), max_items: Some(1), marker: None },
            )
            .map_err(fail(&format!("group {name}"), home))?
            .users
            .len();
        groups.push((name, members));
    }
    let mut roles = Vec::new();
    for name in entities.policy_roles.unwrap_or_default().into_iter().filter_map(|r| r.role_name) {
        let trust = api
            .call::<iam::GetRole>(home, iam::GetRoleRequest { role_name: name.clone() })
            .map_err(fail(&format!("role {name}"), home))?
            .role
            .assume_role_policy_document
            .unwrap_or_default();
        roles.push((name, trust));
    }
    Ok(SupportAccess { users, groups, roles })
}
