//! Building worlds for tests: an initialized simulator with a baseline, in a few lines.

use crate::baseline::{self, BaselineSpec};
use crate::error::AwsError;
use crate::settings::{AccountSettings, Era, Organization, Settings};
use crate::sim::Simulator;

/// The account id tests use.
pub const ACCOUNT: &str = "123456789012";

/// Settings for a test account in `regions` (the first is home).
pub fn settings(era: Era, regions: &[&str]) -> Settings {
    Settings {
        era,
        account: AccountSettings {
            id: ACCOUNT.to_string(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            home_region: regions.first().copied().unwrap_or("us-east-1").to_string(),
            organization: Some(Organization {
                id: "o-exampleorg1".into(),
                management_account_id: "210987654321".into(),
                management_account_email: "management@example.com".into(),
            }),
        },
    }
}

/// Initializes `sim` with `settings` and `baseline` in one transaction.
pub fn initialize(sim: &Simulator, settings: Settings, baseline: &BaselineSpec) -> Result<(), AwsError> {
    let start = settings.era.default_start();
    sim.transaction(|batch| baseline::create_account(batch, settings, start, baseline))
}

/// An in-memory simulator holding a fresh account in `regions` of `era`.
pub fn fresh_account(era: Era, regions: &[&str]) -> Simulator {
    world(era, regions, &BaselineSpec::default())
}

/// An in-memory simulator with `baseline`. Panics on failure: for tests only.
pub fn world(era: Era, regions: &[&str], baseline: &BaselineSpec) -> Simulator {
    let sim = Simulator::in_memory().expect("in-memory database");
    initialize(&sim, settings(era, regions), baseline).expect("baseline applies");
    sim
}

/// The `CreateBucket` request for bucket `name` in `region`, with the location constraint S3
/// wants outside us-east-1 (and refuses in it).
pub fn create_bucket_request(region: &str, name: &str) -> hubsim_model::s3::CreateBucketRequest {
    use hubsim_model::s3;
    s3::CreateBucketRequest {
        bucket: name.into(),
        create_bucket_configuration: (region != "us-east-1")
            .then(|| s3::CreateBucketConfiguration { location_constraint: Some(region.into()), ..Default::default() }),
        ..Default::default()
    }
}

/// The store's own functions, which the store benchmark measures directly (a store of bucket
/// documents, without the call path around it).
pub mod store {
    pub use crate::store::{get, list, open, put, scan_after, Db, Docs, Resource};
}

pub use crate::services::iam::RootState;
pub use crate::services::s3::{canonical_user_id, Bucket};
pub use crate::services::securityhub::securityhub_product_arn;

/// Runs `f` on the account of `sim` in `region`, as a handler would (in a transaction).
fn with_ctx<T>(
    sim: &Simulator,
    region: &str,
    f: impl FnOnce(&mut crate::Ctx<'_>) -> Result<T, AwsError>,
) -> Result<T, AwsError> {
    sim.transaction(|batch| batch.with_ctx(region, f))
}

/// The root user's password and MFA, as IAM keeps them.
pub fn root_state(sim: &Simulator, region: &str) -> Result<RootState, AwsError> {
    with_ctx(sim, region, |ctx| crate::services::iam::root_state(ctx))
}

/// The role whose ARN is exactly `arn`, as other services find a role they are given.
pub fn role_by_arn(sim: &Simulator, region: &str, arn: &str) -> Result<Option<hubsim_model::iam::Role>, AwsError> {
    with_ctx(sim, region, |ctx| crate::services::iam::role_by_arn(ctx, arn))
}

/// The policy of the topic `topic_arn` (in its ARN's region), as other services read it.
pub fn topic_policy(sim: &Simulator, region: &str, topic_arn: &str) -> Result<Option<String>, AwsError> {
    with_ctx(sim, region, |ctx| crate::services::sns::topic_policy(ctx, topic_arn))
}
