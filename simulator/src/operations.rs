//! The operations hubsim implements, as callers outside the simulator may ask about them (a
//! coverage table, a scenario's static check), without reaching into the registry.

use hubsim_model::validate::Invalid;

use crate::error::AwsError;
use crate::registry::registry;

/// One operation hubsim implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationInfo {
    /// botocore's service name (`s3`, `iam`, `securityhub`, or `hubsim` for hubsim's own).
    pub service: &'static str,
    /// The operation's name (`CreateBucket`).
    pub operation: &'static str,
    /// Whether it changes state (runs in a transaction and gets a journal row).
    pub mutates: bool,
}

/// Every operation hubsim implements, by service then operation name.
pub fn operations() -> impl Iterator<Item = OperationInfo> {
    registry().entries().map(|e| OperationInfo { service: e.service, operation: e.name, mutates: e.mutates })
}

/// Whether hubsim implements `service:operation`.
pub fn operation_exists(service: &str, operation: &str) -> bool {
    registry().get(service, operation).is_some()
}

/// The error AWS answers when an input breaks `service`'s model constraints (the problems
/// [`hubsim_model::validate::validate_input`] found), in the code the service's clients expect
/// (`ValidationException`, `InvalidParameterValue`, ...).
pub fn validation_error(service: &str, problems: &[Invalid]) -> AwsError {
    crate::services::validation_error(service, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_listed_in_order_with_what_they_do() {
        let all: Vec<OperationInfo> = operations().collect();
        assert!(all.len() > 200, "{}", all.len());
        assert!(all.windows(2).all(|w| (w[0].service, w[0].operation) < (w[1].service, w[1].operation)));
        let find =
            |service: &str, operation: &str| all.iter().find(|o| o.service == service && o.operation == operation);
        assert_eq!(find("s3", "CreateBucket").map(|o| o.mutates), Some(true));
        assert_eq!(find("s3", "ListBuckets").map(|o| o.mutates), Some(false));
        assert!(all.iter().all(|o| operation_exists(o.service, o.operation)));
        assert!(!operation_exists("s3", "NoSuchOperation"));
        assert!(!operation_exists("nosuchservice", "ListBuckets"));
    }
}
