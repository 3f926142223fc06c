//! AWS Config: delivery channels, starting and stopping the recorder, and both status calls.

use hubsim_simulator::model::{config, hubsim, Timestamp};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "ap-northeast-1";
const BUCKET: &str = "config-bucket-123456789012";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

/// The documented Config bucket policy, for objects under `prefix`
/// (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
fn config_policy(bucket: &str, prefix: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow",
             "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": format!("arn:aws:s3:::{bucket}"),
             "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}},
            {"Sid": "AWSConfigBucketDelivery", "Effect": "Allow",
             "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": format!("arn:aws:s3:::{bucket}/{prefix}AWSLogs/{ACCOUNT}/Config/*"),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": ACCOUNT}}}
        ]
    })
    .to_string()
}

fn bucket(sim: &Simulator, name: &str, policy: Option<String>) {
    crate::support::create_bucket(sim, REGION, name, policy);
}

/// Puts a recorder using `role` (Config's service-linked role when `None`), creating the
/// role first once IAM is simulated.
fn recorder(sim: &Simulator, role: Option<&str>) {
    let role = match role {
        Some(r) => {
            if hubsim_simulator::operation_exists("iam", "CreateRole") {
                let name = r.rsplit('/').next().unwrap_or(r);
                let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
                sim.call_json(
                    REGION,
                    "iam",
                    "CreateRole",
                    json!({"RoleName": name, "AssumeRolePolicyDocument": trust.to_string()}),
                )
                .unwrap();
            }
            r.to_string()
        }
        None => {
            if hubsim_simulator::operation_exists("iam", "CreateServiceLinkedRole") {
                sim.call_json(
                    REGION,
                    "iam",
                    "CreateServiceLinkedRole",
                    json!({"AWSServiceName": "config.amazonaws.com"}),
                )
                .unwrap();
            }
            format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
        }
    };
    sim.call::<config::PutConfigurationRecorder>(
        REGION,
        config::PutConfigurationRecorderRequest {
            configuration_recorder: config::ConfigurationRecorder {
                name: Some("default".into()),
                role_arn: Some(role),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
}

fn channel(bucket: &str) -> config::DeliveryChannel {
    config::DeliveryChannel { s3_bucket_name: Some(bucket.into()), ..Default::default() }
}

fn put_channel(sim: &Simulator, c: config::DeliveryChannel) -> Result<(), AwsError> {
    sim.call::<config::PutDeliveryChannel>(REGION, config::PutDeliveryChannelRequest { delivery_channel: c })
        .map(|_| ())
}

fn channels(sim: &Simulator) -> Vec<config::DeliveryChannel> {
    sim.call::<config::DescribeDeliveryChannels>(REGION, Default::default()).unwrap().delivery_channels.unwrap()
}

fn start(sim: &Simulator, name: &str) -> Result<(), AwsError> {
    sim.call::<config::StartConfigurationRecorder>(
        REGION,
        config::StartConfigurationRecorderRequest { configuration_recorder_name: name.into() },
    )
    .map(|_| ())
}

fn stop(sim: &Simulator, name: &str) -> Result<(), AwsError> {
    sim.call::<config::StopConfigurationRecorder>(
        REGION,
        config::StopConfigurationRecorderRequest { configuration_recorder_name: name.into() },
    )
    .map(|_| ())
}

/// Each mutating call takes one second of scenario time: the time the next call runs at.
fn next_second(t: Timestamp) -> Timestamp {
    Timestamp(t.0 + 1000)
}

fn recorder_status(sim: &Simulator) -> config::ConfigurationRecorderStatus {
    sim.call::<config::DescribeConfigurationRecorderStatus>(REGION, Default::default())
        .unwrap()
        .configuration_recorders_status
        .unwrap()
        .remove(0)
}

fn channel_status(sim: &Simulator) -> config::DeliveryChannelStatus {
    sim.call::<config::DescribeDeliveryChannelStatus>(REGION, Default::default())
        .unwrap()
        .delivery_channels_status
        .unwrap()
        .remove(0)
}

fn delete_channel(sim: &Simulator, name: &str) -> Result<(), AwsError> {
    sim.call::<config::DeleteDeliveryChannel>(
        REGION,
        config::DeleteDeliveryChannelRequest { delivery_channel_name: name.into() },
    )
    .map(|_| ())
}

#[test]
fn channel_needs_a_recorder_and_a_writable_bucket() {
    let sim = fresh_account(Era::Current, &[REGION]);
    bucket(&sim, BUCKET, Some(config_policy(BUCKET, "")));
    assert_eq!(code(put_channel(&sim, channel(BUCKET))), "NoAvailableConfigurationRecorderException");
    recorder(&sim, None);
    assert_eq!(code(put_channel(&sim, config::DeliveryChannel::default())), "NoSuchBucketException");
    assert_eq!(code(put_channel(&sim, channel("no-such-bucket-anywhere"))), "NoSuchBucketException");
    bucket(&sim, "no-policy", None);
    assert_eq!(code(put_channel(&sim, channel("no-policy"))), "InsufficientDeliveryPolicyException");
    // A policy for another prefix does not cover the default location.
    bucket(&sim, "wrong-prefix", Some(config_policy("wrong-prefix", "other/")));
    assert_eq!(code(put_channel(&sim, channel("wrong-prefix"))), "InsufficientDeliveryPolicyException");
    // Only GetBucketAcl granted.
    let acl_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::acl-only"}]});
    bucket(&sim, "acl-only", Some(acl_only.to_string()));
    assert_eq!(code(put_channel(&sim, channel("acl-only"))), "InsufficientDeliveryPolicyException");
    assert_eq!(channels(&sim), vec![]);

    put_channel(&sim, channel(BUCKET)).unwrap();
    let listed = channels(&sim);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name.as_deref(), Some("default"));
    assert_eq!(listed[0].s3_bucket_name.as_deref(), Some(BUCKET));
    // With a key prefix, the policy must cover <prefix>/AWSLogs/...
    let with_prefix = config::DeliveryChannel { s3_key_prefix: Some("config".into()), ..channel(BUCKET) };
    assert_eq!(code(put_channel(&sim, with_prefix.clone())), "InsufficientDeliveryPolicyException");
    bucket(&sim, "prefixed", Some(config_policy("prefixed", "config/")));
    put_channel(&sim, config::DeliveryChannel { s3_bucket_name: Some("prefixed".into()), ..with_prefix }).unwrap();
    let listed = channels(&sim);
    assert_eq!(listed.len(), 1, "putting the same name updates the channel");
    assert_eq!(
        (listed[0].s3_bucket_name.as_deref(), listed[0].s3_key_prefix.as_deref()),
        (Some("prefixed"), Some("config"))
    );
}

#[test]
fn channel_fields_are_validated() {
    let sim = fresh_account(Era::Current, &[REGION]);
    bucket(&sim, BUCKET, Some(config_policy(BUCKET, "")));
    recorder(&sim, None);
    let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:config-topic");
    // The SNS module reports no topics yet; only the "does not exist" branch is covered here.
    let with_topic = config::DeliveryChannel { sns_topic_arn: Some(topic), ..channel(BUCKET) };
    assert_eq!(code(put_channel(&sim, with_topic)), "InvalidSNSTopicARNException");
    let bad_topic = config::DeliveryChannel { sns_topic_arn: Some("topic".into()), ..channel(BUCKET) };
    assert_eq!(code(put_channel(&sim, bad_topic)), "InvalidSNSTopicARNException");
    let bad_key = config::DeliveryChannel { s3_kms_key_arn: Some("alias/aws/s3".into()), ..channel(BUCKET) };
    assert_eq!(code(put_channel(&sim, bad_key)), "InvalidS3KmsKeyArnException");
    let bad_prefix = config::DeliveryChannel { s3_key_prefix: Some("/lead".into()), ..channel(BUCKET) };
    assert_eq!(code(put_channel(&sim, bad_prefix)), "InvalidS3KeyPrefixException");
    let bad_frequency = config::DeliveryChannel {
        config_snapshot_delivery_properties: Some(config::ConfigSnapshotDeliveryProperties {
            delivery_frequency: Some("Daily".into()),
        }),
        ..channel(BUCKET)
    };
    assert_eq!(code(put_channel(&sim, bad_frequency)), "ValidationException");
    assert_eq!(channels(&sim), vec![]);

    let full = config::DeliveryChannel {
        name: Some("main".into()),
        s3_kms_key_arn: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")),
        config_snapshot_delivery_properties: Some(config::ConfigSnapshotDeliveryProperties {
            delivery_frequency: Some("TwentyFour_Hours".into()),
        }),
        ..channel(BUCKET)
    };
    put_channel(&sim, full.clone()).unwrap();
    assert_eq!(channels(&sim), vec![full]);
    // One channel per region.
    let second = config::DeliveryChannel { name: Some("second".into()), ..channel(BUCKET) };
    assert_eq!(code(put_channel(&sim, second)), "MaxNumberOfDeliveryChannelsExceededException");
    let named = config::DescribeDeliveryChannelsRequest { delivery_channel_names: Some(vec!["second".into()]) };
    assert_eq!(code(sim.call::<config::DescribeDeliveryChannels>(REGION, named)), "NoSuchDeliveryChannelException");
    let named = config::DescribeDeliveryChannelsRequest { delivery_channel_names: Some(vec!["main".into()]) };
    let found = sim.call::<config::DescribeDeliveryChannels>(REGION, named).unwrap();
    assert_eq!(found.delivery_channels.unwrap().len(), 1);
}

#[test]
fn customer_role_may_be_granted_by_the_bucket_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/ConfigRecorderRole");
    let for_role = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": role}, "Action": ["s3:GetBucketAcl", "s3:PutObject"],
        "Resource": ["arn:aws:s3:::role-bucket", "arn:aws:s3:::role-bucket/*"]}]});
    bucket(&sim, "role-bucket", Some(for_role.to_string()));
    // The service-linked role delivers as the service: a grant to some role does not help.
    recorder(&sim, None);
    assert_eq!(code(put_channel(&sim, channel("role-bucket"))), "InsufficientDeliveryPolicyException");
    sim.call::<config::DeleteConfigurationRecorder>(
        REGION,
        config::DeleteConfigurationRecorderRequest { configuration_recorder_name: "default".into() },
    )
    .unwrap();
    recorder(&sim, Some(&role));
    put_channel(&sim, channel("role-bucket")).unwrap();
    assert_eq!(channels(&sim).len(), 1);
}

#[test]
fn start_stop_and_status() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(code(start(&sim, "default")), "NoSuchConfigurationRecorderException");
    assert_eq!(code(stop(&sim, "default")), "NoSuchConfigurationRecorderException");
    recorder(&sim, None);
    assert_eq!(code(start(&sim, "other")), "NoSuchConfigurationRecorderException");
    assert_eq!(code(start(&sim, "default")), "NoAvailableDeliveryChannelException");
    assert_eq!(recorder_status(&sim).recording, Some(false));

    bucket(&sim, BUCKET, Some(config_policy(BUCKET, "")));
    put_channel(&sim, channel(BUCKET)).unwrap();
    let before = channel_status(&sim);
    assert_eq!(before.name.as_deref(), Some("default"));
    assert_eq!(before.config_snapshot_delivery_info.unwrap().last_status.as_deref(), Some("NOT_APPLICABLE"));

    let t0 = sim
        .call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { minutes: Some(5), ..Default::default() })
        .unwrap()
        .now
        .map(next_second);
    start(&sim, "default").unwrap();
    let s = recorder_status(&sim);
    assert_eq!((s.recording, s.last_status.as_deref()), (Some(true), Some("SUCCESS")));
    assert_eq!((s.last_start_time, s.last_status_change_time, s.last_stop_time), (t0, t0, None));
    let c = channel_status(&sim);
    let snapshot = c.config_snapshot_delivery_info.unwrap();
    assert_eq!((snapshot.last_status.as_deref(), snapshot.last_successful_time), (Some("SUCCESS"), t0));
    assert_eq!(c.config_history_delivery_info.unwrap().last_status.as_deref(), Some("SUCCESS"));
    assert_eq!(c.config_stream_delivery_info.unwrap().last_status.as_deref(), Some("SUCCESS"));

    // The channel cannot go while the recorder records.
    assert_eq!(code(delete_channel(&sim, "default")), "LastDeliveryChannelDeleteFailedException");
    assert_eq!(code(delete_channel(&sim, "nope")), "NoSuchDeliveryChannelException");
    assert_eq!(channels(&sim).len(), 1);

    let t1 = sim
        .call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(1), ..Default::default() })
        .unwrap()
        .now
        .map(next_second);
    stop(&sim, "default").unwrap();
    let s = recorder_status(&sim);
    assert_eq!(
        (s.recording, s.last_start_time, s.last_stop_time, s.last_status_change_time),
        (Some(false), t0, t1, t1)
    );
    // Stopping again changes nothing.
    stop(&sim, "default").unwrap();
    assert_eq!(recorder_status(&sim).last_stop_time, t1);
    delete_channel(&sim, "default").unwrap();
    assert_eq!(channels(&sim), vec![]);
    let none = sim.call::<config::DescribeDeliveryChannelStatus>(REGION, Default::default()).unwrap();
    assert_eq!(none.delivery_channels_status, Some(vec![]));
}

#[test]
fn json_path_round_trip() {
    let sim = fresh_account(Era::Current, &[REGION]);
    bucket(&sim, BUCKET, Some(config_policy(BUCKET, "")));
    recorder(&sim, None);
    sim.call_json(
        REGION,
        "config",
        "PutDeliveryChannel",
        json!({"DeliveryChannel": {"name": "default", "s3BucketName": BUCKET,
               "configSnapshotDeliveryProperties": {"deliveryFrequency": "Twelve_Hours"}}}),
    )
    .unwrap();
    sim.call_json(REGION, "config", "StartConfigurationRecorder", json!({"ConfigurationRecorderName": "default"}))
        .unwrap();
    let out = sim.call_json(REGION, "config", "DescribeDeliveryChannels", json!({})).unwrap();
    assert_eq!(out["DeliveryChannels"][0]["s3BucketName"], BUCKET);
    assert_eq!(out["DeliveryChannels"][0]["configSnapshotDeliveryProperties"]["deliveryFrequency"], "Twelve_Hours");
    let status = sim.call_json(REGION, "config", "DescribeConfigurationRecorderStatus", json!({})).unwrap();
    assert_eq!(status["ConfigurationRecordersStatus"][0]["recording"], true);
    assert_eq!(status["ConfigurationRecordersStatus"][0]["lastStatus"], "SUCCESS");
    let bad = sim.call_json(
        REGION,
        "config",
        "PutDeliveryChannel",
        json!({"DeliveryChannel": {"s3BucketName": BUCKET, "configSnapshotDeliveryProperties": {"deliveryFrequency": "Daily"}}}),
    );
    assert_eq!(code(bad), "ValidationException");
}
