//! hubsim's simulated AWS account: state in SQLite, one module per AWS service with its
//! resources, operations and errors, the typed in-process API, fresh-account baselines and
//! scenario files.
//!
//! Architecture invariants (see ARCHITECTURE.md): only the store knows SQL; services know
//! nothing of HTTP; nothing here knows about Security Hub controls.
//!
//! The store, the registry of operations and the services are private: a caller sees the
//! account through [`Simulator`] (its calls, its lifecycle, its journal), the list of
//! implemented operations ([`operations`], [`operation_exists`]) and, for tests and benches,
//! the `testing` module behind the cargo feature of that name.

mod account;
pub mod api;
pub mod baseline;
pub mod catalog;
mod ctx;
pub mod error;
pub mod ids;
pub mod memo;
mod operations;
pub mod policy;
mod registry;
pub mod scenario;
mod services;
pub mod settings;
pub mod sim;
mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use api::AwsApi;
pub(crate) use ctx::Ctx;
pub use error::{AwsError, SimError};
pub use hubsim_model as model;
pub use operations::{operation_exists, operations, validation_error, OperationInfo};
pub use settings::{Era, Settings};
pub use sim::{Answer, Batch, Simulator};
pub use store::JournalEntry;
