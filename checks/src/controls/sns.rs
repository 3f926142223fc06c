//! SNS.1 and SNS.2 (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html).

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
];

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
