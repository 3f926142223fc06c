//! ELB.1, ELB.4, ELB.6, ELB.12 and ELB.17 by API; ELB.13 justified
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html>).
//!
//! Each fix turns a setting on or narrows TLS; none deletes a load balancer, a listener or a
//! target group. ELB.1's redirect changes what HTTP clients get (a 301 instead of the page),
//! which is what the control asks, but only where an HTTPS listener already answers the
//! redirected clients; without one the finding is justified, not fixed.

use hubsim_api::model::elbv2;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::elb::{redirects_to_https, RECOMMENDED_SSL_POLICY};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::{LoadBalancerV2View, Snapshot};

/// The ELBv2 fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "ELB.1",
            iam_actions: &["elasticloadbalancing:ModifyListener"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_1),
        },
        Fix {
            control: "ELB.4",
            iam_actions: &["elasticloadbalancing:ModifyLoadBalancerAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_4),
        },
        Fix {
            control: "ELB.6",
            iam_actions: &["elasticloadbalancing:ModifyLoadBalancerAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_6),
        },
        Fix {
            control: "ELB.12",
            iam_actions: &["elasticloadbalancing:ModifyLoadBalancerAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_12),
        },
        Fix {
            control: "ELB.13",
            iam_actions: &[],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Justified(Justification::SingleZoneLoadBalancer),
        },
        Fix {
            control: "ELB.17",
            iam_actions: &["elasticloadbalancing:ModifyListener"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_17),
        },
    ]
}

/// The load balancer `arn` of `region` in `snapshot`.
fn find<'s>(snapshot: &'s Snapshot, region: &str, arn: &str) -> Option<&'s LoadBalancerV2View> {
    snapshot.regions.iter().filter(|r| r.name == region).flat_map(|r| r.elb.v2.iter()).find(|lb| lb.arn() == arn)
}

/// The load balancer the finding is about.
fn target_lb<'s>(target: &Target<'s>) -> Option<&'s LoadBalancerV2View> {
    find(target.snapshot, target.region, target.resource)
}

/// ELB.1's justification holds while the load balancer has an HTTP listener that does not
/// redirect and no HTTPS listener; the others are not this file's.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    let region = resource.split(':').nth(3).unwrap_or_default();
    let v2 = resource.split_once(":loadbalancer/").is_some_and(|(_, rest)| rest.contains('/'));
    if matches!(j, Justification::SingleZoneLoadBalancer) && v2 {
        // ELB.13 holds while the load balancer spans fewer than two zones.
        let Some(lb) = find(snapshot, region, resource) else {
            return Err(format!("load balancer {resource} no longer exists: nothing is left to justify"));
        };
        if lb.zone_count() >= 2 {
            return Err(format!("load balancer {} spans {} zones now", lb.name(), lb.zone_count()));
        }
        return Ok(());
    }
    if !matches!(j, Justification::NoHttpsListener { .. }) {
        return Ok(());
    }
    let Some(lb) = find(snapshot, region, resource) else {
        return Err(format!("load balancer {resource} no longer exists: nothing is left to justify"));
    };
    let has_https = lb.listeners.iter().any(|l| l.protocol.as_deref() == Some("HTTPS"));
    let plain = lb.listeners.iter().any(|l| l.protocol.as_deref() == Some("HTTP") && !redirects_to_https(l));
    if has_https || !plain {
        return Err(format!(
            "load balancer {} has an HTTPS listener now (or no HTTP listener left to redirect): run the fix again",
            lb.name()
        ));
    }
    Ok(())
}

/// Points every HTTP listener that does not redirect at the load balancer's HTTPS listener
/// (a permanent redirect to HTTPS on its port, keeping host, path and query), as AWS documents
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions>).
fn elb_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(lb) = target_lb(target) else { return Ok(Done::Applied) };
    let Some(https) = lb.listeners.iter().find(|l| l.protocol.as_deref() == Some("HTTPS")) else {
        return Ok(Done::Unfixable(Justification::NoHttpsListener { load_balancer: lb.name().to_string() }));
    };
    let port = https.port.unwrap_or(443).to_string();
    for l in lb.listeners.iter().filter(|l| l.protocol.as_deref() == Some("HTTP") && !redirects_to_https(l)) {
        let redirect = elbv2::Action {
            type_: "redirect".into(),
            redirect_config: Some(elbv2::RedirectActionConfig {
                protocol: Some("HTTPS".into()),
                port: Some(port.clone()),
                host: Some("#{host}".into()),
                path: Some("/#{path}".into()),
                query: Some("#{query}".into()),
                status_code: "HTTP_301".into(),
            }),
            ..Default::default()
        };
        f.call::<elbv2::ModifyListener>(
            target.region,
            elbv2::ModifyListenerInput {
                listener_arn: l.listener_arn.clone().unwrap_or_default(),
                default_actions: Some(vec![redirect]),
                ..Default::default()
            },
        )?;
    }
    Ok(Done::Applied)
}

/// Sets one attribute of the finding's load balancer.
fn set<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>, key: &str, value: &str) -> Result<Done, Failed> {
    let Some(lb) = target_lb(target) else { return Ok(Done::Applied) };
    f.call::<elbv2::ModifyLoadBalancerAttributes>(
        target.region,
        elbv2::ModifyLoadBalancerAttributesInput {
            load_balancer_arn: lb.arn().to_string(),
            attributes: vec![elbv2::LoadBalancerAttribute { key: Some(key.into()), value: Some(value.into()) }],
        },
    )?;
    Ok(Done::Applied)
}

/// Drops invalid header fields
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes>).
fn elb_4<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    set(f, target, "routing.http.drop_invalid_header_fields.enabled", "true")
}

/// Turns deletion protection on: nothing is deleted, later deletions need it turned off first.
fn elb_6<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    set(f, target, "deletion_protection.enabled", "true")
}

/// Sets the desync mitigation mode to `defensive`, AWS's default (or the first mode the
/// control's parameter allows)
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode>).
fn elb_12<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let allowed = target.params.list("desyncMode").unwrap_or_default();
    let mode = if allowed.is_empty() || allowed.iter().any(|m| m == "defensive") {
        "defensive".to_string()
    } else {
        allowed[0].clone()
    };
    set(f, target, "routing.http.desync_mitigation_mode", &mode)
}

/// Moves the listener to AWS's recommended TLS 1.3 policy, which still accepts TLS 1.2 clients
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>).
fn elb_17<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let exists = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.elb.v2.iter().flat_map(|lb| lb.listeners.iter()))
        .any(|l| l.listener_arn.as_deref() == Some(target.resource));
    if !exists {
        return Ok(Done::Applied);
    }
    f.call::<elbv2::ModifyListener>(
        target.region,
        elbv2::ModifyListenerInput {
            listener_arn: target.resource.to_string(),
            ssl_policy: Some(RECOMMENDED_SSL_POLICY.into()),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{ElbView, Region};

    const ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef";

    fn listener(protocol: &str) -> elbv2::Listener {
        elbv2::Listener { protocol: Some(protocol.into()), port: Some(80), ..Default::default() }
    }

    fn snapshot(listeners: Vec<elbv2::Listener>) -> Snapshot {
        let lb = elbv2::LoadBalancer {
            load_balancer_arn: Some(ARN.into()),
            load_balancer_name: Some("web".into()),
            ..Default::default()
        };
        let elb =
            ElbView { v2: vec![LoadBalancerV2View { lb, listeners, ..Default::default() }], ..Default::default() };
        Snapshot { regions: vec![Region { name: "us-east-1".into(), elb, ..Default::default() }], ..Default::default() }
    }

    #[test]
    fn elb_1_is_justified_only_while_http_has_no_https_listener_to_go_to() {
        let j = Justification::NoHttpsListener { load_balancer: "web".into() };
        assert!(precondition(&j, &snapshot(vec![listener("HTTP")]), ARN).is_ok());
        assert!(precondition(&j, &snapshot(vec![listener("HTTP"), listener("HTTPS")]), ARN).is_err());
        assert!(precondition(&j, &snapshot(vec![]), ARN).is_err(), "no HTTP listener left");
        assert!(precondition(&j, &Snapshot::default(), ARN).is_err(), "load balancer gone");
        // Other justifications are not this file's.
        assert!(precondition(&Justification::NoFix, &Snapshot::default(), ARN).is_ok());
    }
}
