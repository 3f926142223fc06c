//! The database's lifecycle: a file opened, saved, snapshotted and replaced by another state,
//! with the simulator handling the files (WAL included).

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::{create_bucket_request, fresh_account};
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "us-east-1";

fn buckets(sim: &Simulator) -> usize {
    sim.call::<s3::ListBuckets>(REGION, Default::default()).unwrap().buckets.unwrap_or_default().len()
}

#[test]
fn a_file_database_is_replaced_by_another_state_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    let seed = fresh_account(Era::Current, &[REGION]);
    seed.save_to(&db).unwrap();
    let live = Simulator::open(&db).unwrap();
    assert_eq!(live.path(), Some(db.as_path()));
    live.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "b-1")).unwrap();
    assert_eq!(buckets(&live), 1);

    live.replace_with(&seed).unwrap();
    assert_eq!(buckets(&live), 0);
    assert_eq!(live.run_state(), seed.run_state());
    // Nothing is left beside the file but SQLite's own (and the lock file).
    let staged = dir.path().join("state.db.hubsim-restore");
    assert!(!staged.exists());
    // The live simulator still holds its file, and keeps working on it.
    assert!(matches!(Simulator::open(&db), Err(hubsim_simulator::SimError::InUse { .. })));
    live.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "b-2")).unwrap();
    let run = live.run_state();
    drop(live);
    // The file itself holds the replaced state (b-1 gone) and what came after (b-2).
    let reopened = Simulator::open(&db).unwrap();
    let names: Vec<_> = reopened
        .call::<s3::ListBuckets>(REGION, Default::default())
        .unwrap()
        .buckets
        .unwrap_or_default()
        .into_iter()
        .filter_map(|b| b.name)
        .collect();
    assert_eq!(names, ["b-2"]);
    assert_eq!(reopened.run_state(), run);
}

#[test]
fn an_in_memory_database_is_replaced_by_a_copy() {
    let seed = fresh_account(Era::Current, &[REGION]);
    let live = seed.snapshot().unwrap();
    assert_eq!(live.path(), None);
    live.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "b-1")).unwrap();
    live.replace_with(&seed).unwrap();
    assert_eq!(buckets(&live), 0);
    // A copy, not a share: the seed is unchanged by what the live one does next.
    live.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "b-2")).unwrap();
    assert_eq!(buckets(&seed), 0);
    // Replacing a simulator by itself changes nothing.
    live.replace_with(&live).unwrap();
    assert_eq!(buckets(&live), 1);
}
