//! Client VPN endpoints: Create/Modify/Delete/DescribeClientVpnEndpoints
//! (https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/cvpn-working-endpoints.html), with
//! the connection logging EC2.51 reads. hubsim holds no certificates: a server certificate ARN
//! is checked for its ACM form only, and a log group named for connection logging is not
//! looked up. A new endpoint is `pending-associate` (no target network); a deleted one is gone.

use hubsim_model::ec2;

use super::filters::{opt, Filters};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, invalid, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateClientVpnEndpoint>()
        .add::<ec2::ModifyClientVpnEndpoint>()
        .add::<ec2::DeleteClientVpnEndpoint>()
        .add::<ec2::DescribeClientVpnEndpoints>();
}

impl Resource for ec2::ClientVpnEndpoint {
    const KIND: &'static str = "ec2:client-vpn-endpoint";
}

fn endpoint(ctx: &Ctx<'_>, id: &str) -> Result<ec2::ClientVpnEndpoint, AwsError> {
    ctx.get::<ec2::ClientVpnEndpoint>(id)?
        .ok_or_else(|| not_found("InvalidClientVpnEndpointId.NotFound", "Client VPN endpoint", &[id]))
}

/// Connection logging as stored, or AWS's refusal: enabled logging needs a log group.
fn log_options(o: &ec2::ConnectionLogOptions) -> Result<ec2::ConnectionLogResponseOptions, AwsError> {
    let enabled = o.enabled.unwrap_or(false);
    if enabled && o.cloudwatch_log_group.as_deref().is_none_or(str::is_empty) {
        return Err(invalid("ConnectionLogOptions: CloudwatchLogGroup is required when connection logging is enabled"));
    }
    Ok(ec2::ConnectionLogResponseOptions {
        enabled: Some(enabled),
        cloudwatch_log_group: if enabled { o.cloudwatch_log_group.clone() } else { None },
        cloudwatch_log_stream: if enabled { o.cloudwatch_log_stream.clone() } else { None },
    })
}

fn certificate(arn: &str) -> Result<(), AwsError> {
    if arn.starts_with("arn:aws:acm:") && arn.contains(":certificate/") {
        Ok(())
    } else {
        Err(invalid(format!("Server certificate ARN {arn} is not a valid ACM certificate ARN")))
    }
}

fn view(ctx: &Ctx<'_>, mut e: ec2::ClientVpnEndpoint) -> Result<ec2::ClientVpnEndpoint, AwsError> {
    let id = e.client_vpn_endpoint_id.clone().unwrap_or_default();
    e.tags = tag_list(tags_of(ctx, &id)?);
    Ok(e)
}

impl Handler for ec2::CreateClientVpnEndpoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateClientVpnEndpointRequest,
    ) -> Result<ec2::CreateClientVpnEndpointResult, AwsError> {
        certificate(&input.server_certificate_arn)?;
        if input.authentication_options.is_empty() {
            return Err(invalid("AuthenticationOptions: at least one authentication option is required"));
        }
        let logging = log_options(&input.connection_log_options)?;
        let tags = spec_tags(&input.tag_specifications, "client-vpn-endpoint")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("cvpn-endpoint");
        let dns = format!("*.{id}.prod.clientvpn.{}.amazonaws.com", ctx.region());
        let status = ec2::ClientVpnEndpointStatus { code: Some("pending-associate".into()), message: None };
        let e = ec2::ClientVpnEndpoint {
            client_vpn_endpoint_id: Some(id.clone()),
            description: input.description,
            status: Some(status.clone()),
            creation_time: Some(ctx.now().to_string()),
            dns_name: Some(dns.clone()),
            client_cidr_block: input.client_cidr_block,
            split_tunnel: Some(input.split_tunnel.unwrap_or(false)),
            vpn_protocol: Some("openvpn".into()),
            transport_protocol: Some(input.transport_protocol.unwrap_or_else(|| "udp".into())),
            vpn_port: Some(input.vpn_port.unwrap_or(443)),
            server_certificate_arn: Some(input.server_certificate_arn),
            connection_log_options: Some(logging),
            security_group_ids: input.security_group_ids,
            vpc_id: input.vpc_id,
            ..Default::default()
        };
        ctx.put(&id, &e)?;
        add_tags(ctx, &id, "client-vpn-endpoint", &tags)?;
        Ok(ec2::CreateClientVpnEndpointResult {
            client_vpn_endpoint_id: Some(id),
            status: Some(status),
            dns_name: Some(dns),
        })
    }
}

impl Handler for ec2::ModifyClientVpnEndpoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ModifyClientVpnEndpointRequest,
    ) -> Result<ec2::ModifyClientVpnEndpointResult, AwsError> {
        let id = input.client_vpn_endpoint_id;
        let mut e = endpoint(ctx, &id)?;
        if let Some(arn) = &input.server_certificate_arn {
            certificate(arn)?;
        }
        let logging = input.connection_log_options.as_ref().map(log_options).transpose()?;
        dry_run(input.dry_run)?;
        if let Some(l) = logging {
            e.connection_log_options = Some(l);
        }
        if input.server_certificate_arn.is_some() {
            e.server_certificate_arn = input.server_certificate_arn;
        }
        if input.description.is_some() {
            e.description = input.description;
        }
        if let Some(p) = input.vpn_port {
            e.vpn_port = Some(p);
        }
        if let Some(s) = input.split_tunnel {
            e.split_tunnel = Some(s);
        }
        ctx.put(&id, &e)?;
        Ok(ec2::ModifyClientVpnEndpointResult { return_: Some(true) })
    }
}

impl Handler for ec2::DeleteClientVpnEndpoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DeleteClientVpnEndpointRequest,
    ) -> Result<ec2::DeleteClientVpnEndpointResult, AwsError> {
        let id = input.client_vpn_endpoint_id;
        endpoint(ctx, &id)?;
        dry_run(input.dry_run)?;
        ctx.delete::<ec2::ClientVpnEndpoint>(&id)?;
        drop_tags(ctx, &id)?;
        Ok(ec2::DeleteClientVpnEndpointResult {
            status: Some(ec2::ClientVpnEndpointStatus { code: Some("deleting".into()), message: None }),
        })
    }
}

impl Handler for ec2::DescribeClientVpnEndpoints {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeClientVpnEndpointsRequest,
    ) -> Result<ec2::DescribeClientVpnEndpointsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(input.filters, &["endpoint-id", "transport-protocol"])?;
        let all = ctx.list::<ec2::ClientVpnEndpoint>()?;
        if let Some(ids) = &input.client_vpn_endpoint_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidClientVpnEndpointId.NotFound", "Client VPN endpoint", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, e) in all {
            if input.client_vpn_endpoint_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let e = view(ctx, e)?;
            let keep = filters.matches(e.tags.as_deref().unwrap_or(&[]), |name| match name {
                "endpoint-id" => opt(&e.client_vpn_endpoint_id),
                "transport-protocol" => opt(&e.transport_protocol),
                _ => Vec::new(),
            });
            if keep {
                out.push(e);
            }
        }
        let (items, next_token) = super::filters::page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeClientVpnEndpointsResult { client_vpn_endpoints: Some(items), next_token })
    }
}
