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

fn names(api: &impl AwsApi) -> Vec<String> {
    let out = api.call::<s3::ListBuckets>(REGION, Default::default()).unwrap();
    out.buckets.unwrap_or_default().into_iter().filter_map(|b| b.name).collect()
}

/// A read view of a file database is the account as it was when the view was made, whatever
/// is written after, and it holds no lock: another thread's writes go on while it is open (if
/// the view kept the simulator's lock, the writer below would wait until the view is dropped,
/// which happens only after the writer is done).
#[test]
fn a_read_view_is_a_consistent_state_and_holds_no_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    fresh_account(Era::Current, &[REGION]).save_to(&db).unwrap();
    let sim = std::sync::Arc::new(Simulator::open(&db).unwrap());
    sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "before")).unwrap();
    let clock = sim.run_state().unwrap().clock_ms;

    let view = sim.read_view().unwrap();
    assert_eq!(names(&view), ["before"]);
    let writer = {
        let sim = sim.clone();
        std::thread::spawn(move || {
            for name in ["after-1", "after-2"] {
                sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, name)).unwrap();
            }
            sim.call::<s3::DeleteBucket>(
                REGION,
                s3::DeleteBucketRequest { bucket: "before".into(), ..Default::default() },
            )
            .unwrap();
        })
    };
    writer.join().expect("the writer finished while the view was open");
    // The view still sees the state it began with; the simulator sees the writes.
    assert_eq!(names(&view), ["before"]);
    assert_eq!(names(&*sim), ["after-1", "after-2"]);
    assert!(sim.run_state().unwrap().clock_ms > clock);

    // A write through the view goes through the simulator; the view then sees the account as
    // of after it (its own write, and the others' before it).
    view.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "through-view")).unwrap();
    assert_eq!(names(&*sim), ["after-1", "after-2", "through-view"]);
    assert_eq!(names(&view), ["after-1", "after-2", "through-view"]);
    drop(view);
    // A view made now sees the writes.
    assert_eq!(names(&sim.read_view().unwrap()), ["after-1", "after-2", "through-view"]);
}

/// An in-memory database's view is a copy: consistent the same way.
#[test]
fn an_in_memory_read_view_is_a_copy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "before")).unwrap();
    let view = sim.read_view().unwrap();
    sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "after")).unwrap();
    assert_eq!(names(&view), ["before"]);
    assert_eq!(names(&sim), ["after", "before"]);
}
