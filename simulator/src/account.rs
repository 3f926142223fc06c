//! What an account starts as, in terms the services share with the baselines above them (the
//! baselines build accounts out of the services' operations; the services must not reach up).

use serde::{Deserialize, Serialize};

/// Which baseline to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Preset {
    /// A member account just created by AWS Organizations.
    #[default]
    #[serde(rename = "fresh-account")]
    FreshAccount,
    /// Nothing but the account and its root user.
    #[serde(rename = "empty")]
    Empty,
}
