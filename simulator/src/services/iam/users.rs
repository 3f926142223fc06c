//! IAM users: CreateUser, GetUser, DeleteUser, ListUsers, and what hangs off a user
//! (ListUserPolicies, ListAttachedUserPolicies, GetLoginProfile). A user's access keys are
//! stored with it and have their own module (`access_keys.rs`); its policies are changed in
//! `user_policies.rs`, its group memberships are stored on the groups (`groups.rs`).

use std::collections::BTreeMap;

use hubsim_model::{iam, Empty};
use serde::{Deserialize, Serialize};

use super::{check_name, check_path, no_such_entity, page, validation_error};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateUser>()
        .add::<iam::GetUser>()
        .add::<iam::DeleteUser>()
        .add::<iam::ListUsers>()
        .add::<iam::ListUserPolicies>()
        .add::<iam::ListAttachedUserPolicies>()
        .add::<iam::GetLoginProfile>();
}

/// An IAM user. Stored under the lower-cased name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredUser {
    /// The user as GetUser answers it.
    pub user: iam::User,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached: Vec<String>,
    /// Inline policies: name → document.
    #[serde(default)]
    pub inline: BTreeMap<String, String>,
    /// Access keys, in creation order (the secret is not kept).
    #[serde(default)]
    pub access_keys: Vec<iam::AccessKeyMetadata>,
    /// The console password, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_profile: Option<iam::LoginProfile>,
}

impl Resource for StoredUser {
    const KIND: &'static str = "iam:user";
    const GLOBAL: bool = true;
}

fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// 404 for a user that does not exist.
pub(super) fn no_such_user(name: &str) -> AwsError {
    no_such_entity(format!("The user with name {name} cannot be found."))
}

/// The stored user `name`, or `NoSuchEntity`.
pub(super) fn load(ctx: &Ctx<'_>, name: &str) -> Result<StoredUser, AwsError> {
    ctx.get::<StoredUser>(&key(name))?.ok_or_else(|| no_such_user(name))
}

/// Writes `user` back under its key.
pub(super) fn save(ctx: &mut Ctx<'_>, user: &StoredUser) -> Result<(), AwsError> {
    ctx.put(&key(&user.user.user_name), user)
}

/// Every user, sorted by name.
pub(super) fn all(ctx: &Ctx<'_>) -> Result<Vec<StoredUser>, AwsError> {
    let mut users: Vec<StoredUser> = ctx.list::<StoredUser>()?.into_iter().map(|(_, u)| u).collect();
    users.sort_by_key(|u| key(&u.user.user_name));
    Ok(users)
}

/// The caller is a role: operations that default `UserName` to the caller need one.
pub(super) fn needs_user_name() -> AwsError {
    validation_error("Must specify userName when calling with non-User credentials")
}

impl Handler for iam::CreateUser {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::CreateUserRequest) -> Result<iam::CreateUserResponse, AwsError> {
        check_name("userName", &input.user_name, 64)?;
        let path = input.path.unwrap_or_else(|| "/".to_string());
        check_path(&path)?;
        if let Some(boundary) = &input.permissions_boundary {
            if super::customer_policies::lookup(ctx, boundary).is_err() {
                return Err(super::invalid_input(format!(
                    "Scope ARN: {boundary} does not exist or is not attachable."
                )));
            }
        }
        if ctx.get::<StoredUser>(&key(&input.user_name))?.is_some() {
            return Err(AwsError::conflict(
                "EntityAlreadyExists",
                format!("User with name {} already exists.", input.user_name),
            ));
        }
        let account = ctx.account().to_string();
        let user = iam::User {
            arn: format!("arn:aws:iam::{account}:user{path}{}", input.user_name),
            path,
            user_name: input.user_name,
            user_id: format!("AIDA{}", ctx.ids().upper(17)),
            create_date: ctx.now(),
            permissions_boundary: input.permissions_boundary.map(|arn| iam::AttachedPermissionsBoundary {
                permissions_boundary_type: Some("Policy".into()),
                permissions_boundary_arn: Some(arn),
            }),
            tags: input.tags.filter(|t| !t.is_empty()),
            ..Default::default()
        };
        let stored = StoredUser {
            user: user.clone(),
            attached: Vec::new(),
            inline: BTreeMap::new(),
            access_keys: Vec::new(),
            login_profile: None,
        };
        ctx.put(&key(&user.user_name), &stored)?;
        Ok(iam::CreateUserResponse { user: Some(user) })
    }
}

impl Handler for iam::GetUser {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetUserRequest) -> Result<iam::GetUserResponse, AwsError> {
        let name = input.user_name.ok_or_else(needs_user_name)?;
        Ok(iam::GetUserResponse { user: load(ctx, &name)?.user })
    }
}

impl Handler for iam::DeleteUser {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteUserRequest) -> Result<Empty, AwsError> {
        let user = load(ctx, &input.user_name)?;
        let conflict =
            |what: &str| AwsError::conflict("DeleteConflict", format!("Cannot delete entity, must {what} first."));
        if user.login_profile.is_some() {
            return Err(conflict("delete login profile"));
        }
        if !user.access_keys.is_empty() {
            return Err(conflict("delete access keys"));
        }
        if !user.inline.is_empty() {
            return Err(conflict("delete policies"));
        }
        if !user.attached.is_empty() {
            return Err(conflict("detach all policies"));
        }
        if !super::mfa::devices_of(ctx, &user.user.user_name)?.is_empty() {
            return Err(conflict("delete MFA device"));
        }
        if !super::groups::groups_of(ctx, &user.user.user_name)?.is_empty() {
            return Err(conflict("remove user from all groups"));
        }
        ctx.delete::<StoredUser>(&key(&input.user_name))?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListUsers {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListUsersRequest) -> Result<iam::ListUsersResponse, AwsError> {
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let users: Vec<iam::User> = all(ctx)?
            .into_iter()
            .filter(|u| u.user.path.starts_with(prefix))
            // ListUsers leaves out the permissions boundary and tags.
            .map(|u| iam::User { permissions_boundary: None, tags: None, ..u.user })
            .collect();
        let p = page(users, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListUsersResponse { users: p.items, is_truncated: Some(p.is_truncated), marker: p.marker })
    }
}

impl Handler for iam::ListUserPolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListUserPoliciesRequest,
    ) -> Result<iam::ListUserPoliciesResponse, AwsError> {
        let user = load(ctx, &input.user_name)?;
        let names: Vec<String> = user.inline.keys().cloned().collect();
        let p = page(names, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListUserPoliciesResponse {
            policy_names: p.items,
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}

impl Handler for iam::ListAttachedUserPolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListAttachedUserPoliciesRequest,
    ) -> Result<iam::ListAttachedUserPoliciesResponse, AwsError> {
        let user = load(ctx, &input.user_name)?;
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let entries = super::policies::attached_entries(ctx, &user.attached, prefix)?;
        let p = page(entries, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListAttachedUserPoliciesResponse {
            attached_policies: Some(p.items),
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}

impl Handler for iam::GetLoginProfile {
    const MUTATES: bool = false;

    /// With a `UserName`, the user's console password. Without one, hubsim answers for the
    /// root user (what a root session, for example one from `sts:AssumeRoot`, sees): its
    /// password per the root state, reported under the user name `root`.
    fn handle(ctx: &mut Ctx<'_>, input: iam::GetLoginProfileRequest) -> Result<iam::GetLoginProfileResponse, AwsError> {
        match input.user_name {
            Some(name) => {
                let user = load(ctx, &name)?;
                let profile = user.login_profile.ok_or_else(|| {
                    no_such_entity(format!("Login Profile for User {} cannot be found.", user.user.user_name))
                })?;
                Ok(iam::GetLoginProfileResponse { login_profile: profile })
            }
            None => {
                let root = super::root::load(ctx)?;
                match (root.login_profile, root.login_profile_created) {
                    (true, created) => Ok(iam::GetLoginProfileResponse {
                        login_profile: iam::LoginProfile {
                            user_name: "root".into(),
                            create_date: created.unwrap_or(root.created),
                            password_reset_required: Some(false),
                        },
                    }),
                    (false, _) => Err(no_such_entity("Login Profile for User root cannot be found.")),
                }
            }
        }
    }
}
