//! VPC Block Public Access options: off by default in each region, set per region, a bad mode
//! refused with nothing changed.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "us-east-1";
const OTHER: &str = "ap-northeast-1";

fn mode(sim: &Simulator, region: &str) -> (String, String) {
    let o = sim
        .call::<ec2::DescribeVpcBlockPublicAccessOptions>(region, Default::default())
        .unwrap()
        .vpc_block_public_access_options
        .unwrap();
    (o.internet_gateway_block_mode.unwrap(), o.state.unwrap())
}

fn modify(m: &str) -> ec2::ModifyVpcBlockPublicAccessOptionsRequest {
    ec2::ModifyVpcBlockPublicAccessOptionsRequest { internet_gateway_block_mode: m.into(), ..Default::default() }
}

#[test]
fn options_are_off_until_set_and_set_per_region() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    assert_eq!(mode(&sim, REGION), ("off".into(), "default-state".into()));
    let out = sim.call::<ec2::ModifyVpcBlockPublicAccessOptions>(REGION, modify("block-ingress")).unwrap();
    let o = out.vpc_block_public_access_options.unwrap();
    assert_eq!(o.aws_region.as_deref(), Some(REGION));
    assert_eq!(o.aws_account_id.as_deref(), Some("123456789012"));
    assert!(o.last_update_timestamp.is_some());
    assert_eq!(mode(&sim, REGION), ("block-ingress".into(), "update-complete".into()));
    assert_eq!(mode(&sim, OTHER), ("off".into(), "default-state".into()));
}

#[test]
fn a_bad_mode_or_a_dry_run_changes_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let err = sim.call::<ec2::ModifyVpcBlockPublicAccessOptions>(REGION, modify("block-all")).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(err.message.contains("block-all"), "{}", err.message);
    let dry = ec2::ModifyVpcBlockPublicAccessOptionsRequest { dry_run: Some(true), ..modify("block-ingress") };
    assert_eq!(sim.call::<ec2::ModifyVpcBlockPublicAccessOptions>(REGION, dry).unwrap_err().code, "DryRunOperation");
    assert_eq!(mode(&sim, REGION), ("off".into(), "default-state".into()));
}
