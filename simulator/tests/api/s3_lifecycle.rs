//! S3 lifecycle configurations.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "us-east-1";

fn setup() -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call::<s3::CreateBucket>(REGION, s3::CreateBucketRequest { bucket: "lc-bucket".into(), ..Default::default() })
        .unwrap();
    sim
}

fn expire(id: Option<&str>, days: i32) -> s3::LifecycleRule {
    s3::LifecycleRule {
        id: id.map(str::to_string),
        status: "Enabled".into(),
        filter: Some(s3::LifecycleRuleFilter { prefix: Some("tmp/".into()), ..Default::default() }),
        expiration: Some(s3::LifecycleExpiration { days: Some(days), ..Default::default() }),
        ..Default::default()
    }
}

fn put(sim: &Simulator, rules: Vec<s3::LifecycleRule>) -> Result<s3::PutBucketLifecycleConfigurationOutput, AwsError> {
    sim.call::<s3::PutBucketLifecycleConfiguration>(
        REGION,
        s3::PutBucketLifecycleConfigurationRequest {
            bucket: "lc-bucket".into(),
            lifecycle_configuration: Some(s3::BucketLifecycleConfiguration { rules }),
            ..Default::default()
        },
    )
}

fn get(sim: &Simulator) -> Result<s3::GetBucketLifecycleConfigurationOutput, AwsError> {
    sim.call::<s3::GetBucketLifecycleConfiguration>(
        REGION,
        s3::GetBucketLifecycleConfigurationRequest { bucket: "lc-bucket".into(), ..Default::default() },
    )
}

#[test]
fn put_get_delete() {
    let sim = setup();
    let err = get(&sim).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NoSuchLifecycleConfiguration", 404));
    let abort = s3::LifecycleRule {
        id: None,
        status: "Disabled".into(),
        filter: Some(s3::LifecycleRuleFilter::default()),
        abort_incomplete_multipart_upload: Some(s3::AbortIncompleteMultipartUpload { days_after_initiation: Some(7) }),
        ..Default::default()
    };
    let out = put(&sim, vec![expire(Some("expire-tmp"), 30), abort]).unwrap();
    assert_eq!(out.transition_default_minimum_object_size.as_deref(), Some("all_storage_classes_128K"));
    let got = get(&sim).unwrap();
    assert_eq!(got.transition_default_minimum_object_size.as_deref(), Some("all_storage_classes_128K"));
    let rules = got.rules.unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].id.as_deref(), Some("expire-tmp"));
    assert_eq!(rules[0].expiration.as_ref().unwrap().days, Some(30));
    // S3 names a rule put without an ID.
    assert!(rules[1].id.as_deref().is_some_and(|id| !id.is_empty()));
    assert_eq!(rules[1].status, "Disabled");
    sim.call::<s3::DeleteBucketLifecycle>(
        REGION,
        s3::DeleteBucketLifecycleRequest { bucket: "lc-bucket".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(get(&sim).unwrap_err().code, "NoSuchLifecycleConfiguration");
}

#[test]
fn validation_errors_change_nothing() {
    let sim = setup();
    put(&sim, vec![expire(Some("keep"), 10)]).unwrap();
    let code = |r: Result<s3::PutBucketLifecycleConfigurationOutput, AwsError>| r.unwrap_err().code;
    assert_eq!(code(put(&sim, vec![expire(Some("dup"), 1), expire(Some("dup"), 2)])), "InvalidArgument");
    assert_eq!(code(put(&sim, vec![expire(Some("zero"), 0)])), "InvalidArgument");
    let no_action = s3::LifecycleRule {
        id: Some("idle".into()),
        status: "Enabled".into(),
        filter: Some(s3::LifecycleRuleFilter::default()),
        ..Default::default()
    };
    assert_eq!(code(put(&sim, vec![no_action])), "MalformedXML");
    let mut bad_status = expire(Some("s"), 5);
    bad_status.status = "On".into();
    // The model's enum catches it first, as S3's schema would.
    assert!(matches!(code(put(&sim, vec![bad_status])).as_str(), "InvalidArgument" | "MalformedXML"));
    let too_soon = s3::LifecycleRule {
        id: Some("ia".into()),
        status: "Enabled".into(),
        filter: Some(s3::LifecycleRuleFilter::default()),
        transitions: Some(vec![s3::Transition {
            days: Some(5),
            storage_class: Some("STANDARD_IA".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    assert_eq!(code(put(&sim, vec![too_soon])), "InvalidArgument");
    let many: Vec<s3::LifecycleRule> = (0..1001).map(|i| expire(Some(&format!("r{i}")), 1)).collect();
    assert_eq!(code(put(&sim, many)), "InvalidArgument");
    assert_eq!(code(put(&sim, vec![])), "MalformedXML");
    let rules = get(&sim).unwrap().rules.unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].id.as_deref(), Some("keep"));
    let missing = s3::GetBucketLifecycleConfigurationRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(sim.call::<s3::GetBucketLifecycleConfiguration>(REGION, missing).unwrap_err().code, "NoSuchBucket");
}

#[test]
fn json_path() {
    let sim = setup();
    sim.call_json(
        REGION,
        "s3",
        "PutBucketLifecycleConfiguration",
        serde_json::json!({
            "Bucket": "lc-bucket",
            "LifecycleConfiguration": {"Rules": [{
                "ID": "glacier", "Status": "Enabled", "Filter": {"Prefix": ""},
                "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30}
            }]}
        }),
    )
    .unwrap();
    let out = sim
        .call_json(REGION, "s3", "GetBucketLifecycleConfiguration", serde_json::json!({"Bucket": "lc-bucket"}))
        .unwrap();
    assert_eq!(out["Rules"][0]["Transitions"][0]["StorageClass"], "GLACIER");
    assert_eq!(out["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K");
}
