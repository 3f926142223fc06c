//! Flow logs, VPC endpoints and tags.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "ap-northeast-1";
const ROLE: &str = "arn:aws:iam::123456789012:role/flow-logs";

fn filter(name: &str, values: &[&str]) -> ec2::Filter {
    ec2::Filter { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn default_vpc(sim: &Simulator) -> String {
    sim.call::<ec2::DescribeVpcs>(REGION, Default::default()).unwrap().vpcs.unwrap()[0].vpc_id.clone().unwrap()
}

fn cwl(resources: &[&str]) -> ec2::CreateFlowLogsRequest {
    ec2::CreateFlowLogsRequest {
        resource_ids: resources.iter().map(|r| r.to_string()).collect(),
        resource_type: "VPC".into(),
        traffic_type: Some("REJECT".into()),
        log_group_name: Some("vpc-flow".into()),
        deliver_logs_permission_arn: Some(ROLE.into()),
        ..Default::default()
    }
}

#[test]
fn flow_logs_for_ec2_6() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc = default_vpc(&sim);
    let out = sim.call::<ec2::CreateFlowLogs>(REGION, cwl(&[&vpc, "vpc-0missing"])).unwrap();
    let ids = out.flow_log_ids.unwrap();
    assert_eq!(ids.len(), 1);
    assert!(ids[0].starts_with("fl-"));
    let bad = out.unsuccessful.unwrap();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].resource_id.as_deref(), Some("vpc-0missing"));
    assert_eq!(bad[0].error.as_ref().unwrap().code.as_deref(), Some("InvalidVpcID.NotFound"));

    let again = sim.call::<ec2::CreateFlowLogs>(REGION, cwl(&[&vpc])).unwrap();
    assert_eq!(again.flow_log_ids, Some(vec![]));
    assert_eq!(again.unsuccessful.unwrap()[0].error.as_ref().unwrap().code.as_deref(), Some("FlowLogAlreadyExists"));

    let logs = sim
        .call::<ec2::DescribeFlowLogs>(
            REGION,
            ec2::DescribeFlowLogsRequest { filter: Some(vec![filter("resource-id", &[&vpc])]), ..Default::default() },
        )
        .unwrap()
        .flow_logs
        .unwrap();
    assert_eq!(logs.len(), 1);
    let f = &logs[0];
    assert_eq!(f.flow_log_status.as_deref(), Some("ACTIVE"));
    assert_eq!(f.deliver_logs_status.as_deref(), Some("SUCCESS"));
    assert_eq!(f.traffic_type.as_deref(), Some("REJECT"));
    assert_eq!(f.log_destination_type.as_deref(), Some("cloud-watch-logs"));
    assert_eq!(f.log_group_name.as_deref(), Some("vpc-flow"));
    assert_eq!(f.log_destination.clone().unwrap(), format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:vpc-flow"));
    assert_eq!(f.max_aggregation_interval, Some(600));
    assert!(f.log_format.as_deref().unwrap().starts_with("${version} ${account-id}"));

    // S3 destination through the JSON path (wire form); a subnet flow log.
    let subnet = sim.call::<ec2::DescribeSubnets>(REGION, Default::default()).unwrap().subnets.unwrap()[0]
        .subnet_id
        .clone()
        .unwrap();
    let out = sim
        .call_json(
            REGION,
            "ec2",
            "CreateFlowLogs",
            serde_json::json!({"ResourceIds": [subnet], "ResourceType": "Subnet", "TrafficType": "ALL",
                "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::flow-bucket/prefix"}),
        )
        .unwrap();
    assert_eq!(out["FlowLogIds"].as_array().unwrap().len(), 1);
    let s3 = sim
        .call::<ec2::DescribeFlowLogs>(
            REGION,
            ec2::DescribeFlowLogsRequest {
                filter: Some(vec![filter("log-destination-type", &["s3"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .flow_logs
        .unwrap();
    assert_eq!((s3.len(), s3[0].log_group_name.clone()), (1, None));

    // Parameter errors fail the whole call.
    let no_role = ec2::CreateFlowLogsRequest { deliver_logs_permission_arn: None, ..cwl(&[&vpc]) };
    assert_eq!(code(sim.call::<ec2::CreateFlowLogs>(REGION, no_role)), "InvalidParameter");
    let both = ec2::CreateFlowLogsRequest {
        log_destination: Some(format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:x")),
        ..cwl(&[&vpc])
    };
    assert_eq!(code(sim.call::<ec2::CreateFlowLogs>(REGION, both)), "InvalidParameter");
    let bad_s3 = ec2::CreateFlowLogsRequest {
        log_destination_type: Some("s3".into()),
        log_destination: Some("my-bucket".into()),
        log_group_name: None,
        deliver_logs_permission_arn: None,
        ..cwl(&[&vpc])
    };
    assert_eq!(code(sim.call::<ec2::CreateFlowLogs>(REGION, bad_s3)), "InvalidParameter");
    let interval = ec2::CreateFlowLogsRequest { max_aggregation_interval: Some(120), ..cwl(&[&vpc]) };
    assert_eq!(code(sim.call::<ec2::CreateFlowLogs>(REGION, interval)), "InvalidParameter");
    let no_traffic = ec2::CreateFlowLogsRequest { traffic_type: None, ..cwl(&[&vpc]) };
    assert_eq!(code(sim.call::<ec2::CreateFlowLogs>(REGION, no_traffic)), "MissingParameter");

    // Delete: unknown ids go into Unsuccessful.
    let out = sim
        .call::<ec2::DeleteFlowLogs>(
            REGION,
            ec2::DeleteFlowLogsRequest { flow_log_ids: vec![ids[0].clone(), "fl-0nope".into()], ..Default::default() },
        )
        .unwrap();
    let bad = out.unsuccessful.unwrap();
    assert_eq!((bad.len(), bad[0].error.as_ref().unwrap().code.as_deref()), (1, Some("InvalidFlowLogId.NotFound")));
    let logs = sim.call::<ec2::DescribeFlowLogs>(REGION, Default::default()).unwrap().flow_logs.unwrap();
    assert_eq!(logs.len(), 1);
}

#[test]
fn interface_endpoint_for_ec2_10() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc = default_vpc(&sim);
    let subnets: Vec<String> = sim
        .call::<ec2::DescribeSubnets>(REGION, Default::default())
        .unwrap()
        .subnets
        .unwrap()
        .into_iter()
        .map(|s| s.subnet_id.unwrap())
        .collect();
    let req = |service: &str| ec2::CreateVpcEndpointRequest {
        vpc_id: vpc.clone(),
        service_name: Some(service.into()),
        vpc_endpoint_type: Some("Interface".into()),
        subnet_ids: Some(subnets.clone()),
        ..Default::default()
    };
    assert_eq!(
        code(sim.call::<ec2::CreateVpcEndpoint>(REGION, req("com.amazonaws.us-east-1.ec2"))),
        "InvalidServiceName"
    );
    assert_eq!(
        code(sim.call::<ec2::CreateVpcEndpoint>(REGION, req("com.amazonaws.ap-northeast-1.pigeons"))),
        "InvalidServiceName"
    );
    let same_zone = ec2::CreateVpcEndpointRequest {
        subnet_ids: Some(vec![subnets[0].clone(), subnets[0].clone()]),
        ..req("com.amazonaws.ap-northeast-1.ec2")
    };
    assert_eq!(code(sim.call::<ec2::CreateVpcEndpoint>(REGION, same_zone)), "DuplicateSubnetsInSameZone");
    let gateway_ec2 = ec2::CreateVpcEndpointRequest {
        vpc_endpoint_type: None,
        subnet_ids: None,
        ..req("com.amazonaws.ap-northeast-1.ec2")
    };
    assert_eq!(code(sim.call::<ec2::CreateVpcEndpoint>(REGION, gateway_ec2)), "InvalidParameter");
    assert_eq!(sim.call::<ec2::DescribeVpcEndpoints>(REGION, Default::default()).unwrap().vpc_endpoints, Some(vec![]));

    let e = sim
        .call::<ec2::CreateVpcEndpoint>(REGION, req("com.amazonaws.ap-northeast-1.ec2"))
        .unwrap()
        .vpc_endpoint
        .unwrap();
    let id = e.vpc_endpoint_id.clone().unwrap();
    assert!(id.starts_with("vpce-"));
    assert_eq!(e.state.as_deref(), Some("available"));
    assert_eq!(e.private_dns_enabled, Some(true));
    // No security groups given: the VPC's default group.
    let groups = e.groups.unwrap();
    assert_eq!((groups.len(), groups[0].group_name.as_deref()), (1, Some("default")));
    // A second private-DNS endpoint for the same service conflicts.
    assert_eq!(
        code(sim.call::<ec2::CreateVpcEndpoint>(REGION, req("com.amazonaws.ap-northeast-1.ec2"))),
        "InvalidParameter"
    );
    let found = sim
        .call::<ec2::DescribeVpcEndpoints>(
            REGION,
            ec2::DescribeVpcEndpointsRequest {
                filters: Some(vec![
                    filter("vpc-id", &[&vpc]),
                    filter("service-name", &["com.amazonaws.ap-northeast-1.ec2"]),
                    filter("vpc-endpoint-state", &["available"]),
                ]),
                ..Default::default()
            },
        )
        .unwrap()
        .vpc_endpoints
        .unwrap();
    assert_eq!(found.len(), 1);
    // The default SG is now in use by the endpoint; its subnets are too.
    let sg = groups[0].group_id.clone().unwrap();
    let err = sim
        .call::<ec2::DeleteSubnet>(
            REGION,
            ec2::DeleteSubnetRequest { subnet_id: subnets[0].clone(), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "DependencyViolation");
    assert!(sg.starts_with("sg-"));
    // A group an endpoint uses cannot be deleted.
    let ep_sg = sim
        .call::<ec2::CreateSecurityGroup>(
            REGION,
            ec2::CreateSecurityGroupRequest { group_name: "ep".into(), description: "ep".into(), ..Default::default() },
        )
        .unwrap()
        .group_id
        .unwrap();
    let ssm = ec2::CreateVpcEndpointRequest {
        security_group_ids: Some(vec![ep_sg.clone()]),
        subnet_ids: Some(vec![subnets[1].clone()]),
        ..req("com.amazonaws.ap-northeast-1.ssm")
    };
    let ssm_groups = sim.call::<ec2::CreateVpcEndpoint>(REGION, ssm).unwrap().vpc_endpoint.unwrap().groups.unwrap();
    assert_eq!(ssm_groups[0].group_id.as_deref(), Some(ep_sg.as_str()));
    let err = sim
        .call::<ec2::DeleteSecurityGroup>(
            REGION,
            ec2::DeleteSecurityGroupRequest { group_id: Some(ep_sg), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "DependencyViolation");
    let out = sim
        .call::<ec2::DeleteVpcEndpoints>(
            REGION,
            ec2::DeleteVpcEndpointsRequest {
                vpc_endpoint_ids: vec![id.clone(), "vpce-0nope".into()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(out.unsuccessful.unwrap()[0].resource_id.as_deref(), Some("vpce-0nope"));
    let err = sim
        .call::<ec2::DescribeVpcEndpoints>(
            REGION,
            ec2::DescribeVpcEndpointsRequest { vpc_endpoint_ids: Some(vec![id]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidVpcEndpointId.NotFound");
}

#[test]
fn private_dns_needs_dns_hostnames_and_gateway_endpoints_route() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc = sim
        .call::<ec2::CreateVpc>(
            REGION,
            ec2::CreateVpcRequest { cidr_block: Some("10.0.0.0/16".into()), ..Default::default() },
        )
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap();
    let interface = ec2::CreateVpcEndpointRequest {
        vpc_id: vpc.clone(),
        service_name: Some("com.amazonaws.ap-northeast-1.ssm".into()),
        vpc_endpoint_type: Some("Interface".into()),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::CreateVpcEndpoint>(REGION, interface.clone())), "InvalidParameter");
    let no_dns = ec2::CreateVpcEndpointRequest { private_dns_enabled: Some(false), ..interface };
    sim.call::<ec2::CreateVpcEndpoint>(REGION, no_dns).unwrap();

    let rtb = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest { filters: Some(vec![filter("vpc-id", &[&vpc])]), ..Default::default() },
        )
        .unwrap()
        .route_tables
        .unwrap()[0]
        .route_table_id
        .clone()
        .unwrap();
    let gw = ec2::CreateVpcEndpointRequest {
        vpc_id: vpc.clone(),
        service_name: Some("com.amazonaws.ap-northeast-1.s3".into()),
        route_table_ids: Some(vec![rtb.clone()]),
        ..Default::default()
    };
    let e = sim.call::<ec2::CreateVpcEndpoint>(REGION, gw.clone()).unwrap().vpc_endpoint.unwrap();
    assert_eq!(e.vpc_endpoint_type.as_deref(), Some("Gateway"));
    let routes = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest { route_table_ids: Some(vec![rtb.clone()]), ..Default::default() },
        )
        .unwrap()
        .route_tables
        .unwrap()[0]
        .routes
        .clone()
        .unwrap();
    let endpoint_id = e.vpc_endpoint_id.clone().unwrap();
    assert!(routes.iter().any(|r| r.gateway_id.as_deref() == Some(endpoint_id.as_str())
        && r.destination_prefix_list_id.as_deref().is_some_and(|p| p.starts_with("pl-"))));
    assert_eq!(code(sim.call::<ec2::CreateVpcEndpoint>(REGION, gw)), "RouteAlreadyExists");
    sim.call::<ec2::DeleteVpcEndpoints>(
        REGION,
        ec2::DeleteVpcEndpointsRequest { vpc_endpoint_ids: vec![endpoint_id], ..Default::default() },
    )
    .unwrap();
    let routes = sim
        .call::<ec2::DescribeRouteTables>(
            REGION,
            ec2::DescribeRouteTablesRequest { route_table_ids: Some(vec![rtb]), ..Default::default() },
        )
        .unwrap()
        .route_tables
        .unwrap()[0]
        .routes
        .clone()
        .unwrap();
    assert_eq!(routes.len(), 1);

    let services = sim.call::<ec2::DescribeVpcEndpointServices>(REGION, Default::default()).unwrap();
    let names = services.service_names.unwrap();
    for s in ["ec2", "s3", "ssm", "ecr.api", "ecr.dkr", "logs", "kms", "sns", "sts", "dynamodb"] {
        assert!(names.contains(&format!("com.amazonaws.{REGION}.{s}")), "{s}");
    }
    let err = sim
        .call::<ec2::DescribeVpcEndpointServices>(
            REGION,
            ec2::DescribeVpcEndpointServicesRequest {
                service_names: Some(vec!["com.amazonaws.x.y".into()]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidServiceName");
    let gateways = sim
        .call::<ec2::DescribeVpcEndpointServices>(
            REGION,
            ec2::DescribeVpcEndpointServicesRequest {
                filters: Some(vec![filter("service-type", &["Gateway"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .service_names
        .unwrap();
    assert_eq!(gateways, vec![format!("com.amazonaws.{REGION}.dynamodb"), format!("com.amazonaws.{REGION}.s3")]);
}

#[test]
fn tags_across_resource_types() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc = default_vpc(&sim);
    let sg = sim.call::<ec2::DescribeSecurityGroups>(REGION, Default::default()).unwrap().security_groups.unwrap()[0]
        .group_id
        .clone()
        .unwrap();
    let tag = |k: &str, v: &str| ec2::Tag { key: Some(k.into()), value: Some(v.into()) };
    let err = sim
        .call::<ec2::CreateTags>(
            REGION,
            ec2::CreateTagsRequest {
                resources: vec![vpc.clone(), "vpc-0gone".into()],
                tags: vec![tag("env", "dev")],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidVpcID.NotFound");
    let reserved =
        ec2::CreateTagsRequest { resources: vec![vpc.clone()], tags: vec![tag("aws:x", "y")], ..Default::default() };
    assert_eq!(code(sim.call::<ec2::CreateTags>(REGION, reserved)), "InvalidParameterValue");
    let junk =
        ec2::CreateTagsRequest { resources: vec!["banana".into()], tags: vec![tag("a", "b")], ..Default::default() };
    assert_eq!(code(sim.call::<ec2::CreateTags>(REGION, junk)), "InvalidID");
    assert_eq!(sim.call::<ec2::DescribeTags>(REGION, Default::default()).unwrap().tags, Some(vec![]));

    sim.call::<ec2::CreateTags>(
        REGION,
        ec2::CreateTagsRequest {
            resources: vec![vpc.clone(), sg.clone()],
            tags: vec![tag("env", "dev"), tag("Name", "main")],
            ..Default::default()
        },
    )
    .unwrap();
    let vpcs = sim
        .call::<ec2::DescribeVpcs>(
            REGION,
            ec2::DescribeVpcsRequest { filters: Some(vec![filter("tag:env", &["dev"])]), ..Default::default() },
        )
        .unwrap()
        .vpcs
        .unwrap();
    assert_eq!(vpcs[0].tags.as_ref().unwrap().len(), 2);
    let described = sim
        .call::<ec2::DescribeTags>(
            REGION,
            ec2::DescribeTagsRequest {
                filters: Some(vec![filter("resource-type", &["security-group"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .tags
        .unwrap();
    assert_eq!(described.len(), 2);
    assert!(described.iter().all(|t| t.resource_id.as_deref() == Some(sg.as_str())));

    // Delete one key only when its value matches; then everything.
    sim.call::<ec2::DeleteTags>(
        REGION,
        ec2::DeleteTagsRequest {
            resources: vec![vpc.clone()],
            tags: Some(vec![tag("env", "prod")]),
            ..Default::default()
        },
    )
    .unwrap();
    let count = |id: &str| {
        sim.call::<ec2::DescribeTags>(
            REGION,
            ec2::DescribeTagsRequest { filters: Some(vec![filter("resource-id", &[id])]), ..Default::default() },
        )
        .unwrap()
        .tags
        .unwrap()
        .len()
    };
    assert_eq!(count(&vpc), 2);
    sim.call::<ec2::DeleteTags>(
        REGION,
        ec2::DeleteTagsRequest {
            resources: vec![vpc.clone()],
            tags: Some(vec![ec2::Tag { key: Some("env".into()), value: None }]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(count(&vpc), 1);
    sim.call::<ec2::DeleteTags>(
        REGION,
        ec2::DeleteTagsRequest { resources: vec![sg.clone()], tags: None, ..Default::default() },
    )
    .unwrap();
    assert_eq!(count(&sg), 0);
    let page = sim
        .call::<ec2::DescribeTags>(REGION, ec2::DescribeTagsRequest { max_results: Some(5), ..Default::default() })
        .unwrap();
    assert_eq!((page.tags.unwrap().len(), page.next_token), (1, None));
}
