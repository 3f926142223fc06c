//! Internet gateways, route tables and DHCP options: what VPCs come with, and their
//! Describe calls (DescribeInternetGateways, DescribeRouteTables, DescribeDhcpOptions).

use hubsim_model::ec2;

use super::filters::{flag, one, opt, page, Filters};
use super::tags::{tag_list, tags_of};
use super::{dry_run, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::DescribeInternetGateways>().add::<ec2::DescribeRouteTables>().add::<ec2::DescribeDhcpOptions>();
}

impl Resource for ec2::InternetGateway {
    const KIND: &'static str = "ec2:internet-gateway";
}

impl Resource for ec2::RouteTable {
    const KIND: &'static str = "ec2:route-table";
}

impl Resource for ec2::DhcpOptions {
    const KIND: &'static str = "ec2:dhcp-options";
}

/// The region's default DHCP options set, created on first use.
pub(crate) fn default_dhcp_options(ctx: &mut Ctx<'_>) -> Result<String, AwsError> {
    if let Some((id, _)) = ctx.list::<ec2::DhcpOptions>()?.into_iter().next() {
        return Ok(id);
    }
    let id = ctx.ids().ec2("dopt");
    let region = ctx.region().to_string();
    let domain = if region == "us-east-1" { "ec2.internal".to_string() } else { format!("{region}.compute.internal") };
    let value = |v: &str| ec2::AttributeValue { value: Some(v.to_string()) };
    let doc = ec2::DhcpOptions {
        owner_id: Some(ctx.account().to_string()),
        tags: None,
        dhcp_options_id: Some(id.clone()),
        dhcp_configurations: Some(vec![
            ec2::DhcpConfiguration { key: Some("domain-name".into()), values: Some(vec![value(&domain)]) },
            ec2::DhcpConfiguration {
                key: Some("domain-name-servers".into()),
                values: Some(vec![value("AmazonProvidedDNS")]),
            },
        ]),
    };
    ctx.put(&id, &doc)?;
    Ok(id)
}

/// Whether a route table is its VPC's main table.
pub(crate) fn is_main(t: &ec2::RouteTable) -> bool {
    t.associations.iter().flatten().any(|a| a.main == Some(true))
}

fn route(destination: &str, gateway: &str, origin: &str) -> ec2::Route {
    ec2::Route {
        destination_cidr_block: Some(destination.to_string()),
        gateway_id: Some(gateway.to_string()),
        origin: Some(origin.to_string()),
        state: Some("active".into()),
        ..Default::default()
    }
}

/// Creates the main route table of a new VPC (the `local` route only). Returns its id.
pub(crate) fn create_main_table(ctx: &mut Ctx<'_>, vpc_id: &str, cidr: &str) -> Result<String, AwsError> {
    let id = ctx.ids().ec2("rtb");
    let assoc = ctx.ids().ec2("rtbassoc");
    let doc = ec2::RouteTable {
        associations: Some(vec![ec2::RouteTableAssociation {
            main: Some(true),
            route_table_association_id: Some(assoc),
            route_table_id: Some(id.clone()),
            association_state: Some(ec2::RouteTableAssociationState {
                state: Some("associated".into()),
                status_message: None,
            }),
            ..Default::default()
        }]),
        propagating_vgws: Some(vec![]),
        route_table_id: Some(id.clone()),
        routes: Some(vec![route(cidr, "local", "CreateRouteTable")]),
        tags: None,
        vpc_id: Some(vpc_id.to_string()),
        owner_id: Some(ctx.account().to_string()),
    };
    ctx.put(&id, &doc)?;
    Ok(id)
}

/// Creates an internet gateway attached to `vpc_id` and routes `0.0.0.0/0` of the VPC's main
/// route table to it (what the default VPC has). Returns its id.
pub(crate) fn attach_new_internet_gateway(ctx: &mut Ctx<'_>, vpc_id: &str) -> Result<String, AwsError> {
    let id = ctx.ids().ec2("igw");
    let doc = ec2::InternetGateway {
        attachments: Some(vec![ec2::InternetGatewayAttachment {
            state: Some("available".into()),
            vpc_id: Some(vpc_id.to_string()),
        }]),
        internet_gateway_id: Some(id.clone()),
        owner_id: Some(ctx.account().to_string()),
        tags: None,
    };
    ctx.put(&id, &doc)?;
    for (tid, mut t) in ctx.list::<ec2::RouteTable>()? {
        if t.vpc_id.as_deref() == Some(vpc_id) && is_main(&t) {
            t.routes.get_or_insert_with(Vec::new).push(route("0.0.0.0/0", &id, "CreateRoute"));
            ctx.put(&tid, &t)?;
        }
    }
    Ok(id)
}

/// Removes explicit route table associations of a deleted subnet.
pub(crate) fn disassociate_subnet(ctx: &mut Ctx<'_>, subnet_id: &str) -> Result<(), AwsError> {
    for (id, mut t) in ctx.list::<ec2::RouteTable>()? {
        let before = t.associations.as_ref().map_or(0, Vec::len);
        if let Some(a) = t.associations.as_mut() {
            a.retain(|x| x.subnet_id.as_deref() != Some(subnet_id));
        }
        if t.associations.as_ref().map_or(0, Vec::len) != before {
            ctx.put(&id, &t)?;
        }
    }
    Ok(())
}

/// Routes a prefix list to a gateway endpoint in each of `tables`.
pub(crate) fn add_endpoint_routes(
    ctx: &mut Ctx<'_>,
    tables: &[String],
    prefix_list: &str,
    endpoint_id: &str,
) -> Result<(), AwsError> {
    for tid in tables {
        if let Some(mut t) = ctx.get::<ec2::RouteTable>(tid)? {
            t.routes.get_or_insert_with(Vec::new).push(ec2::Route {
                destination_prefix_list_id: Some(prefix_list.to_string()),
                gateway_id: Some(endpoint_id.to_string()),
                origin: Some("CreateRoute".into()),
                state: Some("active".into()),
                ..Default::default()
            });
            ctx.put(tid, &t)?;
        }
    }
    Ok(())
}

/// Removes every route that targets `gateway_id`.
pub(crate) fn remove_routes_to(ctx: &mut Ctx<'_>, gateway_id: &str) -> Result<(), AwsError> {
    for (id, mut t) in ctx.list::<ec2::RouteTable>()? {
        let before = t.routes.as_ref().map_or(0, Vec::len);
        if let Some(r) = t.routes.as_mut() {
            r.retain(|x| x.gateway_id.as_deref() != Some(gateway_id));
        }
        if t.routes.as_ref().map_or(0, Vec::len) != before {
            ctx.put(&id, &t)?;
        }
    }
    Ok(())
}

fn check_ids<T: Resource>(
    all: &[(String, T)],
    ids: &Option<Vec<String>>,
    code: &str,
    noun: &str,
) -> Result<(), AwsError> {
    if let Some(ids) = ids {
        let missing: Vec<&str> =
            ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
        if !missing.is_empty() {
            return Err(not_found(code, noun, &missing));
        }
    }
    Ok(())
}

impl Handler for ec2::DescribeInternetGateways {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeInternetGatewaysRequest,
    ) -> Result<ec2::DescribeInternetGatewaysResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &["attachment.state", "attachment.vpc-id", "internet-gateway-id", "owner-id", "tag-key"],
        )?;
        let all = ctx.list::<ec2::InternetGateway>()?;
        check_ids(&all, &input.internet_gateway_ids, "InvalidInternetGatewayID.NotFound", "internetGateway")?;
        let mut out = Vec::new();
        for (id, mut g) in all {
            if input.internet_gateway_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            g.tags = tag_list(tags_of(ctx, &id)?);
            let att = g.attachments.clone().unwrap_or_default();
            let keep = filters.matches(g.tags.as_deref().unwrap_or(&[]), |name| match name {
                "attachment.state" => att.iter().filter_map(|a| a.state.clone()).collect(),
                "attachment.vpc-id" => att.iter().filter_map(|a| a.vpc_id.clone()).collect(),
                "internet-gateway-id" => one(id.as_str()),
                "owner-id" => opt(&g.owner_id),
                _ => vec![],
            });
            if keep {
                out.push(g);
            }
        }
        let (gateways, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeInternetGatewaysResult { internet_gateways: Some(gateways), next_token })
    }
}

impl Handler for ec2::DescribeRouteTables {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeRouteTablesRequest,
    ) -> Result<ec2::DescribeRouteTablesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "association.gateway-id",
                "association.main",
                "association.route-table-association-id",
                "association.route-table-id",
                "association.subnet-id",
                "owner-id",
                "route-table-id",
                "route.destination-cidr-block",
                "route.destination-prefix-list-id",
                "route.gateway-id",
                "route.origin",
                "route.state",
                "vpc-id",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::RouteTable>()?;
        check_ids(&all, &input.route_table_ids, "InvalidRouteTableID.NotFound", "routeTable")?;
        let mut out = Vec::new();
        for (id, mut t) in all {
            if input.route_table_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            t.tags = tag_list(tags_of(ctx, &id)?);
            let assoc = t.associations.clone().unwrap_or_default();
            let routes = t.routes.clone().unwrap_or_default();
            let keep = filters.matches(t.tags.as_deref().unwrap_or(&[]), |name| match name {
                "association.gateway-id" => assoc.iter().filter_map(|a| a.gateway_id.clone()).collect(),
                "association.main" => assoc.iter().flat_map(|a| flag(a.main)).collect(),
                "association.route-table-association-id" => {
                    assoc.iter().filter_map(|a| a.route_table_association_id.clone()).collect()
                }
                "association.route-table-id" => assoc.iter().filter_map(|a| a.route_table_id.clone()).collect(),
                "association.subnet-id" => assoc.iter().filter_map(|a| a.subnet_id.clone()).collect(),
                "owner-id" => opt(&t.owner_id),
                "route-table-id" => one(id.as_str()),
                "route.destination-cidr-block" => {
                    routes.iter().filter_map(|r| r.destination_cidr_block.clone()).collect()
                }
                "route.destination-prefix-list-id" => {
                    routes.iter().filter_map(|r| r.destination_prefix_list_id.clone()).collect()
                }
                "route.gateway-id" => routes.iter().filter_map(|r| r.gateway_id.clone()).collect(),
                "route.origin" => routes.iter().filter_map(|r| r.origin.clone()).collect(),
                "route.state" => routes.iter().filter_map(|r| r.state.clone()).collect(),
                "vpc-id" => opt(&t.vpc_id),
                _ => vec![],
            });
            if keep {
                out.push(t);
            }
        }
        let (tables, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeRouteTablesResult { route_tables: Some(tables), next_token })
    }
}

impl Handler for ec2::DescribeDhcpOptions {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeDhcpOptionsRequest,
    ) -> Result<ec2::DescribeDhcpOptionsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(input.filters, &["dhcp-options-id", "key", "value", "owner-id", "tag-key"])?;
        let all = ctx.list::<ec2::DhcpOptions>()?;
        check_ids(&all, &input.dhcp_options_ids, "InvalidDhcpOptionID.NotFound", "dhcpOption")?;
        let mut out = Vec::new();
        for (id, mut d) in all {
            if input.dhcp_options_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            d.tags = tag_list(tags_of(ctx, &id)?);
            let conf = d.dhcp_configurations.clone().unwrap_or_default();
            let keep = filters.matches(d.tags.as_deref().unwrap_or(&[]), |name| match name {
                "dhcp-options-id" => one(id.as_str()),
                "key" => conf.iter().filter_map(|c| c.key.clone()).collect(),
                "value" => {
                    conf.iter().flat_map(|c| c.values.iter().flatten().filter_map(|v| v.value.clone())).collect()
                }
                "owner-id" => opt(&d.owner_id),
                _ => vec![],
            });
            if keep {
                out.push(d);
            }
        }
        let (options, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeDhcpOptionsResult { dhcp_options: Some(options), next_token })
    }
}
