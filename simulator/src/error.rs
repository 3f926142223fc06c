//! Errors: [`AwsError`] is what an operation answers when AWS would refuse the call (a code a
//! real client understands, an HTTP status, a message); [`SimError`] is everything else that
//! can go wrong in the simulator itself (the database, a corrupt state).

use thiserror::Error;

/// An error as AWS returns it: the code clients match on, the HTTP status, the message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {message}")]
pub struct AwsError {
    /// The AWS error code (`NoSuchBucket`, `InvalidGroup.NotFound`, `NoSuchEntity`, ...).
    pub code: String,
    /// Human message, worded like AWS's where known.
    pub message: String,
    /// HTTP status code.
    pub status: u16,
    /// Client fault (`Sender`) or service fault (`Receiver`).
    pub sender_fault: bool,
}

impl AwsError {
    /// A client-side error with `code`, `status` and `message`.
    pub fn new(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        AwsError { code: code.into(), message: message.into(), status, sender_fault: true }
    }

    /// 400 with `code`.
    pub fn bad_request(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, 400, message)
    }

    /// 404 with `code`.
    pub fn not_found(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, 404, message)
    }

    /// 409 with `code`.
    pub fn conflict(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, 409, message)
    }

    /// A service-side failure (500). Only for states the simulator cannot read.
    pub fn internal(message: impl Into<String>) -> Self {
        AwsError { code: "InternalFailure".into(), message: message.into(), status: 500, sender_fault: false }
    }

    /// The operation exists in AWS but hubsim does not implement it.
    pub fn not_implemented(service: &str, operation: &str) -> Self {
        Self::new("NotImplemented", 501, format!("hubsim does not implement {service}:{operation} yet"))
    }
}

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
    /// A database file could not be removed or replaced.
    #[error("could not {action} {}: {source}", path.display())]
    File {
        /// What was being done (`remove`, `replace`).
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

impl From<rusqlite::Error> for AwsError {
    fn from(e: rusqlite::Error) -> Self {
        AwsError::internal(format!("database error: {e}"))
    }
}

impl From<serde_json::Error> for AwsError {
    fn from(e: serde_json::Error) -> Self {
        AwsError::internal(format!("stored document is invalid: {e}"))
    }
}
