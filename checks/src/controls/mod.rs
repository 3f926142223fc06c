//! The controls hubsim implements, one file per AWS service. Each is a [`Control`]: its
//! evaluation is a pure function of the account snapshot, so it is easy to read against AWS's
//! control pages and to test.

mod cloudtrail;
mod config;
mod ec2;
mod guardduty;
mod iam;
mod iam_policies;
mod s3;
mod sns;

use crate::control::Control;

/// Every implemented control.
pub fn all() -> &'static [Control] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<Control>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = Vec::new();
        v.extend_from_slice(cloudtrail::CONTROLS);
        v.extend_from_slice(config::CONTROLS);
        v.extend_from_slice(ec2::CONTROLS);
        v.extend_from_slice(guardduty::CONTROLS);
        v.extend_from_slice(iam::CONTROLS);
        v.extend_from_slice(iam_policies::CONTROLS);
        v.extend_from_slice(s3::CONTROLS);
        v.extend_from_slice(sns::CONTROLS);
        v.sort_by_key(|c| crate::status::natural(c.id));
        v
    })
}

/// The implemented control `id`.
pub fn find(id: &str) -> Option<&'static Control> {
    all().iter().find(|c| c.id == id)
}

/// The ARN of an EC2 resource (`security-group/sg-…`).
pub(crate) fn ec2_arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:{kind}/{id}")
}
