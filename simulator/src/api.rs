//! The typed in-process API. The evaluator and the remediator are written against
//! [`AwsApi`]; the [`crate::Simulator`] implements it, and an HTTP client can implement it
//! too, so the same control code can run against a real account.

use hubsim_model::Operation;

use crate::error::AwsError;

/// Calls AWS operations by type: `api.call::<s3::GetBucketEncryption>(region, input)`.
pub trait AwsApi {
    /// Calls `O` in `region` with `input`.
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError>;
}
