//! The logs service. (Being implemented: see the issue note.)

use crate::registry::Registrar;

/// Registers the service's operations.
pub fn register(_r: &mut Registrar) {}

/// Whether the log group `name` exists in `region`.
pub fn log_group_exists(_ctx: &crate::Ctx<'_>, _region: &str, _name: &str) -> Result<bool, crate::AwsError> {
    Ok(false)
}
