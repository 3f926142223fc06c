//! Transit gateways: Create/Modify/Delete/DescribeTransitGateways
//! (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html), with the options
//! EC2.23 reads (`AutoAcceptSharedAttachments`). A new gateway is `available` at once (AWS:
//! `pending` for a few minutes); a deleted one stays listed as `deleted`, as AWS lists it for a
//! while, and refuses further changes.

use hubsim_model::ec2;

use super::filters::{opt, Filters};
use super::tags::{add_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, invalid, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateTransitGateway>()
        .add::<ec2::ModifyTransitGateway>()
        .add::<ec2::DeleteTransitGateway>()
        .add::<ec2::DescribeTransitGateways>();
}

impl Resource for ec2::TransitGateway {
    const KIND: &'static str = "ec2:transit-gateway";
}

/// An `enable`/`disable` option's value, or AWS's refusal naming it.
fn toggle(name: &str, value: &Option<String>, default: &str) -> Result<String, AwsError> {
    match value.as_deref() {
        None => Ok(default.to_string()),
        Some(v @ ("enable" | "disable")) => Ok(v.to_string()),
        Some(v) => Err(invalid(format!("Value ({v}) for parameter {name} is invalid. Valid values: enable, disable"))),
    }
}

/// The stored gateway `id`, or `InvalidTransitGatewayID.NotFound`.
fn gateway(ctx: &Ctx<'_>, id: &str) -> Result<ec2::TransitGateway, AwsError> {
    ctx.get::<ec2::TransitGateway>(id)?
        .ok_or_else(|| not_found("InvalidTransitGatewayID.NotFound", "transitGateway", &[id]))
}

/// The gateway `id` if it can still change: not deleted.
fn live(ctx: &Ctx<'_>, id: &str) -> Result<ec2::TransitGateway, AwsError> {
    let g = gateway(ctx, id)?;
    if g.state.as_deref() == Some("deleted") {
        return Err(AwsError::bad_request(
            "IncorrectState",
            format!("The transit gateway {id} is in an invalid state (deleted) for this request."),
        ));
    }
    Ok(g)
}

/// The gateway as Describe answers it: with its tags.
fn view(ctx: &Ctx<'_>, mut g: ec2::TransitGateway) -> Result<ec2::TransitGateway, AwsError> {
    let id = g.transit_gateway_id.clone().unwrap_or_default();
    g.tags = tag_list(tags_of(ctx, &id)?);
    Ok(g)
}

impl Handler for ec2::CreateTransitGateway {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateTransitGatewayRequest,
    ) -> Result<ec2::CreateTransitGatewayResult, AwsError> {
        let o = input.options.unwrap_or_default();
        let options = ec2::TransitGatewayOptions {
            amazon_side_asn: Some(o.amazon_side_asn.unwrap_or(64512)),
            auto_accept_shared_attachments: Some(toggle(
                "AutoAcceptSharedAttachments",
                &o.auto_accept_shared_attachments,
                "disable",
            )?),
            default_route_table_association: Some(toggle(
                "DefaultRouteTableAssociation",
                &o.default_route_table_association,
                "enable",
            )?),
            default_route_table_propagation: Some(toggle(
                "DefaultRouteTablePropagation",
                &o.default_route_table_propagation,
                "enable",
            )?),
            vpn_ecmp_support: Some(toggle("VpnEcmpSupport", &o.vpn_ecmp_support, "enable")?),
            dns_support: Some(toggle("DnsSupport", &o.dns_support, "enable")?),
            security_group_referencing_support: Some(toggle(
                "SecurityGroupReferencingSupport",
                &o.security_group_referencing_support,
                "disable",
            )?),
            multicast_support: Some(toggle("MulticastSupport", &o.multicast_support, "disable")?),
            transit_gateway_cidr_blocks: o.transit_gateway_cidr_blocks,
            ..Default::default()
        };
        let tags = spec_tags(&input.tag_specifications, "transit-gateway")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("tgw");
        let g = ec2::TransitGateway {
            transit_gateway_id: Some(id.clone()),
            transit_gateway_arn: Some(format!("arn:aws:ec2:{}:{}:transit-gateway/{id}", ctx.region(), ctx.account())),
            state: Some("available".into()),
            owner_id: Some(ctx.account().to_string()),
            description: input.description,
            creation_time: Some(ctx.now()),
            options: Some(options),
            tags: None,
        };
        ctx.put(&id, &g)?;
        add_tags(ctx, &id, "transit-gateway", &tags)?;
        Ok(ec2::CreateTransitGatewayResult { transit_gateway: Some(view(ctx, g)?) })
    }
}

impl Handler for ec2::ModifyTransitGateway {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ModifyTransitGatewayRequest,
    ) -> Result<ec2::ModifyTransitGatewayResult, AwsError> {
        let id = input.transit_gateway_id;
        let mut g = live(ctx, &id)?;
        let mut o = g.options.clone().unwrap_or_default();
        let m = input.options.unwrap_or_default();
        let keep = |name: &str, new: &Option<String>, old: &Option<String>| -> Result<Option<String>, AwsError> {
            match new {
                None => Ok(old.clone()),
                Some(_) => toggle(name, new, "").map(Some),
            }
        };
        o.auto_accept_shared_attachments =
            keep("AutoAcceptSharedAttachments", &m.auto_accept_shared_attachments, &o.auto_accept_shared_attachments)?;
        o.default_route_table_association = keep(
            "DefaultRouteTableAssociation",
            &m.default_route_table_association,
            &o.default_route_table_association,
        )?;
        o.default_route_table_propagation = keep(
            "DefaultRouteTablePropagation",
            &m.default_route_table_propagation,
            &o.default_route_table_propagation,
        )?;
        o.vpn_ecmp_support = keep("VpnEcmpSupport", &m.vpn_ecmp_support, &o.vpn_ecmp_support)?;
        o.dns_support = keep("DnsSupport", &m.dns_support, &o.dns_support)?;
        o.security_group_referencing_support = keep(
            "SecurityGroupReferencingSupport",
            &m.security_group_referencing_support,
            &o.security_group_referencing_support,
        )?;
        if let Some(asn) = m.amazon_side_asn {
            o.amazon_side_asn = Some(asn);
        }
        dry_run(input.dry_run)?;
        g.options = Some(o);
        if input.description.is_some() {
            g.description = input.description;
        }
        ctx.put(&id, &g)?;
        Ok(ec2::ModifyTransitGatewayResult { transit_gateway: Some(view(ctx, g)?) })
    }
}

impl Handler for ec2::DeleteTransitGateway {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DeleteTransitGatewayRequest,
    ) -> Result<ec2::DeleteTransitGatewayResult, AwsError> {
        let id = input.transit_gateway_id;
        let mut g = live(ctx, &id)?;
        dry_run(input.dry_run)?;
        g.state = Some("deleted".into());
        ctx.put(&id, &g)?;
        Ok(ec2::DeleteTransitGatewayResult { transit_gateway: Some(view(ctx, g)?) })
    }
}

impl Handler for ec2::DescribeTransitGateways {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeTransitGatewaysRequest,
    ) -> Result<ec2::DescribeTransitGatewaysResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &["transit-gateway-id", "state", "owner-id", "options.auto-accept-shared-attachments", "tag-key"],
        )?;
        let all = ctx.list::<ec2::TransitGateway>()?;
        if let Some(ids) = &input.transit_gateway_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidTransitGatewayID.NotFound", "transitGateway", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, g) in all {
            if input.transit_gateway_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let g = view(ctx, g)?;
            let keep = filters.matches(g.tags.as_deref().unwrap_or(&[]), |name| match name {
                "transit-gateway-id" => opt(&g.transit_gateway_id),
                "state" => opt(&g.state),
                "owner-id" => opt(&g.owner_id),
                "options.auto-accept-shared-attachments" => {
                    g.options.as_ref().map(|o| opt(&o.auto_accept_shared_attachments)).unwrap_or_default()
                }
                _ => Vec::new(),
            });
            if keep {
                out.push(g);
            }
        }
        let (items, next_token) = super::filters::page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeTransitGatewaysResult { transit_gateways: Some(items), next_token })
    }
}
