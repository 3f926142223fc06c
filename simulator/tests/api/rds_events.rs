//! RDS event subscriptions through the typed API: AWS's checks of the topic, source type and
//! categories, modification, tags, deletion.

use hubsim_simulator::model::{rds, sns};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

fn topic(sim: &Simulator, name: &str) -> String {
    sim.call::<sns::CreateTopic>(REGION, sns::CreateTopicInput { name: name.into(), ..Default::default() })
        .unwrap()
        .topic_arn
        .unwrap()
}

fn create(
    sim: &Simulator,
    name: &str,
    topic: &str,
    source: Option<&str>,
    categories: &[&str],
) -> Result<rds::EventSubscription, AwsError> {
    sim.call::<rds::CreateEventSubscription>(
        REGION,
        rds::CreateEventSubscriptionMessage {
            subscription_name: name.into(),
            sns_topic_arn: topic.into(),
            source_type: source.map(str::to_string),
            event_categories: (!categories.is_empty()).then(|| categories.iter().map(|c| c.to_string()).collect()),
            tags: Some(vec![rds::Tag { key: Some("team".into()), value: Some("db".into()) }]),
            ..Default::default()
        },
    )
    .map(|r| r.event_subscription.unwrap())
}

fn all(sim: &Simulator) -> Vec<rds::EventSubscription> {
    sim.call::<rds::DescribeEventSubscriptions>(REGION, Default::default())
        .unwrap()
        .event_subscriptions_list
        .unwrap_or_default()
}

#[test]
fn create_checks_topic_source_type_and_categories() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "db-events");
    let s = create(&sim, "db-critical", &arn, Some("db-instance"), &["Failure", "maintenance"]).unwrap();
    assert_eq!(s.status.as_deref(), Some("active"));
    assert_eq!(s.enabled, Some(true));
    assert_eq!(s.event_categories_list, Some(vec!["failure".to_string(), "maintenance".to_string()]));
    assert_eq!(s.customer_aws_id.as_deref(), Some(ACCOUNT));
    let es_arn = format!("arn:aws:rds:{REGION}:{ACCOUNT}:es:db-critical");
    assert_eq!(s.event_subscription_arn.as_deref(), Some(es_arn.as_str()));
    let missing = format!("arn:aws:sns:{REGION}:{ACCOUNT}:nope");
    assert_eq!(code(create(&sim, "other", &missing, None, &[])), "SNSTopicArnNotFound");
    assert_eq!(code(create(&sim, "other", &arn, Some("db-table"), &[])), "InvalidParameterValue");
    assert_eq!(
        code(create(&sim, "other", &arn, Some("db-parameter-group"), &["failure"])),
        "SubscriptionCategoryNotFound"
    );
    assert_eq!(code(create(&sim, "1st", &arn, None, &[])), "InvalidParameterValue");
    assert_eq!(code(create(&sim, "db-critical", &arn, None, &[])), "SubscriptionAlreadyExist");
    assert_eq!(all(&sim), vec![s]);
    let tags = sim
        .call::<rds::ListTagsForResource>(
            REGION,
            rds::ListTagsForResourceMessage { resource_name: es_arn, filters: None },
        )
        .unwrap()
        .tag_list
        .unwrap();
    assert_eq!(tags, vec![rds::Tag { key: Some("team".into()), value: Some("db".into()) }]);
}

#[test]
fn modify_and_delete() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = topic(&sim, "db-events");
    create(&sim, "pg", &arn, Some("db-parameter-group"), &["configuration change"]).unwrap();
    let modify = |input: rds::ModifyEventSubscriptionMessage| {
        sim.call::<rds::ModifyEventSubscription>(REGION, input).map(|r| r.event_subscription.unwrap())
    };
    let m = modify(rds::ModifyEventSubscriptionMessage {
        subscription_name: "pg".into(),
        enabled: Some(false),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(m.enabled, Some(false));
    // A new source type without categories subscribes to all of them.
    let m = modify(rds::ModifyEventSubscriptionMessage {
        subscription_name: "pg".into(),
        source_type: Some("db-instance".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!((m.source_type.as_deref(), m.event_categories_list), (Some("db-instance"), None));
    let before = all(&sim);
    assert_eq!(
        code(modify(rds::ModifyEventSubscriptionMessage {
            subscription_name: "pg".into(),
            event_categories: Some(vec!["global-failover".into()]),
            ..Default::default()
        })),
        "SubscriptionCategoryNotFound"
    );
    assert_eq!(all(&sim), before);
    assert_eq!(
        code(modify(rds::ModifyEventSubscriptionMessage { subscription_name: "nope".into(), ..Default::default() })),
        "SubscriptionNotFound"
    );
    let gone = sim
        .call::<rds::DeleteEventSubscription>(
            REGION,
            rds::DeleteEventSubscriptionMessage { subscription_name: "pg".into() },
        )
        .unwrap();
    assert_eq!(gone.event_subscription.unwrap().status.as_deref(), Some("deleting"));
    assert!(all(&sim).is_empty());
    assert_eq!(
        code(sim.call::<rds::DeleteEventSubscription>(
            REGION,
            rds::DeleteEventSubscriptionMessage { subscription_name: "pg".into() }
        )),
        "SubscriptionNotFound"
    );
}
