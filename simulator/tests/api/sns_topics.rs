//! SNS topics: creation, attributes, listing, deletion and tags.

use std::collections::BTreeMap;

use hubsim_simulator::model::sns;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-southeast-2";

fn create(sim: &Simulator, name: &str, attrs: &[(&str, &str)]) -> Result<String, AwsError> {
    let attributes: BTreeMap<String, String> = attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    sim.call::<sns::CreateTopic>(
        REGION,
        sns::CreateTopicInput {
            name: name.into(),
            attributes: (!attributes.is_empty()).then_some(attributes),
            ..Default::default()
        },
    )
    .map(|o| o.topic_arn.unwrap())
}

fn attrs(sim: &Simulator, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    sim.call::<sns::GetTopicAttributes>(REGION, sns::GetTopicAttributesInput { topic_arn: arn.into() })
        .map(|o| o.attributes.unwrap())
}

fn set(sim: &Simulator, arn: &str, name: &str, value: &str) -> Result<(), AwsError> {
    sim.call::<sns::SetTopicAttributes>(
        REGION,
        sns::SetTopicAttributesInput {
            topic_arn: arn.into(),
            attribute_name: name.into(),
            attribute_value: Some(value.into()),
        },
    )
    .map(|_| ())
}

#[test]
fn create_is_idempotent_and_attributes_have_defaults() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = create(&sim, "alerts", &[("DisplayName", "Alerts")]).unwrap();
    assert_eq!(arn, "arn:aws:sns:ap-southeast-2:123456789012:alerts");
    assert_eq!(create(&sim, "alerts", &[("DisplayName", "Alerts")]).unwrap(), arn);
    assert_eq!(create(&sim, "alerts", &[]).unwrap(), arn);
    let err = create(&sim, "alerts", &[("DisplayName", "Other")]).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("InvalidParameter", 400));
    let a = attrs(&sim, &arn).unwrap();
    for key in [
        "TopicArn",
        "Owner",
        "Policy",
        "DisplayName",
        "SubscriptionsPending",
        "SubscriptionsConfirmed",
        "SubscriptionsDeleted",
        "EffectiveDeliveryPolicy",
    ] {
        assert!(a.contains_key(key), "{key}");
    }
    assert_eq!(a["DisplayName"], "Alerts");
    assert_eq!(a["Owner"], "123456789012");
    assert_eq!(a["SubscriptionsConfirmed"], "0");
    assert!(!a.contains_key("KmsMasterKeyId"));
    let policy: serde_json::Value = serde_json::from_str(&a["Policy"]).unwrap();
    let st = &policy["Statement"][0];
    assert_eq!(st["Sid"], "__default_statement_ID");
    assert_eq!(st["Resource"], arn.as_str());
    assert_eq!(st["Condition"]["StringEquals"]["AWS:SourceOwner"], "123456789012");
    assert!(st["Action"].as_array().unwrap().iter().any(|x| x == "SNS:Publish"));
}

#[test]
fn names_and_fifo_rules() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for bad in ["", "has space", "dot.name", &"x".repeat(257)] {
        assert_eq!(create(&sim, bad, &[]).unwrap_err().code, "InvalidParameter", "{bad:?}");
    }
    assert_eq!(create(&sim, "orders.fifo", &[]).unwrap_err().code, "InvalidParameter");
    assert_eq!(create(&sim, "orders", &[("FifoTopic", "true")]).unwrap_err().code, "InvalidParameter");
    let fifo = create(&sim, "orders.fifo", &[("FifoTopic", "true")]).unwrap();
    let a = attrs(&sim, &fifo).unwrap();
    assert_eq!(a["FifoTopic"], "true");
    assert_eq!(a["ContentBasedDeduplication"], "false");
    set(&sim, &fifo, "ContentBasedDeduplication", "true").unwrap();
    assert_eq!(attrs(&sim, &fifo).unwrap()["ContentBasedDeduplication"], "true");
    let std_topic = create(&sim, "plain", &[]).unwrap();
    assert_eq!(set(&sim, &std_topic, "ContentBasedDeduplication", "true").unwrap_err().code, "InvalidParameter");
    assert_eq!(set(&sim, &std_topic, "FifoTopic", "true").unwrap_err().code, "InvalidParameter");
    let listed = sim.call::<sns::ListTopics>(REGION, Default::default()).unwrap().topics.unwrap();
    assert_eq!(listed.len(), 2);
}

#[test]
fn set_attributes_encryption_feedback_and_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = create(&sim, "t", &[]).unwrap();
    set(&sim, &arn, "KmsMasterKeyId", "alias/aws/sns").unwrap();
    assert_eq!(attrs(&sim, &arn).unwrap()["KmsMasterKeyId"], "alias/aws/sns");
    set(&sim, &arn, "KmsMasterKeyId", "").unwrap();
    assert!(!attrs(&sim, &arn).unwrap().contains_key("KmsMasterKeyId"));
    let role = "arn:aws:iam::123456789012:role/SNSFeedback";
    for proto in ["HTTP", "Firehose", "Lambda", "Application", "SQS"] {
        set(&sim, &arn, &format!("{proto}SuccessFeedbackRoleArn"), role).unwrap();
        set(&sim, &arn, &format!("{proto}FailureFeedbackRoleArn"), role).unwrap();
        set(&sim, &arn, &format!("{proto}SuccessFeedbackSampleRate"), "100").unwrap();
    }
    let a = attrs(&sim, &arn).unwrap();
    assert_eq!(a["SQSFailureFeedbackRoleArn"], role);
    assert_eq!(a["LambdaSuccessFeedbackSampleRate"], "100");
    // Errors leave the attributes as they were.
    assert_eq!(set(&sim, &arn, "SQSSuccessFeedbackSampleRate", "101").unwrap_err().code, "InvalidParameter");
    assert_eq!(set(&sim, &arn, "SQSSuccessFeedbackSampleRate", "-1").unwrap_err().code, "InvalidParameter");
    assert_eq!(set(&sim, &arn, "HTTPSuccessFeedbackRoleArn", "not-a-role").unwrap_err().code, "InvalidParameter");
    assert_eq!(set(&sim, &arn, "NoSuchAttribute", "x").unwrap_err().code, "InvalidParameter");
    assert_eq!(set(&sim, &arn, "Policy", "{not json").unwrap_err().code, "InvalidParameter");
    let before_policy = a["Policy"].clone();
    let a2 = attrs(&sim, &arn).unwrap();
    assert_eq!(a2["SQSSuccessFeedbackSampleRate"], "100");
    assert_eq!(a2["Policy"], before_policy);
    // A delivery policy shows up in EffectiveDeliveryPolicy; an empty one removes it.
    let delivery = r#"{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}"#;
    set(&sim, &arn, "DeliveryPolicy", delivery).unwrap();
    assert_eq!(attrs(&sim, &arn).unwrap()["DeliveryPolicy"], delivery);
    assert_eq!(set(&sim, &arn, "DeliveryPolicy", "{oops").unwrap_err().code, "InvalidParameter");
    set(&sim, &arn, "DeliveryPolicy", "").unwrap();
    let a3 = attrs(&sim, &arn).unwrap();
    assert!(!a3.contains_key("DeliveryPolicy"));
    assert!(a3["EffectiveDeliveryPolicy"].contains("defaultHealthyRetryPolicy"));
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"s3.amazonaws.com"}},"Action":"SNS:Publish","Resource":"{arn}"}}]}}"#
    );
    set(&sim, &arn, "Policy", &policy).unwrap();
    assert_eq!(attrs(&sim, &arn).unwrap()["Policy"], policy);
    // The JSON path with the query-style member names.
    sim.call_json(
        REGION,
        "sns",
        "SetTopicAttributes",
        serde_json::json!({"TopicArn": arn, "AttributeName": "DisplayName", "AttributeValue": "Ops"}),
    )
    .unwrap();
    let out = sim.call_json(REGION, "sns", "GetTopicAttributes", serde_json::json!({"TopicArn": arn})).unwrap();
    assert_eq!(out["Attributes"]["DisplayName"], "Ops");
}

#[test]
fn unknown_topics_and_foreign_regions() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    let missing = "arn:aws:sns:ap-southeast-2:123456789012:missing";
    let err = attrs(&sim, missing).unwrap_err();
    assert_eq!((err.code.as_str(), err.status, err.message.as_str()), ("NotFound", 404, "Topic does not exist"));
    assert_eq!(set(&sim, missing, "DisplayName", "x").unwrap_err().code, "NotFound");
    assert_eq!(attrs(&sim, "not-an-arn").unwrap_err().code, "InvalidParameter");
    // Topics are regional.
    let arn = create(&sim, "regional", &[]).unwrap();
    let other = sim.call::<sns::ListTopics>("us-east-1", Default::default()).unwrap();
    assert_eq!(other.topics.unwrap(), vec![]);
    let r = sim.call::<sns::GetTopicAttributes>("us-east-1", sns::GetTopicAttributesInput { topic_arn: arn.clone() });
    assert_eq!(r.unwrap_err().code, "InvalidParameter");
    // The cross-service accessor finds the topic through its ARN's region.
    let policy = hubsim_simulator::testing::topic_policy(&sim, "us-east-1", &arn);
    assert!(policy.unwrap().unwrap().contains("__default_statement_ID"));
    let none = hubsim_simulator::testing::topic_policy(&sim, REGION, missing);
    assert_eq!(none.unwrap(), None);
}

#[test]
fn list_pages_and_delete() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for i in 0..105 {
        create(&sim, &format!("t{i:03}"), &[]).unwrap();
    }
    let first = sim.call::<sns::ListTopics>(REGION, Default::default()).unwrap();
    assert_eq!(first.topics.as_ref().unwrap().len(), 100);
    let token = first.next_token.clone().unwrap();
    let second = sim.call::<sns::ListTopics>(REGION, sns::ListTopicsInput { next_token: Some(token) }).unwrap();
    assert_eq!(second.topics.as_ref().unwrap().len(), 5);
    assert_eq!(second.next_token, None);
    let bad = sim.call::<sns::ListTopics>(REGION, sns::ListTopicsInput { next_token: Some("garbage".into()) });
    assert_eq!(bad.unwrap_err().code, "InvalidParameter");
    let arn = first.topics.unwrap()[0].topic_arn.clone().unwrap();
    sim.call::<sns::DeleteTopic>(REGION, sns::DeleteTopicInput { topic_arn: arn.clone() }).unwrap();
    assert_eq!(attrs(&sim, &arn).unwrap_err().code, "NotFound");
    // Deleting again is fine.
    sim.call::<sns::DeleteTopic>(REGION, sns::DeleteTopicInput { topic_arn: arn }).unwrap();
    let r = sim.call::<sns::DeleteTopic>(REGION, sns::DeleteTopicInput { topic_arn: "bogus".into() });
    assert_eq!(r.unwrap_err().code, "InvalidParameter");
}

#[test]
fn tags() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let tag = |k: &str, v: &str| sns::Tag { key: k.into(), value: v.into() };
    let arn = sim
        .call::<sns::CreateTopic>(
            REGION,
            sns::CreateTopicInput { name: "tagged".into(), tags: Some(vec![tag("env", "dev")]), ..Default::default() },
        )
        .unwrap()
        .topic_arn
        .unwrap();
    let list = || {
        sim.call::<sns::ListTagsForResource>(REGION, sns::ListTagsForResourceRequest { resource_arn: arn.clone() })
            .map(|o| o.tags.unwrap())
    };
    assert_eq!(list().unwrap(), vec![tag("env", "dev")]);
    let tag_it = |tags: Vec<sns::Tag>| {
        sim.call::<sns::TagResource>(REGION, sns::TagResourceRequest { resource_arn: arn.clone(), tags })
    };
    tag_it(vec![tag("env", "prod"), tag("team", "sec")]).unwrap();
    assert_eq!(list().unwrap(), vec![tag("env", "prod"), tag("team", "sec")]);
    let many: Vec<sns::Tag> = (0..49).map(|i| tag(&format!("k{i}"), "v")).collect();
    assert_eq!(tag_it(many).unwrap_err().code, "TagLimitExceeded");
    assert_eq!(tag_it(vec![tag("a", "1"), tag("a", "2")]).unwrap_err().code, "InvalidParameter");
    assert_eq!(list().unwrap().len(), 2);
    let missing = "arn:aws:sns:ap-southeast-2:123456789012:missing".to_string();
    let r =
        sim.call::<sns::ListTagsForResource>(REGION, sns::ListTagsForResourceRequest { resource_arn: missing.clone() });
    assert_eq!(r.unwrap_err().code, "ResourceNotFound");
    let r = sim
        .call::<sns::TagResource>(REGION, sns::TagResourceRequest { resource_arn: missing, tags: vec![tag("a", "b")] });
    assert_eq!(r.unwrap_err().code, "ResourceNotFound");
}
