//! Without an installed control catalogue the control operations fail loudly (500), never
//! with a fake empty answer. (Its own test binary: the catalogue slot is process-wide.)

use hubsim_simulator::model::securityhub as sh;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era};

const REGION: &str = "us-east-1";

fn internal<T: std::fmt::Debug>(r: Result<T, AwsError>) {
    let e = r.unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("InternalFailure", 500));
    assert_eq!(e.message, "no control catalogue is installed");
}

#[test]
fn control_operations_need_a_catalogue() {
    assert!(hubsim_simulator::catalog::installed().is_none());
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call::<sh::EnableSecurityHub>(REGION, Default::default()).unwrap();
    let sub =
        format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0");
    internal(sim.call::<sh::DescribeStandardsControls>(
        REGION,
        sh::DescribeStandardsControlsRequest { standards_subscription_arn: sub, ..Default::default() },
    ));
    internal(sim.call::<sh::UpdateStandardsControl>(
        REGION,
        sh::UpdateStandardsControlRequest {
            standards_control_arn: format!(
                "arn:aws:securityhub:{REGION}:{ACCOUNT}:control/aws-foundational-security-best-practices/v/1.0.0/EC2.2"
            ),
            control_status: Some("DISABLED".into()),
            disabled_reason: Some("x".into()),
        },
    ));
    internal(sim.call::<sh::ListSecurityControlDefinitions>(REGION, Default::default()));
    internal(sim.call::<sh::BatchGetSecurityControls>(
        REGION,
        sh::BatchGetSecurityControlsRequest { security_control_ids: vec!["EC2.2".into()] },
    ));
    internal(sim.call::<sh::UpdateSecurityControl>(
        REGION,
        sh::UpdateSecurityControlRequest { security_control_id: "IAM.7".into(), ..Default::default() },
    ));
    internal(sim.call::<sh::ListStandardsControlAssociations>(
        REGION,
        sh::ListStandardsControlAssociationsRequest { security_control_id: "EC2.2".into(), ..Default::default() },
    ));
}
