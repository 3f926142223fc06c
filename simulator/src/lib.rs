//! hubsim's simulated AWS account: state in SQLite, one module per AWS service with its
//! resources, operations and errors, the typed in-process API (the [`AwsApi`] of `hubsim-api`)
//! and fresh-account baselines.
//!
//! Architecture invariants (see ARCHITECTURE.md): only [`store`] knows SQL; services know
//! nothing of HTTP; nothing here knows about Security Hub controls, scenario files, their
//! expectations or the user's suppressions. The simulator depends on `hubsim-api` and the
//! models, never on the checks, the scenario layer or the server.

pub mod baseline;
pub mod catalog;
pub mod ctx;
pub mod error;
pub mod ids;
pub mod policy;
pub mod registry;
pub mod services;
pub mod settings;
pub mod sim;
pub mod store;
pub mod testing;

pub use ctx::Ctx;
pub use error::SimError;
/// The AWS API contract, re-exported so the simulator's users need one dependency.
pub use hubsim_api::{memo, model, AwsApi, AwsError, Era};
pub use registry::Handler;
pub use settings::Settings;
pub use sim::{Batch, Simulator};

/// Whether hubsim implements `operation` of `service` (`s3`, `CreateBucket`): a call to one it
/// does not implement answers `NotImplemented`.
pub fn operation_exists(service: &str, operation: &str) -> bool {
    registry::registry().get(service, operation).is_some()
}

/// Every operation the simulator implements, as (botocore service, operation, whether it
/// changes state), by service then operation.
pub fn operations() -> impl Iterator<Item = (&'static str, &'static str, bool)> {
    registry::registry().entries().map(|e| (e.service, e.name, e.mutates))
}
