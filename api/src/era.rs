//! [`Era`]: which of Security Hub's worlds a state lives in.

use serde::{Deserialize, Serialize};

/// Which Security Hub world the state lives in. AWS changed since 2022: new S3 buckets are
/// encrypted (SSE-S3) and block public access by default since 2023, some controls were retired
/// or left the standards, and controls without resources now give an account-level PASSED
/// finding. The baseline, the bucket defaults and the control catalogue follow the era.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Era {
    /// The blog's world: a fresh account in 2022. New buckets have no default encryption and
    /// no bucket-level Block Public Access; ACLs are enabled.
    #[serde(rename = "2022")]
    Y2022,
    /// Today's AWS: SSE-S3 and Block Public Access on new buckets, the current catalogue.
    #[default]
    #[serde(rename = "current")]
    Current,
}

impl Era {
    /// `2022` or `current`, as scenario files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Era::Y2022 => "2022",
            Era::Current => "current",
        }
    }

    /// The scenario clock's default start: 2022-06-01 for the blog's era, 2026-01-01 today.
    pub fn default_start(self) -> hubsim_model::Timestamp {
        match self {
            Era::Y2022 => hubsim_model::Timestamp(1_654_041_600_000),
            Era::Current => hubsim_model::Timestamp(1_767_225_600_000),
        }
    }
}
