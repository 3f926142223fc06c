//! Topics: CreateTopic, DeleteTopic, ListTopics, and their tags (TagResource,
//! ListTagsForResource).

use std::collections::BTreeMap;

use hubsim_model::{sns, Empty};

use super::attributes::{apply, check_attribute, default_policy};
use super::limits::TAGS_PER_TOPIC;
use super::{invalid_parameter, page, topic, topic_arn, Subscription, Topic, TopicArn};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sns::CreateTopic>()
        .add::<sns::DeleteTopic>()
        .add::<sns::ListTopics>()
        .add::<sns::TagResource>()
        .add::<sns::ListTagsForResource>();
}

/// Topics per ListTopics page.
const PAGE: usize = 100;

/// Checks a topic name: 1–256 of `[A-Za-z0-9_-]`, plus `.fifo` for (and only for) FIFO topics.
fn check_name(name: &str, fifo: bool) -> Result<(), AwsError> {
    let stem = name.strip_suffix(".fifo");
    let base = stem.unwrap_or(name);
    let chars_ok = !base.is_empty() && base.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    if !chars_ok || name.len() > 256 {
        return Err(invalid_parameter("Invalid parameter: Topic Name"));
    }
    if fifo != stem.is_some() {
        return Err(invalid_parameter(
            "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
        ));
    }
    Ok(())
}

/// Checks tags for a topic that already has `existing` ones.
fn check_tags(existing: &[sns::Tag], new: &[sns::Tag]) -> Result<(), AwsError> {
    // More tags than a topic can hold are refused before the (quadratic) duplicate check.
    if new.len() > TAGS_PER_TOPIC {
        return Err(tag_limit());
    }
    for (i, t) in new.iter().enumerate() {
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_parameter("Invalid parameter: Tags Reason: Keys may not start with aws:"));
        }
        if new[..i].iter().any(|o| o.key == t.key) {
            return Err(invalid_parameter("Invalid parameter: Tags Reason: Duplicate tag keys"));
        }
    }
    let added = new.iter().filter(|t| !existing.iter().any(|e| e.key == t.key)).count();
    if existing.len() + added > TAGS_PER_TOPIC {
        return Err(tag_limit());
    }
    Ok(())
}

fn tag_limit() -> AwsError {
    AwsError::bad_request("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded")
}

/// Adds or overwrites `new` tags.
fn merge_tags(tags: &mut Vec<sns::Tag>, new: Vec<sns::Tag>) {
    for t in new {
        match tags.iter_mut().find(|e| e.key == t.key) {
            Some(e) => e.value = t.value,
            None => tags.push(t),
        }
    }
}

/// The topic a tagging call names; SNS answers `ResourceNotFound` for tagging calls.
fn tagged_topic(ctx: &Ctx<'_>, arn: &str) -> Result<Topic, AwsError> {
    topic(ctx, arn).map_err(|e| {
        if e.code == "NotFound" {
            AwsError::not_found("ResourceNotFound", "Resource does not exist")
        } else {
            e
        }
    })
}

impl Handler for sns::CreateTopic {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sns::CreateTopicInput) -> Result<sns::CreateTopicResponse, AwsError> {
        let given = input.attributes.unwrap_or_default();
        let fifo = match given.get("FifoTopic").map(String::as_str) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(invalid_parameter("Invalid parameter: Attributes Reason: FifoTopic must be true or false"))
            }
        };
        check_name(&input.name, fifo)?;
        for (k, v) in &given {
            check_attribute(k, v, fifo, true)?;
        }
        let tags = input.tags.unwrap_or_default();
        check_tags(&[], &tags)?;
        let arn = topic_arn(ctx.region(), ctx.account(), &input.name);
        if let Some(existing) = ctx.get::<Topic>(&input.name)? {
            // Idempotent for the same attributes; anything that differs is refused.
            let same = given.iter().all(|(k, v)| {
                let current = existing.attributes.get(k).map(String::as_str).unwrap_or(match k.as_str() {
                    "FifoTopic" | "ContentBasedDeduplication" => "false",
                    _ => "",
                });
                current == v
            });
            if !same {
                return Err(invalid_parameter(
                    "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
                ));
            }
            return Ok(sns::CreateTopicResponse { topic_arn: Some(existing.arn) });
        }
        let mut attributes = BTreeMap::new();
        attributes.insert("Policy".to_string(), default_policy(&arn, ctx.account()));
        for (k, v) in given {
            if k == "FifoTopic" && v == "false" {
                continue;
            }
            apply(&mut attributes, &k, v);
        }
        let t = Topic { name: input.name.clone(), arn: arn.clone(), attributes, tags };
        ctx.put(&input.name, &t)?;
        Ok(sns::CreateTopicResponse { topic_arn: Some(arn) })
    }
}

impl Handler for sns::DeleteTopic {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sns::DeleteTopicInput) -> Result<Empty, AwsError> {
        let arn = TopicArn::parse(&input.topic_arn).ok_or_else(|| invalid_parameter("Invalid parameter: TopicArn"))?;
        if arn.region != ctx.region() {
            return Err(invalid_parameter("Invalid parameter: TopicArn"));
        }
        // Deleting a topic that does not exist succeeds.
        if arn.account == ctx.account() && ctx.get::<Topic>(arn.name)?.is_some() {
            let name = arn.name.to_string();
            let subs: Vec<String> = ctx
                .list::<Subscription>()?
                .into_iter()
                .filter(|(_, s)| s.topic_arn == input.topic_arn)
                .map(|(id, _)| id)
                .collect();
            for id in subs {
                ctx.delete::<Subscription>(&id)?;
            }
            ctx.delete::<Topic>(&name)?;
        }
        Ok(Empty {})
    }
}

impl Handler for sns::ListTopics {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: sns::ListTopicsInput) -> Result<sns::ListTopicsResponse, AwsError> {
        let arns: Vec<String> = ctx.list::<Topic>()?.into_iter().map(|(_, t)| t.arn).collect();
        let (items, next_token) = page(arns, input.next_token.as_deref(), PAGE)?;
        Ok(sns::ListTopicsResponse {
            topics: Some(items.into_iter().map(|a| sns::Topic { topic_arn: Some(a) }).collect()),
            next_token,
        })
    }
}

impl Handler for sns::TagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sns::TagResourceRequest) -> Result<sns::TagResourceResponse, AwsError> {
        let mut t = tagged_topic(ctx, &input.resource_arn)?;
        check_tags(&t.tags, &input.tags)?;
        merge_tags(&mut t.tags, input.tags);
        let name = t.name.clone();
        ctx.put(&name, &t)?;
        Ok(sns::TagResourceResponse {})
    }
}

impl Handler for sns::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sns::ListTagsForResourceRequest,
    ) -> Result<sns::ListTagsForResourceResponse, AwsError> {
        let t = tagged_topic(ctx, &input.resource_arn)?;
        Ok(sns::ListTagsForResourceResponse { tags: Some(t.tags) })
    }
}
