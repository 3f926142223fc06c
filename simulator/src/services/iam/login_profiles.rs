//! Console passwords (login profiles): CreateLoginProfile, UpdateLoginProfile,
//! DeleteLoginProfile (GetLoginProfile lives with the users).
//!
//! A user's profile is stored with the user ([`StoredUser::login_profile`]); the password itself
//! is checked against the account password policy and never kept. When it last changed (the
//! credential report's `password_last_changed`) is kept under the user's id, so a user created
//! again under the same name starts afresh.
//!
//! Without a `UserName`, these operations act on the root user, as a root session (for example
//! one from `sts:AssumeRoot` with the `IAMCreateRootUserPassword` or
//! `IAMDeleteRootUserCredentials` task policy) does, the same reading as GetLoginProfile
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).

use hubsim_model::{iam, Empty, Timestamp};
use serde::{Deserialize, Serialize};

use super::users::{self, StoredUser};
use super::{no_such_entity, password_policy, root, validation_error};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateLoginProfile>().add::<iam::UpdateLoginProfile>().add::<iam::DeleteLoginProfile>();
}

/// When a user's password was last set. Stored under the user's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct PasswordChanged {
    /// When.
    pub at: Timestamp,
}

impl Resource for PasswordChanged {
    const KIND: &'static str = "iam:password-changed";
    const GLOBAL: bool = true;
}

/// When `user`'s current password was set: the last UpdateLoginProfile that gave a password,
/// else the profile's creation. `None` without a profile.
pub(super) fn password_last_changed(ctx: &Ctx<'_>, user: &StoredUser) -> Result<Option<Timestamp>, AwsError> {
    let Some(profile) = &user.login_profile else { return Ok(None) };
    let changed = ctx.get::<PasswordChanged>(&user.user.user_id)?;
    Ok(Some(changed.map_or(profile.create_date, |c| c.at)))
}

/// The symbols IAM's password policy counts: `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html).
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// What `password` lacks under the account's password policy, or under AWS's default policy
/// when none is set (at least 8 characters and three of the four character types; same page).
fn violations(ctx: &Ctx<'_>, password: &str) -> Result<Vec<String>, AwsError> {
    let upper = password.chars().any(|c| c.is_ascii_uppercase());
    let lower = password.chars().any(|c| c.is_ascii_lowercase());
    let number = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(|c| SYMBOLS.contains(c));
    let length = password.chars().count();
    let mut out = Vec::new();
    match password_policy::current(ctx)? {
        None => {
            if length < 8 {
                out.push("Password should have a minimum length of 8".to_string());
            }
            if [upper, lower, number, symbol].iter().filter(|b| **b).count() < 3 {
                out.push(
                    "Password should contain at least three of: upper-case letters, lower-case letters, numbers, symbols"
                        .to_string(),
                );
            }
        }
        Some(p) => {
            let min = usize::try_from(p.minimum_password_length.unwrap_or(6)).unwrap_or(6);
            if length < min {
                out.push(format!("Password should have a minimum length of {min}"));
            }
            for (required, has, what) in [
                (p.require_uppercase_characters, upper, "uppercase letter"),
                (p.require_lowercase_characters, lower, "lowercase letter"),
                (p.require_numbers, number, "number"),
                (p.require_symbols, symbol, "symbol"),
            ] {
                if required == Some(true) && !has {
                    out.push(format!("Password should have at least one {what}"));
                }
            }
        }
    }
    Ok(out)
}

/// 400 `PasswordPolicyViolation` when `password` does not meet the policy.
fn check_password(ctx: &Ctx<'_>, password: &str) -> Result<(), AwsError> {
    let problems = violations(ctx, password)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AwsError::bad_request("PasswordPolicyViolation", problems.join("; ")))
    }
}

fn no_profile(name: &str) -> AwsError {
    no_such_entity(format!("Login Profile for User {name} cannot be found."))
}

impl Handler for iam::CreateLoginProfile {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::CreateLoginProfileRequest,
    ) -> Result<iam::CreateLoginProfileResponse, AwsError> {
        let now = ctx.now();
        let reset = input.password_reset_required.unwrap_or(false);
        let Some(name) = input.user_name else {
            // The root user: a password is optional (without one, root recovers it by email).
            let mut r = root::load(ctx)?;
            if r.login_profile {
                return Err(AwsError::conflict("EntityAlreadyExists", "Login Profile for user root already exists."));
            }
            if let Some(password) = &input.password {
                check_password(ctx, password)?;
            }
            r.login_profile = true;
            r.login_profile_created = Some(now);
            root::save(ctx, &r)?;
            return Ok(iam::CreateLoginProfileResponse {
                login_profile: iam::LoginProfile {
                    user_name: root::ROOT_NAME.into(),
                    create_date: now,
                    password_reset_required: Some(reset),
                },
            });
        };
        let mut user = users::load(ctx, &name)?;
        let user_name = user.user.user_name.clone();
        if user.login_profile.is_some() {
            return Err(AwsError::conflict(
                "EntityAlreadyExists",
                format!("Login Profile for user {user_name} already exists."),
            ));
        }
        let password = input
            .password
            .ok_or_else(|| validation_error("Password is required when creating a login profile for a user"))?;
        check_password(ctx, &password)?;
        let profile = iam::LoginProfile { user_name, create_date: now, password_reset_required: Some(reset) };
        user.login_profile = Some(profile.clone());
        users::save(ctx, &user)?;
        ctx.put(&user.user.user_id, &PasswordChanged { at: now })?;
        Ok(iam::CreateLoginProfileResponse { login_profile: profile })
    }
}

impl Handler for iam::UpdateLoginProfile {
    const MUTATES: bool = true;

    /// A new password must meet the policy [U: hubsim keeps no password history, so
    /// PasswordReusePrevention is not enforced]; `PasswordResetRequired` left out keeps its value.
    fn handle(ctx: &mut Ctx<'_>, input: iam::UpdateLoginProfileRequest) -> Result<Empty, AwsError> {
        let mut user = users::load(ctx, &input.user_name)?;
        let user_name = user.user.user_name.clone();
        let mut profile = user.login_profile.clone().ok_or_else(|| no_profile(&user_name))?;
        if let Some(password) = &input.password {
            check_password(ctx, password)?;
        }
        if let Some(reset) = input.password_reset_required {
            profile.password_reset_required = Some(reset);
        }
        user.login_profile = Some(profile);
        users::save(ctx, &user)?;
        if input.password.is_some() {
            let now = ctx.now();
            ctx.put(&user.user.user_id, &PasswordChanged { at: now })?;
        }
        Ok(Empty {})
    }
}

impl Handler for iam::DeleteLoginProfile {
    const MUTATES: bool = true;

    /// The user can no longer sign in to the console; its access keys are untouched.
    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteLoginProfileRequest) -> Result<Empty, AwsError> {
        let Some(name) = input.user_name else {
            let mut r = root::load(ctx)?;
            if !r.login_profile {
                return Err(no_profile(root::ROOT_NAME));
            }
            r.login_profile = false;
            r.login_profile_created = None;
            root::save(ctx, &r)?;
            return Ok(Empty {});
        };
        let mut user = users::load(ctx, &name)?;
        if user.login_profile.is_none() {
            return Err(no_profile(&user.user.user_name));
        }
        user.login_profile = None;
        users::save(ctx, &user)?;
        ctx.delete::<PasswordChanged>(&user.user.user_id)?;
        Ok(Empty {})
    }
}

/// Records a console sign-in with `name`'s password now (a console action): GetUser's
/// `PasswordLastUsed` and the credential report's `password_last_used`. Without a name, root's.
/// Refused when there is no password to sign in with.
pub(super) fn record_password_use(ctx: &mut Ctx<'_>, name: Option<&str>) -> Result<(), AwsError> {
    let Some(name) = name else { return root::record_password_use(ctx) };
    let mut user = users::load(ctx, name)?;
    if user.login_profile.is_none() {
        return Err(AwsError::bad_request(
            "ValidationException",
            format!("user {} has no console password, so it cannot sign in with one", user.user.user_name),
        ));
    }
    user.user.password_last_used = Some(ctx.now());
    users::save(ctx, &user)
}
