//! SNS subscriptions: pending and confirmed subscriptions, listings, unsubscribing.

use hubsim_simulator::model::{hubsim, sns};
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "us-west-2";

fn topic(sim: &Simulator, name: &str) -> String {
    sim.call::<sns::CreateTopic>(REGION, sns::CreateTopicInput { name: name.into(), ..Default::default() })
        .unwrap()
        .topic_arn
        .unwrap()
}

fn subscribe(sim: &Simulator, arn: &str, protocol: &str, endpoint: &str) -> Result<String, AwsError> {
    sim.call::<sns::Subscribe>(
        REGION,
        sns::SubscribeInput {
            topic_arn: arn.into(),
            protocol: protocol.into(),
            endpoint: Some(endpoint.into()),
            ..Default::default()
        },
    )
    .map(|o| o.subscription_arn.unwrap())
}

fn counts(sim: &Simulator, arn: &str) -> (String, String) {
    let a = sim
        .call::<sns::GetTopicAttributes>(REGION, sns::GetTopicAttributesInput { topic_arn: arn.into() })
        .unwrap()
        .attributes
        .unwrap();
    (a["SubscriptionsPending"].clone(), a["SubscriptionsConfirmed"].clone())
}

fn by_topic(sim: &Simulator, arn: &str) -> Vec<sns::Subscription> {
    sim.call::<sns::ListSubscriptionsByTopic>(
        REGION,
        sns::ListSubscriptionsByTopicInput { topic_arn: arn.into(), next_token: None },
    )
    .unwrap()
    .subscriptions
    .unwrap()
}

#[test]
fn pending_and_confirmed_subscriptions() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "alarms");
    assert_eq!(subscribe(&sim, &arn, "email", "ops@example.com").unwrap(), "pending confirmation");
    assert_eq!(subscribe(&sim, &arn, "https", "https://hooks.example.com/sns").unwrap(), "pending confirmation");
    let sqs = subscribe(&sim, &arn, "sqs", "arn:aws:sqs:us-west-2:123456789012:q").unwrap();
    assert!(sqs.starts_with(&format!("{arn}:")), "{sqs}");
    assert_eq!(sqs.len(), arn.len() + 1 + 36);
    let lambda = subscribe(&sim, &arn, "lambda", "arn:aws:lambda:us-west-2:123456789012:function:f").unwrap();
    // Subscribing the same endpoint again answers the same subscription.
    assert_eq!(subscribe(&sim, &arn, "sqs", "arn:aws:sqs:us-west-2:123456789012:q").unwrap(), sqs);
    assert_eq!(counts(&sim, &arn), ("2".to_string(), "2".to_string()));
    let listed = by_topic(&sim, &arn);
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[0].subscription_arn.as_deref(), Some("PendingConfirmation"));
    assert_eq!(listed[0].protocol.as_deref(), Some("email"));
    assert_eq!(listed[0].owner.as_deref(), Some("123456789012"));
    assert_eq!(listed[2].subscription_arn.as_deref(), Some(sqs.as_str()));
    // ReturnSubscriptionArn gives the real ARN of a pending one.
    let real = sim
        .call::<sns::Subscribe>(
            REGION,
            sns::SubscribeInput {
                topic_arn: arn.clone(),
                protocol: "email".into(),
                endpoint: Some("ops@example.com".into()),
                return_subscription_arn: Some(true),
                ..Default::default()
            },
        )
        .unwrap()
        .subscription_arn
        .unwrap();
    assert!(real.starts_with(&format!("{arn}:")));
    sim.call::<sns::Unsubscribe>(REGION, sns::UnsubscribeInput { subscription_arn: lambda.clone() }).unwrap();
    assert_eq!(counts(&sim, &arn), ("2".to_string(), "1".to_string()));
    let again = sim.call::<sns::Unsubscribe>(REGION, sns::UnsubscribeInput { subscription_arn: lambda });
    assert_eq!(again.unwrap_err().code, "NotFound");
    let bad =
        sim.call::<sns::Unsubscribe>(REGION, sns::UnsubscribeInput { subscription_arn: "pending confirmation".into() });
    assert_eq!(bad.unwrap_err().code, "InvalidParameter");
}

#[test]
fn subscribe_errors_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "t");
    let code = |r: Result<String, AwsError>| r.unwrap_err().code;
    assert_eq!(code(subscribe(&sim, &arn, "carrier-pigeon", "coop")), "InvalidParameter");
    assert_eq!(code(subscribe(&sim, &arn, "email", "not-an-address")), "InvalidParameter");
    assert_eq!(code(subscribe(&sim, &arn, "https", "http://insecure.example.com")), "InvalidParameter");
    assert_eq!(code(subscribe(&sim, &arn, "sqs", "my-queue")), "InvalidParameter");
    assert_eq!(
        code(subscribe(&sim, &arn, "firehose", "arn:aws:firehose:us-west-2:123456789012:deliverystream/s")),
        "InvalidParameter"
    );
    let missing = "arn:aws:sns:us-west-2:123456789012:missing";
    let err = subscribe(&sim, missing, "sqs", "arn:aws:sqs:us-west-2:123456789012:q").unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NotFound", 404));
    assert_eq!(by_topic(&sim, &arn), vec![]);
    let r = sim.call::<sns::ListSubscriptionsByTopic>(
        REGION,
        sns::ListSubscriptionsByTopicInput { topic_arn: missing.into(), next_token: None },
    );
    assert_eq!(r.unwrap_err().code, "NotFound");
    // JSON path: the model requires Protocol.
    let r = sim.call_json(REGION, "sns", "Subscribe", serde_json::json!({"TopicArn": arn}));
    assert_eq!(r.unwrap_err().code, "InvalidParameter");
    // Firehose needs a role; sms takes a phone number.
    let ok = sim
        .call_json(
            REGION,
            "sns",
            "Subscribe",
            serde_json::json!({"TopicArn": arn, "Protocol": "firehose",
                "Endpoint": "arn:aws:firehose:us-west-2:123456789012:deliverystream/s",
                "Attributes": {"SubscriptionRoleArn": "arn:aws:iam::123456789012:role/fh"}}),
        )
        .unwrap();
    assert!(ok["SubscriptionArn"].as_str().unwrap().starts_with(&arn));
    subscribe(&sim, &arn, "sms", "+15555550100").unwrap();
    assert_eq!(counts(&sim, &arn), ("0".to_string(), "2".to_string()));
}

#[test]
fn list_subscriptions_pages_and_delete_topic_removes_them() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let a = topic(&sim, "a");
    let b = topic(&sim, "b");
    for i in 0..60 {
        subscribe(&sim, &a, "sqs", &format!("arn:aws:sqs:us-west-2:123456789012:qa{i}")).unwrap();
        subscribe(&sim, &b, "sqs", &format!("arn:aws:sqs:us-west-2:123456789012:qb{i}")).unwrap();
    }
    let first = sim.call::<sns::ListSubscriptions>(REGION, Default::default()).unwrap();
    assert_eq!(first.subscriptions.unwrap().len(), 100);
    let second = sim
        .call::<sns::ListSubscriptions>(REGION, sns::ListSubscriptionsInput { next_token: first.next_token })
        .unwrap();
    assert_eq!(second.subscriptions.unwrap().len(), 20);
    assert_eq!(second.next_token, None);
    assert_eq!(by_topic(&sim, &a).len(), 60);
    sim.call::<sns::DeleteTopic>(REGION, sns::DeleteTopicInput { topic_arn: a }).unwrap();
    let all = sim.call::<sns::ListSubscriptions>(REGION, Default::default()).unwrap();
    let subs = all.subscriptions.unwrap();
    assert_eq!(subs.len(), 60);
    assert!(subs.iter().all(|s| s.topic_arn.as_deref() == Some(b.as_str())));
    // Another region sees none.
    let other = fresh_account(Era::Current, &[REGION, "eu-west-1"]);
    assert_eq!(
        other.call::<sns::ListSubscriptions>("eu-west-1", Default::default()).unwrap().subscriptions.unwrap(),
        vec![]
    );
}

/// Subscribes `endpoint` by email and answers the subscription's ARN (the confirmation token).
fn subscribe_for_token(sim: &Simulator, arn: &str, endpoint: &str) -> String {
    sim.call::<sns::Subscribe>(
        REGION,
        sns::SubscribeInput {
            topic_arn: arn.into(),
            protocol: "email".into(),
            endpoint: Some(endpoint.into()),
            return_subscription_arn: Some(true),
            ..Default::default()
        },
    )
    .unwrap()
    .subscription_arn
    .unwrap()
}

fn confirm(sim: &Simulator, arn: &str, token: &str) -> Result<String, AwsError> {
    sim.call::<sns::ConfirmSubscription>(
        REGION,
        sns::ConfirmSubscriptionInput { topic_arn: arn.into(), token: token.into(), authenticate_on_unsubscribe: None },
    )
    .map(|o| o.subscription_arn.unwrap())
}

fn attributes(sim: &Simulator, sub: &str) -> Result<std::collections::BTreeMap<String, String>, AwsError> {
    sim.call::<sns::GetSubscriptionAttributes>(
        REGION,
        sns::GetSubscriptionAttributesInput { subscription_arn: sub.into() },
    )
    .map(|o| o.attributes.unwrap())
}

#[test]
fn confirm_subscription_with_the_token_subscribe_answered() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "alarms");
    let token = subscribe_for_token(&sim, &arn, "ops@example.com");
    let a = attributes(&sim, &token).unwrap();
    assert_eq!(a["PendingConfirmation"], "true");
    assert_eq!(a["Protocol"], "email");
    assert_eq!(a["Endpoint"], "ops@example.com");
    assert_eq!(a["TopicArn"], arn);
    assert_eq!(by_topic(&sim, &arn)[0].subscription_arn.as_deref(), Some("PendingConfirmation"));
    assert_eq!(confirm(&sim, &arn, &token).unwrap(), token);
    assert_eq!(attributes(&sim, &token).unwrap()["PendingConfirmation"], "false");
    assert_eq!(by_topic(&sim, &arn)[0].subscription_arn.as_deref(), Some(token.as_str()));
    assert_eq!(counts(&sim, &arn), ("0".to_string(), "1".to_string()));
    // Confirming again answers the same subscription.
    assert_eq!(confirm(&sim, &arn, &token).unwrap(), token);
}

#[test]
fn confirm_subscription_refusals_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "alarms");
    let other = topic(&sim, "other");
    let token = subscribe_for_token(&sim, &arn, "ops@example.com");
    // An unknown token, or one of another topic's subscription.
    assert_eq!(confirm(&sim, &arn, "0123456789abcdef").unwrap_err().code, "InvalidParameter");
    assert_eq!(confirm(&sim, &other, &token).unwrap_err().code, "InvalidParameter");
    let missing = "arn:aws:sns:us-west-2:123456789012:missing";
    assert_eq!(confirm(&sim, missing, &token).unwrap_err().code, "NotFound");
    let bad_flag = sim.call::<sns::ConfirmSubscription>(
        REGION,
        sns::ConfirmSubscriptionInput {
            topic_arn: arn.clone(),
            token: token.clone(),
            authenticate_on_unsubscribe: Some("maybe".into()),
        },
    );
    assert_eq!(bad_flag.unwrap_err().code, "InvalidParameter");
    assert_eq!(attributes(&sim, &token).unwrap()["PendingConfirmation"], "true");
    // Tokens are valid for two days (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html).
    let late = subscribe_for_token(&sim, &arn, "late@example.com");
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(49), ..Default::default() })
        .unwrap();
    assert_eq!(confirm(&sim, &arn, &late).unwrap_err().code, "InvalidParameter");
    assert_eq!(attributes(&sim, &late).unwrap()["PendingConfirmation"], "true");
    assert_eq!(counts(&sim, &arn), ("2".to_string(), "0".to_string()));
}

#[test]
fn get_subscription_attributes_errors() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "alarms");
    assert_eq!(attributes(&sim, "PendingConfirmation").unwrap_err().code, "InvalidParameter");
    assert_eq!(attributes(&sim, &format!("{arn}:00000000-0000-0000-0000-000000000000")).unwrap_err().code, "NotFound");
    let eu = "arn:aws:sns:eu-west-1:123456789012:alarms:00000000-0000-0000-0000-000000000000";
    assert_eq!(attributes(&sim, eu).unwrap_err().code, "InvalidParameter");
}
