//! S3 bucket lifecycle, default encryption and bucket policies, through the typed API.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn create(sim: &Simulator, name: &str) {
    crate::support::create_bucket(sim, REGION, name, None);
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

#[test]
fn create_bucket_checks_location_constraint() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    let bare = s3::CreateBucketRequest { bucket: "bare-bucket".into(), ..Default::default() };
    assert_eq!(code(sim.call::<s3::CreateBucket>(REGION, bare.clone())), "IllegalLocationConstraintException");
    let other = s3::CreateBucketRequest {
        bucket: "other-bucket".into(),
        create_bucket_configuration: Some(s3::CreateBucketConfiguration {
            location_constraint: Some("eu-west-1".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<s3::CreateBucket>(REGION, other)), "IllegalLocationConstraintException");
    let us_east_1 = s3::CreateBucketRequest {
        bucket: "east-bucket".into(),
        create_bucket_configuration: Some(s3::CreateBucketConfiguration {
            location_constraint: Some("us-east-1".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<s3::CreateBucket>("us-east-1", us_east_1)), "InvalidLocationConstraint");
    // Nothing above created a bucket.
    let listed = sim.call::<s3::ListBuckets>(REGION, Default::default()).unwrap();
    assert_eq!(listed.buckets.unwrap_or_default(), vec![]);
    // us-east-1 takes no constraint.
    sim.call::<s3::CreateBucket>("us-east-1", bare).unwrap();
    let loc = sim
        .call::<s3::GetBucketLocation>(
            REGION,
            s3::GetBucketLocationRequest { bucket: "bare-bucket".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(loc.location_constraint, None);
}

#[test]
fn bucket_names_are_checked_and_global() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for bad in ["ab", "Upper-Case", "under_score", "-leading", "trailing-", "two..dots", "192.168.5.4"] {
        let r =
            sim.call::<s3::CreateBucket>(REGION, s3::CreateBucketRequest { bucket: bad.into(), ..Default::default() });
        assert_eq!(code(r), "InvalidBucketName", "{bad}");
    }
    create(&sim, "app-data");
    let again = s3::CreateBucketRequest {
        bucket: "app-data".into(),
        create_bucket_configuration: Some(s3::CreateBucketConfiguration {
            location_constraint: Some(REGION.into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<s3::CreateBucket>(REGION, again)), "BucketAlreadyOwnedByYou");
}

#[test]
fn new_bucket_defaults_follow_the_era() {
    let now = fresh_account(Era::Current, &[REGION]);
    create(&now, "b-current");
    let enc = now
        .call::<s3::GetBucketEncryption>(
            REGION,
            s3::GetBucketEncryptionRequest { bucket: "b-current".into(), ..Default::default() },
        )
        .unwrap();
    let rule = &enc.server_side_encryption_configuration.unwrap().rules[0];
    assert_eq!(rule.apply_server_side_encryption_by_default.as_ref().unwrap().sse_algorithm, "AES256");
    assert_eq!(rule.bucket_key_enabled, Some(false));

    let then = fresh_account(Era::Y2022, &[REGION]);
    create(&then, "b-2022");
    let r = then.call::<s3::GetBucketEncryption>(
        REGION,
        s3::GetBucketEncryptionRequest { bucket: "b-2022".into(), ..Default::default() },
    );
    let err = r.unwrap_err();
    assert_eq!(err.code, "ServerSideEncryptionConfigurationNotFoundError");
    assert_eq!(err.status, 404);
}

#[test]
fn encryption_put_validates_and_delete_resets() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "enc");
    let kms = |alg: &str, key: Option<&str>| s3::PutBucketEncryptionRequest {
        bucket: "enc".into(),
        server_side_encryption_configuration: s3::ServerSideEncryptionConfiguration {
            rules: vec![s3::ServerSideEncryptionRule {
                apply_server_side_encryption_by_default: Some(s3::ServerSideEncryptionByDefault {
                    sse_algorithm: alg.into(),
                    kms_master_key_id: key.map(str::to_string),
                }),
                ..Default::default()
            }],
        },
        ..Default::default()
    };
    assert_eq!(code(sim.call::<s3::PutBucketEncryption>(REGION, kms("AES256", Some("k")))), "InvalidArgument");
    assert_eq!(code(sim.call::<s3::PutBucketEncryption>(REGION, kms("rot13", None))), "InvalidArgument");
    sim.call::<s3::PutBucketEncryption>(REGION, kms("aws:kms", Some("alias/aws/s3"))).unwrap();
    let get = || {
        sim.call::<s3::GetBucketEncryption>(
            REGION,
            s3::GetBucketEncryptionRequest { bucket: "enc".into(), ..Default::default() },
        )
        .unwrap()
        .server_side_encryption_configuration
        .unwrap()
        .rules[0]
            .apply_server_side_encryption_by_default
            .clone()
            .unwrap()
    };
    assert_eq!(get().sse_algorithm, "aws:kms");
    sim.call::<s3::DeleteBucketEncryption>(
        REGION,
        s3::DeleteBucketEncryptionRequest { bucket: "enc".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(get().sse_algorithm, "AES256");
    let missing = s3::GetBucketEncryptionRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(code(sim.call::<s3::GetBucketEncryption>(REGION, missing)), "NoSuchBucket");
}

#[test]
fn bucket_policy_grammar_and_block_public_access() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "pol");
    let put = |text: &str| {
        sim.call::<s3::PutBucketPolicy>(
            REGION,
            s3::PutBucketPolicyRequest { bucket: "pol".into(), policy: text.into(), ..Default::default() },
        )
    };
    let get = || {
        sim.call::<s3::GetBucketPolicy>(
            REGION,
            s3::GetBucketPolicyRequest { bucket: "pol".into(), ..Default::default() },
        )
    };
    assert_eq!(code(get()), "NoSuchBucketPolicy");
    assert_eq!(code(put("{not json")), "MalformedPolicy");
    assert_eq!(
        code(put(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}"#
        )),
        "MalformedPolicy"
    );
    // Public policies are refused while the bucket's BlockPublicPolicy is on (2023 default).
    let public =
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]}"#;
    let denied = put(public).unwrap_err();
    assert_eq!((denied.code.as_str(), denied.status), ("AccessDenied", 403));
    assert_eq!(code(get()), "NoSuchBucketPolicy");
    let tls = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::pol","arn:aws:s3:::pol/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    put(tls).unwrap();
    assert_eq!(get().unwrap().policy.as_deref(), Some(tls));
    sim.call::<s3::DeleteBucketPolicy>(
        REGION,
        s3::DeleteBucketPolicyRequest { bucket: "pol".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(code(get()), "NoSuchBucketPolicy");
}

#[test]
fn failed_calls_change_nothing_and_successes_are_journaled() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "journaled");
    let before = sim.journal().unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!((before[0].service.as_str(), before[0].operation.as_str()), ("s3", "CreateBucket"));
    assert_eq!(before[0].input["Bucket"], "journaled");
    let r = sim
        .call::<s3::DeleteBucket>(REGION, s3::DeleteBucketRequest { bucket: "missing".into(), ..Default::default() });
    assert_eq!(code(r), "NoSuchBucket");
    let after = sim.journal().unwrap();
    assert_eq!(after.len(), 2);
    assert!(after[1].error.as_deref().unwrap().starts_with("NoSuchBucket"));
    let listed = sim.call::<s3::ListBuckets>(REGION, Default::default()).unwrap().buckets.unwrap();
    assert_eq!(listed.len(), 1);
}

#[test]
fn bucket_policy_sids_must_be_unique() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "sids");
    let twice = r#"{"Statement":[
        {"Sid":"A","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::sids"},
        {"Sid":"A","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sids/*"}]}"#;
    let r = sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: "sids".into(), policy: twice.into(), ..Default::default() },
    );
    assert_eq!(code(r), "MalformedPolicy");
}
