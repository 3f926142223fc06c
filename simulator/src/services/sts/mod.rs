//! The sts service. (Being implemented: see the issue note.)

use crate::registry::Registrar;

/// Registers the service's operations.
pub fn register(_r: &mut Registrar) {}
