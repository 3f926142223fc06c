//! Setup the modules share.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::create_bucket_request;
use hubsim_simulator::{AwsApi, Simulator};

/// Creates bucket `name` in `region` (with the location constraint S3 wants there) and, when
/// given, puts `policy` on it.
pub fn create_bucket(sim: &Simulator, region: &str, name: &str, policy: Option<String>) {
    sim.call::<s3::CreateBucket>(region, create_bucket_request(region, name)).unwrap();
    if let Some(policy) = policy {
        sim.call::<s3::PutBucketPolicy>(
            region,
            s3::PutBucketPolicyRequest { bucket: name.into(), policy, ..Default::default() },
        )
        .unwrap();
    }
}

/// Security Hub's own product ARN in `region`: the one control findings carry.
pub fn securityhub_product(region: &str) -> String {
    hubsim_simulator::testing::securityhub_product_arn(region)
}

/// The code the framework answers for Security Hub inputs the model itself rejects (enums,
/// list sizes, ranges): Security Hub's is `InvalidInputException`.
pub fn securityhub_model_code() -> String {
    hubsim_simulator::validation_error("securityhub", &[]).code
}

/// A fresh account in `home` and eu-west-1 with Security Hub enabled in `home`.
pub fn securityhub_world(home: &str) -> Simulator {
    let sim = hubsim_simulator::testing::fresh_account(hubsim_simulator::Era::Current, &[home, "eu-west-1"]);
    sim.call::<hubsim_simulator::model::securityhub::EnableSecurityHub>(home, Default::default()).unwrap();
    sim
}
