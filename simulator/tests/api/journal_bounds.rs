//! What the journal keeps: a refused call's row is a bounded summary, whatever the client sent.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::{initialize, settings};
use hubsim_simulator::{AwsApi, Era, Simulator, REFUSAL_KEPT};

const REGION: &str = "us-east-1";

/// Bytes of the database file and its write-ahead log.
fn file_bytes(path: &std::path::Path) -> u64 {
    let wal = path.with_extension("db-wal");
    [path, wal.as_path()].iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

/// A 10 MiB bucket policy AWS refuses (no such bucket): the journal row records the refusal
/// with the input's length and its first KiB, and the file grows by a few pages, not 10 MiB.
#[test]
fn a_refused_10_mib_input_adds_a_bounded_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    let sim = Simulator::open(&path).expect("database");
    initialize(&sim, settings(Era::Current, &[REGION]), &Default::default()).expect("baseline");
    // A call first, so the file holds its usual pages before the refusals are measured.
    sim.call::<s3::CreateBucket>(REGION, s3::CreateBucketRequest { bucket: "kept".into(), ..Default::default() })
        .expect("bucket");
    let before = file_bytes(&path);
    let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}"}}]}}"#, "é".repeat(5 << 20));
    assert!(policy.len() > 10 << 20);
    for _ in 0..3 {
        let refused = sim.call::<s3::PutBucketPolicy>(
            REGION,
            s3::PutBucketPolicyRequest { bucket: "missing".into(), policy: policy.clone(), ..Default::default() },
        );
        assert_eq!(refused.expect_err("no such bucket").code, "NoSuchBucket");
    }
    let grown = file_bytes(&path) - before;
    assert!(grown < 64 * 1024, "three refusals grew the file by {grown} bytes");
    let journal = sim.journal().expect("journal");
    assert_eq!(journal.len(), 4, "the bucket and the three refusals");
    let row = &journal[3];
    assert!(row.error.as_deref().is_some_and(|e| e.starts_with("NoSuchBucket")), "{:?}", row.error);
    let summary = &row.input["hubsim:truncated"];
    let input_text = serde_json::to_string(&s3::PutBucketPolicyRequest {
        bucket: "missing".into(),
        policy: policy.clone(),
        ..Default::default()
    })
    .expect("json");
    assert_eq!(summary["bytes"].as_u64(), Some(input_text.len() as u64));
    let head = summary["head"].as_str().expect("head");
    assert!(head.len() <= REFUSAL_KEPT && head.len() > REFUSAL_KEPT - 4, "{} bytes", head.len());
    assert!(input_text.starts_with(head), "the head is the input's start");
    assert!(serde_json::to_string(&row.input).expect("json").len() < 4 * REFUSAL_KEPT);
}

/// A refusal of an ordinary input keeps the input whole, as before; a success always does,
/// whatever its size (export replays it).
#[test]
fn small_refusals_and_successes_keep_their_whole_input() {
    let sim = hubsim_simulator::testing::fresh_account(Era::Current, &[REGION]);
    let refused = sim
        .call::<s3::DeleteBucket>(REGION, s3::DeleteBucketRequest { bucket: "missing".into(), ..Default::default() });
    assert!(refused.is_err());
    sim.call::<s3::CreateBucket>(REGION, s3::CreateBucketRequest { bucket: "bucket-b".into(), ..Default::default() })
        .expect("bucket");
    let statements: Vec<String> = (0..20)
        .map(|i| {
            format!(
                r#"{{"Sid":"DenyPlainHttp{i}","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-b/*","Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}"#
            )
        })
        .collect();
    let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    assert!(policy.len() > 2 * REFUSAL_KEPT);
    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: "bucket-b".into(), policy: policy.clone(), ..Default::default() },
    )
    .expect("policy");
    let journal = sim.journal().expect("journal");
    assert_eq!(journal.len(), 3);
    assert_eq!(journal[0].input["Bucket"], "missing");
    assert_eq!(journal[1].input["Bucket"], "bucket-b");
    assert_eq!(journal[2].input["Policy"], policy.as_str());
}
