//! ELB.1, ELB.4, ELB.6, ELB.12, ELB.13 and ELB.17: Application, Network and Gateway Load
//! Balancers and their listeners
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html).

use hubsim_api::Era;

use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use crate::snapshot::LoadBalancerV2View;

/// The security policies ELB.17 accepts by default (hubsim's reading of the control's
/// `sslPolicies` default: the TLS 1.3 policies AWS recommends, FIPS variants included) [U].
pub(crate) const RECOMMENDED_SSL_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
];

/// The policy ELB.17's fix moves a listener to: AWS's recommended policy.
pub(crate) const RECOMMENDED_SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "ELB.1",
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/alb-http-to-https-redirection-check.html
        config_rule: Some("alb-http-to-https-redirection-check"),
        parameters: &[],
        choices: "Application Load Balancers only. An ALB fails when one of its HTTP listeners has no default \
                  action that redirects to HTTPS (a redirect whose Protocol is HTTPS); an ALB without HTTP \
                  listeners passes. hubsim has no listener rules, so only default actions are read.",
        evaluate: elb_1,
    },
    Control {
        id: "ELB.4",
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/alb-http-drop-invalid-header-enabled.html
        config_rule: Some("alb-http-drop-invalid-header-enabled"),
        parameters: &[],
        choices: "Application Load Balancers only: routing.http.drop_invalid_header_fields.enabled must be true \
                  (its default is false).",
        evaluate: elb_4,
    },
    Control {
        id: "ELB.6",
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-deletion-protection-enabled.html
        config_rule: Some("elb-deletion-protection-enabled"),
        parameters: &[],
        choices: "deletion_protection.enabled must be true. Era current judges Application, Gateway and Network \
                  Load Balancers (the control's title); era 2022 only Application Load Balancers (its title then) \
                  [I].",
        evaluate: elb_6,
    },
    Control {
        id: "ELB.12",
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/alb-desync-mode-check.html
        config_rule: Some("alb-desync-mode-check"),
        parameters: &[Parameter {
            name: "desyncMode",
            kind: ParamKind::EnumList(&["defensive", "strictest", "monitor"]),
            default: Some(r#"["defensive","strictest"]"#),
            doc: "the desync mitigation modes that pass",
        }],
        choices: "Application Load Balancers only: routing.http.desync_mitigation_mode must be one of desyncMode \
                  (defensive or strictest by default; an ALB starts in defensive, so only a move to monitor fails).",
        evaluate: elb_12,
    },
    Control {
        id: "ELB.13",
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elbv2-multiple-az.html
        config_rule: Some("elbv2-multiple-az"),
        parameters: &[Parameter {
            name: "minAvailabilityZones",
            kind: ParamKind::Int { min: 2, max: 10 },
            default: Some("2"),
            doc: "the fewest Availability Zones a load balancer may be mapped to",
        }],
        choices: "Every ELBv2 type: the distinct zones of its AvailabilityZones must be at least \
                  minAvailabilityZones (2). An ALB cannot have fewer than two, so only NLBs and GWLBs fail.",
        evaluate: elb_13,
    },
    Control {
        id: "ELB.17",
        resource_type: "AWS::ElasticLoadBalancingV2::Listener",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elbv2-predefined-security-policy-ssl-check.html
        config_rule: Some("elbv2-predefined-security-policy-ssl-check"),
        parameters: &[],
        choices: "One verdict per HTTPS listener of an ALB and TLS listener of an NLB (other listeners are not \
                  judged): its SslPolicy must be one of AWS's recommended TLS 1.3 policies \
                  (ELBSecurityPolicy-TLS13-1-2-2021-06, -Res-, 1-3, their FIPS and PQ forms) [U: hubsim's reading \
                  of the control's sslPolicies default].",
        evaluate: elb_17,
    },
];

fn lb_ref(lb: &LoadBalancerV2View) -> ResourceRef {
    ResourceRef { id: lb.arn().to_string(), kind: "AwsElbv2LoadBalancer" }
}

/// The Application Load Balancers of the region.
fn albs<'a>(i: &'a Input<'_>) -> impl Iterator<Item = &'a LoadBalancerV2View> {
    i.region.elb.v2.iter().filter(|lb| lb.kind() == "application")
}

/// Whether a listener's default actions redirect to HTTPS.
pub(crate) fn redirects_to_https(l: &hubsim_api::model::elbv2::Listener) -> bool {
    l.default_actions.iter().flatten().any(|a| {
        a.type_ == "redirect" && a.redirect_config.as_ref().and_then(|r| r.protocol.as_deref()) == Some("HTTPS")
    })
}

fn elb_1(i: &Input<'_>) -> Vec<Verdict> {
    albs(i)
        .map(|lb| {
            let plain: Vec<String> = lb
                .listeners
                .iter()
                .filter(|l| l.protocol.as_deref() == Some("HTTP") && !redirects_to_https(l))
                .map(|l| l.port.unwrap_or_default().to_string())
                .collect();
            Verdict::check(
                lb_ref(lb),
                plain.is_empty(),
                format!("every HTTP listener of load balancer {} redirects to HTTPS", lb.name()),
                format!(
                    "load balancer {}'s HTTP listener on port {} does not redirect to HTTPS",
                    lb.name(),
                    plain.join(", ")
                ),
            )
        })
        .collect()
}

fn elb_4(i: &Input<'_>) -> Vec<Verdict> {
    albs(i)
        .map(|lb| {
            let on = lb.attribute("routing.http.drop_invalid_header_fields.enabled") == "true";
            Verdict::check(
                lb_ref(lb),
                on,
                format!("load balancer {} drops invalid HTTP header fields", lb.name()),
                format!("load balancer {} does not drop invalid HTTP header fields", lb.name()),
            )
        })
        .collect()
}

fn elb_6(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .elb
        .v2
        .iter()
        .filter(|lb| i.era != Era::Y2022 || lb.kind() == "application")
        .map(|lb| {
            let on = lb.attribute("deletion_protection.enabled") == "true";
            Verdict::check(
                lb_ref(lb),
                on,
                format!("load balancer {} has deletion protection enabled", lb.name()),
                format!("load balancer {} does not have deletion protection enabled", lb.name()),
            )
        })
        .collect()
}

fn elb_12(i: &Input<'_>) -> Vec<Verdict> {
    let allowed = i.params.list("desyncMode").unwrap_or_else(|| vec!["defensive".into(), "strictest".into()]);
    albs(i)
        .map(|lb| {
            let mode = lb.attribute("routing.http.desync_mitigation_mode");
            Verdict::check(
                lb_ref(lb),
                allowed.iter().any(|m| m == mode),
                format!("load balancer {}'s desync mitigation mode is {mode}", lb.name()),
                format!("load balancer {}'s desync mitigation mode is {mode}, not {}", lb.name(), allowed.join(" or ")),
            )
        })
        .collect()
}

fn elb_13(i: &Input<'_>) -> Vec<Verdict> {
    let min = i.params.int("minAvailabilityZones").unwrap_or(2).max(0) as usize;
    i.region
        .elb
        .v2
        .iter()
        .map(|lb| {
            let zones = lb.zone_count();
            Verdict::check(
                lb_ref(lb),
                zones >= min,
                format!("load balancer {} spans {zones} Availability Zones", lb.name()),
                format!("load balancer {} spans {zones} Availability Zone(s), fewer than {min}", lb.name()),
            )
        })
        .collect()
}

fn elb_17(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for lb in &i.region.elb.v2 {
        for l in &lb.listeners {
            let judged =
                matches!((lb.kind(), l.protocol.as_deref()), ("application", Some("HTTPS")) | ("network", Some("TLS")));
            if !judged {
                continue;
            }
            let policy = l.ssl_policy.as_deref().unwrap_or("none");
            let port = l.port.unwrap_or_default();
            out.push(Verdict::check(
                ResourceRef { id: l.listener_arn.clone().unwrap_or_default(), kind: "Other" },
                RECOMMENDED_SSL_POLICIES.contains(&policy),
                format!("load balancer {}'s listener on port {port} uses the recommended policy {policy}", lb.name()),
                format!(
                    "load balancer {}'s listener on port {port} uses {policy}, not a recommended TLS 1.3 policy",
                    lb.name()
                ),
            ));
        }
    }
    out
}
