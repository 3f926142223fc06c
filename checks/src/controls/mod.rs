//! The controls hubsim implements, one file per AWS service. Each is a [`Control`]: its
//! evaluation is a pure function of the account snapshot, so it is easy to read against AWS's
//! control pages and to test.

mod cis_monitoring;
mod cloudtrail;
mod config;
pub(crate) mod dynamodb;
mod ec2;
pub(crate) mod ec2_instances;
mod ec2_network;
pub(crate) mod ec2_templates;
mod ec2_vpn;
mod ecr;
pub(crate) mod elb;
pub(crate) mod elb_classic;
mod guardduty;
pub(crate) mod guardduty_features;
pub(crate) mod iam;
mod iam_credentials;
mod iam_policies;
mod iam_wildcards;
mod kms;
mod kms_keys;
mod kms_policies;
pub(crate) mod lambda;
mod public_policy;
pub(crate) mod rds;
pub(crate) mod rds_clusters;
pub(crate) mod rds_engines;
pub(crate) mod rds_transit;
mod s3;
pub(crate) mod s3_access;
pub(crate) mod s3_public;
pub(crate) mod secretsmanager;
mod sns;
mod sqs;
pub(crate) mod ssm;

pub(crate) use ec2::{opens, world_sources, Opens};
pub(crate) use ec2_network::{
    high_risk_world_sources, unauthorized_world_sources, AUTHORIZED_TCP_PORTS, ENDPOINT_SERVICES,
};
pub(crate) use ec2_vpn::{tunnels_not_logging, tunnels_not_up};
pub(crate) use kms_policies::broad_grant;
pub(crate) use public_policy::{public_statements, without_public_statements};

use crate::control::Control;

pub(crate) use cis_monitoring::{matches, pattern_set, Item, PENDING_COUNTS};

/// Every implemented control.
pub fn all() -> &'static [Control] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<Control>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = Vec::new();
        v.extend_from_slice(cis_monitoring::CONTROLS);
        v.extend_from_slice(cloudtrail::CONTROLS);
        v.extend_from_slice(config::CONTROLS);
        v.extend_from_slice(dynamodb::CONTROLS);
        v.extend_from_slice(ec2::CONTROLS);
        v.extend_from_slice(ec2_instances::CONTROLS);
        v.extend_from_slice(ec2_templates::CONTROLS);
        v.extend_from_slice(ec2_network::CONTROLS);
        v.extend_from_slice(ec2_vpn::CONTROLS);
        v.extend_from_slice(ecr::CONTROLS);
        v.extend_from_slice(elb::CONTROLS);
        v.extend_from_slice(elb_classic::CONTROLS);
        v.extend_from_slice(guardduty::CONTROLS);
        v.extend_from_slice(guardduty_features::CONTROLS);
        v.extend_from_slice(iam::CONTROLS);
        v.extend_from_slice(kms::CONTROLS);
        v.extend_from_slice(kms_keys::CONTROLS);
        v.extend_from_slice(kms_policies::CONTROLS);
        v.extend_from_slice(lambda::CONTROLS);
        v.extend_from_slice(iam_credentials::CONTROLS);
        v.extend_from_slice(iam_policies::CONTROLS);
        v.extend_from_slice(iam_wildcards::CONTROLS);
        v.extend_from_slice(rds::CONTROLS);
        v.extend_from_slice(rds_clusters::CONTROLS);
        v.extend_from_slice(rds_engines::CONTROLS);
        v.extend_from_slice(rds_transit::CONTROLS);
        v.extend_from_slice(s3::CONTROLS);
        v.extend_from_slice(secretsmanager::CONTROLS);
        v.extend_from_slice(s3_access::CONTROLS);
        v.extend_from_slice(sns::CONTROLS);
        v.extend_from_slice(sqs::CONTROLS);
        v.extend_from_slice(ssm::CONTROLS);
        v.sort_by_key(|c| crate::status::natural(c.id));
        v
    })
}

/// The CIS metric filter pattern of CloudWatch.1–14 or IAM.20 (the Security Hub page's
/// form), and the metric name hubsim's fix gives it; `None` for other controls.
pub fn cis_monitoring_pattern(id: &str) -> Option<(&'static str, &'static str)> {
    pattern_set(id).map(|item| (item.patterns[0], item.metric))
}

/// The implemented control `id`.
pub fn find(id: &str) -> Option<&'static Control> {
    all().iter().find(|c| c.id == id)
}

/// The ARN of an EC2 resource (`security-group/sg-…`).
pub(crate) fn ec2_arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:{kind}/{id}")
}
