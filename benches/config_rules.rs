//! AWS Config rule benchmarks (issue 21). Run with `cargo bench --bench config_rules`.
//!
//! * `config_rules/guard-10k-buckets`: the Guard example (examples/rules/
//!   bucket_protected.guard) run by cfn-guard on 10,000 buckets' configuration items, half of
//!   them versioned: what one evaluation of a rule over a large account costs.
//! * `config_rules/items-10k-buckets`: building those 10,000 configuration items from the
//!   simulated state.

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;
#[path = "../src/allocator.rs"]
mod allocator;

use criterion::{criterion_group, criterion_main, Criterion};
use hubsim_simulator::model::s3;
use hubsim_simulator::testing::{create_bucket_request, fresh_account};
use hubsim_simulator::{guard, AwsApi, Era, Simulator};
use serde_json::{json, Value};

const REGION: &str = "us-east-1";
const BUCKETS: usize = 10_000;

fn world() -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION]);
    for i in 0..BUCKETS {
        let name = format!("bench-bucket-{i:05}");
        sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, &name)).expect("bucket");
        if i % 2 == 0 {
            let versioning = s3::VersioningConfiguration { status: Some("Enabled".into()), mfa_delete: None };
            sim.call::<s3::PutBucketVersioning>(
                REGION,
                s3::PutBucketVersioningRequest {
                    bucket: name,
                    versioning_configuration: versioning,
                    ..Default::default()
                },
            )
            .expect("versioning");
        }
    }
    sim
}

fn bench(c: &mut Criterion) {
    let sim = world();
    let policy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/rules/bucket_protected.guard"))
        .expect("example policy");
    let items: Vec<Value> = sim
        .configuration_items(&json!({}))
        .expect("items")
        .into_iter()
        .filter(|i| i["resourceType"] == "AWS::S3::Bucket")
        .collect();
    assert_eq!(items.len(), BUCKETS);
    let mut group = c.benchmark_group("config_rules");
    group.sample_size(10);
    group.bench_function("guard-10k-buckets", |b| {
        b.iter(|| {
            let failing = items
                .iter()
                .filter(|i| guard::evaluate(&policy, i).expect("evaluates").compliance == "NON_COMPLIANT")
                .count();
            assert_eq!(failing, BUCKETS);
        })
    });
    group.bench_function("items-10k-buckets", |b| b.iter(|| sim.configuration_items(&json!({})).expect("items").len()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
