//! CreateQueue, GetQueueUrl, ListQueues, DeleteQueue
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html>).

use hubsim_model::{sqs, Empty, Timestamp};

use super::attributes::{apply, defaults};
use super::tags::check_tags;
use super::{invalid_parameter, locate, no_such_queue, queue_url, DeletedQueue, Queue};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sqs::CreateQueue>().add::<sqs::GetQueueUrl>().add::<sqs::ListQueues>().add::<sqs::DeleteQueue>();
}

/// How long SQS refuses a name after its queue is deleted.
const DELETED_RECENTLY_MS: i64 = 60_000;

/// Checks a queue name: 1–80 characters of letters, digits, `-` and `_`, and for a FIFO queue
/// the `.fifo` suffix (counted in the 80), which only a FIFO queue may have.
fn check_name(name: &str, fifo: bool) -> Result<(), AwsError> {
    let base = name.strip_suffix(".fifo");
    let stem = base.unwrap_or(name);
    let shaped = !stem.is_empty()
        && name.len() <= 80
        && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fifo && (base.is_none() || !shaped) {
        return Err(invalid_parameter(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
        ));
    }
    if !fifo && base.is_some() {
        return Err(invalid_parameter(format!(
            "Queue {name} ends with .fifo: a FIFO queue needs the attribute FifoQueue=true."
        )));
    }
    if !shaped {
        return Err(invalid_parameter(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ));
    }
    Ok(())
}

impl Handler for sqs::CreateQueue {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::CreateQueueRequest) -> Result<sqs::CreateQueueResult, AwsError> {
        let asked = input.attributes.unwrap_or_default();
        let fifo = asked.get("FifoQueue").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        check_name(&input.queue_name, fifo)?;
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, 0)?;
        let mut attributes = defaults(ctx.era(), fifo);
        apply(&mut attributes, &asked, fifo, true)?;
        let url = queue_url(ctx.region(), ctx.account(), &input.queue_name);
        if let Some(existing) = ctx.get::<Queue>(&input.queue_name)? {
            // The same name with the same attributes answers the existing queue's URL.
            if let Some((k, _)) = asked.iter().find(|(k, _)| existing.attributes.get(*k) != attributes.get(*k)) {
                return Err(AwsError::bad_request(
                    "QueueNameExists",
                    format!("A queue already exists with the same name and a different value for attribute {k}"),
                ));
            }
            return Ok(sqs::CreateQueueResult { queue_url: Some(url) });
        }
        let now = ctx.now();
        if let Some(gone) = ctx.get::<DeletedQueue>(&input.queue_name)? {
            if now.0.saturating_sub(gone.at.0) < DELETED_RECENTLY_MS {
                return Err(AwsError::bad_request(
                    "QueueDeletedRecently",
                    "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
                ));
            }
            ctx.delete::<DeletedQueue>(&input.queue_name)?;
        }
        let queue = Queue { name: input.queue_name.clone(), created: now, modified: now, attributes, tags };
        ctx.put(&input.queue_name, &queue)?;
        Ok(sqs::CreateQueueResult { queue_url: Some(url) })
    }
}

impl Handler for sqs::GetQueueUrl {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::GetQueueUrlRequest) -> Result<sqs::GetQueueUrlResult, AwsError> {
        if input.queue_owner_aws_account_id.as_deref().is_some_and(|a| a != ctx.account()) {
            return Err(no_such_queue());
        }
        ctx.get::<Queue>(&input.queue_name)?.ok_or_else(no_such_queue)?;
        Ok(sqs::GetQueueUrlResult { queue_url: Some(queue_url(ctx.region(), ctx.account(), &input.queue_name)) })
    }
}

impl Handler for sqs::ListQueues {
    const MUTATES: bool = false;

    /// Up to 1,000 URLs without `MaxResults` (and then no token); pages of `MaxResults`
    /// (1–1,000) with a `NextToken` otherwise.
    fn handle(ctx: &mut Ctx<'_>, input: sqs::ListQueuesRequest) -> Result<sqs::ListQueuesResult, AwsError> {
        let size = match input.max_results {
            None => 1000,
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(invalid_parameter(format!(
                    "Value {n} for parameter MaxResults is invalid. Reason: must be between 1 and 1000."
                )))
            }
        };
        if input.next_token.is_some() && input.max_results.is_none() {
            return Err(invalid_parameter("NextToken needs MaxResults."));
        }
        let start = match input.next_token.as_deref() {
            None => 0,
            Some(t) => t.parse::<usize>().map_err(|_| invalid_parameter("Invalid NextToken value."))?,
        };
        let prefix = input.queue_name_prefix.unwrap_or_default();
        let names: Vec<String> =
            ctx.list::<Queue>()?.into_iter().map(|(name, _)| name).filter(|n| n.starts_with(&prefix)).collect();
        let total = names.len();
        let urls: Vec<String> =
            names.into_iter().skip(start).take(size).map(|n| queue_url(ctx.region(), ctx.account(), &n)).collect();
        let next = (input.max_results.is_some() && start.saturating_add(urls.len()) < total)
            .then(|| (start + urls.len()).to_string());
        Ok(sqs::ListQueuesResult { queue_urls: (!urls.is_empty()).then_some(urls), next_token: next })
    }
}

impl Handler for sqs::DeleteQueue {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::DeleteQueueRequest) -> Result<Empty, AwsError> {
        let (name, _) = locate(ctx, &input.queue_url)?;
        ctx.delete::<Queue>(&name)?;
        let at: Timestamp = ctx.now();
        ctx.put(&name, &DeletedQueue { at })?;
        Ok(Empty {})
    }
}
