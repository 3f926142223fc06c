//! S3 event notifications and the destination checks S3 makes against SNS topics.

use hubsim_simulator::model::{s3, sns};
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-central-1";

fn setup() -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    crate::support::create_bucket(&sim, REGION, "events", None);
    sim
}

fn create_topic(sim: &Simulator, region: &str, name: &str) -> String {
    sim.call::<sns::CreateTopic>(region, sns::CreateTopicInput { name: name.into(), ..Default::default() })
        .unwrap()
        .topic_arn
        .unwrap()
}

fn set_attr(sim: &Simulator, arn: &str, name: &str, value: &str) {
    sim.call::<sns::SetTopicAttributes>(
        REGION,
        sns::SetTopicAttributesInput {
            topic_arn: arn.into(),
            attribute_name: name.into(),
            attribute_value: Some(value.into()),
        },
    )
    .unwrap();
}

fn s3_may_publish(arn: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"s3.amazonaws.com"}},"Action":"SNS:Publish","Resource":"{arn}","Condition":{{"ArnLike":{{"aws:SourceArn":"arn:aws:s3:::events"}}}}}}]}}"#
    )
}

fn topic_config(arn: &str, events: &[&str], prefix: Option<&str>) -> s3::TopicConfiguration {
    s3::TopicConfiguration {
        id: None,
        topic_arn: arn.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        filter: prefix.map(|p| s3::NotificationConfigurationFilter {
            key: Some(s3::S3KeyFilter {
                filter_rules: Some(vec![s3::FilterRule { name: Some("prefix".into()), value: Some(p.into()) }]),
            }),
        }),
    }
}

fn put(sim: &Simulator, config: s3::NotificationConfiguration, skip: bool) -> Result<(), AwsError> {
    sim.call::<s3::PutBucketNotificationConfiguration>(
        REGION,
        s3::PutBucketNotificationConfigurationRequest {
            bucket: "events".into(),
            notification_configuration: config,
            skip_destination_validation: skip.then_some(true),
            ..Default::default()
        },
    )
    .map(|_| ())
}

fn topics(configs: Vec<s3::TopicConfiguration>) -> s3::NotificationConfiguration {
    s3::NotificationConfiguration { topic_configurations: Some(configs), ..Default::default() }
}

fn get(sim: &Simulator) -> s3::NotificationConfiguration {
    sim.call::<s3::GetBucketNotificationConfiguration>(
        REGION,
        s3::GetBucketNotificationConfigurationRequest { bucket: "events".into(), ..Default::default() },
    )
    .unwrap()
}

#[test]
fn topic_destination_needs_a_policy_for_s3() {
    let sim = setup();
    assert_eq!(get(&sim), s3::NotificationConfiguration::default());
    let arn = create_topic(&sim, REGION, "bucket-events");
    // The default topic policy only admits the owner's principals, not S3.
    let err = put(&sim, topics(vec![topic_config(&arn, &["s3:ObjectCreated:*"], None)]), false).unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.status, err.message.as_str()),
        ("InvalidArgument", 400, "Unable to validate the following destination configurations")
    );
    assert_eq!(get(&sim), s3::NotificationConfiguration::default());
    set_attr(&sim, &arn, "Policy", &s3_may_publish(&arn));
    put(&sim, topics(vec![topic_config(&arn, &["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], None)]), false).unwrap();
    let got = get(&sim).topic_configurations.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].topic_arn, arn);
    assert_eq!(got[0].events, vec!["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]);
    assert!(got[0].id.is_some());
    // An empty configuration clears it.
    put(&sim, s3::NotificationConfiguration::default(), false).unwrap();
    assert_eq!(get(&sim), s3::NotificationConfiguration::default());
}

#[test]
fn missing_topic_unless_validation_is_skipped() {
    let sim = setup();
    let ghost = "arn:aws:sns:eu-central-1:123456789012:ghost";
    let config = topics(vec![topic_config(ghost, &["s3:ObjectCreated:Put"], None)]);
    assert_eq!(put(&sim, config.clone(), false).unwrap_err().code, "InvalidArgument");
    put(&sim, config, true).unwrap();
    assert_eq!(get(&sim).topic_configurations.unwrap()[0].topic_arn, ghost);
}

#[test]
fn queues_and_functions_need_skipped_validation() {
    let sim = setup();
    let config = s3::NotificationConfiguration {
        queue_configurations: Some(vec![s3::QueueConfiguration {
            queue_arn: "arn:aws:sqs:eu-central-1:123456789012:q".into(),
            events: vec!["s3:ObjectRemoved:*".into()],
            ..Default::default()
        }]),
        lambda_function_configurations: Some(vec![s3::LambdaFunctionConfiguration {
            lambda_function_arn: "arn:aws:lambda:eu-central-1:123456789012:function:f".into(),
            events: vec!["s3:ObjectCreated:*".into()],
            ..Default::default()
        }]),
        ..Default::default()
    };
    assert_eq!(put(&sim, config.clone(), false).unwrap_err().code, "InvalidArgument");
    assert_eq!(get(&sim), s3::NotificationConfiguration::default());
    put(&sim, config, true).unwrap();
    let got = get(&sim);
    assert_eq!(got.queue_configurations.unwrap().len(), 1);
    assert_eq!(got.lambda_function_configurations.unwrap().len(), 1);
}

#[test]
fn eventbridge_alone_is_accepted() {
    let sim = setup();
    let config = s3::NotificationConfiguration {
        event_bridge_configuration: Some(s3::EventBridgeConfiguration {}),
        ..Default::default()
    };
    put(&sim, config.clone(), false).unwrap();
    assert_eq!(get(&sim), config);
}

#[test]
fn events_regions_and_overlaps_are_checked() {
    let sim = setup();
    let arn = create_topic(&sim, REGION, "t");
    set_attr(&sim, &arn, "Policy", &s3_may_publish(&arn));
    // Unknown event type (JSON path: the model's enum answers first).
    let r = sim.call_json(
        REGION,
        "s3",
        "PutBucketNotificationConfiguration",
        serde_json::json!({"Bucket": "events", "NotificationConfiguration": {
            "TopicConfigurations": [{"TopicArn": arn, "Events": ["s3:ObjectExploded:*"]}]}}),
    );
    assert_eq!(r.unwrap_err().code, "InvalidArgument");
    // A topic in another region than the bucket.
    let far = create_topic(&sim, "us-east-1", "far");
    let err = put(&sim, topics(vec![topic_config(&far, &["s3:ObjectCreated:*"], None)]), true).unwrap_err();
    assert_eq!(err.code, "InvalidArgument");
    // Overlapping configurations: same event family and overlapping prefixes.
    let overlapping = topics(vec![
        topic_config(&arn, &["s3:ObjectCreated:*"], Some("images/")),
        topic_config(&arn, &["s3:ObjectCreated:Put"], Some("images/raw/")),
    ]);
    assert_eq!(put(&sim, overlapping, false).unwrap_err().code, "InvalidArgument");
    let disjoint = topics(vec![
        topic_config(&arn, &["s3:ObjectCreated:*"], Some("images/")),
        topic_config(&arn, &["s3:ObjectCreated:Put"], Some("docs/")),
    ]);
    put(&sim, disjoint, false).unwrap();
    assert_eq!(get(&sim).topic_configurations.unwrap().len(), 2);
    let missing = s3::GetBucketNotificationConfigurationRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(sim.call::<s3::GetBucketNotificationConfiguration>(REGION, missing).unwrap_err().code, "NoSuchBucket");
}

#[test]
fn topic_encrypted_with_the_aws_managed_key_refuses_s3() {
    let sim = setup();
    let arn = create_topic(&sim, REGION, "encrypted");
    set_attr(&sim, &arn, "Policy", &s3_may_publish(&arn));
    set_attr(&sim, &arn, "KmsMasterKeyId", "alias/aws/sns");
    let config = topics(vec![topic_config(&arn, &["s3:ObjectCreated:*"], None)]);
    assert_eq!(put(&sim, config.clone(), false).unwrap_err().code, "InvalidArgument");
    // Removing encryption lets S3 publish again.
    set_attr(&sim, &arn, "KmsMasterKeyId", "");
    put(&sim, config, false).unwrap();
}
