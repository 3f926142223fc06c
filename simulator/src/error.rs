//! Errors: [`AwsError`] (from `hubsim-api`) is what an operation answers when AWS would refuse
//! the call (a code a real client understands, an HTTP status, a message); [`SimError`] is
//! everything else that can go wrong in the simulator itself (the database, a corrupt state).

use thiserror::Error;

pub use hubsim_api::AwsError;

/// A failure of the simulator itself, not an AWS answer.
#[derive(Debug, Error)]
pub enum SimError {
    /// The database could not be opened, read or written.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The database was written by a newer hubsim, or holds data hubsim cannot read.
    #[error("database is not a usable hubsim state: {0}")]
    Corrupt(String),
    /// A stored document failed to (de)serialize.
    #[error("stored document is invalid: {0}")]
    Document(#[from] serde_json::Error),
    /// The database file is open in another process, or already in this one: a file is held
    /// by one simulator at a time (see `hubsim_simulator::sim::Simulator::open`).
    #[error(
        "{} is in use by {holder}; a database is open in one hubsim process at a time (stop that one, or use another file)",
        path.display()
    )]
    InUse {
        /// The database file.
        path: std::path::PathBuf,
        /// Who holds it: its command line and pid, as its lock file records them.
        holder: String,
    },
    /// A database file could not be removed or replaced.
    #[error("could not {action} {}: {source}", path.display())]
    File {
        /// What was being done (`remove`, `replace`, `lock`, ...).
        action: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

impl From<SimError> for AwsError {
    fn from(e: SimError) -> Self {
        AwsError::internal(e.to_string())
    }
}
