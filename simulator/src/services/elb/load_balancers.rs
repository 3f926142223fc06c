//! CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer
//! (<https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_CreateLoadBalancer.html>).

use std::collections::BTreeSet;

use hubsim_model::{ec2, elb};

use super::attributes::defaults;
use super::listeners::{check_listeners, default_ssl_policy, with_default_policy};
use super::tags::check_new_tags;
use super::{invalid_configuration, not_found, validation, ClassicDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::ec2::SgDoc;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elb::CreateLoadBalancer>().add::<elb::DescribeLoadBalancers>().add::<elb::DeleteLoadBalancer>();
}

/// The most load balancers one `DescribeLoadBalancers` page holds.
const MAX_PAGE: i32 = 400;

/// Checks a name: 1–32 letters, digits and hyphens, neither first nor last a hyphen.
fn check_name(name: &str) -> Result<(), AwsError> {
    let shaped = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !shaped {
        return Err(validation(format!(
            "LoadBalancerName '{name}' is not valid: 1 to 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen"
        )));
    }
    Ok(())
}

/// `(vpc, subnets, zones)`: the subnets asked (one per zone, one VPC), or for zones alone the
/// default subnet of each zone.
fn placement(
    ctx: &Ctx<'_>,
    input: &elb::CreateAccessPointInput,
) -> Result<(String, Vec<String>, Vec<String>), AwsError> {
    let all: Vec<(String, ec2::Subnet)> = ctx.list::<ec2::Subnet>()?;
    let chosen: Vec<ec2::Subnet> = match (&input.subnets, &input.availability_zones) {
        (Some(s), _) if !s.is_empty() => {
            let mut out = Vec::new();
            for id in s {
                let found = all.iter().find(|(sid, _)| sid == id).ok_or_else(|| {
                    AwsError::bad_request("SubnetNotFound", format!("The subnet ID '{id}' is not valid"))
                })?;
                out.push(found.1.clone());
            }
            out
        }
        (_, Some(z)) if !z.is_empty() => {
            let mut out = Vec::new();
            for zone in z {
                let found = all
                    .iter()
                    .find(|(_, s)| {
                        s.default_for_az == Some(true) && s.availability_zone.as_deref() == Some(zone.as_str())
                    })
                    .ok_or_else(|| {
                        invalid_configuration(format!("No default subnet for availability zone: '{zone}'"))
                    })?;
                out.push(found.1.clone());
            }
            out
        }
        _ => return Err(validation("Either AvailabilityZones or Subnets must be specified")),
    };
    let vpc = chosen.first().and_then(|s| s.vpc_id.clone()).unwrap_or_default();
    let mut zones = BTreeSet::new();
    for s in &chosen {
        if s.vpc_id.as_deref() != Some(vpc.as_str()) {
            return Err(invalid_configuration("The subnets of a load balancer must all be in one VPC"));
        }
        let zone = s.availability_zone.clone().unwrap_or_default();
        if !zones.insert(zone.clone()) {
            return Err(invalid_configuration(format!(
                "A load balancer cannot be attached to multiple subnets in the same Availability Zone ({zone})"
            )));
        }
    }
    let subnets = chosen.iter().filter_map(|s| s.subnet_id.clone()).collect();
    let zones = chosen.iter().filter_map(|s| s.availability_zone.clone()).collect();
    Ok((vpc, subnets, zones))
}

impl Handler for elb::CreateLoadBalancer {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elb::CreateAccessPointInput) -> Result<elb::CreateAccessPointOutput, AwsError> {
        check_name(&input.load_balancer_name)?;
        let scheme = input.scheme.clone().unwrap_or_else(|| "internet-facing".into());
        if scheme != "internet-facing" && scheme != "internal" {
            return Err(AwsError::bad_request("InvalidScheme", format!("Scheme '{scheme}' is not valid")));
        }
        let listeners = check_listeners(&input.listeners)?;
        let tags = check_new_tags(input.tags.as_deref().unwrap_or_default(), 0)?;
        let (vpc, subnets, zones) = placement(ctx, &input)?;
        let groups: Vec<(String, SgDoc)> = ctx.list::<SgDoc>()?;
        let security_groups = match &input.security_groups {
            Some(ids) if !ids.is_empty() => {
                for id in ids {
                    if !groups.iter().any(|(gid, g)| gid == id && g.vpc_id == vpc) {
                        return Err(AwsError::bad_request(
                            "InvalidSecurityGroup",
                            format!("One or more security groups are invalid: '{id}' is not a group of VPC '{vpc}'"),
                        ));
                    }
                }
                ids.clone()
            }
            _ => groups
                .iter()
                .filter(|(_, g)| g.vpc_id == vpc && g.name == "default")
                .map(|(id, _)| id.clone())
                .collect(),
        };
        let region = ctx.region().to_string();
        let prefix = if scheme == "internal" { "internal-" } else { "" };
        if let Some(existing) = ctx.get::<ClassicDoc>(&input.load_balancer_name)? {
            let same = existing.lb.scheme.as_deref() == Some(scheme.as_str())
                && existing.lb.subnets.as_ref() == Some(&subnets)
                && existing
                    .lb
                    .listener_descriptions
                    .iter()
                    .flatten()
                    .filter_map(|d| d.listener.clone())
                    .collect::<Vec<_>>()
                    == listeners;
            if same {
                return Ok(elb::CreateAccessPointOutput { dns_name: existing.lb.dns_name });
            }
            return Err(AwsError::bad_request(
                "DuplicateLoadBalancerName",
                format!(
                    "Load Balancer named '{}' already exists and it is configured with different parameters.",
                    input.load_balancer_name
                ),
            ));
        }
        let id = ctx.ids().hex(8);
        let dns = format!("{prefix}{}-{id}.{region}.elb.amazonaws.com", input.load_balancer_name);
        let mut doc = ClassicDoc {
            lb: elb::LoadBalancerDescription {
                load_balancer_name: Some(input.load_balancer_name.clone()),
                dns_name: Some(dns.clone()),
                canonical_hosted_zone_name: Some(dns.clone()),
                // hubsim answers us-east-1's zone id in every region.
                canonical_hosted_zone_name_id: Some("Z35SXDOTRQ7X7K".into()),
                listener_descriptions: Some(Vec::new()),
                policies: Some(elb::Policies {
                    app_cookie_stickiness_policies: Some(Vec::new()),
                    lb_cookie_stickiness_policies: Some(Vec::new()),
                    other_policies: Some(Vec::new()),
                }),
                backend_server_descriptions: Some(Vec::new()),
                availability_zones: Some(zones),
                subnets: Some(subnets),
                vpc_id: Some(vpc),
                instances: Some(Vec::new()),
                health_check: Some(elb::HealthCheck {
                    target: "TCP:80".into(),
                    interval: 30,
                    timeout: 5,
                    unhealthy_threshold: 2,
                    healthy_threshold: 10,
                }),
                source_security_group: Some(elb::SourceSecurityGroup {
                    owner_alias: Some(ctx.account().to_string()),
                    group_name: Some("default".into()),
                }),
                security_groups: Some(security_groups),
                created_time: Some(ctx.now()),
                scheme: Some(scheme),
            },
            attributes: defaults(),
            policies: Vec::new(),
            tags,
        };
        for l in listeners {
            with_default_policy(&mut doc, l, &default_ssl_policy());
        }
        ctx.put(&input.load_balancer_name, &doc)?;
        Ok(elb::CreateAccessPointOutput { dns_name: Some(dns) })
    }
}

impl Handler for elb::DescribeLoadBalancers {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::DescribeAccessPointsInput,
    ) -> Result<elb::DescribeAccessPointsOutput, AwsError> {
        let size = input.page_size.unwrap_or(MAX_PAGE);
        if !(1..=MAX_PAGE).contains(&size) {
            return Err(validation(format!("PageSize {size} is not valid: it must be from 1 to {MAX_PAGE}")));
        }
        let chosen: Vec<elb::LoadBalancerDescription> = match &input.load_balancer_names {
            Some(names) if !names.is_empty() => {
                let mut out = Vec::new();
                for name in names {
                    out.push(ctx.get::<ClassicDoc>(name)?.ok_or_else(|| not_found(name))?.lb);
                }
                out
            }
            _ => ctx.list::<ClassicDoc>()?.into_iter().map(|(_, d)| d.lb).collect(),
        };
        let (page, next_marker) = crate::services::elbv2::page(chosen, input.marker.as_deref(), size as usize)?;
        Ok(elb::DescribeAccessPointsOutput { load_balancer_descriptions: Some(page), next_marker })
    }
}

impl Handler for elb::DeleteLoadBalancer {
    const MUTATES: bool = true;

    /// Deleting a load balancer that does not exist succeeds, as ELB answers.
    fn handle(ctx: &mut Ctx<'_>, input: elb::DeleteAccessPointInput) -> Result<elb::DeleteAccessPointOutput, AwsError> {
        ctx.delete::<ClassicDoc>(&input.load_balancer_name)?;
        Ok(elb::DeleteAccessPointOutput {})
    }
}
