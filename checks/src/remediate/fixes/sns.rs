//! SNS.1 and SNS.2: topics encrypted with a customer-managed key, and delivery-status logging
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html>).

use hubsim_api::model::sns;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::support::{self, names};
use crate::remediate::Failed;

/// The SNS fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "SNS.1",
            iam_actions: &[
                "sns:SetTopicAttributes",
                "kms:CreateKey",
                "kms:EnableKeyRotation",
                "kms:CreateAlias",
                // Read: whether the key exists.
                "kms:DescribeKey",
            ],
            scope: Scope::Resource,
            after: &[],
            how: How::Calls(sns_1),
        },
        Fix {
            control: "SNS.2",
            // GetRole is read to know whether the role exists.
            iam_actions: &[
                "sns:SetTopicAttributes",
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:PassRole",
                "iam:GetRole",
            ],
            scope: Scope::Resource,
            after: &[],
            how: How::Calls(sns_2),
        },
    ]
}

fn sns_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let key = support::key(f, target.region)?;
    f.call::<sns::SetTopicAttributes>(
        target.region,
        sns::SetTopicAttributesInput {
            topic_arn: target.resource.into(),
            attribute_name: "KmsMasterKeyId".into(),
            attribute_value: Some(key),
        },
    )?;
    Ok(Done::Applied)
}

fn sns_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let role = support::role(
        f,
        names::SNS_ROLE,
        "sns.amazonaws.com",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:PutMetricFilter",
            "logs:PutRetentionPolicy",
        ],
        "*",
    )?;
    for protocol in ["HTTP", "Firehose", "Lambda", "Application", "SQS"] {
        for kind in ["Success", "Failure"] {
            f.call::<sns::SetTopicAttributes>(
                target.region,
                sns::SetTopicAttributesInput {
                    topic_arn: target.resource.into(),
                    attribute_name: format!("{protocol}{kind}FeedbackRoleArn"),
                    attribute_value: Some(role.clone()),
                },
            )?;
        }
    }
    Ok(Done::Applied)
}
