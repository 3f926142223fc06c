//! S3 Object Lock: PutObjectLockConfiguration on a bucket created with Object Lock, on a
//! versioned existing bucket (era current), refused on an unversioned one (InvalidBucketState)
//! and on any existing bucket in era 2022, with nothing changed.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "us-east-1";

fn world(era: Era) -> Simulator {
    let sim = fresh_account(era, &[REGION]);
    for (name, lock) in [("locked", true), ("plain", false)] {
        sim.call::<s3::CreateBucket>(
            REGION,
            s3::CreateBucketRequest {
                bucket: name.into(),
                object_lock_enabled_for_bucket: Some(lock),
                ..Default::default()
            },
        )
        .unwrap();
    }
    sim
}

fn retention(mode: &str, days: Option<i32>, years: Option<i32>) -> s3::ObjectLockConfiguration {
    s3::ObjectLockConfiguration {
        object_lock_enabled: Some("Enabled".into()),
        rule: Some(s3::ObjectLockRule {
            default_retention: Some(s3::DefaultRetention { mode: Some(mode.into()), days, years }),
        }),
    }
}

fn put(sim: &Simulator, bucket: &str, config: Option<s3::ObjectLockConfiguration>) -> Result<(), AwsError> {
    sim.call::<s3::PutObjectLockConfiguration>(
        REGION,
        s3::PutObjectLockConfigurationRequest {
            bucket: bucket.into(),
            object_lock_configuration: config,
            ..Default::default()
        },
    )
    .map(|_| ())
}

fn get(sim: &Simulator, bucket: &str) -> Result<s3::ObjectLockConfiguration, AwsError> {
    sim.call::<s3::GetObjectLockConfiguration>(
        REGION,
        s3::GetObjectLockConfigurationRequest { bucket: bucket.into(), ..Default::default() },
    )
    .map(|o| o.object_lock_configuration.unwrap_or_default())
}

#[test]
fn a_locked_bucket_takes_a_default_retention() {
    let sim = world(Era::Current);
    put(&sim, "locked", Some(retention("COMPLIANCE", None, Some(1)))).unwrap();
    let got = get(&sim, "locked").unwrap();
    assert_eq!(got, retention("COMPLIANCE", None, Some(1)));
    // The versioning Object Lock turned on cannot be suspended.
    let e = sim
        .call::<s3::PutBucketVersioning>(
            REGION,
            s3::PutBucketVersioningRequest {
                bucket: "locked".into(),
                versioning_configuration: s3::VersioningConfiguration {
                    status: Some("Suspended".into()),
                    mfa_delete: None,
                },
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("InvalidBucketState", 409));
}

#[test]
fn an_unversioned_bucket_is_refused_then_accepted_once_versioned() {
    let sim = world(Era::Current);
    let e = put(&sim, "plain", Some(retention("GOVERNANCE", Some(30), None))).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("InvalidBucketState", 409));
    assert!(e.message.contains("Versioning must be 'Enabled'"), "{}", e.message);
    let absent = get(&sim, "plain").unwrap_err();
    assert_eq!(absent.code, "ObjectLockConfigurationNotFoundError");
    sim.call::<s3::PutBucketVersioning>(
        REGION,
        s3::PutBucketVersioningRequest {
            bucket: "plain".into(),
            versioning_configuration: s3::VersioningConfiguration { status: Some("Enabled".into()), mfa_delete: None },
            ..Default::default()
        },
    )
    .unwrap();
    put(&sim, "plain", Some(retention("GOVERNANCE", Some(30), None))).unwrap();
    assert_eq!(get(&sim, "plain").unwrap().object_lock_enabled.as_deref(), Some("Enabled"));
}

#[test]
fn era_2022_refuses_existing_buckets() {
    let sim = world(Era::Y2022);
    let e = put(&sim, "plain", Some(retention("GOVERNANCE", Some(30), None))).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("InvalidBucketState", 409));
    assert_eq!(get(&sim, "plain").unwrap_err().code, "ObjectLockConfigurationNotFoundError");
    put(&sim, "locked", Some(retention("GOVERNANCE", Some(30), None))).unwrap();
}

#[test]
fn malformed_configurations_change_nothing() {
    let sim = world(Era::Current);
    put(&sim, "locked", Some(retention("GOVERNANCE", Some(5), None))).unwrap();
    let both = retention("GOVERNANCE", Some(1), Some(1));
    let none = retention("GOVERNANCE", None, None);
    let mut no_mode = retention("GOVERNANCE", Some(1), None);
    no_mode.rule.as_mut().unwrap().default_retention.as_mut().unwrap().mode = None;
    for (config, code) in [
        (None, "MalformedXML"),
        (Some(both), "MalformedXML"),
        (Some(none), "MalformedXML"),
        (Some(no_mode), "MalformedXML"),
        (Some(retention("GOVERNANCE", Some(0), None)), "InvalidArgument"),
        (Some(s3::ObjectLockConfiguration { object_lock_enabled: None, rule: None }), "MalformedXML"),
    ] {
        let e = put(&sim, "locked", config.clone()).unwrap_err();
        assert_eq!((e.code.as_str(), e.status), (code, 400), "{config:?}");
    }
    assert_eq!(
        put(&sim, "missing-bucket", Some(retention("GOVERNANCE", Some(1), None))).unwrap_err().code,
        "NoSuchBucket"
    );
    assert_eq!(get(&sim, "locked").unwrap(), retention("GOVERNANCE", Some(5), None));
}
