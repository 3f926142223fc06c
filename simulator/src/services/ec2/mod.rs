//! Amazon EC2 / VPC. (Being implemented: see the issue note.)

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::Ctx;

/// Registers EC2's operations.
pub fn register(_r: &mut Registrar) {}

/// Seeds one region of a fresh account (default VPC and friends, EBS settings).
pub fn seed_region(_ctx: &mut Ctx<'_>) -> Result<(), AwsError> {
    Ok(())
}
