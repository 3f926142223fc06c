//! AWS Site-to-Site VPN: customer gateways, virtual private gateways and VPN connections
//! (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPC_VPN.html), with the two tunnels of a
//! connection, their status (`VgwTelemetry`) and their CloudWatch logging
//! (https://docs.aws.amazon.com/vpn/latest/s2svpn/monitoring-logs.html).
//!
//! A new connection is `available` at once (AWS: `pending` for a few minutes). Its two tunnels are
//! `DOWN`: "by default, your customer gateway device must bring up the tunnels [...] by
//! generating traffic and initiating the Internet Key Exchange (IKE) negotiation process"
//! (https://docs.aws.amazon.com/vpn/latest/s2svpn/initiate-vpn-tunnels.html); with
//! `StartupAction=start` AWS starts the negotiation, but the device must still answer. No API
//! call of the AWS side brings a tunnel up. A scenario sets a tunnel `UP` or `DOWN` with the console action
//! `hubsim:SetVpnTunnelStatus` ([`set_tunnel_status`]). Deleted gateways and connections stay
//! listed as `deleted`, as AWS lists them for a while, and refuse further changes.

use hubsim_model::ec2;

use super::filters::{opt, Filters};
use super::tags::{add_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, invalid, missing, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateCustomerGateway>()
        .add::<ec2::DescribeCustomerGateways>()
        .add::<ec2::DeleteCustomerGateway>()
        .add::<ec2::CreateVpnGateway>()
        .add::<ec2::DescribeVpnGateways>()
        .add::<ec2::DeleteVpnGateway>()
        .add::<ec2::CreateVpnConnection>()
        .add::<ec2::DescribeVpnConnections>()
        .add::<ec2::DeleteVpnConnection>()
        .add::<ec2::ModifyVpnTunnelOptions>();
}

impl Resource for ec2::CustomerGateway {
    const KIND: &'static str = "ec2:customer-gateway";
}

impl Resource for ec2::VpnGateway {
    const KIND: &'static str = "ec2:vpn-gateway";
}

impl Resource for ec2::VpnConnection {
    const KIND: &'static str = "ec2:vpn-connection";
}

/// The only connection type Site-to-Site VPN offers.
const IPSEC: &str = "ipsec.1";

/// `ipsec.1`, or AWS's refusal naming the parameter.
fn ipsec(value: &str) -> Result<(), AwsError> {
    if value == IPSEC {
        Ok(())
    } else {
        Err(invalid(format!("Value ({value}) for parameter type is invalid. Valid values: ipsec.1")))
    }
}

/// A dotted IPv4 address, or AWS's refusal naming `parameter`.
fn ipv4(parameter: &str, value: &str) -> Result<(), AwsError> {
    match value.parse::<std::net::Ipv4Addr>() {
        Ok(_) => Ok(()),
        Err(_) => {
            Err(invalid(format!("Value ({value}) for parameter {parameter} is invalid. It must be an IPv4 address")))
        }
    }
}

/// 400 `IncorrectState` for a resource that can no longer change.
fn incorrect_state(noun: &str, id: &str, state: &str) -> AwsError {
    AwsError::bad_request(
        "IncorrectState",
        format!("The {noun} {id} is in an invalid state ({state}) for this request."),
    )
}

fn customer_gateway(ctx: &Ctx<'_>, id: &str) -> Result<ec2::CustomerGateway, AwsError> {
    ctx.get::<ec2::CustomerGateway>(id)?
        .ok_or_else(|| not_found("InvalidCustomerGatewayID.NotFound", "customerGateway", &[id]))
}

fn vpn_gateway(ctx: &Ctx<'_>, id: &str) -> Result<ec2::VpnGateway, AwsError> {
    ctx.get::<ec2::VpnGateway>(id)?.ok_or_else(|| not_found("InvalidVpnGatewayID.NotFound", "vpnGateway", &[id]))
}

fn connection(ctx: &Ctx<'_>, id: &str) -> Result<ec2::VpnConnection, AwsError> {
    ctx.get::<ec2::VpnConnection>(id)?
        .ok_or_else(|| not_found("InvalidVpnConnectionID.NotFound", "vpnConnection", &[id]))
}

/// The connection `id` if it can still change: not deleted.
fn live_connection(ctx: &Ctx<'_>, id: &str) -> Result<ec2::VpnConnection, AwsError> {
    let c = connection(ctx, id)?;
    match c.state.as_deref() {
        Some(s @ ("deleted" | "deleting")) => Err(incorrect_state("VPN connection", id, s)),
        _ => Ok(c),
    }
}

/// Whether a stored resource's state still counts as existing.
fn alive(state: &Option<String>) -> bool {
    !matches!(state.as_deref(), Some("deleted" | "deleting"))
}

/// Every requested id that is not stored, in the request's order.
fn missing_ids<'a>(ids: &'a Option<Vec<String>>, stored: &[String]) -> Vec<&'a str> {
    ids.iter().flatten().filter(|i| !stored.contains(i)).map(String::as_str).collect()
}

/// The tunnel's CloudWatch logging as stored, or AWS's refusal: enabled logging needs a log
/// group ARN, and the output format is `json` or `text`
/// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CloudWatchLogOptionsSpecification.html).
fn cloudwatch_logging(
    spec: Option<&ec2::CloudWatchLogOptionsSpecification>,
    old: Option<&ec2::CloudWatchLogOptions>,
) -> Result<ec2::CloudWatchLogOptions, AwsError> {
    let Some(s) = spec else {
        return Ok(old.cloned().unwrap_or_else(|| ec2::CloudWatchLogOptions {
            log_enabled: Some(false),
            bgp_log_enabled: Some(false),
            ..Default::default()
        }));
    };
    let enabled = s.log_enabled.unwrap_or(false);
    let group = s.log_group_arn.clone().filter(|g| !g.is_empty());
    if let Some(g) = &group {
        if !(g.starts_with("arn:aws:logs:") && g.contains(":log-group:")) {
            return Err(invalid(format!(
                "LogGroupArn {g} in CloudWatchLogOptions is not a CloudWatch Logs log group ARN"
            )));
        }
    }
    if enabled && group.is_none() {
        return Err(invalid("CloudWatchLogOptions: LogGroupArn is required when LogEnabled is true"));
    }
    let format = match s.log_output_format.as_deref() {
        None => "json".to_string(),
        Some(f @ ("json" | "text")) => f.to_string(),
        Some(f) => {
            return Err(invalid(format!(
                "Value ({f}) for parameter LogOutputFormat is invalid. Valid values: json, text"
            )))
        }
    };
    Ok(ec2::CloudWatchLogOptions {
        log_enabled: Some(enabled),
        log_group_arn: if enabled { group } else { None },
        log_output_format: if enabled { Some(format) } else { None },
        bgp_log_enabled: Some(false),
        ..Default::default()
    })
}

/// The outside IP addresses of the `n`-th connection's two tunnels (from 52.0.0.0 up; AWS picks
/// them from its public ranges).
fn outside_ips(n: usize) -> [String; 2] {
    let ip = |k: usize| std::net::Ipv4Addr::from(0x3400_0000u32.wrapping_add(k as u32)).to_string();
    [ip(2 * n + 1), ip(2 * n + 2)]
}

/// The `index`-th tunnel's default inside CIDR: consecutive /30 blocks from 169.254.10.0, within
/// 169.254.10.0–169.254.249.255 (AWS picks a free /30 of 169.254.0.0/16 outside its reserved ones).
fn default_inside_cidr(index: usize) -> String {
    let block = index % (240 * 64);
    format!("169.254.{}.{}/30", 10 + block / 64, (block % 64) * 4)
}

/// A tunnel as stored: its outside address, its inside CIDR and its options from `spec`.
fn tunnel(
    index: usize,
    outside: &str,
    spec: Option<&ec2::VpnTunnelOptionsSpecification>,
) -> Result<ec2::TunnelOption, AwsError> {
    let log = spec.and_then(|s| s.log_options.as_ref()).and_then(|l| l.cloud_watch_log_options.as_ref());
    let inside = spec.and_then(|s| s.tunnel_inside_cidr.clone()).unwrap_or_else(|| default_inside_cidr(index));
    if !inside.starts_with("169.254.") || !inside.ends_with("/30") {
        return Err(invalid(format!("TunnelInsideCidr {inside} must be a /30 CIDR block in 169.254.0.0/16")));
    }
    Ok(ec2::TunnelOption {
        outside_ip_address: Some(outside.to_string()),
        tunnel_inside_cidr: Some(inside),
        dpd_timeout_seconds: Some(spec.and_then(|s| s.dpd_timeout_seconds).unwrap_or(40)),
        dpd_timeout_action: Some(spec.and_then(|s| s.dpd_timeout_action.clone()).unwrap_or_else(|| "clear".into())),
        startup_action: Some(spec.and_then(|s| s.startup_action.clone()).unwrap_or_else(|| "add".into())),
        log_options: Some(ec2::VpnTunnelLogOptions { cloud_watch_log_options: Some(cloudwatch_logging(log, None)?) }),
        ..Default::default()
    })
}

/// A tunnel's telemetry, `DOWN` until its customer side connects.
fn telemetry(outside: &str, status: &str, now: hubsim_model::Timestamp) -> ec2::VgwTelemetry {
    ec2::VgwTelemetry {
        accepted_route_count: Some(0),
        last_status_change: Some(now),
        outside_ip_address: Some(outside.to_string()),
        status: Some(status.to_string()),
        status_message: Some(String::new()),
        certificate_arn: None,
    }
}

fn view_customer(ctx: &Ctx<'_>, mut g: ec2::CustomerGateway) -> Result<ec2::CustomerGateway, AwsError> {
    let id = g.customer_gateway_id.clone().unwrap_or_default();
    g.tags = tag_list(tags_of(ctx, &id)?);
    Ok(g)
}

fn view_vgw(ctx: &Ctx<'_>, mut g: ec2::VpnGateway) -> Result<ec2::VpnGateway, AwsError> {
    let id = g.vpn_gateway_id.clone().unwrap_or_default();
    g.tags = tag_list(tags_of(ctx, &id)?);
    Ok(g)
}

fn view_connection(ctx: &Ctx<'_>, mut c: ec2::VpnConnection) -> Result<ec2::VpnConnection, AwsError> {
    let id = c.vpn_connection_id.clone().unwrap_or_default();
    c.tags = tag_list(tags_of(ctx, &id)?);
    Ok(c)
}

impl Handler for ec2::CreateCustomerGateway {
    const MUTATES: bool = true;

    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html:
    /// `IpAddress` (or the older `PublicIp`) is the device's IPv4 address; BGP ASN 65000 by default.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateCustomerGatewayRequest,
    ) -> Result<ec2::CreateCustomerGatewayResult, AwsError> {
        ipsec(&input.type_)?;
        let ip = input.ip_address.clone().or(input.public_ip.clone()).ok_or_else(|| missing("IpAddress"))?;
        ipv4("IpAddress", &ip)?;
        let asn = input.bgp_asn_extended.unwrap_or(i64::from(input.bgp_asn.unwrap_or(65000)));
        if !(1..=4_294_967_294).contains(&asn) {
            return Err(invalid(format!("Value ({asn}) for parameter BgpAsn is invalid. It must be 1-4294967294")));
        }
        let tags = spec_tags(&input.tag_specifications, "customer-gateway")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("cgw");
        let g = ec2::CustomerGateway {
            customer_gateway_id: Some(id.clone()),
            state: Some("available".into()),
            type_: Some(IPSEC.into()),
            ip_address: Some(ip),
            bgp_asn: Some(asn.to_string()),
            device_name: input.device_name,
            certificate_arn: input.certificate_arn,
            ..Default::default()
        };
        ctx.put(&id, &g)?;
        add_tags(ctx, &id, "customer-gateway", &tags)?;
        Ok(ec2::CreateCustomerGatewayResult { customer_gateway: Some(view_customer(ctx, g)?) })
    }
}

impl Handler for ec2::DescribeCustomerGateways {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeCustomerGatewaysRequest,
    ) -> Result<ec2::DescribeCustomerGatewaysResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &["customer-gateway-id", "state", "ip-address", "bgp-asn", "type", "tag-key"],
        )?;
        let all = ctx.list::<ec2::CustomerGateway>()?;
        let stored: Vec<String> = all.iter().map(|(id, _)| id.clone()).collect();
        let absent = missing_ids(&input.customer_gateway_ids, &stored);
        if !absent.is_empty() {
            return Err(not_found("InvalidCustomerGatewayID.NotFound", "customerGateway", &absent));
        }
        let mut out = Vec::new();
        for (id, g) in all {
            if input.customer_gateway_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let g = view_customer(ctx, g)?;
            let keep = filters.matches(g.tags.as_deref().unwrap_or(&[]), |name| match name {
                "customer-gateway-id" => opt(&g.customer_gateway_id),
                "state" => opt(&g.state),
                "ip-address" => opt(&g.ip_address),
                "bgp-asn" => opt(&g.bgp_asn),
                "type" => opt(&g.type_),
                _ => Vec::new(),
            });
            if keep {
                out.push(g);
            }
        }
        Ok(ec2::DescribeCustomerGatewaysResult { customer_gateways: Some(out) })
    }
}

impl Handler for ec2::DeleteCustomerGateway {
    const MUTATES: bool = true;

    /// A customer gateway a live VPN connection uses cannot be deleted.
    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteCustomerGatewayRequest) -> Result<hubsim_model::Empty, AwsError> {
        let id = input.customer_gateway_id;
        let mut g = customer_gateway(ctx, &id)?;
        if !alive(&g.state) {
            return Err(incorrect_state("customer gateway", &id, g.state.as_deref().unwrap_or("deleted")));
        }
        let used = ctx
            .list::<ec2::VpnConnection>()?
            .into_iter()
            .find(|(_, c)| alive(&c.state) && c.customer_gateway_id.as_deref() == Some(id.as_str()));
        if let Some((vpn, _)) = used {
            return Err(AwsError::bad_request(
                "IncorrectState",
                format!("The customer gateway {id} is in use by VPN connection {vpn}."),
            ));
        }
        dry_run(input.dry_run)?;
        g.state = Some("deleted".into());
        ctx.put(&id, &g)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::CreateVpnGateway {
    const MUTATES: bool = true;

    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnGateway.html: Amazon's
    /// side ASN is 64512 by default.
    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateVpnGatewayRequest) -> Result<ec2::CreateVpnGatewayResult, AwsError> {
        ipsec(&input.type_)?;
        let asn = input.amazon_side_asn.unwrap_or(64512);
        let private16 = (64512..=65534).contains(&asn);
        let private32 = (4_200_000_000..=4_294_967_294).contains(&asn);
        if !(private16 || private32) {
            return Err(invalid(format!(
                "Value ({asn}) for parameter AmazonSideAsn is invalid. It must be a private ASN: 64512-65534 or \
                 4200000000-4294967294"
            )));
        }
        let tags = spec_tags(&input.tag_specifications, "vpn-gateway")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("vgw");
        let g = ec2::VpnGateway {
            vpn_gateway_id: Some(id.clone()),
            state: Some("available".into()),
            type_: Some(IPSEC.into()),
            amazon_side_asn: Some(asn),
            availability_zone: input.availability_zone,
            vpc_attachments: Some(Vec::new()),
            tags: None,
        };
        ctx.put(&id, &g)?;
        add_tags(ctx, &id, "vpn-gateway", &tags)?;
        Ok(ec2::CreateVpnGatewayResult { vpn_gateway: Some(view_vgw(ctx, g)?) })
    }
}

impl Handler for ec2::DescribeVpnGateways {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeVpnGatewaysRequest,
    ) -> Result<ec2::DescribeVpnGatewaysResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters =
            Filters::parse(input.filters, &["vpn-gateway-id", "state", "type", "amazon-side-asn", "tag-key"])?;
        let all = ctx.list::<ec2::VpnGateway>()?;
        let stored: Vec<String> = all.iter().map(|(id, _)| id.clone()).collect();
        let absent = missing_ids(&input.vpn_gateway_ids, &stored);
        if !absent.is_empty() {
            return Err(not_found("InvalidVpnGatewayID.NotFound", "vpnGateway", &absent));
        }
        let mut out = Vec::new();
        for (id, g) in all {
            if input.vpn_gateway_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let g = view_vgw(ctx, g)?;
            let keep = filters.matches(g.tags.as_deref().unwrap_or(&[]), |name| match name {
                "vpn-gateway-id" => opt(&g.vpn_gateway_id),
                "state" => opt(&g.state),
                "type" => opt(&g.type_),
                "amazon-side-asn" => g.amazon_side_asn.map(|a| vec![a.to_string()]).unwrap_or_default(),
                _ => Vec::new(),
            });
            if keep {
                out.push(g);
            }
        }
        Ok(ec2::DescribeVpnGatewaysResult { vpn_gateways: Some(out) })
    }
}

impl Handler for ec2::DeleteVpnGateway {
    const MUTATES: bool = true;

    /// A virtual private gateway a live VPN connection uses cannot be deleted.
    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteVpnGatewayRequest) -> Result<hubsim_model::Empty, AwsError> {
        let id = input.vpn_gateway_id;
        let mut g = vpn_gateway(ctx, &id)?;
        if !alive(&g.state) {
            return Err(incorrect_state("VPN gateway", &id, g.state.as_deref().unwrap_or("deleted")));
        }
        let used = ctx
            .list::<ec2::VpnConnection>()?
            .into_iter()
            .find(|(_, c)| alive(&c.state) && c.vpn_gateway_id.as_deref() == Some(id.as_str()));
        if let Some((vpn, _)) = used {
            return Err(AwsError::bad_request(
                "IncorrectState",
                format!("The VPN gateway {id} is in use by VPN connection {vpn}."),
            ));
        }
        dry_run(input.dry_run)?;
        g.state = Some("deleted".into());
        ctx.put(&id, &g)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::CreateVpnConnection {
    const MUTATES: bool = true;

    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnConnection.html: a
    /// customer gateway and either a virtual private gateway or a transit gateway, all available.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateVpnConnectionRequest,
    ) -> Result<ec2::CreateVpnConnectionResult, AwsError> {
        ipsec(&input.type_)?;
        let cgw = customer_gateway(ctx, &input.customer_gateway_id)?;
        if !alive(&cgw.state) {
            return Err(incorrect_state("customer gateway", &input.customer_gateway_id, "deleted"));
        }
        match (&input.vpn_gateway_id, &input.transit_gateway_id) {
            (None, None) => return Err(missing("VpnGatewayId or TransitGatewayId")),
            (Some(_), Some(_)) => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "Specify either VpnGatewayId or TransitGatewayId, not both",
                ))
            }
            (Some(v), None) => {
                let g = vpn_gateway(ctx, v)?;
                if !alive(&g.state) {
                    return Err(incorrect_state("VPN gateway", v, "deleted"));
                }
            }
            (None, Some(t)) => {
                let g = ctx
                    .get::<ec2::TransitGateway>(t)?
                    .ok_or_else(|| not_found("InvalidTransitGatewayID.NotFound", "transitGateway", &[t]))?;
                if !alive(&g.state) {
                    return Err(incorrect_state("transit gateway", t, "deleted"));
                }
            }
        }
        let o = input.options.unwrap_or_default();
        let specs = o.tunnel_options.unwrap_or_default();
        if specs.len() > 2 {
            return Err(invalid(format!("A VPN connection has two tunnels; {} TunnelOptions were given", specs.len())));
        }
        let n = ctx.list::<ec2::VpnConnection>()?.len();
        let ips = outside_ips(n);
        let tunnels =
            ips.iter().enumerate().map(|(k, ip)| tunnel(k + n * 2, ip, specs.get(k))).collect::<Result<Vec<_>, _>>()?;
        let tags = spec_tags(&input.tag_specifications, "vpn-connection")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("vpn");
        let now = ctx.now();
        let c = ec2::VpnConnection {
            vpn_connection_id: Some(id.clone()),
            state: Some("available".into()),
            type_: Some(IPSEC.into()),
            category: Some("VPN".into()),
            customer_gateway_id: Some(input.customer_gateway_id),
            vpn_gateway_id: input.vpn_gateway_id,
            transit_gateway_id: input.transit_gateway_id,
            options: Some(ec2::VpnConnectionOptions {
                enable_acceleration: Some(o.enable_acceleration.unwrap_or(false)),
                static_routes_only: Some(o.static_routes_only.unwrap_or(false)),
                local_ipv4_network_cidr: Some(o.local_ipv4_network_cidr.unwrap_or_else(|| "0.0.0.0/0".into())),
                remote_ipv4_network_cidr: Some(o.remote_ipv4_network_cidr.unwrap_or_else(|| "0.0.0.0/0".into())),
                outside_ip_address_type: Some(o.outside_ip_address_type.unwrap_or_else(|| "PublicIpv4".into())),
                tunnel_inside_ip_version: Some(o.tunnel_inside_ip_version.unwrap_or_else(|| "ipv4".into())),
                tunnel_options: Some(tunnels),
                ..Default::default()
            }),
            routes: Some(Vec::new()),
            vgw_telemetry: Some(ips.iter().map(|ip| telemetry(ip, "DOWN", now)).collect()),
            ..Default::default()
        };
        ctx.put(&id, &c)?;
        add_tags(ctx, &id, "vpn-connection", &tags)?;
        Ok(ec2::CreateVpnConnectionResult { vpn_connection: Some(view_connection(ctx, c)?) })
    }
}

impl Handler for ec2::DescribeVpnConnections {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeVpnConnectionsRequest,
    ) -> Result<ec2::DescribeVpnConnectionsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "vpn-connection-id",
                "state",
                "type",
                "customer-gateway-id",
                "vpn-gateway-id",
                "transit-gateway-id",
                "option.static-routes-only",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::VpnConnection>()?;
        let stored: Vec<String> = all.iter().map(|(id, _)| id.clone()).collect();
        let absent = missing_ids(&input.vpn_connection_ids, &stored);
        if !absent.is_empty() {
            return Err(not_found("InvalidVpnConnectionID.NotFound", "vpnConnection", &absent));
        }
        let mut out = Vec::new();
        for (id, c) in all {
            if input.vpn_connection_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let c = view_connection(ctx, c)?;
            let keep = filters.matches(c.tags.as_deref().unwrap_or(&[]), |name| match name {
                "vpn-connection-id" => opt(&c.vpn_connection_id),
                "state" => opt(&c.state),
                "type" => opt(&c.type_),
                "customer-gateway-id" => opt(&c.customer_gateway_id),
                "vpn-gateway-id" => opt(&c.vpn_gateway_id),
                "transit-gateway-id" => opt(&c.transit_gateway_id),
                "option.static-routes-only" => {
                    super::filters::flag(c.options.as_ref().and_then(|o| o.static_routes_only))
                }
                _ => Vec::new(),
            });
            if keep {
                out.push(c);
            }
        }
        Ok(ec2::DescribeVpnConnectionsResult { vpn_connections: Some(out) })
    }
}

impl Handler for ec2::DeleteVpnConnection {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteVpnConnectionRequest) -> Result<hubsim_model::Empty, AwsError> {
        let id = input.vpn_connection_id;
        let mut c = live_connection(ctx, &id)?;
        dry_run(input.dry_run)?;
        c.state = Some("deleted".into());
        let now = ctx.now();
        for t in c.vgw_telemetry.iter_mut().flatten() {
            t.status = Some("DOWN".into());
            t.last_status_change = Some(now);
        }
        ctx.put(&id, &c)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::ModifyVpnTunnelOptions {
    const MUTATES: bool = true;

    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpnTunnelOptions.html:
    /// changes one tunnel's options; hubsim applies the change at once (AWS: the connection is
    /// `modifying` for a few minutes) and keeps the tunnel's status.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ModifyVpnTunnelOptionsRequest,
    ) -> Result<ec2::ModifyVpnTunnelOptionsResult, AwsError> {
        let id = input.vpn_connection_id;
        let mut c = live_connection(ctx, &id)?;
        let ip = input.vpn_tunnel_outside_ip_address;
        let m = input.tunnel_options;
        let tunnels = c.options.as_mut().and_then(|o| o.tunnel_options.as_mut());
        let Some(t) =
            tunnels.and_then(|ts| ts.iter_mut().find(|t| t.outside_ip_address.as_deref() == Some(ip.as_str())))
        else {
            return Err(invalid(format!(
                "Value ({ip}) for parameter VpnTunnelOutsideIpAddress is invalid: VPN connection {id} has no tunnel \
                 with that outside IP address"
            )));
        };
        let old_log = t.log_options.as_ref().and_then(|l| l.cloud_watch_log_options.as_ref());
        let log_spec = m.log_options.as_ref().and_then(|l| l.cloud_watch_log_options.as_ref());
        let log = cloudwatch_logging(log_spec, old_log)?;
        if let Some(cidr) = &m.tunnel_inside_cidr {
            if !cidr.starts_with("169.254.") || !cidr.ends_with("/30") {
                return Err(invalid(format!("TunnelInsideCidr {cidr} must be a /30 CIDR block in 169.254.0.0/16")));
            }
        }
        dry_run(input.dry_run)?;
        t.log_options = Some(ec2::VpnTunnelLogOptions { cloud_watch_log_options: Some(log) });
        if m.tunnel_inside_cidr.is_some() {
            t.tunnel_inside_cidr = m.tunnel_inside_cidr;
        }
        if m.dpd_timeout_seconds.is_some() {
            t.dpd_timeout_seconds = m.dpd_timeout_seconds;
        }
        if m.dpd_timeout_action.is_some() {
            t.dpd_timeout_action = m.dpd_timeout_action;
        }
        if m.startup_action.is_some() {
            t.startup_action = m.startup_action;
        }
        ctx.put(&id, &c)?;
        Ok(ec2::ModifyVpnTunnelOptionsResult { vpn_connection: Some(view_connection(ctx, c)?) })
    }
}

/// hubsim's console action `SetVpnTunnelStatus`: the tunnel of connection `id` whose outside
/// address is `ip` goes `UP` (its customer gateway negotiated it) or `DOWN`.
pub(crate) fn set_tunnel_status(ctx: &mut Ctx<'_>, id: &str, ip: &str, status: &str) -> Result<(), AwsError> {
    if !matches!(status, "UP" | "DOWN") {
        return Err(AwsError::bad_request("ValidationException", format!("Status {status} is invalid: UP or DOWN")));
    }
    let mut c = live_connection(ctx, id)?;
    let now = ctx.now();
    let Some(t) = c.vgw_telemetry.iter_mut().flatten().find(|t| t.outside_ip_address.as_deref() == Some(ip)) else {
        return Err(invalid(format!("VPN connection {id} has no tunnel with outside IP address {ip}")));
    };
    if t.status.as_deref() != Some(status) {
        t.status = Some(status.to_string());
        t.last_status_change = Some(now);
        t.accepted_route_count = Some(0);
    }
    ctx.put(id, &c)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_inside_cidrs_are_distinct_valid_30s() {
        assert_eq!(default_inside_cidr(0), "169.254.10.0/30");
        assert_eq!(default_inside_cidr(1), "169.254.10.4/30");
        assert_eq!(default_inside_cidr(64), "169.254.11.0/30");
        // Far past the first octet's range, still an address.
        let last = default_inside_cidr(240 * 64 - 1);
        assert_eq!(last, "169.254.249.252/30");
        assert_eq!(default_inside_cidr(240 * 64), "169.254.10.0/30");
    }
}
