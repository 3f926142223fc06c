//! CreateTargetGroup, DescribeTargetGroups, DeleteTargetGroup
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html>).
//! hubsim registers no targets: a target group is its settings.

use hubsim_model::elbv2;

use super::tags::check_new_tags;
use super::{arn_prefix, check_name, load_balancer, tg_not_found, validation, ListenerDoc, TargetGroupDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::ec2::VpcDoc;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elbv2::CreateTargetGroup>().add::<elbv2::DescribeTargetGroups>().add::<elbv2::DeleteTargetGroup>();
}

/// The most target groups one `DescribeTargetGroups` page holds.
const MAX_PAGE: i32 = 400;

/// The target groups each listener action forwards to.
fn forwarded(l: &elbv2::Listener) -> Vec<String> {
    let mut out = Vec::new();
    for a in l.default_actions.iter().flatten() {
        out.extend(a.target_group_arn.iter().cloned());
        if let Some(f) = &a.forward_config {
            out.extend(f.target_groups.iter().flatten().filter_map(|t| t.target_group_arn.clone()));
        }
    }
    out
}

/// `(target group, load balancer)` for every listener forwarding to a target group.
fn uses(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>, AwsError> {
    Ok(ctx
        .list::<ListenerDoc>()?
        .into_iter()
        .flat_map(|(_, l)| {
            let lb = l.listener.load_balancer_arn.clone().unwrap_or_default();
            forwarded(&l.listener).into_iter().map(move |tg| (tg, lb.clone()))
        })
        .collect())
}

/// A target group as described: its load balancers are those whose listeners forward to it.
fn described(doc: TargetGroupDoc, arn: &str, uses: &[(String, String)]) -> elbv2::TargetGroup {
    let mut g = doc.group;
    let mut lbs: Vec<String> = uses.iter().filter(|(tg, _)| tg == arn).map(|(_, lb)| lb.clone()).collect();
    lbs.dedup();
    g.load_balancer_arns = Some(lbs);
    g
}

impl Handler for elbv2::CreateTargetGroup {
    const MUTATES: bool = true;

    /// A target group of instances, IPs or an ALB needs a protocol, a port and a VPC of the
    /// region; a Lambda target group takes none of them.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::CreateTargetGroupInput,
    ) -> Result<elbv2::CreateTargetGroupOutput, AwsError> {
        check_name("Target group", &input.name)?;
        let target_type = input.target_type.clone().unwrap_or_else(|| "instance".into());
        if target_type == "lambda" {
            if input.protocol.is_some() || input.port.is_some() || input.vpc_id.is_some() {
                return Err(validation("A target group of type 'lambda' takes no protocol, port or VPC"));
            }
        } else {
            let (Some(_), Some(_), Some(vpc)) = (&input.protocol, input.port, &input.vpc_id) else {
                return Err(validation(format!(
                    "A protocol, a port and a VPC ID must be specified for a target group of type '{target_type}'"
                )));
            };
            ctx.get::<VpcDoc>(vpc)?.ok_or_else(|| validation(format!("The VPC ID '{vpc}' is not found")))?;
        }
        let tags = check_new_tags(input.tags.as_deref().unwrap_or_default(), 0)?;
        let existing = ctx
            .list::<TargetGroupDoc>()?
            .into_iter()
            .find(|(_, g)| g.group.target_group_name.as_deref() == Some(input.name.as_str()));
        if let Some((arn, g)) = existing {
            let same = g.group.protocol == input.protocol
                && g.group.port == input.port
                && g.group.vpc_id == input.vpc_id
                && g.group.target_type.as_deref() == Some(target_type.as_str());
            if same {
                let group = described(g, &arn, &uses(ctx)?);
                return Ok(elbv2::CreateTargetGroupOutput { target_groups: Some(vec![group]) });
            }
            return Err(AwsError::bad_request(
                "DuplicateTargetGroupName",
                format!("A target group with the same name '{}' exists, but with different settings", input.name),
            ));
        }
        let hex = ctx.ids().hex(16);
        let arn = format!("{}targetgroup/{}/{hex}", arn_prefix(ctx), input.name);
        let http = matches!(input.protocol.as_deref(), Some("HTTP" | "HTTPS"));
        let group = elbv2::TargetGroup {
            target_group_arn: Some(arn.clone()),
            target_group_name: Some(input.name.clone()),
            protocol: input.protocol.clone(),
            port: input.port,
            vpc_id: input.vpc_id.clone(),
            health_check_protocol: Some(
                input.health_check_protocol.clone().or_else(|| input.protocol.clone()).unwrap_or_else(|| "HTTP".into()),
            ),
            health_check_port: Some(input.health_check_port.clone().unwrap_or_else(|| "traffic-port".into())),
            health_check_enabled: Some(input.health_check_enabled.unwrap_or(target_type != "lambda")),
            health_check_interval_seconds: Some(input.health_check_interval_seconds.unwrap_or(30)),
            health_check_timeout_seconds: Some(input.health_check_timeout_seconds.unwrap_or(if http { 5 } else { 10 })),
            healthy_threshold_count: Some(input.healthy_threshold_count.unwrap_or(5)),
            unhealthy_threshold_count: Some(input.unhealthy_threshold_count.unwrap_or(2)),
            health_check_path: input.health_check_path.clone().or_else(|| http.then(|| "/".into())),
            matcher: input
                .matcher
                .clone()
                .or_else(|| http.then(|| elbv2::Matcher { http_code: Some("200".into()), grpc_code: None })),
            load_balancer_arns: None,
            target_type: Some(target_type),
            protocol_version: input.protocol_version.clone().or_else(|| http.then(|| "HTTP1".into())),
            ip_address_type: Some(input.ip_address_type.clone().unwrap_or_else(|| "ipv4".into())),
            target_control_port: input.target_control_port,
        };
        ctx.put(&arn, &TargetGroupDoc { group: group.clone(), tags })?;
        Ok(elbv2::CreateTargetGroupOutput {
            target_groups: Some(vec![described(TargetGroupDoc { group, tags: Default::default() }, &arn, &[])]),
        })
    }
}

impl Handler for elbv2::DescribeTargetGroups {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::DescribeTargetGroupsInput,
    ) -> Result<elbv2::DescribeTargetGroupsOutput, AwsError> {
        let size = input.page_size.unwrap_or(MAX_PAGE);
        if !(1..=MAX_PAGE).contains(&size) {
            return Err(validation(format!("Page size {size} is not valid: it must be from 1 to {MAX_PAGE}")));
        }
        let given = [input.load_balancer_arn.is_some(), input.target_group_arns.is_some(), input.names.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(validation("Only one of a load balancer ARN, target group ARNs or names can be specified"));
        }
        let used = uses(ctx)?;
        let all = ctx.list::<TargetGroupDoc>()?;
        let mut chosen = Vec::new();
        if let Some(lb) = &input.load_balancer_arn {
            load_balancer(ctx, lb)?;
            for (arn, g) in all {
                if used.iter().any(|(tg, l)| *tg == arn && l == lb) {
                    chosen.push(described(g, &arn, &used));
                }
            }
        } else if let Some(arns) = &input.target_group_arns {
            for want in arns {
                let (arn, g) = all.iter().find(|(a, _)| a == want).ok_or_else(|| tg_not_found(want))?;
                chosen.push(described(g.clone(), arn, &used));
            }
        } else if let Some(names) = &input.names {
            for name in names {
                let (arn, g) = all
                    .iter()
                    .find(|(_, g)| g.group.target_group_name.as_deref() == Some(name.as_str()))
                    .ok_or_else(|| {
                        AwsError::bad_request(
                            "TargetGroupNotFound",
                            format!("One or more target groups not found: {name}"),
                        )
                    })?;
                chosen.push(described(g.clone(), arn, &used));
            }
        } else {
            chosen = all.into_iter().map(|(arn, g)| described(g, &arn, &used)).collect();
        }
        let (page, next_marker) = super::page(chosen, input.marker.as_deref(), size as usize)?;
        Ok(elbv2::DescribeTargetGroupsOutput { target_groups: Some(page), next_marker })
    }
}

impl Handler for elbv2::DeleteTargetGroup {
    const MUTATES: bool = true;

    /// A target group a listener forwards to is `ResourceInUse`; one that does not exist is
    /// no error (ELB answers success).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::DeleteTargetGroupInput,
    ) -> Result<elbv2::DeleteTargetGroupOutput, AwsError> {
        let arn = input.target_group_arn;
        if let Some((_, lb)) = uses(ctx)?.into_iter().find(|(tg, _)| *tg == arn) {
            return Err(AwsError::bad_request(
                "ResourceInUse",
                format!("Target group '{arn}' is currently in use by a listener or a rule of load balancer '{lb}'"),
            ));
        }
        ctx.delete::<TargetGroupDoc>(&arn)?;
        Ok(elbv2::DeleteTargetGroupOutput {})
    }
}
