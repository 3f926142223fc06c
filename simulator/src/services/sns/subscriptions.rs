//! Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions,
//! ListSubscriptionsByTopic, GetSubscriptionAttributes.
//!
//! Email and HTTP/S endpoints must confirm a subscription before SNS delivers to it
//! (<https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html>); until then the listings
//! show its ARN as `PendingConfirmation`. Subscriptions to AWS resources (SQS, Lambda,
//! Firehose, platform applications) and SMS are confirmed at once.
//!
//! **The confirmation token.** AWS mails (or posts) a token to the endpoint, and the endpoint's
//! owner calls `ConfirmSubscription` with it; hubsim sends nothing, so its token is one a
//! caller already holds: the subscription's own ARN, which `Subscribe` answers when called
//! with `ReturnSubscriptionArn: true` (AWS: "You call the ConfirmSubscription action with the
//! token from the subscription response"). A scenario confirms an email subscription with
//! `Subscribe {..., "ReturnSubscriptionArn": true}` as `sub`, then
//! `ConfirmSubscription {"TopicArn": ..., "Token": "${sub.SubscriptionArn}"}`. As AWS's
//! tokens, it is valid for two days from `Subscribe` (scenario clock); an unknown or expired
//! token is `InvalidParameter`.

use std::collections::BTreeMap;

use hubsim_model::{sns, Empty};

use super::{invalid_parameter, page, topic, Subscription};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sns::Subscribe>()
        .add::<sns::Unsubscribe>()
        .add::<sns::ListSubscriptions>()
        .add::<sns::ListSubscriptionsByTopic>()
        .add::<sns::ConfirmSubscription>()
        .add::<sns::GetSubscriptionAttributes>();
}

/// How long a confirmation token is valid: two days, in milliseconds
/// (<https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html>).
const TOKEN_LIFETIME_MS: i64 = 2 * 24 * 60 * 60 * 1000;

/// Subscriptions per list page.
const PAGE: usize = 100;
/// What Subscribe answers for a subscription awaiting confirmation.
const PENDING_ANSWER: &str = "pending confirmation";
/// What the listings show as the ARN of a subscription awaiting confirmation.
const PENDING_LISTED: &str = "PendingConfirmation";

fn bad_endpoint() -> AwsError {
    invalid_parameter("Invalid parameter: Endpoint")
}

/// Whether `arn` is an ARN of `service` with a region, an account and a resource.
fn is_arn_of(arn: &str, service: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1] == "aws"
        && parts[2] == service
        && !parts[3].is_empty()
        && !parts[4].is_empty()
        && !parts[5].is_empty()
}

/// Checks the endpoint for `protocol`; whether the subscription waits for a confirmation.
fn check_endpoint(protocol: &str, endpoint: &str, attributes: &BTreeMap<String, String>) -> Result<bool, AwsError> {
    let ok = match protocol {
        "http" => endpoint.starts_with("http://") && endpoint.len() > "http://".len(),
        "https" => endpoint.starts_with("https://") && endpoint.len() > "https://".len(),
        "email" | "email-json" => {
            endpoint.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        }
        "sms" => {
            let digits = endpoint.strip_prefix('+').unwrap_or(endpoint);
            (7..=15).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit())
        }
        "sqs" => is_arn_of(endpoint, "sqs"),
        "lambda" => is_arn_of(endpoint, "lambda"),
        "firehose" => {
            if !attributes.contains_key("SubscriptionRoleArn") {
                return Err(invalid_parameter(
                    "Invalid parameter: Attributes Reason: SubscriptionRoleArn is required for firehose protocol",
                ));
            }
            is_arn_of(endpoint, "firehose")
        }
        "application" => is_arn_of(endpoint, "sns") && endpoint.contains(":endpoint/"),
        other => {
            return Err(invalid_parameter(format!(
                "Invalid parameter: Amazon SNS does not support this protocol string: {other}"
            )))
        }
    };
    if !ok {
        return Err(bad_endpoint());
    }
    Ok(matches!(protocol, "http" | "https" | "email" | "email-json"))
}

fn listed(s: Subscription) -> sns::Subscription {
    sns::Subscription {
        subscription_arn: Some(if s.pending { PENDING_LISTED.to_string() } else { s.arn }),
        owner: Some(s.owner),
        protocol: Some(s.protocol),
        endpoint: Some(s.endpoint),
        topic_arn: Some(s.topic_arn),
    }
}

impl Handler for sns::Subscribe {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sns::SubscribeInput) -> Result<sns::SubscribeResponse, AwsError> {
        let t = topic(ctx, &input.topic_arn)?;
        let endpoint = input.endpoint.unwrap_or_default();
        let attributes = input.attributes.unwrap_or_default();
        if endpoint.is_empty() {
            return Err(bad_endpoint());
        }
        let pending = check_endpoint(&input.protocol, &endpoint, &attributes)?;
        if t.is_fifo() && !matches!(input.protocol.as_str(), "sqs" | "firehose") {
            return Err(invalid_parameter(format!("Invalid parameter: Invalid protocol type: {}", input.protocol)));
        }
        let answer = |s: &Subscription| {
            if s.pending && input.return_subscription_arn != Some(true) {
                PENDING_ANSWER.to_string()
            } else {
                s.arn.clone()
            }
        };
        // Subscribing the same endpoint again answers the existing subscription.
        let existing = ctx
            .list::<Subscription>()?
            .into_iter()
            .map(|(_, s)| s)
            .find(|s| s.topic_arn == t.arn && s.protocol == input.protocol && s.endpoint == endpoint);
        if let Some(s) = existing {
            return Ok(sns::SubscribeResponse { subscription_arn: Some(answer(&s)) });
        }
        let arn = format!("{}:{}", t.arn, ctx.ids().uuid());
        let sub = Subscription {
            arn: arn.clone(),
            topic_arn: t.arn,
            protocol: input.protocol.clone(),
            endpoint,
            owner: ctx.account().to_string(),
            pending,
            attributes,
            created: Some(ctx.now()),
        };
        ctx.put(&arn, &sub)?;
        Ok(sns::SubscribeResponse { subscription_arn: Some(answer(&sub)) })
    }
}

impl Handler for sns::Unsubscribe {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sns::UnsubscribeInput) -> Result<Empty, AwsError> {
        let arn = input.subscription_arn;
        let topic_part = arn.rsplit_once(':').map(|(t, _)| t).unwrap_or("");
        if super::TopicArn::parse(topic_part).is_none() {
            return Err(invalid_parameter("Invalid parameter: SubscriptionArn"));
        }
        if !ctx.delete::<Subscription>(&arn)? {
            return Err(AwsError::not_found("NotFound", "Subscription does not exist"));
        }
        Ok(Empty {})
    }
}

impl Handler for sns::ListSubscriptions {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sns::ListSubscriptionsInput,
    ) -> Result<sns::ListSubscriptionsResponse, AwsError> {
        let subs: Vec<Subscription> = ctx.list::<Subscription>()?.into_iter().map(|(_, s)| s).collect();
        let (items, next_token) = page(subs, input.next_token.as_deref(), PAGE)?;
        Ok(sns::ListSubscriptionsResponse { subscriptions: Some(items.into_iter().map(listed).collect()), next_token })
    }
}

impl Handler for sns::ListSubscriptionsByTopic {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sns::ListSubscriptionsByTopicInput,
    ) -> Result<sns::ListSubscriptionsByTopicResponse, AwsError> {
        let t = topic(ctx, &input.topic_arn)?;
        let subs: Vec<Subscription> =
            ctx.list::<Subscription>()?.into_iter().map(|(_, s)| s).filter(|s| s.topic_arn == t.arn).collect();
        let (items, next_token) = page(subs, input.next_token.as_deref(), PAGE)?;
        Ok(sns::ListSubscriptionsByTopicResponse {
            subscriptions: Some(items.into_iter().map(listed).collect()),
            next_token,
        })
    }
}

fn bad_token() -> AwsError {
    invalid_parameter("Invalid token")
}

impl Handler for sns::ConfirmSubscription {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sns::ConfirmSubscriptionInput,
    ) -> Result<sns::ConfirmSubscriptionResponse, AwsError> {
        let t = topic(ctx, &input.topic_arn)?;
        let authenticated = match input.authenticate_on_unsubscribe.as_deref().map(str::to_ascii_lowercase) {
            None => false,
            Some(v) if v == "true" => true,
            Some(v) if v == "false" => false,
            Some(_) => return Err(invalid_parameter("Invalid parameter: AuthenticateOnUnsubscribe")),
        };
        // The token is the subscription's ARN (see the module's documentation); it must name a
        // subscription of this topic.
        let mut sub = match ctx.get::<Subscription>(&input.token)? {
            Some(s) if s.topic_arn == t.arn => s,
            _ => return Err(bad_token()),
        };
        if !sub.pending {
            // Confirming again answers the subscription, as AWS does for a reused token.
            return Ok(sns::ConfirmSubscriptionResponse { subscription_arn: Some(sub.arn) });
        }
        if sub.created.is_some_and(|c| ctx.now().0 - c.0 > TOKEN_LIFETIME_MS) {
            return Err(bad_token());
        }
        sub.pending = false;
        if authenticated {
            sub.attributes.insert("ConfirmationWasAuthenticated".into(), "true".into());
        }
        let arn = sub.arn.clone();
        ctx.put(&arn, &sub)?;
        Ok(sns::ConfirmSubscriptionResponse { subscription_arn: Some(arn) })
    }
}

impl Handler for sns::GetSubscriptionAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sns::GetSubscriptionAttributesInput,
    ) -> Result<sns::GetSubscriptionAttributesResponse, AwsError> {
        let arn = input.subscription_arn;
        let bad = || invalid_parameter("Invalid parameter: SubscriptionArn");
        let (topic_part, id) = arn.rsplit_once(':').ok_or_else(bad)?;
        let parsed = super::TopicArn::parse(topic_part).ok_or_else(bad)?;
        if id.is_empty() || parsed.region != ctx.region() {
            return Err(bad());
        }
        let s = ctx
            .get::<Subscription>(&arn)?
            .ok_or_else(|| AwsError::not_found("NotFound", "Subscription does not exist"))?;
        let mut out = s.attributes.clone();
        out.insert("SubscriptionArn".into(), s.arn.clone());
        out.insert("TopicArn".into(), s.topic_arn.clone());
        out.insert("Owner".into(), s.owner.clone());
        out.insert("Protocol".into(), s.protocol.clone());
        out.insert("Endpoint".into(), s.endpoint.clone());
        out.insert("PendingConfirmation".into(), s.pending.to_string());
        out.entry("ConfirmationWasAuthenticated".into()).or_insert_with(|| "false".into());
        out.entry("RawMessageDelivery".into()).or_insert_with(|| "false".into());
        Ok(sns::GetSubscriptionAttributesResponse { attributes: Some(out) })
    }
}
