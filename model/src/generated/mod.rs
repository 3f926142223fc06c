//! Generated modules, one per AWS service (see tools/models/gen_types.py).

#[rustfmt::skip]
pub mod application_autoscaling;
#[rustfmt::skip]
pub mod cloudtrail;
#[rustfmt::skip]
pub mod cloudwatch;
#[rustfmt::skip]
pub mod config;
#[rustfmt::skip]
pub mod dynamodb;
#[rustfmt::skip]
pub mod ec2;
#[rustfmt::skip]
pub mod ecr;
#[rustfmt::skip]
pub mod elb;
#[rustfmt::skip]
pub mod elbv2;
#[rustfmt::skip]
pub mod guardduty;
#[rustfmt::skip]
pub mod hubsim;
#[rustfmt::skip]
pub mod iam;
#[rustfmt::skip]
pub mod kms;
#[rustfmt::skip]
pub mod lambda;
#[rustfmt::skip]
pub mod logs;
#[rustfmt::skip]
pub mod organizations;
#[rustfmt::skip]
pub mod rds;
#[rustfmt::skip]
pub mod s3;
#[rustfmt::skip]
pub mod s3control;
#[rustfmt::skip]
pub mod secretsmanager;
#[rustfmt::skip]
pub mod securityhub;
#[rustfmt::skip]
pub mod sns;
#[rustfmt::skip]
pub mod sqs;
#[rustfmt::skip]
pub mod ssm;
#[rustfmt::skip]
pub mod sts;

/// The committed service models, by botocore service name.
pub(crate) const MODELS: &[(&str, &str)] = &[
    ("application-autoscaling", include_str!("../../data/application-autoscaling.json")),
    ("cloudtrail", include_str!("../../data/cloudtrail.json")),
    ("cloudwatch", include_str!("../../data/cloudwatch.json")),
    ("config", include_str!("../../data/config.json")),
    ("dynamodb", include_str!("../../data/dynamodb.json")),
    ("ec2", include_str!("../../data/ec2.json")),
    ("ecr", include_str!("../../data/ecr.json")),
    ("elb", include_str!("../../data/elb.json")),
    ("elbv2", include_str!("../../data/elbv2.json")),
    ("guardduty", include_str!("../../data/guardduty.json")),
    ("hubsim", include_str!("../../data/hubsim.json")),
    ("iam", include_str!("../../data/iam.json")),
    ("kms", include_str!("../../data/kms.json")),
    ("lambda", include_str!("../../data/lambda.json")),
    ("logs", include_str!("../../data/logs.json")),
    ("organizations", include_str!("../../data/organizations.json")),
    ("rds", include_str!("../../data/rds.json")),
    ("s3", include_str!("../../data/s3.json")),
    ("s3control", include_str!("../../data/s3control.json")),
    ("secretsmanager", include_str!("../../data/secretsmanager.json")),
    ("securityhub", include_str!("../../data/securityhub.json")),
    ("sns", include_str!("../../data/sns.json")),
    ("sqs", include_str!("../../data/sqs.json")),
    ("ssm", include_str!("../../data/ssm.json")),
    ("sts", include_str!("../../data/sts.json")),
];
