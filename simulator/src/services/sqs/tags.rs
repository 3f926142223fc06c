//! TagQueue, UntagQueue, ListQueueTags
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html>:
//! at most 50 tags, keys 1–128 characters, values up to 256, `aws:` reserved).

use std::collections::BTreeMap;

use hubsim_model::{sqs, Empty};

use super::{invalid_parameter, locate};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sqs::TagQueue>().add::<sqs::UntagQueue>().add::<sqs::ListQueueTags>();
}

/// The most tags a queue can have.
const MAX_TAGS: usize = 50;

/// Checks `tags` for a queue that already has `existing` other tags.
pub(super) fn check_tags(tags: &BTreeMap<String, String>, existing: usize) -> Result<(), AwsError> {
    if existing + tags.len() > MAX_TAGS {
        return Err(invalid_parameter(format!("Too many tags: a queue can have at most {MAX_TAGS}.")));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(invalid_parameter(format!("Tag {k}: keys are 1 to 128 characters, values up to 256.")));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_parameter(format!("Tag {k}: the aws: prefix is reserved.")));
        }
    }
    Ok(())
}

impl Handler for sqs::TagQueue {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::TagQueueRequest) -> Result<Empty, AwsError> {
        let (name, mut queue) = locate(ctx, &input.queue_url)?;
        let others = queue.tags.keys().filter(|k| !input.tags.contains_key(*k)).count();
        check_tags(&input.tags, others)?;
        queue.tags.extend(input.tags);
        ctx.put(&name, &queue)?;
        Ok(Empty {})
    }
}

impl Handler for sqs::UntagQueue {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::UntagQueueRequest) -> Result<Empty, AwsError> {
        let (name, mut queue) = locate(ctx, &input.queue_url)?;
        for k in &input.tag_keys {
            queue.tags.remove(k);
        }
        ctx.put(&name, &queue)?;
        Ok(Empty {})
    }
}

impl Handler for sqs::ListQueueTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::ListQueueTagsRequest) -> Result<sqs::ListQueueTagsResult, AwsError> {
        let (_, queue) = locate(ctx, &input.queue_url)?;
        Ok(sqs::ListQueueTagsResult { tags: (!queue.tags.is_empty()).then_some(queue.tags) })
    }
}
