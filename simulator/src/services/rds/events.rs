//! CreateEventSubscription, DescribeEventSubscriptions, ModifyEventSubscription,
//! DeleteEventSubscription
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateEventSubscription.html>;
//! the categories of each source type:
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html>).

use hubsim_model::rds;

use super::tags::check_tags;
use super::{arn, invalid_value, page, page_bounds, read_filters};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::sns;
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateEventSubscription>()
        .add::<rds::DescribeEventSubscriptions>()
        .add::<rds::ModifyEventSubscription>()
        .add::<rds::DeleteEventSubscription>();
}

/// An event subscription is stored as DescribeEventSubscriptions shows it (id: its name).
impl Resource for rds::EventSubscription {
    const KIND: &'static str = "rds:es";
}

/// The tags of an event subscription (id: its name; the shape DescribeEventSubscriptions
/// answers has none).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SubscriptionTags {
    /// The tags.
    pub tags: Vec<rds::Tag>,
}

impl Resource for SubscriptionTags {
    const KIND: &'static str = "rds:es-tags";
}

/// The event categories of each source type RDS publishes events for.
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "db-instance",
        &[
            "availability",
            "backup",
            "configuration change",
            "creation",
            "deletion",
            "failover",
            "failure",
            "low storage",
            "maintenance",
            "notification",
            "read replica",
            "recovery",
            "restoration",
            "security",
            "security patching",
        ],
    ),
    (
        "db-cluster",
        &[
            "configuration change",
            "creation",
            "deletion",
            "failover",
            "failure",
            "global-failover",
            "maintenance",
            "migration",
            "notification",
            "serverless",
        ],
    ),
    ("db-parameter-group", &["configuration change"]),
    ("db-security-group", &["configuration change", "failure"]),
    ("db-snapshot", &["creation", "deletion", "notification", "restoration"]),
    ("db-cluster-snapshot", &["backup", "notification"]),
    ("db-proxy", &["configuration change", "creation", "deletion"]),
];

/// 404 `SubscriptionNotFound`.
pub(super) fn not_found(name: &str) -> AwsError {
    AwsError::not_found("SubscriptionNotFound", format!("Subscription {name} not found."))
}

/// Checks a source type and its categories (lower-cased, as RDS lists them).
fn check_categories(source_type: Option<&str>, categories: &[String]) -> Result<Vec<String>, AwsError> {
    let known: Vec<&str> = match source_type {
        Some(t) => CATEGORIES
            .iter()
            .find(|(s, _)| *s == t)
            .map(|(_, c)| c.to_vec())
            .ok_or_else(|| invalid_value(format!("Invalid source type: {t}")))?,
        None => CATEGORIES.iter().flat_map(|(_, c)| c.iter().copied()).collect(),
    };
    let mut out = Vec::new();
    for c in categories {
        let lower = c.to_ascii_lowercase();
        if !known.contains(&lower.as_str()) {
            return Err(AwsError::not_found(
                "SubscriptionCategoryNotFound",
                format!("Category {c} not found for source type {}.", source_type.unwrap_or("all")),
            ));
        }
        if !out.contains(&lower) {
            out.push(lower);
        }
    }
    Ok(out)
}

/// Checks that the SNS topic exists in the call's region and is not FIFO.
fn check_topic(ctx: &Ctx<'_>, topic_arn: &str) -> Result<(), AwsError> {
    let topic = sns::topic(ctx, topic_arn)
        .map_err(|_| AwsError::not_found("SNSTopicArnNotFound", format!("SNS topic {topic_arn} does not exist.")))?;
    if topic.attributes.get("FifoTopic").is_some_and(|v| v == "true") {
        return Err(AwsError::bad_request(
            "SNSInvalidTopic",
            format!("RDS does not publish to FIFO topic {topic_arn}."),
        ));
    }
    Ok(())
}

impl Handler for rds::CreateEventSubscription {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::CreateEventSubscriptionMessage,
    ) -> Result<rds::CreateEventSubscriptionResult, AwsError> {
        let name = input.subscription_name.clone();
        let shaped = (1..255).contains(&name.len())
            && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !shaped {
            return Err(invalid_value(format!(
                "Invalid subscription name {name}: up to 255 letters, digits and hyphens, starting with a letter."
            )));
        }
        let categories = check_categories(input.source_type.as_deref(), &input.event_categories.unwrap_or_default())?;
        let source_ids = input.source_ids.unwrap_or_default();
        if !source_ids.is_empty() && input.source_type.is_none() {
            return Err(invalid_value("SourceIds need a SourceType."));
        }
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, &[])?;
        check_topic(ctx, &input.sns_topic_arn)?;
        if ctx.get::<rds::EventSubscription>(&name)?.is_some() {
            return Err(AwsError::bad_request(
                "SubscriptionAlreadyExist",
                format!("Subscription {name} already exists."),
            ));
        }
        let sub = rds::EventSubscription {
            customer_aws_id: Some(ctx.account().to_string()),
            cust_subscription_id: Some(name.clone()),
            sns_topic_arn: Some(input.sns_topic_arn),
            status: Some("active".into()),
            subscription_creation_time: Some(ctx.now().to_iso8601()),
            source_type: input.source_type,
            source_ids_list: (!source_ids.is_empty()).then_some(source_ids),
            event_categories_list: (!categories.is_empty()).then_some(categories),
            enabled: Some(input.enabled.unwrap_or(true)),
            event_subscription_arn: Some(arn(ctx, "es", &name)),
        };
        ctx.put(&name, &sub)?;
        ctx.put(&name, &SubscriptionTags { tags })?;
        Ok(rds::CreateEventSubscriptionResult { event_subscription: Some(sub) })
    }
}

impl Handler for rds::DescribeEventSubscriptions {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeEventSubscriptionsMessage,
    ) -> Result<rds::EventSubscriptionsMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        read_filters(input.filters, &[])?;
        let subs: Vec<rds::EventSubscription> = match &input.subscription_name {
            Some(n) => vec![ctx.get::<rds::EventSubscription>(n)?.ok_or_else(|| not_found(n))?],
            None => ctx.list::<rds::EventSubscription>()?.into_iter().map(|(_, s)| s).collect(),
        };
        let (items, marker) = page(subs, start, size);
        Ok(rds::EventSubscriptionsMessage { marker, event_subscriptions_list: Some(items) })
    }
}

impl Handler for rds::ModifyEventSubscription {
    const MUTATES: bool = true;

    /// Replaces the topic, source type, categories or enabled flag given; a new source type
    /// without categories subscribes to all of its categories.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::ModifyEventSubscriptionMessage,
    ) -> Result<rds::ModifyEventSubscriptionResult, AwsError> {
        let name = input.subscription_name;
        let mut sub = ctx.get::<rds::EventSubscription>(&name)?.ok_or_else(|| not_found(&name))?;
        let source_type = input.source_type.clone().or_else(|| sub.source_type.clone());
        let categories = match input.event_categories {
            Some(c) => Some(check_categories(source_type.as_deref(), &c)?),
            None if input.source_type.is_some() => Some(Vec::new()),
            None => {
                check_categories(source_type.as_deref(), &sub.event_categories_list.clone().unwrap_or_default())?;
                None
            }
        };
        if let Some(t) = &input.sns_topic_arn {
            check_topic(ctx, t)?;
            sub.sns_topic_arn = Some(t.clone());
        }
        sub.source_type = source_type;
        if let Some(c) = categories {
            sub.event_categories_list = (!c.is_empty()).then_some(c);
        }
        if let Some(e) = input.enabled {
            sub.enabled = Some(e);
        }
        ctx.put(&name, &sub)?;
        Ok(rds::ModifyEventSubscriptionResult { event_subscription: Some(sub) })
    }
}

impl Handler for rds::DeleteEventSubscription {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DeleteEventSubscriptionMessage,
    ) -> Result<rds::DeleteEventSubscriptionResult, AwsError> {
        let name = input.subscription_name;
        let mut sub = ctx.get::<rds::EventSubscription>(&name)?.ok_or_else(|| not_found(&name))?;
        ctx.delete::<rds::EventSubscription>(&name)?;
        ctx.delete::<SubscriptionTags>(&name)?;
        sub.status = Some("deleting".into());
        Ok(rds::DeleteEventSubscriptionResult { event_subscription: Some(sub) })
    }
}
