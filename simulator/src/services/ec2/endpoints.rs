//! VPC endpoints: CreateVpcEndpoint, DeleteVpcEndpoints, DescribeVpcEndpoints and
//! DescribeVpcEndpointServices for the AWS services hubsim knows.

use hubsim_model::ec2;

use super::filters::{one, opt, page, Filters};
use super::gateways_routes::{add_endpoint_routes, remove_routes_to};
use super::security_groups::{group, SgDoc};
use super::subnets::subnet;
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::vpcs::vpc;
use super::{dry_run, missing, not_found, regions};
use crate::error::AwsError;
use crate::ids::IdGen;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateVpcEndpoint>()
        .add::<ec2::DeleteVpcEndpoints>()
        .add::<ec2::DescribeVpcEndpoints>()
        .add::<ec2::DescribeVpcEndpointServices>();
}

impl Resource for ec2::VpcEndpoint {
    const KIND: &'static str = "ec2:vpc-endpoint";
}

/// AWS services with endpoints in hubsim: `(service, also offered as a Gateway endpoint)`.
const SERVICES: &[(&str, bool)] = &[
    ("dynamodb", true),
    ("ec2", false),
    ("ec2messages", false),
    ("ecr.api", false),
    ("ecr.dkr", false),
    ("kms", false),
    ("lambda", false),
    ("logs", false),
    ("monitoring", false),
    ("s3", true),
    ("secretsmanager", false),
    ("sns", false),
    ("sqs", false),
    ("ssm", false),
    ("ssm-contacts", false),
    ("ssm-incidents", false),
    ("ssmmessages", false),
    ("sts", false),
];

/// The policy an endpoint gets when none is given: full access.
const FULL_ACCESS: &str =
    r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

fn bad(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameter", message)
}

fn invalid_service(name: &str) -> AwsError {
    AwsError::bad_request("InvalidServiceName", format!("The Vpc Endpoint Service '{name}' does not exist"))
}

/// The short service name of `com.amazonaws.<region>.<service>` and whether it offers Gateway
/// endpoints, when it is a known service in `region`.
fn known_service(region: &str, name: &str) -> Option<(&'static str, bool)> {
    let short = name.strip_prefix("com.amazonaws.")?.strip_prefix(region)?.strip_prefix('.')?;
    SERVICES.iter().find(|(s, _)| *s == short).copied()
}

/// A stable fake id derived from `text`.
fn stable_hex(text: &str, n: usize) -> String {
    IdGen::new(IdGen::seed_for(text)).hex(n)
}

/// The managed prefix list of a gateway service in a region.
fn prefix_list(region: &str, service: &str) -> String {
    format!("pl-{}", stable_hex(&format!("prefix-list:{region}:{service}"), 8))
}

fn view(ctx: &Ctx<'_>, mut e: ec2::VpcEndpoint) -> Result<ec2::VpcEndpoint, AwsError> {
    e.tags = tag_list(tags_of(ctx, e.vpc_endpoint_id.as_deref().unwrap_or(""))?);
    Ok(e)
}

impl Handler for ec2::CreateVpcEndpoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateVpcEndpointRequest,
    ) -> Result<ec2::CreateVpcEndpointResult, AwsError> {
        let region = ctx.region().to_string();
        let vpc_doc = vpc(ctx, &input.vpc_id)?;
        let name = input.service_name.clone().ok_or_else(|| missing("ServiceName"))?;
        let (service, gateway_ok) = known_service(&region, &name).ok_or_else(|| invalid_service(&name))?;
        let kind = input.vpc_endpoint_type.clone().unwrap_or_else(|| "Gateway".into());
        let supported = kind == "Interface" || (kind == "Gateway" && gateway_ok);
        if !supported {
            return Err(bad(format!("The Vpc Endpoint Service '{name}' does not support endpoint type {kind}.")));
        }
        let policy = input.policy_document.clone().unwrap_or_else(|| FULL_ACCESS.to_string());
        if !serde_json::from_str::<serde_json::Value>(&policy).is_ok_and(|v| v.is_object()) {
            return Err(AwsError::bad_request("MalformedPolicyDocument", "The policy document is not valid JSON."));
        }
        let in_vpc = |v: &Option<String>| v.as_deref() == Some(input.vpc_id.as_str());
        let existing = ctx.list::<ec2::VpcEndpoint>()?;
        let tags = spec_tags(&input.tag_specifications, "vpc-endpoint")?;
        let id = ctx.ids().ec2("vpce");
        let mut endpoint = ec2::VpcEndpoint {
            vpc_endpoint_id: Some(id.clone()),
            vpc_endpoint_type: Some(kind.clone()),
            vpc_id: Some(input.vpc_id.clone()),
            service_name: Some(name.clone()),
            state: Some("available".into()),
            policy_document: Some(policy),
            creation_timestamp: Some(ctx.now()),
            owner_id: Some(ctx.account().to_string()),
            requester_managed: Some(false),
            service_region: Some(region.clone()),
            ..Default::default()
        };
        let mut gateway_routes: Option<(Vec<String>, String)> = None;
        if kind == "Interface" {
            if input.route_table_ids.as_ref().is_some_and(|r| !r.is_empty()) {
                return Err(bad("RouteTableIds can only be specified for Gateway endpoints."));
            }
            let mut zones: Vec<String> = Vec::new();
            let subnet_ids = input.subnet_ids.clone().unwrap_or_default();
            for sid in &subnet_ids {
                let s = subnet(ctx, sid)?;
                if !in_vpc(&s.vpc_id) {
                    return Err(bad(format!("The subnet {sid} does not belong to the VPC {}.", input.vpc_id)));
                }
                let az = s.availability_zone.clone().unwrap_or_default();
                if zones.contains(&az) {
                    return Err(AwsError::bad_request(
                        "DuplicateSubnetsInSameZone",
                        format!("Found another VPC endpoint subnet in the availability zone of {sid}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service."),
                    ));
                }
                zones.push(az);
            }
            let groups: Vec<SgDoc> = match input.security_group_ids.as_deref() {
                Some(ids) if !ids.is_empty() => ids.iter().map(|g| group(ctx, g)).collect::<Result<_, _>>()?,
                _ => ctx
                    .list::<SgDoc>()?
                    .into_iter()
                    .map(|(_, g)| g)
                    .filter(|g| g.vpc_id == input.vpc_id && g.name == "default")
                    .collect(),
            };
            if let Some(g) = groups.iter().find(|g| g.vpc_id != input.vpc_id) {
                return Err(bad(format!(
                    "The security group {} does not belong to the VPC {}.",
                    g.group_id, input.vpc_id
                )));
            }
            let private_dns = input.private_dns_enabled.unwrap_or(true);
            if private_dns && !(vpc_doc.dns_support && vpc_doc.dns_hostnames) {
                return Err(bad(format!(
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {}",
                    input.vpc_id
                )));
            }
            let domain = format!("{service}.{region}.amazonaws.com");
            let conflict = existing.iter().any(|(_, e)| {
                in_vpc(&e.vpc_id)
                    && e.private_dns_enabled == Some(true)
                    && e.service_name.as_deref() == Some(name.as_str())
            });
            if private_dns && conflict {
                return Err(bad(format!(
                    "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {domain} in the VPC {}",
                    input.vpc_id
                )));
            }
            let suffix = stable_hex(&id, 8);
            let zone_id = format!("Z{}", stable_hex(&format!("hosted-zone:{region}"), 12).to_ascii_uppercase());
            let mut dns = vec![ec2::DnsEntry {
                dns_name: Some(format!("{id}-{suffix}.{service}.{region}.vpce.amazonaws.com")),
                hosted_zone_id: Some(zone_id.clone()),
            }];
            for az in &zones {
                dns.push(ec2::DnsEntry {
                    dns_name: Some(format!("{id}-{suffix}-{az}.{service}.{region}.vpce.amazonaws.com")),
                    hosted_zone_id: Some(zone_id.clone()),
                });
            }
            if private_dns {
                dns.push(ec2::DnsEntry { dns_name: Some(domain), hosted_zone_id: None });
            }
            endpoint.subnet_ids = Some(subnet_ids);
            endpoint.groups = Some(
                groups
                    .iter()
                    .map(|g| ec2::SecurityGroupIdentifier {
                        group_id: Some(g.group_id.clone()),
                        group_name: Some(g.name.clone()),
                    })
                    .collect(),
            );
            endpoint.private_dns_enabled = Some(private_dns);
            endpoint.dns_entries = Some(dns);
            endpoint.route_table_ids = Some(vec![]);
            endpoint.network_interface_ids = Some(vec![]);
            endpoint.ip_address_type = Some("ipv4".into());
            endpoint.dns_options =
                Some(ec2::DnsOptions { dns_record_ip_type: Some("ipv4".into()), ..Default::default() });
        } else {
            if input.subnet_ids.as_ref().is_some_and(|s| !s.is_empty())
                || input.security_group_ids.as_ref().is_some_and(|s| !s.is_empty())
            {
                return Err(bad("SubnetIds and SecurityGroupIds can only be specified for Interface endpoints."));
            }
            if input.private_dns_enabled == Some(true) {
                return Err(bad("PrivateDnsEnabled is not supported for Gateway endpoints."));
            }
            let pl = prefix_list(&region, service);
            let mut route_tables = Vec::new();
            for tid in input.route_table_ids.iter().flatten() {
                let t = ctx
                    .get::<ec2::RouteTable>(tid)?
                    .ok_or_else(|| not_found("InvalidRouteTableID.NotFound", "routeTable", &[tid]))?;
                if !in_vpc(&t.vpc_id) {
                    return Err(bad(format!("The route table {tid} does not belong to the VPC {}.", input.vpc_id)));
                }
                if t.routes.iter().flatten().any(|r| r.destination_prefix_list_id.as_deref() == Some(pl.as_str())) {
                    return Err(AwsError::bad_request(
                        "RouteAlreadyExists",
                        format!("route table {tid} already has a route with destination-prefix-list-id {pl}"),
                    ));
                }
                route_tables.push(tid.clone());
            }
            endpoint.route_table_ids = Some(route_tables.clone());
            endpoint.subnet_ids = Some(vec![]);
            endpoint.groups = Some(vec![]);
            endpoint.private_dns_enabled = Some(false);
            endpoint.dns_entries = Some(vec![]);
            endpoint.network_interface_ids = Some(vec![]);
            endpoint.ip_address_type = Some("ipv4".into());
            gateway_routes = Some((route_tables, pl));
        }
        dry_run(input.dry_run)?;
        // An interface endpoint owns one requester-managed interface per subnet.
        endpoint.network_interface_ids = Some(super::network_interfaces::endpoint_interfaces(ctx, &endpoint)?);
        ctx.put(&id, &endpoint)?;
        if let Some((tables, pl)) = &gateway_routes {
            add_endpoint_routes(ctx, tables, pl, &id)?;
        }
        add_tags(ctx, &id, "vpc-endpoint", &tags)?;
        Ok(ec2::CreateVpcEndpointResult { vpc_endpoint: Some(view(ctx, endpoint)?), client_token: input.client_token })
    }
}

impl Handler for ec2::DeleteVpcEndpoints {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DeleteVpcEndpointsRequest,
    ) -> Result<ec2::DeleteVpcEndpointsResult, AwsError> {
        dry_run(input.dry_run)?;
        let mut unsuccessful = Vec::new();
        for id in &input.vpc_endpoint_ids {
            if ctx.get::<ec2::VpcEndpoint>(id)?.is_some() {
                remove_routes_to(ctx, id)?;
                super::network_interfaces::remove_endpoint_interfaces(ctx, id)?;
                ctx.delete::<ec2::VpcEndpoint>(id)?;
                drop_tags(ctx, id)?;
            } else {
                unsuccessful.push(ec2::UnsuccessfulItem {
                    error: Some(ec2::UnsuccessfulItemError {
                        code: Some("InvalidVpcEndpointId.NotFound".into()),
                        message: Some(format!("The Vpc Endpoint Id '{id}' does not exist")),
                    }),
                    resource_id: Some(id.clone()),
                });
            }
        }
        Ok(ec2::DeleteVpcEndpointsResult { unsuccessful: Some(unsuccessful) })
    }
}

impl Handler for ec2::DescribeVpcEndpoints {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeVpcEndpointsRequest,
    ) -> Result<ec2::DescribeVpcEndpointsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "ip-address-type",
                "service-name",
                "service-region",
                "vpc-endpoint-id",
                "vpc-endpoint-state",
                "vpc-endpoint-type",
                "vpc-id",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::VpcEndpoint>()?;
        if let Some(ids) = &input.vpc_endpoint_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(AwsError::bad_request(
                    "InvalidVpcEndpointId.NotFound",
                    format!("The Vpc Endpoint Id '{}' does not exist", missing.join(", ")),
                ));
            }
        }
        let mut out = Vec::new();
        for (id, e) in all {
            if input.vpc_endpoint_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let e = view(ctx, e)?;
            let keep = filters.matches(e.tags.as_deref().unwrap_or(&[]), |name| match name {
                "ip-address-type" => opt(&e.ip_address_type),
                "service-name" => opt(&e.service_name),
                "service-region" => opt(&e.service_region),
                "vpc-endpoint-id" => one(id.as_str()),
                "vpc-endpoint-state" => opt(&e.state),
                "vpc-endpoint-type" => opt(&e.vpc_endpoint_type),
                "vpc-id" => opt(&e.vpc_id),
                _ => vec![],
            });
            if keep {
                out.push(e);
            }
        }
        let (endpoints, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeVpcEndpointsResult { vpc_endpoints: Some(endpoints), next_token })
    }
}

impl Handler for ec2::DescribeVpcEndpointServices {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeVpcEndpointServicesRequest,
    ) -> Result<ec2::DescribeVpcEndpointServicesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters =
            Filters::parse(input.filters, &["owner", "service-name", "service-region", "service-type", "tag-key"])?;
        let region = ctx.region().to_string();
        for name in input.service_names.iter().flatten() {
            if known_service(&region, name).is_none() {
                return Err(invalid_service(name));
            }
        }
        let zones: Vec<String> = regions::zones_of(&region).iter().map(|z| z.name.to_string()).collect();
        let zone_ids: Vec<String> = regions::zones_of(&region).iter().map(|z| z.id.to_string()).collect();
        let mut details = Vec::new();
        for &(service, gateway) in SERVICES {
            let name = format!("com.amazonaws.{region}.{service}");
            if input.service_names.as_ref().is_some_and(|n| !n.contains(&name)) {
                continue;
            }
            let mut kinds = vec!["Interface"];
            if gateway {
                kinds.insert(0, "Gateway");
            }
            for kind in kinds {
                let interface = kind == "Interface";
                let detail = ec2::ServiceDetail {
                    service_name: Some(name.clone()),
                    service_id: Some(format!("vpce-svc-{}", stable_hex(&format!("{name}:{kind}"), 17))),
                    service_type: Some(vec![ec2::ServiceTypeDetail { service_type: Some(kind.into()) }]),
                    service_region: Some(region.clone()),
                    availability_zone_ids: Some(zone_ids.clone()),
                    availability_zones: Some(zones.clone()),
                    owner: Some("amazon".into()),
                    base_endpoint_dns_names: Some(vec![format!("{service}.{region}.vpce.amazonaws.com")]),
                    private_dns_name: interface.then(|| format!("{service}.{region}.amazonaws.com")),
                    private_dns_names: Some(if interface {
                        vec![ec2::PrivateDnsDetails {
                            private_dns_name: Some(format!("{service}.{region}.amazonaws.com")),
                        }]
                    } else {
                        vec![]
                    }),
                    vpc_endpoint_policy_supported: Some(true),
                    acceptance_required: Some(false),
                    manages_vpc_endpoints: Some(false),
                    tags: Some(vec![]),
                    private_dns_name_verification_state: interface.then(|| "verified".to_string()),
                    supported_ip_address_types: Some(vec!["ipv4".into()]),
                    ..Default::default()
                };
                let keep = filters.matches(&[], |f| match f {
                    "owner" => one("amazon"),
                    "service-name" => one(name.as_str()),
                    "service-region" => one(region.as_str()),
                    "service-type" => one(kind),
                    _ => vec![],
                });
                if keep {
                    details.push(detail);
                }
            }
        }
        let (details, next_token) = page(details, input.max_results, input.next_token.as_deref())?;
        let mut names: Vec<String> = details.iter().filter_map(|d| d.service_name.clone()).collect();
        names.dedup();
        Ok(ec2::DescribeVpcEndpointServicesResult {
            service_names: Some(names),
            service_details: Some(details),
            next_token,
        })
    }
}
