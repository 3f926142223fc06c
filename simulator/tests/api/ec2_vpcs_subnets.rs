//! VPCs and subnets: create, describe (filters, ids, paging), attributes, delete.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn filter(name: &str, values: &[&str]) -> ec2::Filter {
    ec2::Filter { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn create_vpc(sim: &Simulator, cidr: &str) -> String {
    sim.call::<ec2::CreateVpc>(REGION, ec2::CreateVpcRequest { cidr_block: Some(cidr.into()), ..Default::default() })
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap()
}

fn vpc_count(sim: &Simulator) -> usize {
    sim.call::<ec2::DescribeVpcs>(REGION, Default::default()).unwrap().vpcs.unwrap().len()
}

fn subnet_req(vpc: &str, cidr: &str, az: Option<&str>) -> ec2::CreateSubnetRequest {
    ec2::CreateSubnetRequest {
        vpc_id: vpc.into(),
        cidr_block: Some(cidr.into()),
        availability_zone: az.map(str::to_string),
        ..Default::default()
    }
}

#[test]
fn create_vpc_validates_and_creates_companions() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let req = |c: &str| ec2::CreateVpcRequest { cidr_block: Some(c.into()), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::CreateVpc>(REGION, req("10.0.0.0/8"))), "InvalidVpc.Range");
    assert_eq!(code(sim.call::<ec2::CreateVpc>(REGION, req("10.0.0.0/29"))), "InvalidVpc.Range");
    assert_eq!(code(sim.call::<ec2::CreateVpc>(REGION, req("10.0.0.1/16"))), "InvalidParameterValue");
    assert_eq!(code(sim.call::<ec2::CreateVpc>(REGION, req("10.0.0/16"))), "InvalidParameterValue");
    assert_eq!(code(sim.call::<ec2::CreateVpc>(REGION, ec2::CreateVpcRequest::default())), "MissingParameter");
    let dry = ec2::CreateVpcRequest { dry_run: Some(true), ..req("10.0.0.0/16") };
    let err = sim.call::<ec2::CreateVpc>(REGION, dry).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("DryRunOperation", 412));
    assert_eq!(vpc_count(&sim), 1, "failed calls created nothing");

    let tagged = ec2::CreateVpcRequest {
        tag_specifications: Some(vec![ec2::TagSpecification {
            resource_type: Some("vpc".into()),
            tags: Some(vec![ec2::Tag { key: Some("Name".into()), value: Some("app".into()) }]),
        }]),
        ..req("10.0.0.0/16")
    };
    let vpc = sim.call::<ec2::CreateVpc>(REGION, tagged).unwrap().vpc.unwrap();
    let id = vpc.vpc_id.clone().unwrap();
    assert_eq!(vpc.is_default, Some(false));
    assert_eq!(vpc.tags.unwrap()[0].value.as_deref(), Some("app"));
    // A new VPC gets a default SG, a default NACL and a main route table, and DNS hostnames off.
    let sg = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest {
                filters: Some(vec![filter("vpc-id", &[&id]), filter("group-name", &["default"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .security_groups
        .unwrap();
    assert_eq!(sg.len(), 1);
    let acl = sim
        .call::<ec2::DescribeNetworkAcls>(
            REGION,
            ec2::DescribeNetworkAclsRequest { filters: Some(vec![filter("vpc-id", &[&id])]), ..Default::default() },
        )
        .unwrap()
        .network_acls
        .unwrap();
    assert_eq!((acl.len(), acl[0].is_default, acl[0].entries.as_ref().unwrap().len()), (1, Some(true), 4));
    let rt = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest { filters: Some(vec![filter("vpc-id", &[&id])]), ..Default::default() },
        )
        .unwrap()
        .route_tables
        .unwrap();
    assert_eq!(rt[0].routes.as_ref().unwrap().len(), 1);
    let hostnames = sim
        .call::<ec2::DescribeVpcAttribute>(
            REGION,
            ec2::DescribeVpcAttributeRequest {
                attribute: "enableDnsHostnames".into(),
                vpc_id: id.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(hostnames.enable_dns_hostnames.unwrap().value, Some(false));
    // Tag filters find it.
    let by_tag = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("tag:Name", &["ap*"])]), ..Default::default() },
        )
        .unwrap()
        .vpcs
        .unwrap();
    assert_eq!(by_tag.len(), 1);
    assert_eq!(by_tag[0].vpc_id.as_deref(), Some(id.as_str()));
}

#[test]
fn describe_vpcs_ids_filters_and_pages() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for i in 0..6 {
        create_vpc(&sim, &format!("10.{i}.0.0/16"));
    }
    let err = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { vpc_ids: Some(vec!["vpc-0nope".into()]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("InvalidVpcID.NotFound", "The vpc ID 'vpc-0nope' does not exist")
    );
    let cidr = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("cidr", &["10.3.0.0/16"])]), ..Default::default() },
        )
        .unwrap()
        .vpcs
        .unwrap();
    assert_eq!(cidr.len(), 1);
    let non_default = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("is-default", &["false"])]), ..Default::default() },
        )
        .unwrap()
        .vpcs
        .unwrap();
    assert_eq!(non_default.len(), 6);
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = sim
            .call::<ec2::DescribeVpcs>(
                REGION,
                ec2::DescribeVpcsRequest { max_results: Some(5), next_token: token.clone(), ..Default::default() },
            )
            .unwrap();
        seen.extend(page.vpcs.unwrap().into_iter().map(|v| v.vpc_id.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 7);
    let err = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("color", &["red"])]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!((err.code.as_str(), err.message.as_str()), ("InvalidParameterValue", "The filter 'color' is invalid"));
    // MaxResults below the model's minimum is refused on the JSON path.
    let err = sim.call_json(REGION, "ec2", "DescribeVpcs", serde_json::json!({"MaxResults": 2})).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
}

#[test]
fn vpc_attributes_one_at_a_time() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create_vpc(&sim, "10.0.0.0/16");
    let on = || Some(ec2::AttributeBooleanValue { value: Some(true) });
    let both = ec2::ModifyVpcAttributeRequest {
        vpc_id: id.clone(),
        enable_dns_hostnames: on(),
        enable_dns_support: on(),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifyVpcAttribute>(REGION, both)), "InvalidParameterCombination");
    let none = ec2::ModifyVpcAttributeRequest { vpc_id: id.clone(), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::ModifyVpcAttribute>(REGION, none)), "MissingParameter");
    let ghost = ec2::ModifyVpcAttributeRequest {
        vpc_id: "vpc-0ghost".into(),
        enable_dns_hostnames: on(),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifyVpcAttribute>(REGION, ghost)), "InvalidVpcID.NotFound");
    sim.call::<ec2::ModifyVpcAttribute>(
        REGION,
        ec2::ModifyVpcAttributeRequest { vpc_id: id.clone(), enable_dns_hostnames: on(), ..Default::default() },
    )
    .unwrap();
    let read = |attr: &str| {
        sim.call::<ec2::DescribeVpcAttribute>(
            REGION,
            ec2::DescribeVpcAttributeRequest { attribute: attr.into(), vpc_id: id.clone(), ..Default::default() },
        )
    };
    assert_eq!(read("enableDnsHostnames").unwrap().enable_dns_hostnames.unwrap().value, Some(true));
    assert_eq!(
        read("enableNetworkAddressUsageMetrics").unwrap().enable_network_address_usage_metrics.unwrap().value,
        Some(false)
    );
    assert_eq!(code(read("colour")), "InvalidParameterValue");
}

#[test]
fn create_subnet_checks_range_conflict_and_zone() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc = create_vpc(&sim, "10.0.0.0/16");
    let call = |r: ec2::CreateSubnetRequest| sim.call::<ec2::CreateSubnet>(REGION, r);
    assert_eq!(code(call(subnet_req(&vpc, "10.1.0.0/24", None))), "InvalidSubnet.Range");
    assert_eq!(code(call(subnet_req(&vpc, "10.0.0.0/29", None))), "InvalidSubnet.Range");
    assert_eq!(code(call(subnet_req(&vpc, "10.0.0.7/24", None))), "InvalidParameterValue");
    assert_eq!(code(call(subnet_req("vpc-0none", "10.0.0.0/24", None))), "InvalidVpcID.NotFound");
    let err = call(subnet_req(&vpc, "10.0.0.0/24", Some("ap-northeast-1b"))).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(err.message.contains("ap-northeast-1a, ap-northeast-1c, ap-northeast-1d"), "{}", err.message);

    let s = call(subnet_req(&vpc, "10.0.0.0/24", Some("ap-northeast-1c"))).unwrap().subnet.unwrap();
    assert_eq!(s.availability_zone_id.as_deref(), Some("apne1-az1"));
    assert_eq!(s.available_ip_address_count, Some(251));
    assert_eq!((s.default_for_az, s.map_public_ip_on_launch), (Some(false), Some(false)));
    assert_eq!(code(call(subnet_req(&vpc, "10.0.0.128/25", None))), "InvalidSubnet.Conflict");
    // The new subnet is associated with the VPC's default network ACL.
    let sid = s.subnet_id.unwrap();
    let acls = sim
        .call::<ec2::DescribeNetworkAcls>(
            REGION,
            ec2::DescribeNetworkAclsRequest {
                filters: Some(vec![filter("association.subnet-id", &[&sid])]),
                ..Default::default()
            },
        )
        .unwrap()
        .network_acls
        .unwrap();
    assert_eq!((acls.len(), acls[0].vpc_id.as_deref()), (1, Some(vpc.as_str())));
    let by_zone = sim
        .call::<ec2::DescribeSubnets>(
            REGION,
            ec2::DescribeSubnetsRequest {
                filters: Some(vec![filter("availability-zone", &["ap-northeast-1c"]), filter("vpc-id", &[&vpc])]),
                ..Default::default()
            },
        )
        .unwrap()
        .subnets
        .unwrap();
    assert_eq!(by_zone.len(), 1);
}

#[test]
fn delete_vpc_needs_an_empty_vpc_and_takes_its_defaults_along() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc = create_vpc(&sim, "10.0.0.0/16");
    let subnet = sim
        .call::<ec2::CreateSubnet>(REGION, subnet_req(&vpc, "10.0.1.0/24", None))
        .unwrap()
        .subnet
        .unwrap()
        .subnet_id
        .unwrap();
    let del =
        || sim.call::<ec2::DeleteVpc>(REGION, ec2::DeleteVpcRequest { vpc_id: vpc.clone(), ..Default::default() });
    assert_eq!(code(del()), "DependencyViolation");
    let err = sim
        .call::<ec2::DeleteSubnet>(
            REGION,
            ec2::DeleteSubnetRequest { subnet_id: "subnet-0x".into(), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidSubnetID.NotFound");
    sim.call::<ec2::DeleteSubnet>(REGION, ec2::DeleteSubnetRequest { subnet_id: subnet.clone(), ..Default::default() })
        .unwrap();
    let err = sim
        .call::<ec2::DescribeSubnets>(
            REGION,
            ec2::DescribeSubnetsRequest { subnet_ids: Some(vec![subnet]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidSubnetID.NotFound");
    // A non-default security group also blocks deletion.
    let sg = sim
        .call::<ec2::CreateSecurityGroup>(
            REGION,
            ec2::CreateSecurityGroupRequest {
                group_name: "web".into(),
                description: "web".into(),
                vpc_id: Some(vpc.clone()),
                ..Default::default()
            },
        )
        .unwrap()
        .group_id
        .unwrap();
    assert_eq!(code(del()), "DependencyViolation");
    sim.call::<ec2::DeleteSecurityGroup>(
        REGION,
        ec2::DeleteSecurityGroupRequest { group_id: Some(sg), ..Default::default() },
    )
    .unwrap();
    del().unwrap();
    assert_eq!(code(del()), "InvalidVpcID.NotFound");
    let left = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest { filters: Some(vec![filter("vpc-id", &[&vpc])]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(left.security_groups, Some(vec![]));
    let acls = sim
        .call::<ec2::DescribeNetworkAcls>(
            REGION,
            ec2::DescribeNetworkAclsRequest { filters: Some(vec![filter("vpc-id", &[&vpc])]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(acls.network_acls, Some(vec![]));
    let tables = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest { filters: Some(vec![filter("vpc-id", &[&vpc])]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(tables.route_tables, Some(vec![]));
    // The default VPC still has its subnets and internet gateway attached.
    let default_vpc = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("is-default", &["true"])]), ..Default::default() },
        )
        .unwrap()
        .vpcs
        .unwrap()[0]
        .vpc_id
        .clone()
        .unwrap();
    let err = sim.call::<ec2::DeleteVpc>(REGION, ec2::DeleteVpcRequest { vpc_id: default_vpc, ..Default::default() });
    assert_eq!(code(err), "DependencyViolation");
}

#[test]
fn modify_subnet_attribute_turns_off_public_ips() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let subnets = sim.call::<ec2::DescribeSubnets>(REGION, Default::default()).unwrap().subnets.unwrap();
    let id = subnets[0].subnet_id.clone().unwrap();
    let both = ec2::ModifySubnetAttributeRequest {
        subnet_id: id.clone(),
        map_public_ip_on_launch: Some(ec2::AttributeBooleanValue { value: Some(false) }),
        enable_dns64: Some(ec2::AttributeBooleanValue { value: Some(true) }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifySubnetAttribute>(REGION, both)), "InvalidParameterCombination");
    let ipv6 = ec2::ModifySubnetAttributeRequest {
        subnet_id: id.clone(),
        assign_ipv6_address_on_creation: Some(ec2::AttributeBooleanValue { value: Some(true) }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifySubnetAttribute>(REGION, ipv6)), "InvalidParameterValue");
    let ghost = ec2::ModifySubnetAttributeRequest {
        subnet_id: "subnet-0ghost".into(),
        map_public_ip_on_launch: Some(ec2::AttributeBooleanValue { value: Some(false) }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifySubnetAttribute>(REGION, ghost)), "InvalidSubnetID.NotFound");
    // The wire form a remediation sends: MapPublicIpOnLaunch.Value=false.
    sim.call_json(
        REGION,
        "ec2",
        "ModifySubnetAttribute",
        serde_json::json!({"SubnetId": id, "MapPublicIpOnLaunch": {"Value": false}}),
    )
    .unwrap();
    let public = sim
        .call::<ec2::DescribeSubnets>(
            REGION,
            ec2::DescribeSubnetsRequest {
                filters: Some(vec![filter("map-public-ip-on-launch", &["true"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .subnets
        .unwrap();
    assert_eq!(public.len(), 2);
    assert!(public.iter().all(|s| s.subnet_id.as_deref() != Some(id.as_str())));
}
