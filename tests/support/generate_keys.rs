//! Generated keys, queues and KMS-related IAM policies (KMS.1, KMS.2, KMS.3, KMS.5, IAM.21,
//! SQS.1, SQS.3): keys pending deletion (with disabled ones among them), SQS queues with or
//! without encryption and with public, pinned or partner policies, customer managed policies
//! and role inline policies granting kms:Decrypt (or kms:*, or svc:*) on `*`. Steps AWS refuses
//! (a window outside 7–30 days, a queue name with a dot, an unknown attribute) carry
//! `expect_error`. Also what the properties read back: key states, queues and their policies.

use std::collections::BTreeMap;

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::state::{call, statements, R};

/// How a queue is encrypted when created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueEnc {
    /// The era's default (SSE-SQS in era current, none in era 2022).
    Default,
    /// SqsManagedSseEnabled=false.
    Off,
    /// KmsMasterKeyId=alias/aws/sqs.
    Kms,
}

/// A queue policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuePolicy {
    None,
    /// Everyone may send, no condition.
    Public,
    /// Everyone, pinned to a fixed topic ARN.
    Pinned,
    /// A partner account's statement and a public one.
    PartnerAndPublic,
}

/// One queue.
#[derive(Debug, Clone)]
pub struct QueuePlan {
    pub region: usize,
    pub enc: QueueEnc,
    pub policy: QueuePolicy,
}

/// A KMS-related IAM policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Customer managed, kms:Decrypt on *.
    DecryptAll,
    /// Customer managed, kms:Decrypt on one key ARN.
    DecryptOne,
    /// Customer managed, s3:* on one bucket (IAM.21).
    ServiceStar,
    /// A role's inline policy, kms:* on *.
    InlineKmsStar,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct KeysPlan {
    /// Keys scheduled for deletion: (region, window in days, disabled first).
    pub pending: Vec<(usize, i32, bool)>,
    pub queues: Vec<QueuePlan>,
    pub grants: Vec<Grant>,
    /// Also try what AWS refuses.
    pub refused: bool,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = KeysPlan> {
    let enc = prop_oneof![Just(QueueEnc::Default), Just(QueueEnc::Off), Just(QueueEnc::Kms)];
    let policy = prop_oneof![
        Just(QueuePolicy::None),
        Just(QueuePolicy::Public),
        Just(QueuePolicy::Pinned),
        Just(QueuePolicy::PartnerAndPublic)
    ];
    let grant = prop_oneof![
        Just(Grant::DecryptAll),
        Just(Grant::DecryptOne),
        Just(Grant::ServiceStar),
        Just(Grant::InlineKmsStar)
    ];
    (
        prop::collection::vec((0usize..3, 7i32..=30, any::<bool>()), 0..=2),
        prop::collection::vec(
            (0usize..3, enc, policy).prop_map(|(region, enc, policy)| QueuePlan { region, enc, policy }),
            0..=3,
        ),
        prop::collection::vec(grant, 0..=3),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(pending, queues, grants, refused)| KeysPlan { pending, queues, grants, refused })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

fn refused(call: &str, region: &str, input: Value, code: &str, note: &str) -> Step {
    Step { expect_error: Some(code.into()), note: Some(note.into()), ..step(call, region, input, None) }
}

fn doc(statements: Vec<Value>) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

impl KeysPlan {
    /// The steps, given the account's regions, its id and its home region.
    pub fn steps(&self, regions: &[String], account: &str, home: &str) -> Vec<Step> {
        let mut out = Vec::new();
        let region = |i: usize| regions[i % regions.len()].clone();
        for (i, (r, days, disabled)) in self.pending.iter().enumerate() {
            let r = region(*r);
            let cap = format!("gen-doomed{i}");
            let id = format!("${{{cap}.KeyMetadata.KeyId}}");
            out.push(step("kms:CreateKey", &r, json!({"Description": "doomed"}), Some(cap)));
            if *disabled {
                out.push(step("kms:DisableKey", &r, json!({"KeyId": id}), None));
            }
            if self.refused {
                out.push(refused(
                    "kms:ScheduleKeyDeletion",
                    &r,
                    json!({"KeyId": id, "PendingWindowInDays": 6}),
                    "ValidationException",
                    "a window under 7 days",
                ));
            }
            out.push(step("kms:ScheduleKeyDeletion", &r, json!({"KeyId": id, "PendingWindowInDays": days}), None));
        }
        for (i, q) in self.queues.iter().enumerate() {
            let r = region(q.region);
            let name = format!("gen-q{i}");
            let arn = format!("arn:aws:sqs:{r}:{account}:{name}");
            let mut attrs = serde_json::Map::new();
            match q.enc {
                QueueEnc::Default => {}
                QueueEnc::Off => {
                    attrs.insert("SqsManagedSseEnabled".into(), json!("false"));
                }
                QueueEnc::Kms => {
                    attrs.insert("KmsMasterKeyId".into(), json!("alias/aws/sqs"));
                }
            }
            let public = json!({"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn});
            let policy = match q.policy {
                QueuePolicy::None => None,
                QueuePolicy::Public => Some(doc(vec![public])),
                QueuePolicy::Pinned => {
                    Some(doc(vec![json!({"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                    "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": format!("arn:aws:sns:{r}:{account}:events")}}})]))
                }
                QueuePolicy::PartnerAndPublic => Some(doc(vec![
                    json!({"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                        "Action": "sqs:ReceiveMessage", "Resource": arn}),
                    public,
                ])),
            };
            if let Some(p) = policy {
                attrs.insert("Policy".into(), json!(p));
            }
            out.push(step("sqs:CreateQueue", &r, json!({"QueueName": name, "Attributes": attrs}), None));
            if self.refused {
                out.push(refused(
                    "sqs:CreateQueue",
                    &r,
                    json!({"QueueName": format!("{name}.bad")}),
                    "InvalidParameterValue",
                    "a dot outside the .fifo suffix",
                ));
                out.push(refused(
                    "sqs:SetQueueAttributes",
                    &r,
                    json!({"QueueUrl": format!("https://sqs.{r}.amazonaws.com/{account}/{name}"), "Attributes": {"VisibilityTimeout": "43201"}}),
                    "InvalidAttributeValue",
                    "a visibility timeout over 12 hours",
                ));
            }
        }
        let trust = doc(vec![
            json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        ]);
        for (i, g) in self.grants.iter().enumerate() {
            let name = format!("gen-kms{i}");
            let key = format!("arn:aws:kms:{home}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
            let customer = |st: Value| {
                step("iam:CreatePolicy", home, json!({"PolicyName": name, "PolicyDocument": doc(vec![st])}), None)
            };
            match g {
                Grant::DecryptAll => {
                    out.push(customer(json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})))
                }
                Grant::DecryptOne => {
                    out.push(customer(json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})))
                }
                Grant::ServiceStar => out.push(customer(
                    json!({"Effect": "Allow", "Action": "s3:*", "Resource": format!("arn:aws:s3:::{name}")}),
                )),
                Grant::InlineKmsStar => {
                    out.push(step(
                        "iam:CreateRole",
                        home,
                        json!({"RoleName": name, "AssumeRolePolicyDocument": trust}),
                        None,
                    ));
                    out.push(step(
                        "iam:PutRolePolicy",
                        home,
                        json!({"RoleName": name, "PolicyName": "keys", "PolicyDocument": doc(vec![json!({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})])}),
                        None,
                    ));
                }
            }
        }
        out
    }
}

/// What the properties keep an eye on: each customer managed key's state, and each queue's
/// attributes.
#[derive(Debug, Clone, Default)]
pub struct KeysState {
    /// Key ARN → KeyState.
    pub keys: BTreeMap<String, String>,
    /// Queue URL → (policy statements, encrypted).
    pub queues: BTreeMap<String, (Vec<Value>, bool)>,
    /// Customer managed policy ARNs.
    pub policies: Vec<String>,
    /// Role ARN → inline policy names.
    pub role_inline: BTreeMap<String, Vec<String>>,
}

/// Reads the keys and queues of `regions`, and the KMS-related IAM policies (from `home`).
pub fn read(sim: &Simulator, regions: &[String], home: &str) -> R<KeysState> {
    let mut s = KeysState::default();
    for r in regions {
        for k in call(sim, r, "kms", "ListKeys", json!({}))?
            .get("Keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let id = k.get("KeyId").and_then(Value::as_str).unwrap_or_default();
            let meta = call(sim, r, "kms", "DescribeKey", json!({"KeyId": id}))?;
            let meta = meta.get("KeyMetadata").cloned().unwrap_or_default();
            let arn = meta.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string();
            s.keys.insert(arn, meta.get("KeyState").and_then(Value::as_str).unwrap_or_default().to_string());
        }
        let urls = call(sim, r, "sqs", "ListQueues", json!({}))?;
        for url in urls.get("QueueUrls").and_then(Value::as_array).cloned().unwrap_or_default() {
            let url = url.as_str().unwrap_or_default().to_string();
            let a = call(sim, r, "sqs", "GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["All"]}))?;
            let a = a.get("Attributes").cloned().unwrap_or_default();
            let policy = a.get("Policy").and_then(Value::as_str).map(statements).transpose()?.unwrap_or_default();
            let encrypted = a.get("KmsMasterKeyId").is_some()
                || a.get("SqsManagedSseEnabled").and_then(Value::as_str) == Some("true");
            s.queues.insert(url, (policy, encrypted));
        }
    }
    let local = call(sim, home, "iam", "ListPolicies", json!({"Scope": "Local"}))?;
    for p in local.get("Policies").and_then(Value::as_array).cloned().unwrap_or_default() {
        s.policies.push(p.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string());
    }
    for role in call(sim, home, "iam", "ListRoles", json!({}))?
        .get("Roles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let name = role.get("RoleName").and_then(Value::as_str).unwrap_or_default();
        let names = call(sim, home, "iam", "ListRolePolicies", json!({"RoleName": name}))?;
        let names: Vec<String> = names
            .get("PolicyNames")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        s.role_inline.insert(role.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string(), names);
    }
    Ok(s)
}

/// (d) for keys and queues: remediation never schedules a key for deletion, never deletes a
/// queue, never turns a queue's encryption off, and removes from a queue policy only
/// statements that allowed everyone (any statement it adds names the owner account only).
pub fn check_kept(before: &KeysState, after: &KeysState) -> R<()> {
    for (arn, state) in &after.keys {
        let was = before.keys.get(arn).map(String::as_str);
        if state == "PendingDeletion" && was != Some("PendingDeletion") {
            return Err(format!("key {arn} was scheduled for deletion by remediation"));
        }
    }
    for (url, (statements, encrypted)) in &before.queues {
        let Some((now, enc)) = after.queues.get(url) else { return Err(format!("queue {url} was deleted")) };
        if *encrypted && !enc {
            return Err(format!("queue {url}: encryption turned off"));
        }
        for st in statements.iter().filter(|st| !now.contains(st)) {
            let everyone =
                st.get("Principal") == Some(&json!("*")) || st.get("Principal") == Some(&json!({"AWS": "*"}));
            if !everyone {
                return Err(format!("queue {url}: statement {st} removed, though it is not for everyone"));
            }
        }
        for st in now.iter().filter(|st| !statements.contains(st)) {
            let owner = st.pointer("/Principal/AWS").and_then(Value::as_str).is_some_and(|p| p.ends_with(":root"))
                && st.get("Condition").is_none();
            if !owner {
                return Err(format!("queue {url}: new statement {st}"));
            }
        }
    }
    Ok(())
}

/// (b) for the BroadGrant justification of KMS.1, KMS.2 and IAM.21: `None` when `note` is not
/// one; else whether it names the finding's own policy (or role), which still exists.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &KeysState) -> Option<R<()>> {
    if let Some(rest) = note.strip_prefix("customer managed policy ") {
        let policy = rest.split(": ").next().unwrap_or_default();
        return Some(if !matches!(control, "KMS.1" | "IAM.21") || policy != resource {
            Err(format!("{control} {resource}: the BroadGrant justification names {policy}"))
        } else if !after.policies.iter().any(|p| p == policy) {
            Err(format!("{policy}: justified, but there is no such policy"))
        } else {
            Ok(())
        });
    }
    let (kind, rest) = ["role ", "user ", "group "].iter().find_map(|k| note.strip_prefix(k).map(|r| (k.trim(), r)))?;
    let (name, rest) = rest.split_once("'s inline policy ")?;
    let policy = rest.split(": ").next().unwrap_or_default();
    Some(if control != "KMS.2" || !resource.ends_with(&format!(":{kind}/{name}")) {
        Err(format!("{control} {resource}: the BroadGrant justification names {kind} {name}"))
    } else if kind == "role" && !after.role_inline.get(resource).is_some_and(|names| names.iter().any(|n| n == policy))
    {
        Err(format!("{resource}: justified by inline policy {policy}, which it does not have"))
    } else {
        Ok(())
    })
}
