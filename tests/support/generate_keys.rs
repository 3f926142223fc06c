//! Generated keys, queues and KMS-related IAM policies (KMS.1, KMS.2, KMS.3, KMS.5, IAM.21,
//! SQS.1, SQS.3): keys pending deletion (with disabled ones among them), SQS queues with or
//! without encryption and with public, pinned or partner policies, customer managed policies
//! and role inline policies granting kms:Decrypt (or kms:*, or svc:*) on `*`. Steps AWS refuses
//! (a window outside 7–30 days, a queue name with a dot, an unknown attribute) carry
//! `expect_error`. What the properties read back is in `state_keys`.

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

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
