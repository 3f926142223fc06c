//! S3 server access logging: the target checks S3 makes before it turns logging on.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn create_in(sim: &Simulator, region: &str, name: &str) {
    crate::support::create_bucket(sim, region, name, None);
}

fn create(sim: &Simulator, name: &str) {
    create_in(sim, REGION, name);
}

fn log_policy(target: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S3ServerAccessLogsPolicy","Effect":"Allow","Principal":{{"Service":"logging.s3.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{target}/logs/*","Condition":{{"StringEquals":{{"aws:SourceAccount":"123456789012"}}}}}}]}}"#
    )
}

fn put_policy(sim: &Simulator, bucket: &str, text: &str) {
    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: bucket.into(), policy: text.into(), ..Default::default() },
    )
    .unwrap();
}

fn enable(sim: &Simulator, source: &str, target: &str, prefix: &str) -> Result<(), AwsError> {
    sim.call::<s3::PutBucketLogging>(
        REGION,
        s3::PutBucketLoggingRequest {
            bucket: source.into(),
            bucket_logging_status: s3::BucketLoggingStatus {
                logging_enabled: Some(s3::LoggingEnabled {
                    target_bucket: target.into(),
                    target_prefix: prefix.into(),
                    ..Default::default()
                }),
            },
            ..Default::default()
        },
    )
    .map(|_| ())
}

fn logging(sim: &Simulator, b: &str) -> Option<s3::LoggingEnabled> {
    sim.call::<s3::GetBucketLogging>(REGION, s3::GetBucketLoggingRequest { bucket: b.into(), ..Default::default() })
        .unwrap()
        .logging_enabled
}

#[test]
fn logging_with_policy_grant_and_disable() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "app");
    create(&sim, "logs-sink");
    assert_eq!(logging(&sim, "app"), None);
    // Without a grant on the target, S3 refuses.
    let err = enable(&sim, "app", "logs-sink", "logs/").unwrap_err();
    assert_eq!(err.code, "InvalidTargetBucketForLogging");
    assert_eq!(err.message, "You must give the log-delivery group WRITE and READ_ACP permissions to the target bucket");
    assert_eq!(logging(&sim, "app"), None);
    put_policy(&sim, "logs-sink", &log_policy("logs-sink"));
    enable(&sim, "app", "logs-sink", "logs/").unwrap();
    let on = logging(&sim, "app").unwrap();
    assert_eq!((on.target_bucket.as_str(), on.target_prefix.as_str()), ("logs-sink", "logs/"));
    // The policy only covers logs/: another prefix is refused and the old setting stays.
    assert_eq!(enable(&sim, "app", "logs-sink", "other/").unwrap_err().code, "InvalidTargetBucketForLogging");
    assert_eq!(logging(&sim, "app").unwrap().target_prefix, "logs/");
    // Empty status disables.
    sim.call_json(REGION, "s3", "PutBucketLogging", serde_json::json!({"Bucket": "app", "BucketLoggingStatus": {}}))
        .unwrap();
    assert_eq!(logging(&sim, "app"), None);
}

#[test]
fn target_must_exist_and_share_the_region() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    create(&sim, "src");
    let err = enable(&sim, "src", "no-such-target", "").unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.status, err.message.as_str()),
        ("InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist")
    );
    create_in(&sim, "us-east-1", "far-away");
    put_policy_any_region(&sim, "far-away");
    assert_eq!(enable(&sim, "src", "far-away", "logs/").unwrap_err().code, "CrossLocationLoggingProhibitted");
    assert_eq!(enable(&sim, "nope", "far-away", "logs/").unwrap_err().code, "NoSuchBucket");
    let missing = s3::GetBucketLoggingRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(sim.call::<s3::GetBucketLogging>(REGION, missing).unwrap_err().code, "NoSuchBucket");
    assert_eq!(logging(&sim, "src"), None);
}

fn put_policy_any_region(sim: &Simulator, bucket: &str) {
    put_policy(sim, bucket, &log_policy(bucket));
}

#[test]
fn bucket_may_log_to_itself() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "selfish");
    put_policy(&sim, "selfish", &log_policy("selfish"));
    enable(&sim, "selfish", "selfish", "logs/").unwrap();
    assert_eq!(logging(&sim, "selfish").unwrap().target_bucket, "selfish");
}

#[test]
fn legacy_acl_grant_and_acl_disabled_targets() {
    let sim = fresh_account(Era::Y2022, &[REGION]);
    create(&sim, "src");
    create(&sim, "acl-sink");
    // The legacy grant: LogDelivery WRITE through the ACL.
    let body = s3::AccessControlPolicy {
        owner: None,
        grants: Some(vec![s3::Grant {
            grantee: Some(s3::Grantee {
                type_: "Group".into(),
                uri: Some("http://acs.amazonaws.com/groups/s3/LogDelivery".into()),
                ..Default::default()
            }),
            permission: Some("WRITE".into()),
        }]),
    };
    sim.call::<s3::PutBucketAcl>(
        REGION,
        s3::PutBucketAclRequest { bucket: "acl-sink".into(), access_control_policy: Some(body), ..Default::default() },
    )
    .unwrap();
    enable(&sim, "src", "acl-sink", "").unwrap();
    assert_eq!(logging(&sim, "src").unwrap().target_bucket, "acl-sink");

    // TargetGrants are refused when the target has ACLs disabled, even with a policy grant.
    create(&sim, "enforced-sink");
    sim.call::<s3::PutBucketOwnershipControls>(
        REGION,
        s3::PutBucketOwnershipControlsRequest {
            bucket: "enforced-sink".into(),
            ownership_controls: s3::OwnershipControls {
                rules: vec![s3::OwnershipControlsRule { object_ownership: "BucketOwnerEnforced".into() }],
            },
            ..Default::default()
        },
    )
    .unwrap();
    put_policy(&sim, "enforced-sink", &log_policy("enforced-sink"));
    let with_grants = s3::PutBucketLoggingRequest {
        bucket: "src".into(),
        bucket_logging_status: s3::BucketLoggingStatus {
            logging_enabled: Some(s3::LoggingEnabled {
                target_bucket: "enforced-sink".into(),
                target_prefix: "logs/".into(),
                target_grants: Some(vec![s3::TargetGrant {
                    grantee: Some(s3::Grantee {
                        type_: "Group".into(),
                        uri: Some("http://acs.amazonaws.com/groups/global/AuthenticatedUsers".into()),
                        ..Default::default()
                    }),
                    permission: Some("READ".into()),
                }]),
                ..Default::default()
            }),
        },
        ..Default::default()
    };
    assert_eq!(
        sim.call::<s3::PutBucketLogging>(REGION, with_grants).unwrap_err().code,
        "InvalidTargetBucketForLogging"
    );
    assert_eq!(logging(&sim, "src").unwrap().target_bucket, "acl-sink");
    enable(&sim, "src", "enforced-sink", "logs/").unwrap();
    assert_eq!(logging(&sim, "src").unwrap().target_bucket, "enforced-sink");

    // Deleting a bucket that others log into is allowed.
    sim.call::<s3::DeleteBucket>(
        REGION,
        s3::DeleteBucketRequest { bucket: "enforced-sink".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(logging(&sim, "src").unwrap().target_bucket, "enforced-sink");
}
