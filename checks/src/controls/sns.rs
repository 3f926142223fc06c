//! SNS.1, SNS.2 and SNS.4 (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html).

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "SNS.1",
        resource_type: "AWS::SNS::Topic",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("sns-encrypted-kms"),
        parameters: &[],
        choices: "Any KmsMasterKeyId passes, alias/aws/sns included.",
        evaluate: sns_1,
    },
    Control {
        id: "SNS.2",
        resource_type: "AWS::SNS::Topic",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("sns-topic-message-delivery-notification-enabled"),
        parameters: &[],
        choices: "Any <Protocol>SuccessFeedbackRoleArn or <Protocol>FailureFeedbackRoleArn attribute passes [U]; \
                  subscriptions are not required [U].",
        evaluate: sns_2,
    },
    Control {
        id: "SNS.4",
        resource_type: "AWS::SNS::Topic",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("sns-topic-no-public-access"),
        parameters: &[],
        choices: "A topic fails when its policy has an Allow statement for everyone without a condition pinning it \
                  to fixed values (the reading SQS.3 and KMS.5 share). The default topic policy, {\"AWS\": \"*\"} \
                  with StringEquals AWS:SourceOwner set to the account, passes; a Service principal is not everyone \
                  [I].",
        evaluate: sns_4,
    },
];

fn sns_4(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .topics
        .iter()
        .map(|(arn, attrs)| {
            let public = attrs.get("Policy").map(|p| super::public_policy::public_statements(p)).unwrap_or_default();
            let why: Vec<String> = public.into_iter().map(|(_, w)| w).collect();
            Verdict::check(
                topic_ref(arn),
                why.is_empty(),
                format!("topic {arn}'s policy allows no public access"),
                format!("topic {arn}'s policy is public: {}", why.join("; ")),
            )
        })
        .collect()
}

const FEEDBACK_PROTOCOLS: &[&str] = &["HTTP", "Firehose", "Lambda", "Application", "SQS"];

fn topic_ref(arn: &str) -> ResourceRef {
    ResourceRef { id: arn.to_string(), kind: "AwsSnsTopic" }
}

fn sns_1(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .topics
        .iter()
        .map(|(arn, attrs)| {
            let key = attrs.get("KmsMasterKeyId").filter(|k| !k.is_empty());
            Verdict::check(
                topic_ref(arn),
                key.is_some(),
                format!("topic {arn} is encrypted with {}", key.cloned().unwrap_or_default()),
                format!("topic {arn} has no KmsMasterKeyId"),
            )
        })
        .collect()
}

fn sns_2(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .topics
        .iter()
        .map(|(arn, attrs)| {
            let logged: Vec<&str> = FEEDBACK_PROTOCOLS
                .iter()
                .copied()
                .filter(|p| {
                    [format!("{p}SuccessFeedbackRoleArn"), format!("{p}FailureFeedbackRoleArn")]
                        .iter()
                        .any(|k| attrs.get(k).is_some_and(|v| !v.is_empty()))
                })
                .collect();
            Verdict::check(
                topic_ref(arn),
                !logged.is_empty(),
                format!("topic {arn} logs delivery status for {}", logged.join(", ")),
                format!("topic {arn} does not log delivery status for any protocol"),
            )
        })
        .collect()
}
