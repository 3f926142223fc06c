//! Which IAM action authorizes an API call, so that a fix's calls and reads can be held against
//! the actions its declaration grants it.

use std::borrow::Cow;

use super::fixer::{Read, Step};
use super::fixes;
use super::Outcome;

/// The IAM action that authorizes calling `operation` of `service` (botocore's service name,
/// the model's operation name).
///
/// Mostly `service:Operation`, but S3's IAM actions are older than some of its operations'
/// names (HeadBucket is authorized by `s3:ListBucket`), and S3 Control's operations are
/// authorized by `s3:` actions. From AWS's Service Authorization Reference, "Actions,
/// resources, and condition keys for Amazon S3"
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>), the
/// S3 user guide's "Required permissions for Amazon S3 API operations"
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html>), and
/// the permission each operation's API reference names
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html>,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html>).
pub fn iam_action(service: &str, operation: &str) -> Cow<'static, str> {
    match (service, operation) {
        ("s3", "HeadBucket") => Cow::Borrowed("s3:ListBucket"),
        ("s3", "PutBucketEncryption") => Cow::Borrowed("s3:PutEncryptionConfiguration"),
        ("s3", "PutBucketLifecycleConfiguration") => Cow::Borrowed("s3:PutLifecycleConfiguration"),
        ("s3", "GetBucketLifecycleConfiguration") => Cow::Borrowed("s3:GetLifecycleConfiguration"),
        ("s3", "PutPublicAccessBlock") => Cow::Borrowed("s3:PutBucketPublicAccessBlock"),
        ("s3", "GetPublicAccessBlock") => Cow::Borrowed("s3:GetBucketPublicAccessBlock"),
        ("s3", "PutBucketNotificationConfiguration") => Cow::Borrowed("s3:PutBucketNotification"),
        ("s3control", "PutPublicAccessBlock") => Cow::Borrowed("s3:PutAccountPublicAccessBlock"),
        ("s3control", operation) => Cow::Owned(format!("s3:{operation}")),
        // Both ELB APIs are authorized by one IAM prefix
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html).
        ("elb" | "elbv2", operation) => Cow::Owned(format!("elasticloadbalancing:{operation}")),
        (service, operation) => Cow::Owned(format!("{service}:{operation}")),
    }
}

/// The calls (transcript) and reads of a remediation whose IAM action the fix of the control
/// they served does not declare, each as `control: service:Operation needs service:Action, which
/// its fix does not declare` (`… (a read) needs …` for a read). Suppressions are not calls.
pub fn undeclared_calls(outcome: &Outcome) -> Vec<String> {
    undeclared(&outcome.transcript, &outcome.reads)
}

/// [`undeclared_calls`] over a transcript and a list of reads.
fn undeclared(transcript: &[Step], reads: &[Read]) -> Vec<String> {
    let calls = transcript.iter().filter(|s| s.action != "suppress").map(|s| (&s.control, &s.action, ""));
    let reads = reads.iter().map(|r| (&r.control, &r.action, " (a read)"));
    calls
        .chain(reads)
        .filter_map(|(control, action, kind)| {
            let needed = match action.split_once(':') {
                Some((service, operation)) => iam_action(service, operation),
                None => Cow::Borrowed(""),
            };
            let declared = fixes::iam_actions(control);
            (!declared.contains(&needed.as_ref()))
                .then(|| format!("{control}: {action}{kind} needs {needed}, which its fix does not declare"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_actions_differ_from_some_operation_names() {
        assert_eq!(iam_action("s3", "HeadBucket"), "s3:ListBucket");
        assert_eq!(iam_action("s3", "PutBucketEncryption"), "s3:PutEncryptionConfiguration");
        assert_eq!(iam_action("s3", "PutBucketLifecycleConfiguration"), "s3:PutLifecycleConfiguration");
        assert_eq!(iam_action("s3", "GetBucketLifecycleConfiguration"), "s3:GetLifecycleConfiguration");
        assert_eq!(iam_action("s3", "PutPublicAccessBlock"), "s3:PutBucketPublicAccessBlock");
        assert_eq!(iam_action("s3", "GetPublicAccessBlock"), "s3:GetBucketPublicAccessBlock");
        assert_eq!(iam_action("s3", "PutBucketNotificationConfiguration"), "s3:PutBucketNotification");
        assert_eq!(iam_action("s3control", "PutPublicAccessBlock"), "s3:PutAccountPublicAccessBlock");
        assert_eq!(iam_action("s3control", "GetPublicAccessBlock"), "s3:GetPublicAccessBlock");
    }

    #[test]
    fn other_actions_are_service_and_operation() {
        assert_eq!(iam_action("s3", "PutBucketPolicy"), "s3:PutBucketPolicy");
        assert_eq!(iam_action("ec2", "CreateFlowLogs"), "ec2:CreateFlowLogs");
        assert_eq!(iam_action("logs", "CreateLogGroup"), "logs:CreateLogGroup");
        assert_eq!(iam_action("iam", "GetRole"), "iam:GetRole");
        assert_eq!(iam_action("guardduty", "ListDetectors"), "guardduty:ListDetectors");
        assert_eq!(iam_action("ec2", "DescribeVpcAttribute"), "ec2:DescribeVpcAttribute");
    }

    fn step(control: &str, action: &str) -> Step {
        Step {
            round: 1,
            control: control.into(),
            region: "eu-west-1".into(),
            action: action.into(),
            detail: String::new(),
            input: None,
            result: "ok".into(),
            note: None,
        }
    }

    #[test]
    fn calls_outside_the_declared_actions_are_listed() {
        let transcript = [
            step("S3.4", "s3:PutBucketEncryption"),
            step("S3.1", "s3control:PutPublicAccessBlock"),
            step("IAM.6", "suppress"),
            step("S3.4", "s3:PutBucketPolicy"),
            step("IAM.6", "iam:CreateVirtualMFADevice"),
        ];
        assert_eq!(
            undeclared(&transcript, &[]),
            [
                "S3.4: s3:PutBucketPolicy needs s3:PutBucketPolicy, which its fix does not declare",
                "IAM.6: iam:CreateVirtualMFADevice needs iam:CreateVirtualMFADevice, which its fix does not declare"
            ]
        );
    }

    fn read(control: &str, action: &str) -> Read {
        Read { round: 1, control: control.into(), region: "eu-west-1".into(), action: action.into() }
    }

    #[test]
    fn reads_outside_the_declared_actions_are_listed_after_the_calls() {
        let transcript = [step("S3.9", "s3:CreateBucket"), step("S3.4", "s3:PutBucketPolicy")];
        let reads = [
            read("S3.9", "s3:HeadBucket"),
            read("IAM.15", "iam:GetAccountPasswordPolicy"),
            read("S3.4", "s3:HeadBucket"),
            read("GuardDuty.1", "guardduty:ListDetectors"),
            read("S3.1", "iam:GetRole"),
        ];
        assert_eq!(
            undeclared(&transcript, &reads),
            [
                "S3.4: s3:PutBucketPolicy needs s3:PutBucketPolicy, which its fix does not declare",
                "S3.4: s3:HeadBucket (a read) needs s3:ListBucket, which its fix does not declare",
                "S3.1: iam:GetRole (a read) needs iam:GetRole, which its fix does not declare"
            ]
        );
    }
}
