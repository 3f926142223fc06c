//! Amazon SNS: topics (with their attributes, access policy and tags) and subscriptions.
//!
//! Topics are regional: a call reaches the topics of the region it is signed for, and a topic
//! ARN of another region is refused. hubsim delivers no messages; subscriptions that AWS
//! confirms by a round trip (email, HTTP/S) stay pending forever.

mod attributes;
mod limits;
mod state;
mod subscriptions;
mod topics;

pub use state::{Subscription, Topic};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::Ctx;

/// Registers SNS's operations.
pub fn register(r: &mut Registrar) {
    topics::register(r);
    attributes::register(r);
    subscriptions::register(r);
}

/// The access policy of the topic `topic_arn` (in the ARN's region), if the topic exists.
/// S3 checks it before accepting a notification configuration.
pub fn topic_policy(ctx: &Ctx<'_>, topic_arn: &str) -> Result<Option<String>, AwsError> {
    Ok(topic_anywhere(ctx, topic_arn)?.and_then(|t| t.attributes.get("Policy").cloned()))
}

/// The KMS key that encrypts the topic `topic_arn` (in the ARN's region), if the topic exists
/// and is encrypted. S3 checks it before publishing to the topic.
pub fn topic_kms_key(ctx: &Ctx<'_>, topic_arn: &str) -> Result<Option<String>, AwsError> {
    Ok(topic_anywhere(ctx, topic_arn)?
        .and_then(|t| t.attributes.get("KmsMasterKeyId").cloned())
        .filter(|k| !k.is_empty()))
}

/// The topic `topic_arn` in the ARN's own region, if it is this account's and exists.
fn topic_anywhere(ctx: &Ctx<'_>, topic_arn: &str) -> Result<Option<Topic>, AwsError> {
    let Some(arn) = TopicArn::parse(topic_arn) else { return Ok(None) };
    if arn.account != ctx.account() {
        return Ok(None);
    }
    ctx.get_in::<Topic>(arn.region, arn.name)
}

/// The parts of a topic ARN `arn:aws:sns:<region>:<account>:<name>`.
pub(crate) struct TopicArn<'a> {
    /// Region.
    pub region: &'a str,
    /// Owning account.
    pub account: &'a str,
    /// Topic name.
    pub name: &'a str,
}

impl<'a> TopicArn<'a> {
    /// Splits a topic ARN; `None` when it is not one.
    pub fn parse(arn: &'a str) -> Option<TopicArn<'a>> {
        let rest = arn.strip_prefix("arn:aws:sns:")?;
        let mut parts = rest.split(':');
        let region = parts.next()?;
        let account = parts.next()?;
        let name = parts.next()?;
        if parts.next().is_some() || region.is_empty() || account.len() != 12 || name.is_empty() {
            return None;
        }
        Some(TopicArn { region, account, name })
    }
}

/// The ARN of topic `name` in `region` of `account`.
pub fn topic_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:sns:{region}:{account}:{name}")
}

/// 400 `InvalidParameter` with `message`.
pub(crate) fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameter", message)
}

/// 404 `NotFound` for a missing topic.
pub(crate) fn topic_not_found() -> AwsError {
    AwsError::not_found("NotFound", "Topic does not exist")
}

/// Reads the topic `topic_arn` for a call in the current region: a malformed ARN, or one of
/// another region, is `InvalidParameter`; a missing topic is `NotFound`.
pub(crate) fn topic(ctx: &Ctx<'_>, topic_arn: &str) -> Result<Topic, AwsError> {
    let arn = TopicArn::parse(topic_arn).ok_or_else(|| invalid_parameter("Invalid parameter: TopicArn"))?;
    if arn.region != ctx.region() {
        return Err(invalid_parameter("Invalid parameter: TopicArn"));
    }
    if arn.account != ctx.account() {
        return Err(topic_not_found());
    }
    ctx.get::<Topic>(arn.name)?.ok_or_else(topic_not_found)
}

/// Reads a page of `items` from `token` (an offset); the next token when more remain.
pub(crate) fn page<T>(items: Vec<T>, token: Option<&str>, size: usize) -> Result<(Vec<T>, Option<String>), AwsError> {
    let start = match token {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| invalid_parameter("Invalid parameter: NextToken"))?,
    };
    if start > items.len() {
        return Err(invalid_parameter("Invalid parameter: NextToken"));
    }
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let next = (start + out.len() < total).then(|| (start + out.len()).to_string());
    Ok((out, next))
}
