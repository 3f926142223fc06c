//! Amazon SQS: queues, their attributes (encryption, access policy), tags and permissions.
//! hubsim holds no messages: the approximate message counts always read 0.
//!
//! Queues are regional and stored under their name. A queue is named by its URL
//! (`https://sqs.<region>.amazonaws.com/<account>/<name>`); hubsim reads the last two path
//! segments (account and name) of whatever URL a client sends, so the URLs of the legacy
//! `<region>.queue.amazonaws.com` endpoint and of hubsim's own endpoint work too.
//!
//! Errors use the JSON protocol's shape names (`QueueDoesNotExist`); the server adds the
//! legacy query code (`AWS.SimpleQueueService.NonExistentQueue`) in `x-amzn-query-error`,
//! from the model (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html>).

mod attributes;
mod permissions;
mod queues;
mod tags;

use std::collections::BTreeMap;

use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers SQS's operations.
pub fn register(r: &mut Registrar) {
    queues::register(r);
    attributes::register(r);
    tags::register(r);
    permissions::register(r);
}

/// One queue as stored (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// Queue name (`orders`, `orders.fifo`).
    pub name: String,
    /// Creation time.
    pub created: Timestamp,
    /// Last change of an attribute.
    pub modified: Timestamp,
    /// The settable attributes in force (defaults included), by name.
    pub attributes: BTreeMap<String, String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for Queue {
    const KIND: &'static str = "sqs:queue";
    const GLOBAL: bool = false;
}

impl Queue {
    /// Whether it is a FIFO queue.
    pub fn is_fifo(&self) -> bool {
        self.attributes.get("FifoQueue").is_some_and(|v| v == "true")
    }
}

/// When a queue was deleted (id: its name): SQS refuses a queue of the same name for 60
/// seconds (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html>).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeletedQueue {
    /// When.
    pub at: Timestamp,
}

impl Resource for DeletedQueue {
    const KIND: &'static str = "sqs:deleted";
    const GLOBAL: bool = false;
}

/// The URL of queue `name` in `region`.
pub fn queue_url(region: &str, account: &str, name: &str) -> String {
    format!("https://sqs.{region}.amazonaws.com/{account}/{name}")
}

/// The ARN of queue `name` in `region`.
pub fn queue_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:sqs:{region}:{account}:{name}")
}

/// 400 `QueueDoesNotExist` (query code `AWS.SimpleQueueService.NonExistentQueue`).
pub(crate) fn no_such_queue() -> AwsError {
    AwsError::bad_request("QueueDoesNotExist", "The specified queue does not exist.")
}

/// 400 `InvalidParameterValue`.
pub(crate) fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterValue", message)
}

/// The queue a `QueueUrl` names in the call's region: `(name, queue)`. A URL without an
/// account and a name is `InvalidAddress`; another account's queue, or a name with no queue,
/// is `QueueDoesNotExist`.
pub(crate) fn locate(ctx: &Ctx<'_>, url: &str) -> Result<(String, Queue), AwsError> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let mut parts = path.trim_end_matches('/').rsplit('/');
    let (Some(name), Some(account)) = (parts.next(), parts.next()) else {
        return Err(AwsError::bad_request(
            "InvalidAddress",
            format!("The address {url} is not valid for this endpoint."),
        ));
    };
    if name.is_empty() || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AwsError::bad_request(
            "InvalidAddress",
            format!("The address {url} is not valid for this endpoint."),
        ));
    }
    if account != ctx.account() {
        return Err(no_such_queue());
    }
    let queue = ctx.get::<Queue>(name)?.ok_or_else(no_such_queue)?;
    Ok((name.to_string(), queue))
}
