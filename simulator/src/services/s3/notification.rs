//! Event notifications: Get/PutBucketNotificationConfiguration.
//!
//! A put replaces the whole configuration. S3 checks event names, filter rules, overlapping
//! configurations and destination regions, then test-publishes to every destination unless
//! `SkipDestinationValidation` is set. hubsim models the test message for SNS topics (the topic
//! must exist, its policy must let `s3.amazonaws.com` publish and, when the topic is encrypted,
//! the key must let S3 use it). SQS and Lambda are not simulated, so their destinations can
//! only be put with the validation skipped.

use hubsim_model::{s3, Empty};

use super::{bucket, bucket_part, invalid_argument, part};
use crate::error::AwsError;
use crate::policy::{Effect, Policy, Principal};
use crate::registry::{Handler, Registrar};
use crate::services::{kms, sns};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketNotificationConfiguration>().add::<s3::PutBucketNotificationConfiguration>();
}

/// The service principal S3 publishes notifications as.
pub const S3_SERVICE: &str = "s3.amazonaws.com";

/// The event types S3 documents for notifications.
const EVENTS: &[&str] = &[
    "s3:ReducedRedundancyLostObject",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectAcl:Put",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
];

fn unable_to_validate() -> AwsError {
    invalid_argument("Unable to validate the following destination configurations")
}

/// One destination configuration, whatever its kind.
struct Dest<'a> {
    kind: &'static str,
    arn: &'a str,
    events: &'a [String],
    prefix: String,
    suffix: String,
}

/// The key filter of a configuration as (prefix, suffix).
fn key_filter(filter: Option<&s3::NotificationConfigurationFilter>) -> Result<(String, String), AwsError> {
    let rules = filter.and_then(|f| f.key.as_ref()).and_then(|k| k.filter_rules.as_ref());
    let (mut prefix, mut suffix) = (None, None);
    for rule in rules.into_iter().flatten() {
        let value = rule.value.clone().unwrap_or_default();
        let slot = match rule.name.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("prefix") => &mut prefix,
            Some("suffix") => &mut suffix,
            _ => return Err(invalid_argument("filter rule name must be either prefix or suffix")),
        };
        if slot.is_some() {
            return Err(invalid_argument("Cannot specify more than one prefix or suffix rule in a filter."));
        }
        *slot = Some(value);
    }
    Ok((prefix.unwrap_or_default(), suffix.unwrap_or_default()))
}

/// Whether two event names can match the same event (`s3:ObjectCreated:*` covers `:Put`).
fn events_meet(a: &str, b: &str) -> bool {
    let covers = |wild: &str, other: &str| wild.strip_suffix('*').is_some_and(|stem| other.starts_with(stem));
    a == b || covers(a, b) || covers(b, a)
}

fn overlap(a: &Dest<'_>, b: &Dest<'_>) -> bool {
    let events = a.events.iter().any(|x| b.events.iter().any(|y| events_meet(x, y)));
    let prefixes = a.prefix.starts_with(&b.prefix) || b.prefix.starts_with(&a.prefix);
    let suffixes = a.suffix.ends_with(&b.suffix) || b.suffix.ends_with(&a.suffix);
    events && prefixes && suffixes
}

/// The region part of an ARN of `service`, if `arn` is one.
fn arn_region<'a>(arn: &'a str, service: &str) -> Option<&'a str> {
    let mut parts = arn.splitn(6, ':');
    let ok = parts.next() == Some("arn") && parts.next() == Some("aws") && parts.next() == Some(service);
    let region = parts.next()?;
    let account = parts.next()?;
    let rest = parts.next()?;
    (ok && !region.is_empty() && !account.is_empty() && !rest.is_empty()).then_some(region)
}

/// The topic policy as S3's test message meets it. `service_may` lets `Principal: *`
/// statements through whatever their conditions, but SNS's default statement is limited to the
/// topic owner's principals (`AWS:SourceOwner`), which S3 publishing as a service is not.
fn lets_s3_publish(policy: &Policy, topic_arn: &str) -> bool {
    let mut effective = policy.clone();
    effective.statements.retain(|s| {
        let owner_only = s.effect == Effect::Allow
            && matches!(s.principal, Some(Principal::Anyone))
            && s.condition.as_ref().and_then(|c| c.as_object()).is_some_and(|ops| {
                ops.values().any(|keys| {
                    keys.as_object().is_some_and(|k| k.keys().any(|key| key.eq_ignore_ascii_case("aws:SourceOwner")))
                })
            });
        !owner_only
    });
    effective.service_may(S3_SERVICE, "sns:Publish", topic_arn)
}

/// Whether S3 can publish to an encrypted topic: the key must exist, be enabled and let S3 use
/// it. AWS managed keys (`alias/aws/sns`) never do.
fn lets_s3_use_key(ctx: &Ctx<'_>, key: &str) -> Result<bool, AwsError> {
    if key == "alias/aws/sns" || key.ends_with(":alias/aws/sns") {
        return Ok(false);
    }
    let Some(resolved) = kms::resolve_key(ctx, key)? else { return Ok(false) };
    if !resolved.enabled {
        return Ok(false);
    }
    let Ok(policy) = Policy::parse(&resolved.policy, true) else { return Ok(false) };
    Ok(policy.service_may(S3_SERVICE, "kms:GenerateDataKey", &resolved.arn)
        && policy.service_may(S3_SERVICE, "kms:Decrypt", &resolved.arn))
}

/// The test publication to a topic.
fn validate_topic(ctx: &Ctx<'_>, topic_arn: &str) -> Result<(), AwsError> {
    let Some(text) = sns::topic_policy(ctx, topic_arn)? else {
        return Err(unable_to_validate());
    };
    let allowed = Policy::parse(&text, true).is_ok_and(|p| lets_s3_publish(&p, topic_arn));
    if !allowed {
        return Err(unable_to_validate());
    }
    if let Some(key) = sns::topic_kms_key(ctx, topic_arn)? {
        if !lets_s3_use_key(ctx, &key)? {
            return Err(unable_to_validate());
        }
    }
    Ok(())
}

impl Handler for s3::GetBucketNotificationConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketNotificationConfigurationRequest,
    ) -> Result<s3::NotificationConfiguration, AwsError> {
        Ok(bucket_part::<part::Notification>(ctx, &input.bucket)?.notification)
    }
}

impl Handler for s3::PutBucketNotificationConfiguration {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketNotificationConfigurationRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let mut config = input.notification_configuration;
        let skip = input.skip_destination_validation == Some(true);
        let mut dests = Vec::new();
        for t in config.topic_configurations.iter().flatten() {
            let (prefix, suffix) = key_filter(t.filter.as_ref())?;
            dests.push(Dest { kind: "sns", arn: &t.topic_arn, events: &t.events, prefix, suffix });
        }
        for q in config.queue_configurations.iter().flatten() {
            let (prefix, suffix) = key_filter(q.filter.as_ref())?;
            dests.push(Dest { kind: "sqs", arn: &q.queue_arn, events: &q.events, prefix, suffix });
        }
        for l in config.lambda_function_configurations.iter().flatten() {
            let (prefix, suffix) = key_filter(l.filter.as_ref())?;
            dests.push(Dest { kind: "lambda", arn: &l.lambda_function_arn, events: &l.events, prefix, suffix });
        }
        for (i, d) in dests.iter().enumerate() {
            if d.events.is_empty() {
                return Err(invalid_argument("At least one event must be specified"));
            }
            if let Some(bad) = d.events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
                return Err(invalid_argument(format!("The event is not supported for notifications: {bad}")));
            }
            let Some(region) = arn_region(d.arn, d.kind) else {
                return Err(invalid_argument(format!("Invalid ARN: {}", d.arn)));
            };
            if region != b.region {
                return Err(invalid_argument(
                    "The notification destination service region is not valid for the bucket location constraint",
                ));
            }
            if dests[..i].iter().any(|o| overlap(o, d)) {
                return Err(invalid_argument(
                    "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
                ));
            }
        }
        if !skip {
            for d in &dests {
                match d.kind {
                    "sns" => validate_topic(ctx, d.arn)?,
                    // hubsim simulates neither SQS nor Lambda: nothing to test-publish to.
                    _ => return Err(unable_to_validate()),
                }
            }
        }
        // S3 names configurations put without an Id.
        for t in config.topic_configurations.iter_mut().flatten() {
            t.id.get_or_insert_with(|| ctx.ids().uuid());
        }
        for q in config.queue_configurations.iter_mut().flatten() {
            q.id.get_or_insert_with(|| ctx.ids().uuid());
        }
        for l in config.lambda_function_configurations.iter_mut().flatten() {
            l.id.get_or_insert_with(|| ctx.ids().uuid());
        }
        // Empty lists are the same as absent ones: an empty configuration clears everything.
        if config.topic_configurations.as_ref().is_some_and(Vec::is_empty) {
            config.topic_configurations = None;
        }
        if config.queue_configurations.as_ref().is_some_and(Vec::is_empty) {
            config.queue_configurations = None;
        }
        if config.lambda_function_configurations.as_ref().is_some_and(Vec::is_empty) {
            config.lambda_function_configurations = None;
        }
        b.notification = config;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
