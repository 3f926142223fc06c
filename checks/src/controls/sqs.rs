//! SQS.1 and SQS.3: queues encrypted at rest, and queue policies that are not public
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html).

use super::public_policy::public_statements;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::QueueView;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "SQS.1",
        resource_type: "AWS::SQS::Queue",
        schedule: Schedule::ChangeTriggered,
        // Security Hub's own rule (the control page names sqs-queue-encrypted).
        config_rule: Some("sqs-queue-encrypted"),
        parameters: &[],
        choices: "A queue passes with SSE-SQS (SqsManagedSseEnabled true) or SSE-KMS (any KmsMasterKeyId, \
                  alias/aws/sqs included), and fails with neither. A queue created without encryption attributes \
                  has SSE-SQS in era current and none in era 2022 (hubsim's reading of SQS's late-2022 default) [U].",
        evaluate: sqs_1,
    },
    Control {
        id: "SQS.3",
        resource_type: "AWS::SQS::Queue",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("sqs-queue-no-public-access"),
        parameters: &[],
        choices: "A queue fails when its policy has an Allow statement for everyone (\"*\", {\"AWS\": \"*\"} or a \
                  NotPrincipal) without a condition pinning it to fixed values (S3's list of keys, plus \
                  kms:CallerAccount); wildcard or variable values pin nothing, whatever the action. A queue \
                  without a policy passes.",
        evaluate: sqs_3,
    },
];

fn queue_ref(q: &QueueView) -> ResourceRef {
    let id = if q.arn().is_empty() { q.url.clone() } else { q.arn().to_string() };
    ResourceRef { id, kind: "AwsSqsQueue" }
}

fn sqs_1(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .queues
        .iter()
        .map(|q| {
            let name = q.name();
            let kms = q.attributes.get("KmsMasterKeyId").filter(|k| !k.is_empty());
            let sse_sqs = q.attributes.get("SqsManagedSseEnabled").is_some_and(|v| v.eq_ignore_ascii_case("true"));
            match (kms, sse_sqs) {
                (Some(k), _) => {
                    Verdict::pass(queue_ref(q), format!("queue {name} is encrypted with KMS key {k} (SSE-KMS)"))
                }
                (None, true) => Verdict::pass(queue_ref(q), format!("queue {name} is encrypted with SSE-SQS")),
                (None, false) => Verdict::fail(
                    queue_ref(q),
                    format!("queue {name} is not encrypted at rest (neither SSE-SQS nor SSE-KMS)"),
                ),
            }
        })
        .collect()
}

fn sqs_3(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .queues
        .iter()
        .map(|q| {
            let name = q.name();
            let public = q.attributes.get("Policy").map(|p| public_statements(p)).unwrap_or_default();
            let why: Vec<String> = public.into_iter().map(|(_, w)| w).collect();
            Verdict::check(
                queue_ref(q),
                why.is_empty(),
                format!("queue {name}'s policy allows no public access"),
                format!("queue {name}'s policy is public: {}", why.join("; ")),
            )
        })
        .collect()
}
