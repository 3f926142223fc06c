//! Queue attributes: their defaults, AWS's ranges, GetQueueAttributes and SetQueueAttributes
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html>).

use std::collections::BTreeMap;

use hubsim_model::{sqs, Empty};

use super::{locate, queue_arn, Queue};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::{Ctx, Era};

pub(super) fn register(r: &mut Registrar) {
    r.add::<sqs::GetQueueAttributes>().add::<sqs::SetQueueAttributes>();
}

/// Integer attributes and their allowed ranges (the API reference's).
const RANGES: &[(&str, i64, i64)] = &[
    ("DelaySeconds", 0, 900),
    ("MaximumMessageSize", 1024, 1_048_576),
    ("MessageRetentionPeriod", 60, 1_209_600),
    ("ReceiveMessageWaitTimeSeconds", 0, 20),
    ("VisibilityTimeout", 0, 43_200),
    ("KmsDataKeyReusePeriodSeconds", 60, 86_400),
];

/// Attributes any queue may set.
const SETTABLE: &[&str] = &[
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
];

/// Attributes only a FIFO queue has; `FifoQueue` itself is set only at creation.
const FIFO_ONLY: &[&str] = &["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

/// Read-only attributes GetQueueAttributes reports.
const READ_ONLY: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
];

/// The attributes a new queue has before the caller's. SQS made SSE-SQS the default for new
/// queues in late 2022
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html>):
/// era current creates queues with `SqsManagedSseEnabled=true`; era 2022 (a fresh account of
/// 2022 or early 2023) reads it as before the change, so such a queue is unencrypted [U].
pub(super) fn defaults(era: Era, fifo: bool) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = [
        ("DelaySeconds", "0"),
        ("MaximumMessageSize", "262144"),
        ("MessageRetentionPeriod", "345600"),
        ("ReceiveMessageWaitTimeSeconds", "0"),
        ("VisibilityTimeout", "30"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sse = matches!(era, Era::Current);
    out.insert("SqsManagedSseEnabled".into(), sse.to_string());
    if fifo {
        out.insert("FifoQueue".into(), "true".into());
        out.insert("ContentBasedDeduplication".into(), "false".into());
        out.insert("DeduplicationScope".into(), "queue".into());
        out.insert("FifoThroughputLimit".into(), "perQueue".into());
    }
    out
}

fn invalid_name(name: &str) -> AwsError {
    AwsError::bad_request("InvalidAttributeName", format!("Unknown Attribute {name}."))
}

fn invalid_value(name: &str, why: &str) -> AwsError {
    AwsError::bad_request("InvalidAttributeValue", format!("Invalid value for the parameter {name}. Reason: {why}"))
}

/// Checks `changes` against AWS's names and ranges for a queue that is FIFO or not (`creating`:
/// `FifoQueue` may be given), and applies them to `attrs`. Nothing is applied on error.
pub(super) fn apply(
    attrs: &mut BTreeMap<String, String>,
    changes: &BTreeMap<String, String>,
    fifo: bool,
    creating: bool,
) -> Result<(), AwsError> {
    let mut next = attrs.clone();
    for (name, value) in changes {
        let n = name.as_str();
        let known = SETTABLE.contains(&n) || (fifo && FIFO_ONLY.contains(&n)) || (creating && n == "FifoQueue");
        if !known {
            return Err(invalid_name(n));
        }
        if let Some((_, min, max)) = RANGES.iter().find(|(r, _, _)| *r == n) {
            let ok = value.trim().parse::<i64>().is_ok_and(|v| (*min..=*max).contains(&v));
            if !ok {
                return Err(invalid_value(n, &format!("must be an integer from {min} to {max}")));
            }
        }
        match n {
            "SqsManagedSseEnabled" | "ContentBasedDeduplication" | "FifoQueue"
                if !matches!(value.to_ascii_lowercase().as_str(), "true" | "false") =>
            {
                return Err(invalid_value(n, "must be true or false"));
            }
            "DeduplicationScope" if !matches!(value.as_str(), "messageGroup" | "queue") => {
                return Err(invalid_value(n, "must be messageGroup or queue"));
            }
            "FifoThroughputLimit" if !matches!(value.as_str(), "perQueue" | "perMessageGroupId") => {
                return Err(invalid_value(n, "must be perQueue or perMessageGroupId"));
            }
            "Policy" | "RedrivePolicy" | "RedriveAllowPolicy"
                if !value.is_empty()
                    && !matches!(
                        serde_json::from_str::<serde_json::Value>(value),
                        Ok(serde_json::Value::Object(_))
                    ) =>
            {
                return Err(invalid_value(n, "the value is not a JSON object"));
            }
            _ => {}
        }
        let stored = match n {
            "SqsManagedSseEnabled" | "ContentBasedDeduplication" | "FifoQueue" => value.to_ascii_lowercase(),
            _ => value.trim().to_string(),
        };
        if stored.is_empty() && matches!(n, "Policy" | "RedrivePolicy" | "RedriveAllowPolicy" | "KmsMasterKeyId") {
            next.remove(n);
            if n == "KmsMasterKeyId" {
                next.remove("KmsDataKeyReusePeriodSeconds");
            }
        } else {
            next.insert(n.to_string(), stored);
        }
    }
    // One kind of server-side encryption at a time: a KMS key turns SSE-SQS off, and asking
    // for both is refused.
    let kms = next.contains_key("KmsMasterKeyId");
    let wants_sqs = changes.get("SqsManagedSseEnabled").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if kms && wants_sqs {
        return Err(invalid_value(
            "SqsManagedSseEnabled",
            "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
        ));
    }
    if kms {
        next.insert("SqsManagedSseEnabled".into(), "false".into());
        next.entry("KmsDataKeyReusePeriodSeconds".into()).or_insert_with(|| "300".into());
    }
    *attrs = next;
    Ok(())
}

/// Every attribute of `queue` as GetQueueAttributes reports it.
fn all_attributes(ctx: &Ctx<'_>, name: &str, queue: &Queue) -> BTreeMap<String, String> {
    let mut out = queue.attributes.clone();
    out.insert("QueueArn".into(), queue_arn(ctx.region(), ctx.account(), name));
    for count in
        ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
    {
        out.insert(count.into(), "0".into());
    }
    out.insert("CreatedTimestamp".into(), queue.created.epoch_seconds().to_string());
    out.insert("LastModifiedTimestamp".into(), queue.modified.epoch_seconds().to_string());
    out
}

impl Handler for sqs::GetQueueAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sqs::GetQueueAttributesRequest,
    ) -> Result<sqs::GetQueueAttributesResult, AwsError> {
        let (name, queue) = locate(ctx, &input.queue_url)?;
        let asked = input.attribute_names.unwrap_or_default();
        for a in &asked {
            let known = a == "All"
                || SETTABLE.contains(&a.as_str())
                || READ_ONLY.contains(&a.as_str())
                || FIFO_ONLY.contains(&a.as_str())
                || a == "FifoQueue";
            if !known {
                return Err(invalid_name(a));
            }
        }
        let all = all_attributes(ctx, &name, &queue);
        let picked: BTreeMap<String, String> = if asked.iter().any(|a| a == "All") {
            all
        } else {
            all.into_iter().filter(|(k, _)| asked.contains(k)).collect()
        };
        Ok(sqs::GetQueueAttributesResult { attributes: (!picked.is_empty()).then_some(picked) })
    }
}

impl Handler for sqs::SetQueueAttributes {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::SetQueueAttributesRequest) -> Result<Empty, AwsError> {
        let (name, mut queue) = locate(ctx, &input.queue_url)?;
        let fifo = queue.is_fifo();
        apply(&mut queue.attributes, &input.attributes, fifo, false)?;
        queue.modified = ctx.now();
        ctx.put(&name, &queue)?;
        Ok(Empty {})
    }
}
