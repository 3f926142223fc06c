//! Generated modules, one per AWS service (see tools/models/gen_types.py).

pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod guardduty;
pub mod hubsim;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod s3;
pub mod s3control;
pub mod sns;
pub mod sts;

/// The committed service models, by botocore service name.
pub(crate) const MODELS: &[(&str, &str)] = &[
    ("cloudtrail", include_str!("../../data/cloudtrail.json")),
    ("config", include_str!("../../data/config.json")),
    ("ec2", include_str!("../../data/ec2.json")),
    ("guardduty", include_str!("../../data/guardduty.json")),
    ("hubsim", include_str!("../../data/hubsim.json")),
    ("iam", include_str!("../../data/iam.json")),
    ("kms", include_str!("../../data/kms.json")),
    ("logs", include_str!("../../data/logs.json")),
    ("s3", include_str!("../../data/s3.json")),
    ("s3control", include_str!("../../data/s3control.json")),
    ("sns", include_str!("../../data/sns.json")),
    ("sts", include_str!("../../data/sts.json")),
];
