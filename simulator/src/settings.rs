//! What a state is: its era, its account and regions, and the scenario settings that later
//! stages (evaluator, remediator) read. Stored with the state in the `meta` table.

use serde::{Deserialize, Serialize};

pub use hubsim_api::Era;

/// The 17 regions enabled by default in every account: those launched before 20 March 2019
/// (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
pub const DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// Opt-in regions: they exist, start `not-opted-in`, and cannot be enabled in a scenario yet.
pub const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// Whether `region` is an AWS commercial region hubsim knows.
pub fn is_known_region(region: &str) -> bool {
    DEFAULT_REGIONS.contains(&region) || OPT_IN_REGIONS.contains(&region)
}

/// The account the state simulates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSettings {
    /// 12-digit account id.
    pub id: String,
    /// Enabled regions (each got the baseline).
    pub regions: Vec<String>,
    /// Region of steps without one; where global calls are signed.
    pub home_region: String,
    /// The organization the account belongs to, if any.
    pub organization: Option<Organization>,
}

/// AWS Organizations membership as seen from the member account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-` and 10 characters.
    pub id: String,
    /// The management account's id.
    pub management_account_id: String,
    /// The management account's email.
    pub management_account_email: String,
}

/// Everything about a state that is not a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The era.
    pub era: Era,
    /// The account.
    pub account: AccountSettings,
}

/// The state that every mutating call moves on: the scenario clock, the id generator and the
/// creation-order counter. Persisted in `meta` with each change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    /// Scenario clock, ms since the epoch.
    pub clock_ms: i64,
    /// Id generator seed.
    pub seed: u64,
    /// Ids drawn so far.
    pub ids_drawn: u64,
    /// Resources created so far (creation order).
    pub created: u64,
}
