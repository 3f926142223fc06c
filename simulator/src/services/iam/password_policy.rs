//! The account password policy: Get/Update/DeleteAccountPasswordPolicy.
//!
//! A fresh account has none (GetAccountPasswordPolicy answers 404 even though a built-in
//! default governs console passwords). Update is not a patch: every member left out goes
//! back to its default.

use hubsim_model::{iam, Empty};
use serde::{Deserialize, Serialize};

use super::{no_such_entity, validation_error};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::GetAccountPasswordPolicy>()
        .add::<iam::UpdateAccountPasswordPolicy>()
        .add::<iam::DeleteAccountPasswordPolicy>();
}

const ID: &str = "account";

/// The stored password policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredPasswordPolicy {
    policy: iam::PasswordPolicy,
}

impl Resource for StoredPasswordPolicy {
    const KIND: &'static str = "iam:password-policy";
    const GLOBAL: bool = true;
}

/// The account's password policy, if one is set.
pub(super) fn current(ctx: &Ctx<'_>) -> Result<Option<iam::PasswordPolicy>, AwsError> {
    Ok(ctx.get::<StoredPasswordPolicy>(ID)?.map(|s| s.policy))
}

fn none_set(ctx: &Ctx<'_>) -> AwsError {
    no_such_entity(format!("The Password Policy with domain name {} cannot be found.", ctx.account()))
}

fn check_range(member: &str, value: Option<i32>, min: i32, max: i32) -> Result<(), AwsError> {
    match value {
        Some(v) if !(min..=max).contains(&v) => Err(validation_error(format!(
            "1 validation error detected: Value '{v}' at '{member}' failed to satisfy constraint: Member must have value {}",
            if v < min { format!("greater than or equal to {min}") } else { format!("less than or equal to {max}") }
        ))),
        _ => Ok(()),
    }
}

impl Handler for iam::GetAccountPasswordPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, _input: Empty) -> Result<iam::GetAccountPasswordPolicyResponse, AwsError> {
        let stored = ctx.get::<StoredPasswordPolicy>(ID)?.ok_or_else(|| none_set(ctx))?;
        Ok(iam::GetAccountPasswordPolicyResponse { password_policy: stored.policy })
    }
}

impl Handler for iam::UpdateAccountPasswordPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::UpdateAccountPasswordPolicyRequest) -> Result<Empty, AwsError> {
        check_range("minimumPasswordLength", input.minimum_password_length, 6, 128)?;
        check_range("maxPasswordAge", input.max_password_age, 1, 1095)?;
        check_range("passwordReusePrevention", input.password_reuse_prevention, 1, 24)?;
        let policy = iam::PasswordPolicy {
            minimum_password_length: Some(input.minimum_password_length.unwrap_or(6)),
            require_symbols: Some(input.require_symbols.unwrap_or(false)),
            require_numbers: Some(input.require_numbers.unwrap_or(false)),
            require_uppercase_characters: Some(input.require_uppercase_characters.unwrap_or(false)),
            require_lowercase_characters: Some(input.require_lowercase_characters.unwrap_or(false)),
            allow_users_to_change_password: Some(input.allow_users_to_change_password.unwrap_or(false)),
            expire_passwords: Some(input.max_password_age.is_some_and(|a| a > 0)),
            max_password_age: input.max_password_age,
            password_reuse_prevention: input.password_reuse_prevention,
            hard_expiry: Some(input.hard_expiry.unwrap_or(false)),
        };
        ctx.put(ID, &StoredPasswordPolicy { policy })?;
        Ok(Empty {})
    }
}

impl Handler for iam::DeleteAccountPasswordPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, _input: Empty) -> Result<Empty, AwsError> {
        if !ctx.delete::<StoredPasswordPolicy>(ID)? {
            return Err(none_set(ctx));
        }
        Ok(Empty {})
    }
}
