//! The typed API over one transaction ([`BatchApi`]): calls made through it behave and are
//! journaled as through the simulator's own API, and land together.

use hubsim_simulator::model::s3;
use hubsim_simulator::sim::BatchApi;
use hubsim_simulator::testing::{create_bucket_request, fresh_account};
use hubsim_simulator::{AwsApi, AwsError, Era, SimError, Simulator};

const REGION: &str = "ap-northeast-1";

fn create(api: &impl AwsApi, name: &str) -> Result<s3::CreateBucketOutput, AwsError> {
    api.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, name))
}

fn buckets(sim: &Simulator) -> Vec<String> {
    let out = sim.call::<s3::ListBuckets>(REGION, Default::default()).unwrap();
    out.buckets.unwrap_or_default().into_iter().filter_map(|b| b.name).collect()
}

/// (operation, error) of each journal entry.
fn journal(sim: &Simulator) -> Vec<(String, Option<String>)> {
    sim.journal().unwrap().into_iter().map(|e| (e.operation, e.error)).collect()
}

#[test]
fn calls_behave_and_are_journaled_as_through_the_simulator() {
    let direct = fresh_account(Era::Current, &[REGION]);
    let batched = fresh_account(Era::Current, &[REGION]);
    let steps = |api: &dyn Fn(&str) -> Result<s3::CreateBucketOutput, AwsError>| {
        let first = api("kept-bucket").map(|_| ());
        // A second bucket of the same name: refused, and nothing of it is kept.
        let again = api("kept-bucket").map(|_| ()).map_err(|e| e.code);
        let other = api("other-bucket").map(|_| ());
        (first, again, other)
    };
    let through_sim = steps(&|name| create(&direct, name));
    let through_batch = batched
        .transaction::<_, SimError>(|batch| {
            let api = BatchApi::new(batch);
            let out = steps(&|name| create(&api, name));
            assert!(api.run_state().is_some());
            Ok(out)
        })
        .unwrap();
    assert_eq!(through_batch, through_sim);
    assert_eq!(through_batch.1, Err("BucketAlreadyOwnedByYou".to_string()));
    assert_eq!(buckets(&batched), buckets(&direct));
    assert_eq!(journal(&batched), journal(&direct));
    assert_eq!(journal(&batched).iter().filter(|(_, e)| e.is_some()).count(), 1, "the refusal is journaled");
    assert_eq!(batched.run_state(), direct.run_state(), "the clock moved by the same calls");
}

#[test]
fn nothing_lands_when_the_batch_fails() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let before = (buckets(&sim), journal(&sim), sim.run_state());
    let result = sim.transaction::<(), SimError>(|batch| {
        let api = BatchApi::new(batch);
        create(&api, "made-then-undone").unwrap();
        Err(SimError::Corrupt("stopped halfway".into()))
    });
    assert!(result.is_err());
    assert_eq!((buckets(&sim), journal(&sim), sim.run_state()), before);
}
