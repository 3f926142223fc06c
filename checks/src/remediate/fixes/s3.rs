//! S3.1, S3.4, S3.5, S3.8, S3.9, S3.11, S3.13: Block Public Access, default encryption, TLS
//! only, access logging, event notifications and lifecycle
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html>).

use hubsim_api::model::{s3, s3control};
use hubsim_api::AwsApi;
use serde_json::{json, Value};

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::support;
use crate::remediate::{Failed, Justification};
use crate::snapshot::Snapshot;

/// The S3 fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "S3.1",
            iam_actions: &["s3:PutAccountPublicAccessBlock"],
            // One account-level Block Public Access configuration.
            scope: Scope::Account,
            // BlockPublicPolicy makes S3 refuse a bucket policy with a public statement, and S3.5
            // keeps the user's statements verbatim when it appends its own: it must run first, as
            // must S3.6 and S3.12, which rewrite the policy too.
            after: &["S3.5", "S3.6", "S3.12"],
            how: How::Calls(s3_1),
        },
        Fix {
            control: "S3.4",
            iam_actions: &["s3:PutEncryptionConfiguration"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): buckets' settings after the
            // VPCs'.
            after: &["EC2.10"],
            how: How::Calls(s3_4),
        },
        Fix {
            control: "S3.5",
            iam_actions: &["s3:PutBucketPolicy"],
            scope: Scope::Resource,
            after: &[],
            how: How::Calls(s3_5),
        },
        Fix {
            control: "S3.8",
            iam_actions: &["s3:PutBucketPublicAccessBlock"],
            scope: Scope::Resource,
            // The bucket's BlockPublicPolicy would refuse S3.5's policy when it keeps a user's
            // public statement: S3.5 (and S3.6, S3.12, which rewrite policies too) must run first.
            after: &["S3.5", "S3.6", "S3.12"],
            how: How::Calls(s3_8),
        },
        Fix {
            control: "S3.9",
            // ListBucket authorizes the HeadBucket read of whether the log bucket exists.
            iam_actions: &["s3:PutBucketLogging", "s3:CreateBucket", "s3:PutBucketPolicy", "s3:ListBucket"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): after the lifecycle rules.
            after: &["S3.13"],
            how: How::Calls(s3_9),
        },
        Fix {
            control: "S3.11",
            iam_actions: &[
                "s3:PutBucketNotification",
                "sns:CreateTopic",
                "kms:CreateKey",
                "kms:EnableKeyRotation",
                "kms:CreateAlias",
                // Reads: whether the topic and key exist.
                "sns:GetTopicAttributes",
                "kms:DescribeKey",
            ],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): after access logging.
            after: &["S3.9"],
            how: How::Calls(s3_11),
        },
        Fix {
            control: "S3.13",
            iam_actions: &["s3:PutLifecycleConfiguration"],
            scope: Scope::Resource,
            after: &[],
            how: How::Calls(s3_13),
        },
    ]
}

/// The snapshot's view of bucket `name`.
pub(super) fn bucket_view<'s>(snap: &'s Snapshot, name: &str) -> Option<&'s crate::snapshot::BucketView> {
    snap.global.buckets.iter().find(|b| b.name == name)
}

pub(super) fn bucket_name(resource: &str) -> &str {
    resource.strip_prefix("arn:aws:s3:::").unwrap_or(resource)
}

fn s3_1<A: AwsApi>(f: &mut Fixer<'_, A>, _target: &Target<'_>) -> Result<Done, Failed> {
    let home = f.home.clone();
    let account = f.account.clone();
    f.call::<s3control::PutPublicAccessBlock>(
        &home,
        s3control::PutPublicAccessBlockRequest {
            account_id: account,
            public_access_block_configuration: s3control::PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ignore_public_acls: Some(true),
                block_public_policy: Some(true),
                restrict_public_buckets: Some(true),
            },
        },
    )?;
    Ok(Done::Applied)
}

fn s3_4<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let rule = s3::ServerSideEncryptionRule {
        apply_server_side_encryption_by_default: Some(s3::ServerSideEncryptionByDefault {
            sse_algorithm: "AES256".into(),
            kms_master_key_id: None,
        }),
        bucket_key_enabled: Some(false),
        ..Default::default()
    };
    f.call::<s3::PutBucketEncryption>(
        target.region,
        s3::PutBucketEncryptionRequest {
            bucket: bucket_name(target.resource).into(),
            server_side_encryption_configuration: s3::ServerSideEncryptionConfiguration { rules: vec![rule] },
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn tls_statement(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

fn s3_5<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region, bucket) = (target.snapshot, target.region, bucket_name(target.resource));
    let existing = bucket_view(snap, bucket).and_then(|b| b.policy.clone());
    let mut doc: Value = match &existing {
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| json!({"Version": "2012-10-17", "Statement": []})),
        None => json!({"Version": "2012-10-17", "Statement": []}),
    };
    let mut statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(obj @ Value::Object(_)) => vec![obj.clone()],
        _ => Vec::new(),
    };
    let mut tls = tls_statement(bucket);
    // Sids must be unique within a policy (S3 refuses a policy that repeats one).
    let taken = |sid: &str| statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid));
    if taken("DenyInsecureTransport") {
        let mut sid = "HubsimDenyInsecureTransport".to_string();
        let mut n = 1;
        while taken(&sid) {
            n += 1;
            sid = format!("HubsimDenyInsecureTransport{n}");
        }
        tls["Sid"] = json!(sid);
    }
    statements.push(tls);
    if let Value::Object(map) = &mut doc {
        map.insert("Statement".into(), Value::Array(statements));
        map.entry("Version").or_insert(json!("2012-10-17"));
    }
    f.call::<s3::PutBucketPolicy>(
        region,
        s3::PutBucketPolicyRequest { bucket: bucket.into(), policy: doc.to_string(), ..Default::default() },
    )?;
    Ok(Done::Applied)
}

fn s3_8<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    support::block_bucket_public_access(f, target.region, bucket_name(target.resource), None)?;
    Ok(Done::Applied)
}

fn s3_9<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region, bucket) = (target.snapshot, target.region, bucket_name(target.resource));
    let sources = support::log_sources(snap, bucket);
    let sink = support::names::access_logs(&f.account, region);
    if !sources.is_empty() || bucket == sink {
        return Ok(Done::Unfixable(Justification::LogSink { bucket: bucket.to_string(), sources }));
    }
    support::log_to_access_log_bucket(f, region, bucket)?;
    Ok(Done::Applied)
}

fn s3_11<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, params, region, bucket) = (target.snapshot, target.params, target.region, bucket_name(target.resource));
    let topic = support::topic(f, region)?;
    let mut config = bucket_view(snap, bucket).map(|b| b.notification.clone()).unwrap_or_default();
    let events = params
        .list("eventTypes")
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| vec!["s3:ObjectCreated:*".into(), "s3:ObjectRemoved:*".into()]);
    let mut topics = config.topic_configurations.take().unwrap_or_default();
    topics.retain(|t| t.id.as_deref() != Some("hubsim-security-events"));
    topics.push(s3::TopicConfiguration {
        id: Some("hubsim-security-events".into()),
        topic_arn: topic,
        events,
        filter: None,
    });
    config.topic_configurations = Some(topics);
    f.call::<s3::PutBucketNotificationConfiguration>(
        region,
        s3::PutBucketNotificationConfigurationRequest {
            bucket: bucket.into(),
            notification_configuration: config,
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn s3_13<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, params, region, bucket) = (target.snapshot, target.params, target.region, bucket_name(target.resource));
    let rules = bucket_view(snap, bucket).and_then(|b| b.lifecycle.clone()).unwrap_or_default();
    let days = params.int("targetTransitionDays").unwrap_or(30) as i32;
    let class = params.str("targetTransitionStorageClass").unwrap_or("INTELLIGENT_TIERING").to_string();
    let rule = s3::LifecycleRule {
        id: Some("hubsim-transition".into()),
        status: "Enabled".into(),
        filter: Some(s3::LifecycleRuleFilter { prefix: Some(String::new()), ..Default::default() }),
        transitions: Some(vec![s3::Transition { days: Some(days), storage_class: Some(class), date: None }]),
        expiration: params
            .int("targetExpirationDays")
            .map(|d| s3::LifecycleExpiration { days: Some(d as i32), ..Default::default() }),
        abort_incomplete_multipart_upload: Some(s3::AbortIncompleteMultipartUpload { days_after_initiation: Some(7) }),
        ..Default::default()
    };
    put_lifecycle_rule(f, region, bucket, rules, rule)?;
    Ok(Done::Applied)
}

/// Puts `bucket`'s lifecycle configuration: `rules` as they are, and `rule` appended under an
/// ID none of them uses (S3 refuses a repeated ID). S3.13's and S3.10's fixes share it.
pub(super) fn put_lifecycle_rule<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    bucket: &str,
    mut rules: Vec<s3::LifecycleRule>,
    mut rule: s3::LifecycleRule,
) -> Result<(), Failed> {
    let mut id = rule.id.take().unwrap_or_else(|| "hubsim".into());
    while rules.iter().any(|r| r.id.as_deref() == Some(id.as_str())) {
        id.push('-');
    }
    rule.id = Some(id);
    rules.push(rule);
    f.call::<s3::PutBucketLifecycleConfiguration>(
        region,
        s3::PutBucketLifecycleConfigurationRequest {
            bucket: bucket.into(),
            lifecycle_configuration: Some(s3::BucketLifecycleConfiguration { rules }),
            ..Default::default()
        },
    )?;
    Ok(())
}
