//! Simulator benchmarks (issue: simulator core). Run with `cargo bench --bench simulator`.
//!
//! * `load/fresh-account-17-regions`: scenarios/fresh-account.json with all 17 default regions
//!   enabled (default VPC and friends in each; Config 1-click and Security Hub as the file has
//!   them) into `:memory:`. Target: ≤ 5 ms.
//! * `load/fresh-17-config-and-hub-everywhere`: the same with Config's 1-click and Security Hub
//!   in all 17 regions (more work than the target asks for).
//! * `s3/10k-create-and-encrypt`: 10,000 CreateBucket + PutBucketEncryption calls through the
//!   typed API on `:memory:`. Target: ≤ 1 s.

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;
#[path = "../src/allocator.rs"]
mod allocator;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_simulator::model::s3;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const FRESH_17: &str = r#"{
  "format": 1, "name": "fresh-17", "era": "2022",
  "baseline": {"preset": "fresh-account",
               "config_one_click": {"regions": ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
                 "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1", "ap-northeast-1",
                 "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"]},
               "security_hub": {"regions": ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
                 "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1", "ap-northeast-1",
                 "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"]}}
}"#;

fn load_fresh_account(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fresh-account.json");
    let mut fresh = scenario::parse(&std::fs::read_to_string(path).expect("scenario file")).expect("parses");
    fresh.account.regions = hubsim_simulator::settings::DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect();
    c.bench_function("load/fresh-account-17-regions", |b| {
        b.iter(|| {
            let sim = Simulator::in_memory().expect("database");
            scenario::load(&sim, &fresh, LoadOptions::default()).expect("loads");
            sim
        })
    });
    let s = scenario::parse(FRESH_17).expect("scenario parses");
    c.bench_function("load/fresh-17-config-and-hub-everywhere", |b| {
        b.iter(|| {
            let sim = Simulator::in_memory().expect("database");
            scenario::load(&sim, &s, LoadOptions::default()).expect("loads");
            sim
        })
    });
}

fn create_and_encrypt(sim: &Simulator, n: usize) {
    for i in 0..n {
        let bucket = format!("bench-bucket-{i:05}");
        sim.call::<s3::CreateBucket>(
            "us-east-1",
            s3::CreateBucketRequest { bucket: bucket.clone(), ..Default::default() },
        )
        .expect("create");
        let rule = s3::ServerSideEncryptionRule {
            apply_server_side_encryption_by_default: Some(s3::ServerSideEncryptionByDefault {
                sse_algorithm: "aws:kms".into(),
                kms_master_key_id: Some("alias/aws/s3".into()),
            }),
            bucket_key_enabled: Some(true),
            ..Default::default()
        };
        sim.call::<s3::PutBucketEncryption>(
            "us-east-1",
            s3::PutBucketEncryptionRequest {
                bucket,
                server_side_encryption_configuration: s3::ServerSideEncryptionConfiguration { rules: vec![rule] },
                ..Default::default()
            },
        )
        .expect("encrypt");
    }
}

fn s3_calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("s3");
    group.sample_size(10);
    group.bench_function("10k-create-and-encrypt", |b| {
        b.iter_batched(
            || fresh_account(Era::Current, &["us-east-1"]),
            |sim| create_and_encrypt(&sim, 10_000),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, load_fresh_account, s3_calls);
criterion_main!(benches);
