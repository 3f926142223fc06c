//! Topic attributes: GetTopicAttributes, SetTopicAttributes, and the checks CreateTopic shares.

use std::collections::BTreeMap;

use hubsim_model::{sns, Empty};

use super::limits::TOPIC_POLICY_BYTES;
use super::{invalid_parameter, topic, Subscription, Topic};
use crate::error::AwsError;
use crate::policy::Policy;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sns::GetTopicAttributes>().add::<sns::SetTopicAttributes>();
}

/// The protocols with delivery-status logging attributes.
const FEEDBACK_PROTOCOLS: [&str; 5] = ["HTTP", "Firehose", "Lambda", "Application", "SQS"];

/// Attributes that only FIFO topics take.
const FIFO_ONLY: [&str; 3] = ["ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"];

/// What SNS answers for `EffectiveDeliveryPolicy` when no delivery policy is set.
const DEFAULT_EFFECTIVE_DELIVERY_POLICY: &str = r#"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#;

/// The access policy SNS gives a new topic: the owning account's principals may manage,
/// subscribe to and publish to it.
pub fn default_policy(topic_arn: &str, account: &str) -> String {
    serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes",
                "SNS:SetTopicAttributes",
                "SNS:AddPermission",
                "SNS:RemovePermission",
                "SNS:DeleteTopic",
                "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic",
                "SNS:Publish"
            ],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}}
        }]
    })
    .to_string()
}

fn bad_value(name: &str, reason: &str) -> AwsError {
    invalid_parameter(format!("Invalid parameter: {name} Reason: {reason}"))
}

/// Whether `name` is one of the delivery-status attributes (`HTTPSuccessFeedbackRoleArn`, ...).
fn feedback_attribute(name: &str) -> Option<&'static str> {
    FEEDBACK_PROTOCOLS.iter().find_map(|p| {
        let rest = name.strip_prefix(p)?;
        ["SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn"]
            .into_iter()
            .find(|s| *s == rest)
    })
}

/// Checks one attribute as SNS does; `fifo` is whether the topic is (or will be) FIFO and
/// `creating` whether this is CreateTopic (where `FifoTopic` is allowed).
pub(super) fn check_attribute(name: &str, value: &str, fifo: bool, creating: bool) -> Result<(), AwsError> {
    let json = |what: &str| -> Result<(), AwsError> {
        serde_json::from_str::<serde_json::Value>(value)
            .map(|_| ())
            .map_err(|_| bad_value(what, "failed to parse JSON"))
    };
    match name {
        "Policy" => {
            if value.len() > TOPIC_POLICY_BYTES {
                return Err(invalid_parameter(format!(
                    "Invalid parameter: Policy Error: the policy is {} bytes; the limit is {TOPIC_POLICY_BYTES}",
                    value.len()
                )));
            }
            Policy::parse(value, true)
                .map_err(|e| invalid_parameter(format!("Invalid parameter: Policy Error: {}", e.0)))?;
        }
        "DisplayName" => {
            if value.chars().count() > 100 {
                return Err(bad_value("DisplayName", "DisplayName must be at most 100 characters"));
            }
        }
        // An empty delivery policy removes it.
        "DeliveryPolicy" if value.is_empty() => {}
        "DeliveryPolicy" => json("DeliveryPolicy")?,
        "KmsMasterKeyId" => {}
        "SignatureVersion" => {
            if !matches!(value, "1" | "2") {
                return Err(bad_value("SignatureVersion", "SignatureVersion must be 1 or 2"));
            }
        }
        "TracingConfig" => {
            if !matches!(value, "PassThrough" | "Active") {
                return Err(bad_value("TracingConfig", "TracingConfig must be PassThrough or Active"));
            }
        }
        "FifoTopic" if creating => {
            if !matches!(value, "true" | "false") {
                return Err(bad_value("FifoTopic", "FifoTopic must be true or false"));
            }
        }
        n if FIFO_ONLY.contains(&n) => {
            if !fifo {
                return Err(bad_value(name, &format!("{name} is only valid for FIFO topics")));
            }
            match name {
                "ContentBasedDeduplication" if !matches!(value, "true" | "false") => {
                    return Err(bad_value(name, "must be true or false"));
                }
                "FifoThroughputScope" if !matches!(value, "Topic" | "MessageGroup") => {
                    return Err(bad_value(name, "must be Topic or MessageGroup"));
                }
                "ArchivePolicy" => json("ArchivePolicy")?,
                _ => {}
            }
        }
        _ => match feedback_attribute(name) {
            Some("SuccessFeedbackSampleRate") => {
                if !value.parse::<u8>().is_ok_and(|n| n <= 100) {
                    return Err(bad_value(name, "Sample rate must be an integer between 0 and 100"));
                }
            }
            Some(_) => {
                let role = value.strip_prefix("arn:aws:iam::").and_then(|r| r.split_once(":role/"));
                let ok = value.is_empty() || role.is_some_and(|(acct, n)| acct.len() == 12 && !n.is_empty());
                if !ok {
                    return Err(bad_value(name, "Invalid role ARN"));
                }
            }
            None => return Err(invalid_parameter(format!("Invalid parameter: AttributeName: {name}"))),
        },
    }
    Ok(())
}

/// Stores `value` under `name`; an empty value removes attributes that can be unset.
pub(super) fn apply(attributes: &mut BTreeMap<String, String>, name: &str, value: String) {
    let removable = name == "KmsMasterKeyId" || name == "DeliveryPolicy" || feedback_attribute(name).is_some();
    if value.is_empty() && removable {
        attributes.remove(name);
    } else {
        attributes.insert(name.to_string(), value);
    }
}

impl Handler for sns::GetTopicAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sns::GetTopicAttributesInput,
    ) -> Result<sns::GetTopicAttributesResponse, AwsError> {
        let t: Topic = topic(ctx, &input.topic_arn)?;
        let subs: Vec<Subscription> =
            ctx.list::<Subscription>()?.into_iter().map(|(_, s)| s).filter(|s| s.topic_arn == t.arn).collect();
        let pending = subs.iter().filter(|s| s.pending).count();
        let mut out = t.attributes.clone();
        out.insert("TopicArn".into(), t.arn.clone());
        out.insert("Owner".into(), ctx.account().to_string());
        out.entry("Policy".into()).or_insert_with(|| default_policy(&t.arn, ctx.account()));
        out.entry("DisplayName".into()).or_default();
        out.insert("SubscriptionsPending".into(), pending.to_string());
        out.insert("SubscriptionsConfirmed".into(), (subs.len() - pending).to_string());
        out.insert("SubscriptionsDeleted".into(), "0".into());
        let effective = t.attributes.get("DeliveryPolicy").cloned();
        out.insert(
            "EffectiveDeliveryPolicy".into(),
            effective.unwrap_or_else(|| DEFAULT_EFFECTIVE_DELIVERY_POLICY.to_string()),
        );
        if t.is_fifo() {
            out.entry("ContentBasedDeduplication".into()).or_insert_with(|| "false".into());
        }
        Ok(sns::GetTopicAttributesResponse { attributes: Some(out) })
    }
}

impl Handler for sns::SetTopicAttributes {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sns::SetTopicAttributesInput) -> Result<Empty, AwsError> {
        let mut t = topic(ctx, &input.topic_arn)?;
        let value = input.attribute_value.unwrap_or_default();
        check_attribute(&input.attribute_name, &value, t.is_fifo(), false)?;
        apply(&mut t.attributes, &input.attribute_name, value);
        let name = t.name.clone();
        ctx.put(&name, &t)?;
        Ok(Empty {})
    }
}
