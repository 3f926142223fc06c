//! The fresh account's default VPC, regions and zones, EBS settings and the empty answers.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era};

const REGION: &str = "ap-northeast-1";

fn filter(name: &str, values: &[&str]) -> ec2::Filter {
    ec2::Filter { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
}

#[test]
fn fresh_ap_northeast_1_has_the_default_vpc() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpcs = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("is-default", &["true"])]), ..Default::default() },
        )
        .unwrap()
        .vpcs
        .unwrap();
    assert_eq!(vpcs.len(), 1);
    let vpc = &vpcs[0];
    let vpc_id = vpc.vpc_id.clone().unwrap();
    assert_eq!(vpc.cidr_block.as_deref(), Some("172.31.0.0/16"));
    assert_eq!(vpc.state.as_deref(), Some("available"));
    assert_eq!(vpc.instance_tenancy.as_deref(), Some("default"));
    assert_eq!(vpc.owner_id.as_deref(), Some(ACCOUNT));
    assert_eq!(vpc.tags, None);
    for attr in ["enableDnsSupport", "enableDnsHostnames"] {
        let a = sim
            .call::<ec2::DescribeVpcAttribute>(
                REGION,
                ec2::DescribeVpcAttributeRequest {
                    attribute: attr.into(),
                    vpc_id: vpc_id.clone(),
                    ..Default::default()
                },
            )
            .unwrap();
        let v = a.enable_dns_support.or(a.enable_dns_hostnames).unwrap().value;
        assert_eq!(v, Some(true), "{attr}");
    }

    // Exactly three default subnets, /20 blocks in zone order, public IPs on launch.
    let subnets = sim
        .call::<ec2::DescribeSubnets>(
            REGION,
            ec2::DescribeSubnetsRequest {
                filters: Some(vec![filter("default-for-az", &["true"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .subnets
        .unwrap();
    let got: Vec<(String, String, String)> = subnets
        .iter()
        .map(|s| {
            (
                s.availability_zone.clone().unwrap(),
                s.availability_zone_id.clone().unwrap(),
                s.cidr_block.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("ap-northeast-1a".into(), "apne1-az4".into(), "172.31.0.0/20".into()),
            ("ap-northeast-1c".into(), "apne1-az1".into(), "172.31.16.0/20".into()),
            ("ap-northeast-1d".into(), "apne1-az2".into(), "172.31.32.0/20".into()),
        ]
    );
    for s in &subnets {
        assert_eq!(s.vpc_id.as_deref(), Some(vpc_id.as_str()));
        assert_eq!(s.map_public_ip_on_launch, Some(true));
        assert_eq!(s.default_for_az, Some(true));
        assert_eq!(s.available_ip_address_count, Some(4091));
        let id = s.subnet_id.clone().unwrap();
        assert_eq!(s.subnet_arn.clone().unwrap(), format!("arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{id}"));
    }

    // The default security group's exact rules.
    let groups = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest {
                filters: Some(vec![filter("group-name", &["default"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .security_groups
        .unwrap();
    assert_eq!(groups.len(), 1);
    let sg = &groups[0];
    let sg_id = sg.group_id.clone().unwrap();
    assert_eq!(sg.description.as_deref(), Some("default VPC security group"));
    assert_eq!(sg.vpc_id.as_deref(), Some(vpc_id.as_str()));
    assert_eq!(
        sg.ip_permissions,
        Some(vec![ec2::IpPermission {
            ip_protocol: Some("-1".into()),
            from_port: None,
            to_port: None,
            user_id_group_pairs: Some(vec![ec2::UserIdGroupPair {
                group_id: Some(sg_id.clone()),
                user_id: Some(ACCOUNT.into()),
                ..Default::default()
            }]),
            ip_ranges: Some(vec![]),
            ipv6_ranges: Some(vec![]),
            prefix_list_ids: Some(vec![]),
        }])
    );
    assert_eq!(
        sg.ip_permissions_egress,
        Some(vec![ec2::IpPermission {
            ip_protocol: Some("-1".into()),
            from_port: None,
            to_port: None,
            user_id_group_pairs: Some(vec![]),
            ip_ranges: Some(vec![ec2::IpRange { cidr_ip: Some("0.0.0.0/0".into()), description: None }]),
            ipv6_ranges: Some(vec![]),
            prefix_list_ids: Some(vec![]),
        }])
    );

    // The default network ACL's exact four entries, associated with every default subnet.
    let acls = sim
        .call::<ec2::DescribeNetworkAcls>(
            REGION,
            ec2::DescribeNetworkAclsRequest { filters: Some(vec![filter("default", &["true"])]), ..Default::default() },
        )
        .unwrap()
        .network_acls
        .unwrap();
    assert_eq!(acls.len(), 1);
    let entries: Vec<(i32, bool, String, String, String)> = acls[0]
        .entries
        .clone()
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.rule_number.unwrap(),
                e.egress.unwrap(),
                e.protocol.unwrap(),
                e.rule_action.unwrap(),
                e.cidr_block.unwrap(),
            )
        })
        .collect();
    let all = || "0.0.0.0/0".to_string();
    assert_eq!(
        entries,
        vec![
            (100, true, "-1".into(), "allow".into(), all()),
            (32767, true, "-1".into(), "deny".into(), all()),
            (100, false, "-1".into(), "allow".into(), all()),
            (32767, false, "-1".into(), "deny".into(), all()),
        ]
    );
    let mut associated: Vec<String> =
        acls[0].associations.clone().unwrap().into_iter().map(|a| a.subnet_id.unwrap()).collect();
    let mut subnet_ids: Vec<String> = subnets.iter().map(|s| s.subnet_id.clone().unwrap()).collect();
    associated.sort();
    subnet_ids.sort();
    assert_eq!(associated, subnet_ids);

    // EBS encryption by default is off.
    let ebs = sim.call::<ec2::GetEbsEncryptionByDefault>(REGION, Default::default()).unwrap();
    assert_eq!(ebs.ebs_encryption_by_default, Some(false));
    let key = sim.call::<ec2::GetEbsDefaultKmsKeyId>(REGION, Default::default()).unwrap();
    assert_eq!(key.kms_key_id.as_deref(), Some("alias/aws/ebs"));

    // Nothing else: no flow logs, no endpoints.
    let fl = sim.call::<ec2::DescribeFlowLogs>(REGION, Default::default()).unwrap();
    assert_eq!(fl.flow_logs, Some(vec![]));
    let ep = sim.call::<ec2::DescribeVpcEndpoints>(REGION, Default::default()).unwrap();
    assert_eq!(ep.vpc_endpoints, Some(vec![]));
}

#[test]
fn default_vpc_has_gateway_routes_and_dhcp_options() {
    let sim = fresh_account(Era::Y2022, &[REGION, "us-east-1"]);
    let igws =
        sim.call::<ec2::DescribeInternetGateways>(REGION, Default::default()).unwrap().internet_gateways.unwrap();
    assert_eq!(igws.len(), 1);
    let igw = igws[0].internet_gateway_id.clone().unwrap();
    let vpc = sim.call::<ec2::DescribeVpcs>(REGION, Default::default()).unwrap().vpcs.unwrap()[0].clone();
    let vpc_id = vpc.vpc_id.clone().unwrap();
    assert_eq!(igws[0].attachments.clone().unwrap()[0].vpc_id.as_deref(), Some(vpc_id.as_str()));

    let tables = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest {
                filters: Some(vec![filter("association.main", &["true"]), filter("vpc-id", &[&vpc_id])]),
                ..Default::default()
            },
        )
        .unwrap()
        .route_tables
        .unwrap();
    assert_eq!(tables.len(), 1);
    let routes: Vec<(String, String)> = tables[0]
        .routes
        .clone()
        .unwrap()
        .into_iter()
        .map(|r| (r.destination_cidr_block.unwrap(), r.gateway_id.unwrap()))
        .collect();
    assert_eq!(routes, vec![("172.31.0.0/16".into(), "local".into()), ("0.0.0.0/0".into(), igw)]);

    let dopt = sim.call::<ec2::DescribeDhcpOptions>(REGION, Default::default()).unwrap().dhcp_options.unwrap();
    assert_eq!(dopt.len(), 1);
    assert_eq!(dopt[0].dhcp_options_id, vpc.dhcp_options_id);
    let domain = dopt[0].dhcp_configurations.clone().unwrap()[0].values.clone().unwrap()[0].value.clone();
    assert_eq!(domain.as_deref(), Some("ap-northeast-1.compute.internal"));

    // Region-specific zone counts.
    let east = sim.call::<ec2::DescribeSubnets>("us-east-1", Default::default()).unwrap().subnets.unwrap();
    assert_eq!(east.len(), 6);
    assert_eq!(east[5].cidr_block.as_deref(), Some("172.31.80.0/20"));
    let east_dopt =
        sim.call::<ec2::DescribeDhcpOptions>("us-east-1", Default::default()).unwrap().dhcp_options.unwrap();
    let domain = east_dopt[0].dhcp_configurations.clone().unwrap()[0].values.clone().unwrap()[0].value.clone();
    assert_eq!(domain.as_deref(), Some("ec2.internal"));
    // Unknown ids are refused.
    let err = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest { route_table_ids: Some(vec!["rtb-0000".into()]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidRouteTableID.NotFound");
    let err = sim
        .call::<ec2::DescribeInternetGateways>(
            REGION,
            ec2::DescribeInternetGatewaysRequest {
                internet_gateway_ids: Some(vec!["igw-0".into()]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidInternetGatewayID.NotFound");
}

#[test]
fn regions_and_zones() {
    let sim = fresh_account(Era::Current, &[REGION, "us-west-1"]);
    let enabled = sim.call::<ec2::DescribeRegions>(REGION, Default::default()).unwrap().regions.unwrap();
    let names: Vec<String> = enabled.iter().map(|r| r.region_name.clone().unwrap()).collect();
    assert_eq!(names, vec!["us-west-1".to_string(), REGION.to_string()]);
    assert!(enabled.iter().all(|r| r.opt_in_status.as_deref() == Some("opt-in-not-required")));
    assert_eq!(enabled[1].endpoint.as_deref(), Some("ec2.ap-northeast-1.amazonaws.com"));

    let all = sim
        .call::<ec2::DescribeRegions>(
            REGION,
            ec2::DescribeRegionsRequest { all_regions: Some(true), ..Default::default() },
        )
        .unwrap()
        .regions
        .unwrap();
    assert_eq!(all.len(), 34);
    let not_opted = all.iter().filter(|r| r.opt_in_status.as_deref() == Some("not-opted-in")).count();
    assert_eq!(not_opted, 17);
    let filtered = sim
        .call::<ec2::DescribeRegions>(
            REGION,
            ec2::DescribeRegionsRequest {
                all_regions: Some(true),
                filters: Some(vec![filter("opt-in-status", &["not-opted-in"]), filter("region-name", &["ap-*"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .regions
        .unwrap();
    assert_eq!(filtered.len(), 8);

    let zones =
        sim.call::<ec2::DescribeAvailabilityZones>(REGION, Default::default()).unwrap().availability_zones.unwrap();
    let pairs: Vec<(String, String)> =
        zones.iter().map(|z| (z.zone_name.clone().unwrap(), z.zone_id.clone().unwrap())).collect();
    assert_eq!(
        pairs,
        vec![
            ("ap-northeast-1a".into(), "apne1-az4".into()),
            ("ap-northeast-1c".into(), "apne1-az1".into()),
            ("ap-northeast-1d".into(), "apne1-az2".into()),
        ]
    );
    let west = sim.call::<ec2::DescribeAvailabilityZones>("us-west-1", Default::default()).unwrap();
    assert_eq!(west.availability_zones.unwrap().len(), 2);
    let err = sim
        .call::<ec2::DescribeAvailabilityZones>(
            REGION,
            ec2::DescribeAvailabilityZonesRequest {
                zone_names: Some(vec!["ap-northeast-1b".into()]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    let err = sim
        .call::<ec2::DescribeRegions>(
            REGION,
            ec2::DescribeRegionsRequest { filters: Some(vec![filter("bogus", &["x"])]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!((err.code.as_str(), err.message.as_str()), ("InvalidParameterValue", "The filter 'bogus' is invalid"));
}

#[test]
fn ebs_encryption_by_default_is_per_region_and_dry_run_changes_nothing() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    let err = sim
        .call::<ec2::EnableEbsEncryptionByDefault>(
            REGION,
            ec2::EnableEbsEncryptionByDefaultRequest { dry_run: Some(true) },
        )
        .unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("DryRunOperation", 412));
    let get = |r: &str| sim.call::<ec2::GetEbsEncryptionByDefault>(r, Default::default()).unwrap();
    assert_eq!(get(REGION).ebs_encryption_by_default, Some(false));
    let on = sim.call::<ec2::EnableEbsEncryptionByDefault>(REGION, Default::default()).unwrap();
    assert_eq!(on.ebs_encryption_by_default, Some(true));
    assert_eq!(get(REGION).ebs_encryption_by_default, Some(true));
    assert_eq!(get(REGION).sse_type.as_deref(), Some("sse-ebs"));
    assert_eq!(get("us-east-1").ebs_encryption_by_default, Some(false));
    let off = sim.call::<ec2::DisableEbsEncryptionByDefault>(REGION, Default::default()).unwrap();
    assert_eq!(off.ebs_encryption_by_default, Some(false));
    assert_eq!(get(REGION).ebs_encryption_by_default, Some(false));
    // Through the JSON path as a scenario step would.
    let v = sim.call_json(REGION, "ec2", "EnableEbsEncryptionByDefault", serde_json::json!({})).unwrap();
    assert_eq!(v["EbsEncryptionByDefault"], serde_json::json!(true));
}

#[test]
fn tolerated_calls_answer_empty() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let r = sim.call::<ec2::DescribeInstances>(REGION, Default::default()).unwrap();
    assert_eq!(r.reservations, Some(vec![]));
    assert_eq!(
        sim.call::<ec2::DescribeNetworkInterfaces>(REGION, Default::default()).unwrap().network_interfaces,
        Some(vec![])
    );
    assert_eq!(sim.call::<ec2::DescribeVolumes>(REGION, Default::default()).unwrap().volumes, Some(vec![]));
    assert_eq!(sim.call::<ec2::DescribeSnapshots>(REGION, Default::default()).unwrap().snapshots, Some(vec![]));
    assert_eq!(sim.call::<ec2::DescribeAddresses>(REGION, Default::default()).unwrap().addresses, Some(vec![]));
    assert_eq!(
        sim.call::<ec2::DescribeLaunchTemplates>(REGION, Default::default()).unwrap().launch_templates,
        Some(vec![])
    );
    assert_eq!(
        sim.call::<ec2::DescribeTransitGateways>(REGION, Default::default()).unwrap().transit_gateways,
        Some(vec![])
    );
    assert_eq!(
        sim.call::<ec2::DescribeVpcPeeringConnections>(REGION, Default::default()).unwrap().vpc_peering_connections,
        Some(vec![])
    );
    assert_eq!(
        sim.call::<ec2::DescribeClientVpnEndpoints>(REGION, Default::default()).unwrap().client_vpn_endpoints,
        Some(vec![])
    );
    assert_eq!(
        sim.call::<ec2::DescribeVpnConnections>(REGION, Default::default()).unwrap().vpn_connections,
        Some(vec![])
    );
    let snap = sim.call::<ec2::GetSnapshotBlockPublicAccessState>(REGION, Default::default()).unwrap();
    assert_eq!(snap.state.as_deref(), Some("unblocked"));
    let img = sim.call::<ec2::GetImageBlockPublicAccessState>(REGION, Default::default()).unwrap();
    assert_eq!(img.image_block_public_access_state.as_deref(), Some("unblocked"));
    let md = sim.call::<ec2::GetInstanceMetadataDefaults>(REGION, Default::default()).unwrap();
    assert_eq!(md.account_level, Some(ec2::InstanceMetadataDefaultsResponse::default()));
    let err = sim
        .call::<ec2::DescribeInstances>(
            REGION,
            ec2::DescribeInstancesRequest { instance_ids: Some(vec!["i-0123".into()]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidInstanceID.NotFound");
    // The JSON path returns well-formed empty lists too.
    let v = sim.call_json(REGION, "ec2", "DescribeVolumes", serde_json::json!({})).unwrap();
    assert_eq!(v["Volumes"], serde_json::json!([]));
}
