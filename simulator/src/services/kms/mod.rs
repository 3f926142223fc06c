//! The kms service. (Being implemented: see the issue note.)

use crate::registry::Registrar;

/// Registers the service's operations.
pub fn register(_r: &mut Registrar) {}

/// A KMS key as other services see it when they are asked to use it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedKey {
    /// The key's ARN.
    pub arn: String,
    /// The key policy text.
    pub policy: String,
    /// Whether the key is enabled (not disabled or pending deletion).
    pub enabled: bool,
}

/// Resolves a key id, key ARN, alias name or alias ARN in the call's region (or the ARN's).
pub fn resolve_key(_ctx: &crate::Ctx<'_>, _key: &str) -> Result<Option<ResolvedKey>, crate::AwsError> {
    Ok(None)
}
