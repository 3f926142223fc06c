//! AWS IAM. (Being implemented: see the issue note.)

use crate::baseline::{Preset, RootSpec};
use crate::error::AwsError;
use crate::registry::Registrar;
use crate::Ctx;

/// Registers IAM's operations.
pub fn register(_r: &mut Registrar) {}

/// Seeds the account's IAM state: the root user, and for `fresh-account` the roles.
pub fn seed_account(_ctx: &mut Ctx<'_>, _preset: Preset, _root: &RootSpec) -> Result<(), AwsError> {
    Ok(())
}

/// Sets the root user's MFA device kind (a console action).
pub fn set_root_mfa(_ctx: &mut Ctx<'_>, _kind: crate::baseline::MfaKind) -> Result<(), AwsError> {
    Ok(())
}

/// Gives the root user a password or removes it (a console action).
pub fn set_root_login_profile(_ctx: &mut Ctx<'_>, _enabled: bool) -> Result<(), AwsError> {
    Ok(())
}

/// The role whose ARN is `arn`, if it exists (CloudTrail, Config and flow logs check roles).
pub fn role_by_arn(_ctx: &Ctx<'_>, _arn: &str) -> Result<Option<hubsim_model::iam::Role>, AwsError> {
    Ok(None)
}
