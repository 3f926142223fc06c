//! CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html>).

use std::collections::BTreeSet;

use hubsim_model::{ec2, elbv2};

use super::attributes::defaults;
use super::tags::check_new_tags;
use super::{arn_prefix, check_name, invalid_configuration, lb_not_found, validation, ListenerDoc, LoadBalancerDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::ec2::SgDoc;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elbv2::CreateLoadBalancer>().add::<elbv2::DescribeLoadBalancers>().add::<elbv2::DeleteLoadBalancer>();
}

/// The most load balancers one `DescribeLoadBalancers` page holds.
const MAX_PAGE: i32 = 400;

/// The subnets and zones a load balancer is asked to use: `(vpc, zones)`, each zone with its
/// subnet, checked as ELB checks them (every subnet exists, one VPC, one subnet per zone; an
/// Application Load Balancer needs two zones).
fn placement(
    ctx: &Ctx<'_>,
    kind: &str,
    input: &elbv2::CreateLoadBalancerInput,
) -> Result<(String, Vec<elbv2::AvailabilityZone>), AwsError> {
    let ids: Vec<String> = match (&input.subnets, &input.subnet_mappings) {
        (Some(_), Some(_)) => return Err(validation("You can specify subnets or subnet mappings, not both")),
        (Some(s), None) => s.clone(),
        (None, Some(m)) => m.iter().filter_map(|m| m.subnet_id.clone()).collect(),
        (None, None) => Vec::new(),
    };
    if ids.is_empty() {
        return Err(validation("At least one subnet must be specified"));
    }
    let mut vpc: Option<String> = None;
    let mut zones = Vec::new();
    let mut seen = BTreeSet::new();
    for id in &ids {
        let subnet = ctx
            .get::<ec2::Subnet>(id)?
            .ok_or_else(|| AwsError::bad_request("SubnetNotFound", format!("The subnet ID '{id}' is not valid")))?;
        let subnet_vpc = subnet.vpc_id.clone().unwrap_or_default();
        match &vpc {
            None => vpc = Some(subnet_vpc),
            Some(v) if *v != subnet_vpc => {
                return Err(invalid_configuration(format!(
                    "Subnet '{id}' is in VPC '{subnet_vpc}', not in VPC '{v}': a load balancer's subnets must be in one VPC"
                )))
            }
            Some(_) => {}
        }
        let zone = subnet.availability_zone.clone().unwrap_or_default();
        if !seen.insert(zone.clone()) {
            return Err(invalid_configuration(format!(
                "A load balancer cannot be attached to multiple subnets in the same Availability Zone ({zone})"
            )));
        }
        zones.push(elbv2::AvailabilityZone {
            zone_name: Some(zone),
            subnet_id: Some(id.clone()),
            load_balancer_addresses: Some(Vec::new()),
            ..Default::default()
        });
    }
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
    if kind == "application" && zones.len() < 2 {
        return Err(validation("At least two subnets in two different Availability Zones must be specified"));
    }
    Ok((vpc.unwrap_or_default(), zones))
}

/// The security groups of a new load balancer: those asked (each in its VPC), else the VPC's
/// default group for an Application Load Balancer and none for the others. A Gateway Load
/// Balancer takes none.
fn security_groups(ctx: &Ctx<'_>, kind: &str, vpc: &str, asked: Option<&Vec<String>>) -> Result<Vec<String>, AwsError> {
    let groups: Vec<(String, SgDoc)> = ctx.list::<SgDoc>()?;
    match asked {
        Some(ids) if kind == "gateway" && !ids.is_empty() => {
            Err(validation("Security groups are not supported for load balancers of type 'gateway'"))
        }
        Some(ids) if !ids.is_empty() => {
            for id in ids {
                let found = groups.iter().find(|(gid, _)| gid == id);
                match found {
                    Some((_, g)) if g.vpc_id == vpc => {}
                    Some((_, g)) => {
                        return Err(AwsError::bad_request(
                            "InvalidSecurityGroup",
                            format!(
                                "Security group '{id}' is in VPC '{}', not in the load balancer's VPC '{vpc}'",
                                g.vpc_id
                            ),
                        ))
                    }
                    None => {
                        return Err(AwsError::bad_request(
                            "InvalidSecurityGroup",
                            format!("Security group '{id}' does not exist"),
                        ))
                    }
                }
            }
            Ok(ids.clone())
        }
        _ if kind == "application" => Ok(groups
            .into_iter()
            .find(|(_, g)| g.vpc_id == vpc && g.name == "default")
            .map(|(id, _)| vec![id])
            .unwrap_or_default()),
        _ => Ok(Vec::new()),
    }
}

/// Whether `existing` was created with the settings a repeated create asks for (ELB answers
/// the existing load balancer then: CreateLoadBalancer is idempotent).
fn same_settings(existing: &LoadBalancerDoc, kind: &str, scheme: &str, zones: &[elbv2::AvailabilityZone]) -> bool {
    let subnets =
        |z: &[elbv2::AvailabilityZone]| -> BTreeSet<String> { z.iter().filter_map(|z| z.subnet_id.clone()).collect() };
    existing.kind() == kind
        && existing.lb.scheme.as_deref() == Some(scheme)
        && subnets(existing.lb.availability_zones.as_deref().unwrap_or_default()) == subnets(zones)
}

impl Handler for elbv2::CreateLoadBalancer {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::CreateLoadBalancerInput,
    ) -> Result<elbv2::CreateLoadBalancerOutput, AwsError> {
        check_name("Load balancer", &input.name)?;
        if input.name.to_ascii_lowercase().starts_with("internal-") {
            return Err(validation(format!("Load balancer name '{}' cannot begin with 'internal-'", input.name)));
        }
        let kind = input.type_.clone().unwrap_or_else(|| "application".into());
        let scheme = match (kind.as_str(), input.scheme.as_deref()) {
            ("gateway", Some(s)) if s != "internal" => {
                return Err(validation("A Gateway Load Balancer has no scheme: it is always 'internal'"))
            }
            ("gateway", _) => "internal".to_string(),
            (_, s) => s.unwrap_or("internet-facing").to_string(),
        };
        let tags = check_new_tags(input.tags.as_deref().unwrap_or_default(), 0)?;
        let (vpc, zones) = placement(ctx, &kind, &input)?;
        let groups = security_groups(ctx, &kind, &vpc, input.security_groups.as_ref())?;
        let existing = ctx.list::<LoadBalancerDoc>()?.into_iter().find(|(_, lb)| lb.name() == input.name);
        if let Some((_, lb)) = existing {
            if same_settings(&lb, &kind, &scheme, &zones) {
                return Ok(elbv2::CreateLoadBalancerOutput { load_balancers: Some(vec![lb.lb]) });
            }
            return Err(AwsError::bad_request(
                "DuplicateLoadBalancerName",
                format!("A load balancer with the same name '{}' exists, but with different settings", input.name),
            ));
        }
        let short = match kind.as_str() {
            "network" => "net",
            "gateway" => "gwy",
            _ => "app",
        };
        let hex = ctx.ids().hex(16);
        let arn = format!("{}loadbalancer/{short}/{}/{hex}", arn_prefix(ctx), input.name);
        let region = ctx.region().to_string();
        let internal = if scheme == "internal" { "internal-" } else { "" };
        let dns = match kind.as_str() {
            "application" => Some(format!("{internal}{}-{}.{region}.elb.amazonaws.com", input.name, &hex[..8])),
            "network" => Some(format!("{}-{}.elb.{region}.amazonaws.com", input.name, &hex[..8])),
            _ => None,
        };
        let lb = elbv2::LoadBalancer {
            load_balancer_arn: Some(arn.clone()),
            dns_name: dns,
            // hubsim answers us-east-1's zone ids in every region.
            canonical_hosted_zone_id: Some(if kind == "network" { "Z26RNL4JYFTOTI" } else { "Z35SXDOTRQ7X7K" }.into()),
            created_time: Some(ctx.now()),
            load_balancer_name: Some(input.name.clone()),
            scheme: Some(scheme),
            vpc_id: Some(vpc),
            state: Some(elbv2::LoadBalancerState { code: Some("active".into()), reason: None }),
            type_: Some(kind.clone()),
            availability_zones: Some(zones),
            security_groups: (kind != "gateway").then_some(groups),
            ip_address_type: Some(input.ip_address_type.clone().unwrap_or_else(|| "ipv4".into())),
            ..Default::default()
        };
        let doc = LoadBalancerDoc { lb: lb.clone(), attributes: defaults(&kind), tags };
        ctx.put(&arn, &doc)?;
        Ok(elbv2::CreateLoadBalancerOutput { load_balancers: Some(vec![lb]) })
    }
}

impl Handler for elbv2::DescribeLoadBalancers {
    const MUTATES: bool = false;

    /// By ARNs or by names (not both), else every load balancer of the region, in pages of
    /// `PageSize` (1–400).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::DescribeLoadBalancersInput,
    ) -> Result<elbv2::DescribeLoadBalancersOutput, AwsError> {
        let size = input.page_size.unwrap_or(MAX_PAGE);
        if !(1..=MAX_PAGE).contains(&size) {
            return Err(validation(format!("Page size {size} is not valid: it must be from 1 to {MAX_PAGE}")));
        }
        let all = ctx.list::<LoadBalancerDoc>()?;
        let chosen: Vec<elbv2::LoadBalancer> = match (&input.load_balancer_arns, &input.names) {
            (Some(_), Some(_)) => {
                return Err(validation(
                    "Load balancer names and load balancer ARNs cannot be specified at the same time",
                ))
            }
            (Some(arns), None) => {
                let mut out = Vec::new();
                for arn in arns {
                    let found = all.iter().find(|(id, _)| id == arn).ok_or_else(|| lb_not_found(arn))?;
                    out.push(found.1.lb.clone());
                }
                out
            }
            (None, Some(names)) => {
                let mut out = Vec::new();
                for name in names {
                    let found = all.iter().find(|(_, lb)| lb.name() == name).ok_or_else(|| {
                        AwsError::bad_request("LoadBalancerNotFound", format!("Load balancers '[{name}]' not found"))
                    })?;
                    out.push(found.1.lb.clone());
                }
                out
            }
            (None, None) => all.into_iter().map(|(_, lb)| lb.lb).collect(),
        };
        let (page, next_marker) = super::page(chosen, input.marker.as_deref(), size as usize)?;
        Ok(elbv2::DescribeLoadBalancersOutput { load_balancers: Some(page), next_marker })
    }
}

impl Handler for elbv2::DeleteLoadBalancer {
    const MUTATES: bool = true;

    /// Deletes the load balancer and its listeners (its target groups stay). A load balancer
    /// that does not exist is no error; one with deletion protection on is refused.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::DeleteLoadBalancerInput,
    ) -> Result<elbv2::DeleteLoadBalancerOutput, AwsError> {
        let arn = input.load_balancer_arn;
        let Some(lb) = ctx.get::<LoadBalancerDoc>(&arn)? else {
            return Ok(elbv2::DeleteLoadBalancerOutput {});
        };
        if lb.attributes.get("deletion_protection.enabled").is_some_and(|v| v == "true") {
            return Err(AwsError::bad_request(
                "OperationNotPermitted",
                format!("Load balancer '{arn}' cannot be deleted because deletion protection is enabled"),
            ));
        }
        let listeners: Vec<String> = ctx
            .list::<ListenerDoc>()?
            .into_iter()
            .filter(|(_, l)| l.listener.load_balancer_arn.as_deref() == Some(arn.as_str()))
            .map(|(id, _)| id)
            .collect();
        for id in listeners {
            ctx.delete::<ListenerDoc>(&id)?;
        }
        ctx.delete::<LoadBalancerDoc>(&arn)?;
        Ok(elbv2::DeleteLoadBalancerOutput {})
    }
}
