//! Evaluator and remediator benchmarks. Run with `cargo bench --bench evaluation`.
//!
//! * `evaluate/fresh-17-regions/*`: the fresh account in all 17 default regions with Config and
//!   Security Hub on everywhere. `judge` = snapshot through the typed API + every control;
//!   `full` = also importing the findings into Security Hub and reading them back for status
//!   and score (what `hubsim evaluate` does). Target: ≤ 10 ms.
//! * `evaluate/buckets-{1000,10000}/*`: one region with N buckets. Target: 10k ≤ 1 s; cost
//!   linear (compare the two).
//! * `evaluate/vpcs-1000/*`: one region with 1,000 VPCs.
//! * `remediate/fresh-account`: load → evaluate → remediate → evaluate of scenarios/fresh-account.json.
//!   Target: ≤ 20 ms.
//! * `remediate/generated-account`: one generated account (2 regions, 8 buckets with mixed
//!   encryption, policies, logging and lifecycle, an extra VPC with an open NACL, a trail, a
//!   topic) loaded and remediated to convergence (the account this bench has always used).
//! * `remediate/issue-account`: one account of the size the remediator issue defines, drawn
//!   from the property tests' generator (`tests/support/generate.rs`: 1–3 regions, up to 20
//!   buckets, 5 VPCs, SG/NACL entries, 3 trails, 5 topics, 3 keys, both eras) with a fixed seed,
//!   loaded and remediated to convergence, one thread.
//! * `remediate/1000-issue-accounts-2-threads`: the issue's "1,000 accounts" figure (target
//!   ≤ 10 s on this 2-core machine): a fixed-seed pool of generated accounts run to convergence
//!   by one thread per core, each account in its own simulator. Each sample runs 200 accounts in
//!   one go (the pool five times over) and the reported time is scaled to 1,000 accounts (× 5).

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;
#[path = "../src/allocator.rs"]
mod allocator;

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hubsim_checks::{evaluate, snapshot::Snapshot, Settings};
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_simulator::model::{ec2, s3};
use hubsim_simulator::{AwsApi, Era, Simulator};

const ACCOUNT: &str = "123456789012";

/// The property tests' account generator (a proptest strategy); the bench samples it with a
/// fixed seed, so it measures the accounts the issue means.
#[allow(dead_code)]
#[path = "../tests/support/generate.rs"]
mod generate;
/// Its DynamoDB tables and Secrets Manager secrets (issue 16).
#[allow(dead_code)]
#[path = "../tests/support/generate_dynamodb.rs"]
mod generate_dynamodb;
#[allow(dead_code)]
#[path = "../tests/support/generate_ecr.rs"]
mod generate_ecr;
/// Its load balancers (ALBs, NLBs, Classic Load Balancers).
#[allow(dead_code)]
#[path = "../tests/support/generate_elb.rs"]
mod generate_elb;
#[allow(dead_code)]
#[path = "../tests/support/generate_iam_credentials.rs"]
mod generate_iam_credentials;
/// The generator's IAM part (users, groups, customer managed policies), which `generate` names
/// as its sibling.
#[allow(dead_code)]
#[path = "../tests/support/generate_iam_policies.rs"]
mod generate_iam_policies;
#[allow(dead_code)]
#[path = "../tests/support/generate_instances.rs"]
mod generate_instances;
/// Its keys, queues and KMS-related policies part (issue 15).
#[allow(dead_code)]
#[path = "../tests/support/generate_keys.rs"]
mod generate_keys;
/// Its Lambda functions and ECR repositories (issue 16).
#[allow(dead_code)]
#[path = "../tests/support/generate_lambda.rs"]
mod generate_lambda;
#[allow(dead_code)]
#[path = "../tests/support/generate_misc.rs"]
mod generate_misc;
/// Its CloudWatch.1–14 part (filters, alarms, topics, subscriptions).
#[allow(dead_code)]
#[path = "../tests/support/generate_monitoring.rs"]
mod generate_monitoring;
/// Its EC2 network part (world-open rules, custom NACLs, transit gateways).
#[allow(dead_code)]
#[path = "../tests/support/generate_network.rs"]
mod generate_network;
/// Its RDS part (instances, snapshots, event subscriptions; issue 16).
#[allow(dead_code)]
#[path = "../tests/support/generate_rds.rs"]
mod generate_rds;
/// Its S3 access part (ACL grants, cross-account policies, versioning, access points).
#[allow(dead_code)]
#[path = "../tests/support/generate_s3_access.rs"]
mod generate_s3_access;
#[allow(dead_code)]
#[path = "../tests/support/generate_secrets.rs"]
mod generate_secrets;
/// Its Systems Manager part (managed instances, compliance data, shared documents).
#[allow(dead_code)]
#[path = "../tests/support/generate_ssm.rs"]
mod generate_ssm;
/// Its GuardDuty plans, launch templates and Spot Fleet requests.
#[allow(dead_code)]
#[path = "../tests/support/generate_templates.rs"]
mod generate_templates;
/// Its Site-to-Site VPN part (tunnels up or down, logging or not).
#[allow(dead_code)]
#[path = "../tests/support/generate_vpn.rs"]
mod generate_vpn;

fn world(regions: &[&str], era: &str) -> Simulator {
    let list = regions.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(",");
    let text = format!(
        r#"{{"format": 1, "name": "bench", "era": "{era}", "account": {{"regions": [{list}], "home_region": "{}"}},
            "baseline": {{"preset": "fresh-account",
                         "config_one_click": {{"regions": [{list}], "include_global_resource_types": true}},
                         "security_hub": {{"regions": [{list}]}}}}}}"#,
        regions[0]
    );
    let sim = Simulator::in_memory().expect("database");
    scenario::load(&sim, &scenario::parse(&text).expect("parses"), LoadOptions::default()).expect("loads");
    sim
}

fn judge(sim: &Simulator, home: &str) -> usize {
    let snap = Snapshot::fetch(sim, ACCOUNT, home).expect("snapshot");
    let runs = evaluate::run(&snap, &Settings { era: Era::Current, ..Default::default() });
    runs.iter().map(|r| r.controls.iter().map(|c| c.verdicts.len()).sum::<usize>()).sum()
}

fn full(sim: &Simulator, home: &str) -> usize {
    let settings = Settings { era: Era::Current, ..Default::default() };
    let report =
        hubsim_checks::evaluate_account(sim, ACCOUNT, home, &settings, &[], "2026-01-01T00:00:00Z").expect("evaluates");
    report.findings.len()
}

fn with_buckets(n: usize) -> Simulator {
    let sim = world(&["us-east-1"], "current");
    for i in 0..n {
        sim.call::<s3::CreateBucket>(
            "us-east-1",
            s3::CreateBucketRequest { bucket: format!("bench-{i:05}"), ..Default::default() },
        )
        .expect("bucket");
    }
    sim
}

fn with_vpcs(n: usize) -> Simulator {
    let sim = world(&["us-east-1"], "current");
    for i in 0..n {
        let cidr = format!("10.{}.{}.0/24", i / 256, i % 256);
        sim.call::<ec2::CreateVpc>("us-east-1", ec2::CreateVpcRequest { cidr_block: Some(cidr), ..Default::default() })
            .expect("vpc");
    }
    sim
}

fn evaluation(c: &mut Criterion) {
    let regions = hubsim_simulator::settings::DEFAULT_REGIONS;
    let fresh = world(regions, "current");
    let mut g = c.benchmark_group("evaluate");
    g.sample_size(20);
    g.bench_function("fresh-17-regions/judge", |b| b.iter(|| black_box(judge(&fresh, "us-east-1"))));
    g.bench_function("fresh-17-regions/full", |b| b.iter(|| black_box(full(&fresh, "us-east-1"))));
    for n in [1_000usize, 10_000] {
        let sim = with_buckets(n);
        g.sample_size(10);
        g.bench_function(format!("buckets-{n}/judge"), |b| b.iter(|| black_box(judge(&sim, "us-east-1"))));
        g.bench_function(format!("buckets-{n}/full"), |b| b.iter(|| black_box(full(&sim, "us-east-1"))));
    }
    let vpcs = with_vpcs(1_000);
    g.bench_function("vpcs-1000/judge", |b| b.iter(|| black_box(judge(&vpcs, "us-east-1"))));
    g.bench_function("vpcs-1000/full", |b| b.iter(|| black_box(full(&vpcs, "us-east-1"))));
    g.finish();
}

fn mission(name: &str) -> scenario::Scenario {
    let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    scenario::parse(&std::fs::read_to_string(path).expect("scenario file")).expect("parses")
}

fn remediation(c: &mut Criterion) {
    let s = mission("fresh-account");
    // Issue 16's account: a load balancer, a database, a function, a table, a secret and a
    // repository beside the fresh account's resources.
    let production = mission("production-like-account");
    let mut g = c.benchmark_group("remediate");
    g.sample_size(20);
    g.bench_function("fresh-account", |b| {
        b.iter_batched(|| s.clone(), |s| load_and_remediate(&s), BatchSize::SmallInput)
    });
    g.bench_function("production-like-account", |b| {
        b.iter_batched(|| production.clone(), |s| load_and_remediate(&s), BatchSize::SmallInput)
    });
    g.finish();
    let mut g = c.benchmark_group("load");
    g.sample_size(20);
    g.bench_function("production-like-account", |b| {
        b.iter(|| {
            let sim = Simulator::in_memory().expect("database");
            scenario::load(&sim, &production, LoadOptions::default()).expect("loads");
            black_box(sim)
        })
    });
    g.finish();
}

/// A generated account in the issue's size range, varied by `seed`.
fn generated(seed: usize) -> scenario::Scenario {
    use serde_json::json;
    let regions = ["us-east-1", "eu-west-1"];
    let mut steps = Vec::new();
    for i in 0..8 {
        let region = regions[(seed + i) % 2];
        let name = format!("gen-{seed}-bucket-{i}");
        let mut input = json!({"Bucket": name});
        if region != "us-east-1" {
            input["CreateBucketConfiguration"] = json!({"LocationConstraint": region});
        }
        steps.push(json!({"call": "s3:CreateBucket", "region": region, "input": input}));
        if (seed + i).is_multiple_of(3) {
            let policy = json!({"Statement": [{"Sid": "NoDelete", "Effect": "Deny", "Principal": "*",
                "Action": "s3:DeleteBucket", "Resource": format!("arn:aws:s3:::{name}")}]});
            steps.push(json!({"call": "s3:PutBucketPolicy", "region": region,
                "input": {"Bucket": name, "Policy": policy.to_string()}}));
        }
        if (seed + i) % 4 == 1 {
            steps.push(json!({"call": "s3:PutBucketLifecycleConfiguration", "region": region,
                "input": {"Bucket": name, "LifecycleConfiguration": {"Rules": [
                    {"ID": "old", "Status": "Disabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 7}}]}}}));
        }
    }
    steps.push(json!({"call": "ec2:CreateVpc", "input": {"CidrBlock": "10.0.0.0/16"}, "as": "vpc"}));
    steps.push(json!({"call": "ec2:CreateSubnet",
        "input": {"VpcId": "${vpc.Vpc.VpcId}", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"}}));
    steps.push(json!({"call": "ec2:CreateNetworkAcl", "input": {"VpcId": "${vpc.Vpc.VpcId}"}, "as": "acl"}));
    steps.push(json!({"call": "ec2:CreateNetworkAclEntry", "input": {"NetworkAclId": "${acl.NetworkAcl.NetworkAclId}",
        "RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0",
        "PortRange": {"From": 0, "To": 65535}}}));
    steps.push(json!({"call": "sns:CreateTopic", "input": {"Name": "alerts"}}));
    let doc = json!({
        "format": 1, "name": format!("generated-{seed}"), "era": if seed.is_multiple_of(2) { "2022" } else { "current" },
        "account": {"regions": regions},
        "baseline": {"config_one_click": {"regions": regions}, "security_hub": {"regions": regions}},
        "steps": steps,
    });
    scenario::parse(&doc.to_string()).expect("generated scenario parses")
}

fn generated_accounts(c: &mut Criterion) {
    let mut g = c.benchmark_group("remediate");
    g.sample_size(10);
    let mut seed = 0;
    g.bench_function("generated-account", |b| {
        b.iter_batched(
            || {
                seed += 1;
                generated(seed)
            },
            |s| load_and_remediate(&s),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// `n` accounts from the property tests' generator, always the same ones (fixed seed).
fn issue_accounts(n: usize) -> Vec<scenario::Scenario> {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let plans = generate::plan();
    (0..n).map(|_| plans.new_tree(&mut runner).expect("a generated plan").current().scenario()).collect()
}

/// Loads `s` into a fresh simulator and remediates it; the number of calls made.
/// Loads `s` and remediates it to convergence (a run that does not converge fails the bench
/// rather than counting as fast); the transcript's length.
fn load_and_remediate(s: &scenario::Scenario) -> usize {
    let sim = Simulator::in_memory().expect("database");
    scenario::load(&sim, s, LoadOptions::default()).expect("loads");
    let outcome = hubsim_scenario::runner::remediate(&sim, Default::default()).expect("remediates");
    assert!(outcome.converged, "remediation of {} did not converge", s.name);
    outcome.transcript.len()
}

/// Runs `runs` accounts, going round `pool`, to convergence on `threads` threads; the wall time.
fn run_pool(pool: &[scenario::Scenario], runs: usize, threads: usize) -> Duration {
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= runs {
                    break;
                }
                black_box(load_and_remediate(&pool[i % pool.len()]));
            });
        }
    });
    start.elapsed()
}

fn issue_sized_accounts(c: &mut Criterion) {
    const POOL: usize = 40;
    // Accounts per sample, in one go: like the 1,000 the figure is about, a run has one tail
    // (one thread finishing the last account alone), not one per pass over the pool.
    const RUNS: usize = 200;
    let pool = issue_accounts(POOL);
    let mut g = c.benchmark_group("remediate");
    g.sample_size(10);
    let mut i = 0;
    g.bench_function("issue-account", |b| {
        b.iter_batched(
            || {
                i += 1;
                pool[i % POOL].clone()
            },
            |s| load_and_remediate(&s),
            BatchSize::SmallInput,
        )
    });
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(2);
    g.bench_function(format!("1000-issue-accounts-{threads}-threads"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                total += run_pool(&pool, RUNS, threads) * (1000 / RUNS) as u32;
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, evaluation, remediation, generated_accounts, issue_sized_accounts);
criterion_main!(benches);
