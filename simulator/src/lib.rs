//! hubsim's simulated AWS account: state in SQLite, one module per AWS service with its
//! resources, operations and errors, the typed in-process API, fresh-account baselines and
//! scenario files.
//!
//! Architecture invariants (see ARCHITECTURE.md): only [`store`] knows SQL; services know
//! nothing of HTTP; nothing here knows about Security Hub controls.

pub mod api;
pub mod baseline;
pub mod catalog;
pub mod ctx;
pub mod error;
pub mod ids;
pub mod memo;
pub mod policy;
pub mod registry;
pub mod scenario;
pub mod services;
pub mod settings;
pub mod sim;
pub mod store;
pub mod testing;

pub use api::AwsApi;
pub use ctx::Ctx;
pub use error::{AwsError, SimError};
pub use hubsim_model as model;
pub use registry::Handler;
pub use settings::{Era, Settings};
pub use sim::{Answer, Batch, Simulator};
