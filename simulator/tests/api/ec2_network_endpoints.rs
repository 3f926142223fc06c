//! The interface endpoint services EC2.55–EC2.60 ask each VPC for: listed by
//! DescribeVpcEndpointServices and accepted by CreateVpcEndpoint, as Interface endpoints only.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era};

const REGION: &str = "us-east-1";

#[test]
fn incident_manager_services_are_offered_as_interface_endpoints() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let names =
        sim.call::<ec2::DescribeVpcEndpointServices>(REGION, Default::default()).unwrap().service_names.unwrap();
    for s in ["ecr.api", "ecr.dkr", "ssm", "ssm-contacts", "ssm-incidents"] {
        assert!(names.contains(&format!("com.amazonaws.{REGION}.{s}")), "{s} missing from {names:?}");
    }
    let vpc =
        sim.call::<ec2::DescribeVpcs>(REGION, Default::default()).unwrap().vpcs.unwrap()[0].vpc_id.clone().unwrap();
    let subnet =
        sim.call::<ec2::DescribeSubnets>(REGION, Default::default()).unwrap().subnets.unwrap()[0].subnet_id.clone();
    let request = |service: &str, kind: &str| ec2::CreateVpcEndpointRequest {
        vpc_endpoint_type: Some(kind.into()),
        vpc_id: vpc.clone(),
        service_name: Some(format!("com.amazonaws.{REGION}.{service}")),
        subnet_ids: if kind == "Interface" { subnet.clone().map(|s| vec![s]) } else { None },
        ..Default::default()
    };
    let ep = sim.call::<ec2::CreateVpcEndpoint>(REGION, request("ssm-incidents", "Interface")).unwrap();
    let ep = ep.vpc_endpoint.unwrap();
    assert_eq!(ep.service_name.as_deref(), Some("com.amazonaws.us-east-1.ssm-incidents"));
    // Not a gateway service: refused, and nothing is created.
    let before =
        sim.call::<ec2::DescribeVpcEndpoints>(REGION, Default::default()).unwrap().vpc_endpoints.unwrap().len();
    assert!(sim.call::<ec2::CreateVpcEndpoint>(REGION, request("ssm-contacts", "Gateway")).is_err());
    let after = sim.call::<ec2::DescribeVpcEndpoints>(REGION, Default::default()).unwrap().vpc_endpoints.unwrap().len();
    assert_eq!(before, after);
}
