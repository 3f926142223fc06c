//! Store-level and typed-API operations on one resource kind (S3 buckets, fully configured), the
//! layer under every request. Run with `cargo bench --bench store`.
//!
//! * `store/*`: the simulator's store (`hubsim_simulator::testing::store`): get (parsing the
//!   document, or with it known parsed), put, list and paging on a table that already holds
//!   10,000 bucket documents (each ~1 KB of JSON: encryption, a TLS-deny policy, Block Public
//!   Access, logging). `:memory:` unless the name says `file` (WAL, `synchronous=NORMAL`,
//!   as `hubsim serve` opens its database).
//! * `api/*`: the same reads and a write through the typed API (`Simulator::call`) on an
//!   account with 1,000 such buckets: input validation, the handler, the transaction and (for
//!   writes) the journal row.

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;
#[path = "../src/allocator.rs"]
mod allocator;

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hubsim_simulator::model::s3;
use hubsim_simulator::testing::store::{self, Db, Docs};
use hubsim_simulator::testing::{fresh_account, Bucket};
use hubsim_simulator::{AwsApi, Era, Simulator};
use rusqlite::Connection;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn policy(name: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    )
}

fn block_all() -> s3::PublicAccessBlockConfiguration {
    s3::PublicAccessBlockConfiguration {
        block_public_acls: Some(true),
        ignore_public_acls: Some(true),
        block_public_policy: Some(true),
        restrict_public_buckets: Some(true),
    }
}

fn encryption() -> s3::ServerSideEncryptionConfiguration {
    s3::ServerSideEncryptionConfiguration {
        rules: vec![s3::ServerSideEncryptionRule {
            apply_server_side_encryption_by_default: Some(s3::ServerSideEncryptionByDefault {
                sse_algorithm: "AES256".into(),
                kms_master_key_id: None,
            }),
            bucket_key_enabled: Some(false),
            ..Default::default()
        }],
    }
}

/// A configured bucket document, as the S3 handlers store it.
fn bucket(name: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: REGION.into(),
        encryption: Some(encryption()),
        policy: Some(policy(name)),
        public_access_block: Some(block_all()),
        logging: Some(s3::LoggingEnabled {
            target_bucket: "bench-logs".into(),
            target_prefix: format!("{name}/"),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn name(i: usize) -> String {
    format!("bench-bucket-{i:05}")
}

/// A store holding `n` bucket documents; the parsed documents are forgotten (see
/// `store::Docs`), so the first read of each parses it.
fn filled(path: &Path, n: usize) -> (Connection, Docs) {
    let conn = store::open(path).expect("store");
    let docs = Docs::default();
    conn.execute_batch("BEGIN").expect("begin");
    for i in 0..n {
        store::put(Db { conn: &conn, docs: &docs }, ACCOUNT, REGION, &name(i), i as u64, bucket(&name(i)))
            .expect("put");
    }
    conn.execute_batch("COMMIT").expect("commit");
    docs.clear();
    (conn, docs)
}

fn store_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("store");
    let (conn, docs) = filled(Path::new(":memory:"), 10_000);
    let db = Db { conn: &conn, docs: &docs };
    let doc = bucket(&name(5_000));
    g.bench_function("get-hit-of-10k-parsed", |b| {
        b.iter(|| {
            // Forgotten each time: the read finds the row and parses its text.
            docs.clear();
            black_box(store::get::<Bucket>(db, ACCOUNT, REGION, &name(5_000)).expect("get").expect("hit"))
        })
    });
    g.bench_function("get-hit-of-10k-known", |b| {
        b.iter(|| black_box(store::get::<Bucket>(db, ACCOUNT, REGION, &name(5_000)).expect("get").expect("hit")))
    });
    g.bench_function("get-miss-of-10k", |b| {
        b.iter(|| assert!(store::get::<Bucket>(db, ACCOUNT, REGION, "no-such-bucket").expect("get").is_none()))
    });
    g.bench_function("put-replace", |b| {
        b.iter(|| store::put(db, ACCOUNT, REGION, &name(5_000), 5_000, doc.clone()).expect("put"))
    });
    let mut next = 10_000;
    g.bench_function("put-new", |b| {
        b.iter(|| {
            next += 1;
            store::put(db, ACCOUNT, REGION, &name(next), next as u64, doc.clone()).expect("put")
        })
    });
    g.bench_function("scan-100-after-4k-of-10k", |b| {
        b.iter(|| {
            let mut seen = 0;
            store::scan_after::<Bucket>(db, ACCOUNT, REGION, 4_000, |_, bucket| {
                black_box(bucket);
                seen += 1;
                seen < 100
            })
            .expect("scan");
            assert_eq!(seen, 100);
        })
    });
    g.sample_size(20);
    let (small, small_docs) = filled(Path::new(":memory:"), 1_000);
    let small = Db { conn: &small, docs: &small_docs };
    g.bench_function("list-1k", |b| {
        b.iter(|| {
            let all = store::list::<Bucket>(small, ACCOUNT, REGION).expect("list");
            assert_eq!(all.len(), 1_000);
            black_box(all)
        })
    });
    g.sample_size(100);
    let dir = tempfile::tempdir().expect("temp dir");
    let (file, file_docs) = filled(&dir.path().join("store.db"), 10_000);
    let file = Db { conn: &file, docs: &file_docs };
    g.bench_function("file/get-hit-of-10k-known", |b| {
        b.iter(|| black_box(store::get::<Bucket>(file, ACCOUNT, REGION, &name(5_000)).expect("get").expect("hit")))
    });
    g.bench_function("file/put-replace", |b| {
        b.iter(|| store::put(file, ACCOUNT, REGION, &name(5_000), 5_000, doc.clone()).expect("put"))
    });
    g.finish();
}

/// An account with `n` configured buckets, built through the typed API.
fn account_with_buckets(n: usize) -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION]);
    for i in 0..n {
        let bucket = name(i);
        sim.call::<s3::CreateBucket>(REGION, s3::CreateBucketRequest { bucket: bucket.clone(), ..Default::default() })
            .expect("create");
        sim.call::<s3::PutBucketEncryption>(
            REGION,
            s3::PutBucketEncryptionRequest {
                bucket: bucket.clone(),
                server_side_encryption_configuration: encryption(),
                ..Default::default()
            },
        )
        .expect("encrypt");
        sim.call::<s3::PutBucketPolicy>(
            REGION,
            s3::PutBucketPolicyRequest { bucket: bucket.clone(), policy: policy(&bucket), ..Default::default() },
        )
        .expect("policy");
    }
    sim
}

fn api_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("api");
    let sim = account_with_buckets(1_000);
    g.bench_function("get-bucket-encryption-of-1k", |b| {
        b.iter(|| {
            let out = sim
                .call::<s3::GetBucketEncryption>(
                    REGION,
                    s3::GetBucketEncryptionRequest { bucket: name(500), ..Default::default() },
                )
                .expect("get");
            black_box(out)
        })
    });
    g.bench_function("put-public-access-block", |b| {
        b.iter(|| {
            sim.call::<s3::PutPublicAccessBlock>(
                REGION,
                s3::PutPublicAccessBlockRequest {
                    bucket: name(500),
                    public_access_block_configuration: block_all(),
                    ..Default::default()
                },
            )
            .expect("put")
        })
    });
    g.sample_size(20);
    g.bench_function("list-buckets-1k", |b| {
        b.iter(|| {
            let out = sim.call::<s3::ListBuckets>(REGION, s3::ListBucketsRequest::default()).expect("list");
            assert!(out.buckets.as_ref().map_or(0, |b| b.len()) >= 1_000);
            black_box(out)
        })
    });
    g.bench_function("create-bucket-and-delete", |b| {
        b.iter_batched(
            || (),
            |()| {
                sim.call::<s3::CreateBucket>(
                    REGION,
                    s3::CreateBucketRequest { bucket: "bench-transient".into(), ..Default::default() },
                )
                .expect("create");
                sim.call::<s3::DeleteBucket>(
                    REGION,
                    s3::DeleteBucketRequest { bucket: "bench-transient".into(), ..Default::default() },
                )
                .expect("delete")
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, store_ops, api_ops);
criterion_main!(benches);
