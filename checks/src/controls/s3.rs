//! S3.1, S3.4, S3.5, S3.8, S3.9, S3.11, S3.13
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html; S3.4 is retired
//! and no longer listed there). Buckets are judged in their home region.

use std::collections::HashMap;
use std::rc::Rc;

use hubsim_api::memo::{memoized, Memo};
use serde_json::Value;

use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use crate::snapshot::BucketView;
use hubsim_api::model::s3;

const EVENT_TYPES: &[&str] = &[
    "s3:IntelligentTiering",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:ObjectAcl:Put",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Put",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ObjectRestore:Post",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Delete",
    "s3:ObjectTagging:Put",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:TestEvent",
];

const STORAGE_CLASSES: &[&str] =
    &["STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE"];

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "S3.1",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("s3-account-level-public-access-blocks-periodic"),
        parameters: &[],
        choices: "All four account-level flags must be true; no configuration fails.",
        evaluate: s3_1,
    },
    Control {
        id: "S3.4",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-bucket-server-side-encryption-enabled"),
        parameters: &[],
        choices: "A default encryption rule (AES256, aws:kms, aws:kms:dsse) passes, or a bucket policy that denies \
                  s3:PutObject without x-amz-server-side-encryption.",
        evaluate: s3_4,
    },
    Control {
        id: "S3.5",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-bucket-ssl-requests-only"),
        parameters: &[],
        choices: "Needs a Deny statement for Principal * (or AWS *) on s3:* (or *) covering the bucket and its \
                  objects with Bool/BoolIfExists aws:SecureTransport false and no other condition keys [I]; \
                  NotPrincipal/NotAction/NotResource statements do not count [U].",
        evaluate: s3_5,
    },
    Control {
        id: "S3.8",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-bucket-level-public-access-prohibited"),
        parameters: &[],
        choices: "Bucket level only: the account-level block does not count; no bucket configuration fails.",
        evaluate: s3_8,
    },
    Control {
        id: "S3.9",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-bucket-logging-enabled"),
        parameters: &[],
        choices: "A target bucket passes; the target's existence is not checked; a bucket logging to itself passes.",
        evaluate: s3_9,
    },
    Control {
        id: "S3.11",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-event-notifications-enabled"),
        parameters: &[
            Parameter {
                name: "eventTypes",
                kind: ParamKind::EnumList(EVENT_TYPES),
                default: None,
                doc: "every listed type must be covered by some SNS, SQS or Lambda configuration",
            },
            Parameter {
                name: "hubsim:EventBridgeCounts",
                kind: ParamKind::Bool,
                default: Some("false"),
                doc: "count an EventBridge-only configuration as enabled (the blog saw it fail)",
            },
        ],
        choices: "Needs an SNS, SQS or Lambda configuration; EventBridge alone fails [O blog] unless \
                  hubsim:EventBridgeCounts; s3:ObjectCreated:* covers s3:ObjectCreated:Put [U].",
        evaluate: s3_11,
    },
    Control {
        id: "S3.13",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-lifecycle-policy-check"),
        parameters: &[
            Parameter {
                name: "targetTransitionDays",
                kind: ParamKind::Int { min: 1, max: 36500 },
                default: None,
                doc: "some enabled rule transitions after exactly this many days",
            },
            Parameter {
                name: "targetExpirationDays",
                kind: ParamKind::Int { min: 1, max: 36500 },
                default: None,
                doc: "some enabled rule expires objects after exactly this many days",
            },
            Parameter {
                name: "targetTransitionStorageClass",
                kind: ParamKind::Enum(STORAGE_CLASSES),
                default: None,
                doc: "some enabled rule transitions to this storage class",
            },
        ],
        choices: "Needs an Enabled rule; with parameters, one enabled rule must match all of them [U: matching].",
        evaluate: s3_13,
    },
];

fn bucket_ref(b: &BucketView) -> ResourceRef {
    ResourceRef { id: format!("arn:aws:s3:::{}", b.name), kind: "AwsS3Bucket" }
}

/// The buckets homed in the evaluated region.
fn buckets<'a>(i: &'a Input<'_>) -> impl Iterator<Item = &'a BucketView> {
    let region = i.region.name.clone();
    i.global.buckets.iter().filter(move |b| b.region == region)
}

fn s3_1(i: &Input<'_>) -> Vec<Verdict> {
    let v = match &i.global.account_public_access_block {
        None => Verdict::fail(i.account(), "the account has no S3 Block Public Access configuration"),
        Some(c) => {
            let off: Vec<&str> = [
                ("BlockPublicAcls", c.block_public_acls),
                ("IgnorePublicAcls", c.ignore_public_acls),
                ("BlockPublicPolicy", c.block_public_policy),
                ("RestrictPublicBuckets", c.restrict_public_buckets),
            ]
            .into_iter()
            .filter(|(_, v)| *v != Some(true))
            .map(|(n, _)| n)
            .collect();
            Verdict::check(
                i.account(),
                off.is_empty(),
                "all four account-level S3 Block Public Access settings are on",
                format!("account-level S3 Block Public Access has {} off", off.join(", ")),
            )
        }
    };
    vec![v]
}

thread_local!(static STATEMENTS: Memo<Rc<[Value]>> = std::cell::RefCell::new(HashMap::new()));

/// The statements of a bucket policy as written (none when it is not a JSON object). A policy
/// is judged by several controls in every evaluation: its statements are remembered per text.
fn policy_statements(policy: &str) -> Rc<[Value]> {
    memoized(&STATEMENTS, policy, |policy| {
        let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(policy) else { return Rc::from([]) };
        match doc.remove("Statement") {
            Some(Value::Array(items)) => items.into(),
            Some(obj @ Value::Object(_)) => Rc::from([obj]),
            _ => Rc::from([]),
        }
    })
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

fn principal_is_everyone(st: &Value) -> bool {
    match st.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(m)) => m.len() == 1 && strings(m.get("AWS")) == ["*"],
        _ => false,
    }
}

fn s3_4(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let algorithm = b.encryption.as_ref().and_then(|c| {
                c.rules
                    .iter()
                    .find_map(|r| r.apply_server_side_encryption_by_default.as_ref().map(|d| d.sse_algorithm.clone()))
            });
            let by_default = algorithm.as_deref().is_some_and(|a| matches!(a, "AES256" | "aws:kms" | "aws:kms:dsse"));
            let by_policy = b.policy.as_deref().is_some_and(|p| {
                policy_statements(p).iter().any(|st| {
                    st.get("Effect").and_then(Value::as_str) == Some("Deny")
                        && strings(st.get("Action")).iter().any(|a| a == "s3:PutObject" || a == "s3:*" || a == "*")
                        && st
                            .get("Condition")
                            .is_some_and(|c| c.to_string().contains("s3:x-amz-server-side-encryption"))
                })
            });
            Verdict::check(
                bucket_ref(b),
                by_default || by_policy,
                match &algorithm {
                    Some(a) => format!("bucket {} encrypts objects by default with {a}", b.name),
                    None => format!("bucket {} denies unencrypted uploads in its policy", b.name),
                },
                format!("bucket {} has no default encryption and no policy requiring encrypted uploads", b.name),
            )
        })
        .collect()
}

/// Whether `st` is the documented "deny everything over plain HTTP" statement for `bucket`.
fn is_tls_deny(st: &Value, bucket: &str) -> bool {
    if st.get("Effect").and_then(Value::as_str) != Some("Deny") || !principal_is_everyone(st) {
        return false;
    }
    if st.get("NotAction").is_some() || st.get("NotResource").is_some() || st.get("NotPrincipal").is_some() {
        return false;
    }
    let all_actions = strings(st.get("Action")).iter().any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*"));
    let resources = strings(st.get("Resource"));
    let arn = format!("arn:aws:s3:::{bucket}");
    let objects = format!("{arn}/*");
    let wide = |r: &String| r == "*" || *r == format!("{arn}*");
    let covers_bucket = resources.iter().any(|r| *r == arn || wide(r));
    let covers_objects = resources.iter().any(|r| *r == objects || wide(r));
    let Some(Value::Object(cond)) = st.get("Condition") else { return false };
    let mut tls = false;
    for (op, keys) in cond {
        let Value::Object(keys) = keys else { return false };
        for (key, value) in keys {
            let is_tls_key = key.eq_ignore_ascii_case("aws:SecureTransport")
                && (op == "Bool" || op == "BoolIfExists")
                && match value {
                    Value::String(s) => s.eq_ignore_ascii_case("false"),
                    Value::Bool(b) => !b,
                    Value::Array(a) => a.len() == 1 && a[0].as_str().is_some_and(|s| s.eq_ignore_ascii_case("false")),
                    _ => false,
                };
            if is_tls_key {
                tls = true;
            } else {
                // Any other key narrows the deny.
                return false;
            }
        }
    }
    all_actions && covers_bucket && covers_objects && tls
}

fn s3_5(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let Some(policy) = &b.policy else {
                return Verdict::fail(
                    bucket_ref(b),
                    format!("bucket {} has no bucket policy, so plain HTTP is allowed", b.name),
                );
            };
            let hit = policy_statements(policy).iter().position(|st| is_tls_deny(st, &b.name));
            Verdict::check(
                bucket_ref(b),
                hit.is_some(),
                format!("bucket {} denies every request without TLS (statement {})", b.name, hit.unwrap_or(0)),
                format!(
                    "bucket {}'s policy has no Deny of s3:* for everyone on the bucket and its objects when \
                     aws:SecureTransport is false",
                    b.name
                ),
            )
        })
        .collect()
}

fn s3_8(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| match &b.public_access_block {
            None => Verdict::fail(
                bucket_ref(b),
                format!("bucket {} has no bucket-level Block Public Access configuration", b.name),
            ),
            Some(c) => {
                let off: Vec<&str> = [
                    ("BlockPublicAcls", c.block_public_acls),
                    ("IgnorePublicAcls", c.ignore_public_acls),
                    ("BlockPublicPolicy", c.block_public_policy),
                    ("RestrictPublicBuckets", c.restrict_public_buckets),
                ]
                .into_iter()
                .filter(|(_, v)| *v != Some(true))
                .map(|(n, _)| n)
                .collect();
                Verdict::check(
                    bucket_ref(b),
                    off.is_empty(),
                    format!("bucket {} blocks public access", b.name),
                    format!("bucket {} has {} off", b.name, off.join(", ")),
                )
            }
        })
        .collect()
}

fn s3_9(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let target = b.logging.as_ref().map(|l| l.target_bucket.clone()).filter(|t| !t.is_empty());
            Verdict::check(
                bucket_ref(b),
                target.is_some(),
                format!("bucket {} writes server access logs to {}", b.name, target.clone().unwrap_or_default()),
                format!("bucket {} has server access logging disabled", b.name),
            )
        })
        .collect()
}

/// Whether a configured event covers a requested one (`s3:ObjectCreated:*` covers
/// `s3:ObjectCreated:Put`).
fn covers(configured: &str, wanted: &str) -> bool {
    configured == wanted || configured.strip_suffix('*').is_some_and(|prefix| wanted.starts_with(prefix))
}

fn s3_11(i: &Input<'_>) -> Vec<Verdict> {
    let eventbridge_counts = i.params.bool("hubsim:EventBridgeCounts", false);
    let wanted = i.params.list("eventTypes").unwrap_or_default();
    buckets(i)
        .map(|b| {
            let n = &b.notification;
            let mut events: Vec<String> = Vec::new();
            for t in n.topic_configurations.iter().flatten() {
                events.extend(t.events.clone());
            }
            for q in n.queue_configurations.iter().flatten() {
                events.extend(q.events.clone());
            }
            for l in n.lambda_function_configurations.iter().flatten() {
                events.extend(l.events.clone());
            }
            let destinations = n.topic_configurations.as_ref().map_or(0, Vec::len)
                + n.queue_configurations.as_ref().map_or(0, Vec::len)
                + n.lambda_function_configurations.as_ref().map_or(0, Vec::len);
            let eventbridge = n.event_bridge_configuration.is_some();
            let r = bucket_ref(b);
            if destinations == 0 {
                if eventbridge && eventbridge_counts {
                    return Verdict::pass(r, format!("bucket {} sends events to EventBridge", b.name));
                }
                let why = if eventbridge {
                    format!("bucket {} sends events only to EventBridge; no SNS, SQS or Lambda destination", b.name)
                } else {
                    format!("bucket {} has no event notifications", b.name)
                };
                return Verdict::fail(r, why);
            }
            let missing: Vec<&String> = wanted.iter().filter(|w| !events.iter().any(|e| covers(e, w))).collect();
            Verdict::check(
                r,
                missing.is_empty(),
                format!("bucket {} notifies {destinations} destination(s)", b.name),
                format!(
                    "bucket {} has notifications, but none for {}",
                    b.name,
                    missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })
        .collect()
}

fn rule_matches(rule: &s3::LifecycleRule, i: &Input<'_>) -> bool {
    let transitions = rule.transitions.clone().unwrap_or_default();
    if let Some(days) = i.params.int("targetTransitionDays") {
        if !transitions.iter().any(|t| t.days.map(i64::from) == Some(days)) {
            return false;
        }
    }
    if let Some(class) = i.params.str("targetTransitionStorageClass") {
        if !transitions.iter().any(|t| t.storage_class.as_deref() == Some(class)) {
            return false;
        }
    }
    if let Some(days) = i.params.int("targetExpirationDays") {
        if rule.expiration.as_ref().and_then(|e| e.days).map(i64::from) != Some(days) {
            return false;
        }
    }
    true
}

fn s3_13(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let rules = b.lifecycle.clone().unwrap_or_default();
            let enabled: Vec<&s3::LifecycleRule> = rules.iter().filter(|r| r.status == "Enabled").collect();
            let r = bucket_ref(b);
            if b.lifecycle.is_none() {
                return Verdict::fail(r, format!("bucket {} has no lifecycle configuration", b.name));
            }
            if enabled.is_empty() {
                return Verdict::fail(r, format!("bucket {}'s lifecycle rules are all disabled", b.name));
            }
            let hit = enabled.iter().find(|rule| rule_matches(rule, i));
            Verdict::check(
                r,
                hit.is_some(),
                format!("bucket {} has an enabled lifecycle rule", b.name),
                format!("bucket {} has no enabled lifecycle rule matching the control's parameters", b.name),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tls_deny_shapes() {
        let good = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
        assert!(is_tls_deny(&good, "b"));
        let mut aws_star = good.clone();
        aws_star["Principal"] = json!({"AWS": "*"});
        assert!(is_tls_deny(&aws_star, "b"));
        let mut objects_only = good.clone();
        objects_only["Resource"] = json!("arn:aws:s3:::b/*");
        assert!(!is_tls_deny(&objects_only, "b"));
        let mut put_only = good.clone();
        put_only["Action"] = json!("s3:PutObject");
        assert!(!is_tls_deny(&put_only, "b"));
        let mut allow = good.clone();
        allow["Effect"] = json!("Allow");
        assert!(!is_tls_deny(&allow, "b"));
        let mut narrowed = good.clone();
        narrowed["Condition"] =
            json!({"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "1"}});
        assert!(!is_tls_deny(&narrowed, "b"));
        let mut wildcard = good.clone();
        wildcard["Resource"] = json!("arn:aws:s3:::b*");
        wildcard["Condition"] = json!({"Bool": {"aws:SecureTransport": false}});
        assert!(is_tls_deny(&wildcard, "b"));
    }

    #[test]
    fn event_wildcards() {
        assert!(covers("s3:ObjectCreated:*", "s3:ObjectCreated:Put"));
        assert!(!covers("s3:ObjectCreated:Put", "s3:ObjectCreated:*"));
        assert!(!covers("s3:ObjectRemoved:*", "s3:ObjectCreated:Put"));
    }
}
