//! hubsim's simulated AWS account: state in SQLite, one module per AWS service with its
//! resources, operations and errors, the typed in-process API (the [`AwsApi`] of `hubsim-api`)
//! and fresh-account baselines.
//!
//! Architecture invariants (see ARCHITECTURE.md): only the store knows SQL; services know
//! nothing of HTTP; nothing here knows about Security Hub controls, scenario files, their
//! expectations or the user's suppressions. The simulator depends on `hubsim-api` and the
//! models, never on the checks, the scenario layer or the server.
//!
//! The store, the registry of operations and the services are private: a caller sees the
//! account through [`Simulator`] (its calls, its lifecycle, its journal), the list of
//! implemented operations ([`operations`], [`operation_exists`]) and, for tests and benches,
//! the `testing` module behind the cargo feature of that name.

mod account;
pub mod baseline;
mod call_region;
pub mod catalog;
mod ctx;
pub mod error;
pub mod ids;
mod lock;
mod operations;
pub mod policy;
mod registry;
mod services;
pub mod settings;
pub mod sim;
mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod turns;
mod wildcard;

pub use call_region::is_global_service;
pub(crate) use ctx::Ctx;
pub use error::SimError;
/// The AWS API contract, re-exported so the simulator's users need one dependency.
pub use hubsim_api::{memo, model, AwsApi, AwsError, Era};
pub use operations::{operation_exists, operations, validation_error, OperationInfo};
/// Guard 2.x policies, run as AWS Config runs a custom policy rule on a configuration item.
pub use services::config_rules::guard;
pub use settings::Settings;
pub use sim::{Answer, Batch, ReadView, Simulator};
pub use store::{JournalEntry, REFUSAL_KEPT};
