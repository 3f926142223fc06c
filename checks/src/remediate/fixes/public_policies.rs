//! SQS.3, SNS.4 and KMS.5: resource policies that allow everyone. The fix removes the public
//! statements (and only them), as each control's remediation asks
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html>,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html>,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html>); the note says
//! which statements went. A policy left with no statement gets the owner-only statement the
//! service writes by default, so the owner keeps access (and KMS's lockout check passes).

use std::collections::BTreeMap;

use hubsim_api::model::{kms, sns, sqs};
use hubsim_api::AwsApi;
use serde_json::{json, Value};

use super::{Done, Fix, How, Scope, Target};
use crate::controls::{public_statements, without_public_statements};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The declarations.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "SQS.3",
            iam_actions: &["sqs:SetQueueAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(sqs_3),
        },
        Fix {
            control: "SNS.4",
            iam_actions: &["sns:SetTopicAttributes"],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Calls(sns_4),
        },
        Fix {
            control: "KMS.5",
            iam_actions: &["kms:PutKeyPolicy"],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Calls(kms_5),
        },
    ]
}

/// `policy` without its public statements, with `fallback` as its only statement when none
/// would be left; and the note naming what went. `None` when nothing is public.
fn narrowed(policy: &str, fallback: Value) -> Option<(String, String)> {
    let removed: Vec<String> = public_statements(policy).into_iter().map(|(_, why)| why).collect();
    let text = without_public_statements(policy)?;
    let mut doc: Value = serde_json::from_str(&text).ok()?;
    if doc.get("Statement").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        doc["Statement"] = json!([fallback]);
    }
    Some((doc.to_string(), format!("removed the public statements: {}", removed.join("; "))))
}

fn sqs_3<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(q) = super::sqs::queue(target) else { return Ok(Done::Applied) };
    let Some(policy) = q.attributes.get("Policy") else { return Ok(Done::Applied) };
    let account = &target.snapshot.global.account;
    let owner = json!({
        "Sid": "OwnerOnly",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
        "Action": "SQS:*",
        "Resource": q.arn(),
    });
    let Some((text, note)) = narrowed(policy, owner) else { return Ok(Done::Applied) };
    let attributes = BTreeMap::from([("Policy".to_string(), text)]);
    f.call_noted::<sqs::SetQueueAttributes>(
        target.region,
        sqs::SetQueueAttributesRequest { queue_url: q.url.clone(), attributes },
        Some(note),
    )?;
    Ok(Done::Applied)
}

fn sns_4<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let policy = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.topics.iter())
        .find(|(arn, _)| arn == target.resource)
        .and_then(|(_, attrs)| attrs.get("Policy"));
    let Some(policy) = policy else { return Ok(Done::Applied) };
    let account = &target.snapshot.global.account;
    // SNS's default statement: the owner's account only
    // (<https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html>).
    let owner = json!({
        "Sid": "__default_statement_ID",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                   "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
        "Resource": target.resource,
        "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
    });
    let Some((text, note)) = narrowed(policy, owner) else { return Ok(Done::Applied) };
    f.call_noted::<sns::SetTopicAttributes>(
        target.region,
        sns::SetTopicAttributesInput {
            topic_arn: target.resource.into(),
            attribute_name: "Policy".into(),
            attribute_value: Some(text),
        },
        Some(note),
    )?;
    Ok(Done::Applied)
}

fn kms_5<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let policy = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.keys.iter())
        .find(|k| k.metadata.arn.as_deref() == Some(target.resource))
        .and_then(|k| k.policy.as_deref());
    let Some(policy) = policy else { return Ok(Done::Applied) };
    let account = &target.snapshot.global.account;
    // KMS's default key policy statement
    // (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>).
    let owner = json!({
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
        "Action": "kms:*",
        "Resource": "*",
    });
    let Some((text, note)) = narrowed(policy, owner) else { return Ok(Done::Applied) };
    f.call_noted::<kms::PutKeyPolicy>(
        target.region,
        kms::PutKeyPolicyRequest {
            key_id: target.resource.into(),
            policy: text,
            policy_name: None,
            bypass_policy_lockout_safety_check: None,
        },
        Some(note),
    )?;
    Ok(Done::Applied)
}
