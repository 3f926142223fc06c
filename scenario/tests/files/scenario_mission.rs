//! The three mission scenarios in scenarios/: they validate, load, and round-trip through
//! export byte for byte (export(load(export(S))) == export(S)), with the same state after
//! reloading.

use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_simulator::model::{cloudtrail, config, ec2, iam, s3};
use hubsim_simulator::{AwsApi, Simulator};

fn scenario_text(name: &str) -> String {
    let path = format!("{}/../scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Simulator {
    let s = scenario::parse(&scenario_text(name)).unwrap();
    scenario::validate(&s).unwrap();
    let sim = Simulator::in_memory().unwrap();
    scenario::load(&sim, &s, LoadOptions::default()).unwrap();
    sim
}

#[test]
fn mission_scenarios_round_trip_through_export() {
    for name in ["fresh-account", "half-fixed-account", "s3-9-log-bucket"] {
        let sim = load(name);
        let first = scenario::export(&sim).unwrap();
        let reloaded = Simulator::in_memory().unwrap();
        scenario::load(&reloaded, &scenario::parse(&first).unwrap(), LoadOptions::default()).unwrap();
        let second = scenario::export(&reloaded).unwrap();
        assert_eq!(first, second, "{name}: export is not stable");
        assert_eq!(sim.inventory().unwrap(), reloaded.inventory().unwrap(), "{name}");
        assert_eq!(sim.run_state(), reloaded.run_state(), "{name}: ids and clock differ after reload");
    }
}

#[test]
fn fresh_account_is_the_blogs_account() {
    let sim = load("fresh-account");
    let r = "ap-northeast-1";
    let subnets = sim.call::<ec2::DescribeSubnets>(r, Default::default()).unwrap().subnets.unwrap();
    assert_eq!(subnets.len(), 3);
    assert!(subnets.iter().all(|s| s.map_public_ip_on_launch == Some(true)));
    let recorders = sim.call::<config::DescribeConfigurationRecorders>(r, Default::default()).unwrap();
    let rec = &recorders.configuration_recorders.unwrap()[0];
    let group = rec.recording_group.as_ref().unwrap();
    assert_eq!((group.all_supported, group.include_global_resource_types), (Some(true), Some(false)));
    assert!(rec.role_arn.as_deref().unwrap().ends_with("/AWSServiceRoleForConfig"));
    let status = sim.call::<config::DescribeConfigurationRecorderStatus>(r, Default::default()).unwrap();
    assert_eq!(status.configuration_recorders_status.unwrap()[0].recording, Some(true));
    // Era 2022: the 1-click Config bucket has no default encryption and no bucket-level block.
    let enc = sim.call::<s3::GetBucketEncryption>(
        r,
        s3::GetBucketEncryptionRequest { bucket: "config-bucket-123456789012".into(), ..Default::default() },
    );
    assert_eq!(enc.unwrap_err().code, "ServerSideEncryptionConfigurationNotFoundError");
    let pab = sim.call::<s3::GetPublicAccessBlock>(
        r,
        s3::GetPublicAccessBlockRequest { bucket: "config-bucket-123456789012".into(), ..Default::default() },
    );
    assert_eq!(pab.unwrap_err().code, "NoSuchPublicAccessBlockConfiguration");
    let policy = sim.call::<iam::GetAccountPasswordPolicy>(r, Default::default());
    assert_eq!(policy.unwrap_err().code, "NoSuchEntity");
    let summary = sim.call::<iam::GetAccountSummary>(r, Default::default()).unwrap().summary_map.unwrap();
    assert_eq!(summary["AccountMFAEnabled"], 0);
    assert!(sim
        .call::<cloudtrail::DescribeTrails>(r, Default::default())
        .unwrap()
        .trail_list
        .unwrap_or_default()
        .is_empty());
}

#[test]
fn half_fixed_account_has_its_trail_logging_everywhere() {
    let sim = load("half-fixed-account");
    for r in ["ap-northeast-1", "us-east-1"] {
        let trails = sim.call::<cloudtrail::DescribeTrails>(r, Default::default()).unwrap().trail_list.unwrap();
        assert_eq!(trails.len(), 1, "{r}");
        let t = &trails[0];
        assert_eq!(t.is_multi_region_trail, Some(true));
        assert_eq!(t.home_region.as_deref(), Some("ap-northeast-1"));
        assert_eq!(t.kms_key_id, None);
        assert_eq!(t.log_file_validation_enabled, Some(false));
        assert_eq!(t.cloud_watch_logs_log_group_arn, None);
        let status = sim
            .call::<cloudtrail::GetTrailStatus>(
                r,
                cloudtrail::GetTrailStatusRequest { name: t.trail_arn.clone().unwrap() },
            )
            .unwrap();
        assert_eq!(status.is_logging, Some(true), "{r}");
    }
    let scratch = sim.call::<s3::GetBucketEncryption>(
        "ap-northeast-1",
        s3::GetBucketEncryptionRequest { bucket: "app-scratch-123456789012".into(), ..Default::default() },
    );
    assert_eq!(scratch.unwrap_err().code, "ServerSideEncryptionConfigurationNotFoundError");
    let policy = sim.call::<iam::GetAccountPasswordPolicy>("us-east-1", Default::default()).unwrap().password_policy;
    assert_eq!((policy.minimum_password_length, policy.require_symbols), (Some(8), Some(false)));
}

#[test]
fn log_bucket_scenario_logs_a_into_b() {
    let sim = load("s3-9-log-bucket");
    let r = "us-east-1";
    let a = sim
        .call::<s3::GetBucketLogging>(
            r,
            s3::GetBucketLoggingRequest { bucket: "app-data-123456789012".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(a.logging_enabled.unwrap().target_bucket, "access-logs-123456789012");
    let b = sim
        .call::<s3::GetBucketLogging>(
            r,
            s3::GetBucketLoggingRequest { bucket: "access-logs-123456789012".into(), ..Default::default() },
        )
        .unwrap();
    assert!(b.logging_enabled.is_none());
}
