//! The AWS API contract: what every caller of AWS sees, whoever answers. The evaluator and the
//! remediator are written against [`AwsApi`]; the simulator implements it in process, and an
//! HTTP client could implement it over the same models, so the same control code can run
//! against a real account.
//!
//! This crate owns [`AwsApi`], the error an operation answers with ([`AwsError`]), the
//! [`Era`] a state lives in, the operation marker types (through [`model`]) and [`memo`], a
//! small shared utility for pure functions of a text. It must not depend on the simulator, on
//! SQLite or on anything that knows HTTP: its dependencies are `hubsim-model`, serde,
//! serde_json and thiserror only.

mod era;
mod error;
pub mod memo;

pub use era::Era;
pub use error::AwsError;
pub use hubsim_model as model;

use hubsim_model::Operation;

/// Calls AWS operations by type: `api.call::<s3::GetBucketEncryption>(region, input)`.
pub trait AwsApi {
    /// Calls `O` in `region` with `input`.
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError>;

    /// Calls `O` to record derived state: what the caller computed from the account and will
    /// compute again (the evaluator's findings, imported on every evaluation). The answer is
    /// [`AwsApi::call`]'s; an implementation that keeps a history of the calls that built the
    /// account (the simulator's journal, which export replays) leaves these out of it.
    fn call_derived<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        self.call::<O>(region, input)
    }
}

/// A borrowed API is the API: callers that take an API by value (a read view they drop when
/// done) also take a reference to one that lives on.
impl<T: AwsApi + ?Sized> AwsApi for &T {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        (**self).call::<O>(region, input)
    }

    fn call_derived<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        (**self).call_derived::<O>(region, input)
    }
}
