//! What KMS.2 reads: the inline policies of every IAM user, group and role, with their
//! documents (`GetUserPolicy`, `GetGroupPolicy`, `GetRolePolicy`). The users come from the
//! IAM.2 view, which already lists them with their inline policies' names.

use hubsim_api::model::iam;
use hubsim_api::AwsApi;

use super::iam_policies::UserPolicies;
use super::{fail, FetchError};

/// The kind of IAM identity an inline policy is embedded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdentityKind {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl IdentityKind {
    /// `user`, `group`, `role`.
    pub fn word(self) -> &'static str {
        match self {
            IdentityKind::User => "user",
            IdentityKind::Group => "group",
            IdentityKind::Role => "role",
        }
    }

    /// The ASFF resource type of the identity.
    pub fn asff(self) -> &'static str {
        match self {
            IdentityKind::User => "AwsIamUser",
            IdentityKind::Group => "AwsIamGroup",
            IdentityKind::Role => "AwsIamRole",
        }
    }
}

/// One IAM identity and its inline policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineHolder {
    /// User, group or role.
    pub kind: IdentityKind,
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Its inline policies: (policy name, document as JSON text).
    pub policies: Vec<(String, String)>,
}

/// Reads the inline policies of `users` (already listed) and of every group and role.
pub fn fetch<A: AwsApi>(api: &A, home: &str, users: &[UserPolicies]) -> Result<Vec<InlineHolder>, FetchError> {
    let mut out = Vec::new();
    for u in users {
        let mut policies = Vec::with_capacity(u.inline.len());
        for name in &u.inline {
            let doc = api
                .call::<iam::GetUserPolicy>(
                    home,
                    iam::GetUserPolicyRequest { user_name: u.name.clone(), policy_name: name.clone() },
                )
                .map_err(fail(&format!("user {} inline policy {name}", u.name), home))?
                .policy_document;
            policies.push((name.clone(), doc));
        }
        out.push(InlineHolder { kind: IdentityKind::User, name: u.name.clone(), arn: u.arn.clone(), policies });
    }
    out.extend(groups(api, home)?);
    out.extend(roles(api, home)?);
    Ok(out)
}

fn groups<A: AwsApi>(api: &A, home: &str) -> Result<Vec<InlineHolder>, FetchError> {
    let mut listed = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<iam::ListGroups>(home, iam::ListGroupsRequest { marker: marker.clone(), ..Default::default() })
            .map_err(fail("groups", home))?;
        listed.extend(page.groups);
        marker = page.marker.filter(|_| page.is_truncated == Some(true));
        if marker.is_none() {
            break;
        }
    }
    let mut out = Vec::with_capacity(listed.len());
    for g in listed {
        let what = format!("group {}", g.group_name);
        let names = api
            .call::<iam::ListGroupPolicies>(
                home,
                iam::ListGroupPoliciesRequest {
                    group_name: g.group_name.clone(),
                    max_items: Some(1000),
                    ..Default::default()
                },
            )
            .map_err(fail(&what, home))?
            .policy_names;
        let mut policies = Vec::with_capacity(names.len());
        for name in names {
            let doc = api
                .call::<iam::GetGroupPolicy>(
                    home,
                    iam::GetGroupPolicyRequest { group_name: g.group_name.clone(), policy_name: name.clone() },
                )
                .map_err(fail(&what, home))?
                .policy_document;
            policies.push((name, doc));
        }
        out.push(InlineHolder { kind: IdentityKind::Group, name: g.group_name, arn: g.arn, policies });
    }
    Ok(out)
}

fn roles<A: AwsApi>(api: &A, home: &str) -> Result<Vec<InlineHolder>, FetchError> {
    let mut listed = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<iam::ListRoles>(home, iam::ListRolesRequest { marker: marker.clone(), ..Default::default() })
            .map_err(fail("roles", home))?;
        listed.extend(page.roles);
        marker = page.marker.filter(|_| page.is_truncated == Some(true));
        if marker.is_none() {
            break;
        }
    }
    let mut out = Vec::with_capacity(listed.len());
    for r in listed {
        let what = format!("role {}", r.role_name);
        let names = api
            .call::<iam::ListRolePolicies>(
                home,
                iam::ListRolePoliciesRequest {
                    role_name: r.role_name.clone(),
                    max_items: Some(1000),
                    ..Default::default()
                },
            )
            .map_err(fail(&what, home))?
            .policy_names;
        let mut policies = Vec::with_capacity(names.len());
        for name in names {
            let doc = api
                .call::<iam::GetRolePolicy>(
                    home,
                    iam::GetRolePolicyRequest { role_name: r.role_name.clone(), policy_name: name.clone() },
                )
                .map_err(fail(&what, home))?
                .policy_document;
            policies.push((name, doc));
        }
        out.push(InlineHolder { kind: IdentityKind::Role, name: r.role_name, arn: r.arn, policies });
    }
    Ok(out)
}
