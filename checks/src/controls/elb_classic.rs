//! ELB.2, ELB.3, ELB.5, ELB.7, ELB.8, ELB.9, ELB.10 and ELB.14: Classic Load Balancers (ELB.5
//! judges Application Load Balancers too)
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html).

use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use crate::snapshot::ClassicView;

/// The predefined policy ELB.8 requires of secure listeners (the rule's
/// `predefinedPolicyName` as Security Hub sets it).
pub(crate) const STRONG_CLASSIC_POLICY: &str = "ELBSecurityPolicy-TLS-1-2-2017-01";

/// The desync mitigation mode's attribute key.
pub(crate) const DESYNC: &str = "elb.http.desyncmitigationmode";

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "ELB.2",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-acm-certificate-required.html
        config_rule: Some("elb-acm-certificate-required"),
        parameters: &[],
        choices: "A Classic Load Balancer with HTTPS or SSL listeners fails when one of their certificates is not \
                  an ACM certificate (an IAM server certificate, arn:aws:iam::…:server-certificate/…); one without \
                  such listeners is not judged. Justified, not fixed: moving to ACM needs the certificate imported or issued.",
        evaluate: elb_2,
    },
    Control {
        id: "ELB.3",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-tls-https-listeners-only.html
        config_rule: Some("elb-tls-https-listeners-only"),
        parameters: &[],
        choices: "A Classic Load Balancer fails when any listener's protocol is HTTP or TCP (only HTTPS and SSL \
                  pass); one without listeners is not judged. Justified, not fixed: a listener's protocol is what its \
                  clients speak, and TLS needs a certificate.",
        evaluate: elb_3,
    },
    Control {
        id: "ELB.5",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-logging-enabled.html
        config_rule: Some("elb-logging-enabled"),
        parameters: &[],
        choices: "Classic Load Balancers (AccessLog Enabled) and Application Load Balancers \
                  (access_logs.s3.enabled) must deliver access logs, to any bucket (the rule's optional \
                  s3BucketNames is not set by Security Hub). Network and Gateway Load Balancers are not judged.",
        evaluate: elb_5,
    },
    Control {
        id: "ELB.7",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-connection-draining-enabled.html
        config_rule: Some("elb-connection-draining-enabled"),
        parameters: &[],
        choices: "ConnectionDraining Enabled must be true (the API creates it off).",
        evaluate: elb_7,
    },
    Control {
        id: "ELB.8",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-predefined-security-policy-ssl-check.html
        config_rule: Some("elb-predefined-security-policy-ssl-check"),
        parameters: &[],
        choices: "Every HTTPS or SSL listener must carry an SSL negotiation policy whose Reference-Security-Policy \
                  is ELBSecurityPolicy-TLS-1-2-2017-01 (the rule's predefinedPolicyName as Security Hub sets it); \
                  a listener with a custom or older policy, or none, fails. A load balancer without secure \
                  listeners is not judged.",
        evaluate: elb_8,
    },
    Control {
        id: "ELB.9",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/elb-cross-zone-load-balancing-enabled.html
        config_rule: Some("elb-cross-zone-load-balancing-enabled"),
        parameters: &[],
        choices: "CrossZoneLoadBalancing Enabled must be true (the API creates it off).",
        evaluate: elb_9,
    },
    Control {
        id: "ELB.10",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/clb-multiple-az.html
        config_rule: Some("clb-multiple-az"),
        parameters: &[Parameter {
            name: "minAvailabilityZones",
            kind: ParamKind::Int { min: 2, max: 10 },
            default: Some("2"),
            doc: "the fewest Availability Zones a Classic Load Balancer may span",
        }],
        choices: "The distinct AvailabilityZones of the load balancer must be at least minAvailabilityZones (2).",
        evaluate: elb_10,
    },
    Control {
        id: "ELB.14",
        resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/clb-desync-mode-check.html
        config_rule: Some("clb-desync-mode-check"),
        parameters: &[Parameter {
            name: "desyncMode",
            kind: ParamKind::EnumList(&["defensive", "strictest", "monitor"]),
            default: Some(r#"["defensive","strictest"]"#),
            doc: "the desync mitigation modes that pass",
        }],
        choices: "elb.http.desyncmitigationmode must be one of desyncMode (defensive or strictest; a new load \
                  balancer has defensive), compared without regard to case.",
        evaluate: elb_14,
    },
];

fn clb_ref(i: &Input<'_>, lb: &ClassicView) -> ResourceRef {
    ResourceRef { id: lb.arn(&i.region.name, &i.global.account), kind: "AwsElbLoadBalancer" }
}

/// One verdict per Classic Load Balancer of the region.
fn each(i: &Input<'_>, judge: impl Fn(&ClassicView) -> Option<(bool, String)>) -> Vec<Verdict> {
    i.region
        .elb
        .classic
        .iter()
        .filter_map(|lb| {
            let (ok, why) = judge(lb)?;
            Some(Verdict::check(clb_ref(i, lb), ok, why.clone(), why))
        })
        .collect()
}

fn secure(protocol: &str) -> bool {
    protocol.eq_ignore_ascii_case("HTTPS") || protocol.eq_ignore_ascii_case("SSL")
}

fn elb_2(i: &Input<'_>) -> Vec<Verdict> {
    each(i, |lb| {
        let certs: Vec<&str> = lb
            .listeners()
            .filter(|(l, _)| secure(&l.protocol))
            .filter_map(|(l, _)| l.ssl_certificate_id.as_deref())
            .collect();
        if certs.is_empty() {
            return None;
        }
        let other: Vec<&str> = certs.iter().copied().filter(|c| !c.starts_with("arn:aws:acm:")).collect();
        Some(if other.is_empty() {
            (true, format!("load balancer {}'s secure listeners use ACM certificates", lb.name()))
        } else {
            (false, format!("load balancer {} uses certificates not from ACM: {}", lb.name(), other.join(", ")))
        })
    })
}

fn elb_3(i: &Input<'_>) -> Vec<Verdict> {
    each(i, |lb| {
        let ports: Vec<String> = lb
            .listeners()
            .filter(|(l, _)| !secure(&l.protocol))
            .map(|(l, _)| format!("{} {}", l.protocol, l.load_balancer_port))
            .collect();
        lb.listeners().next()?;
        Some(if ports.is_empty() {
            (true, format!("every listener of load balancer {} terminates HTTPS or TLS", lb.name()))
        } else {
            (false, format!("load balancer {} has listeners without TLS: {}", lb.name(), ports.join(", ")))
        })
    })
}

fn elb_5(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = each(i, |lb| {
        let on = lb.attributes.access_log.as_ref().is_some_and(|a| a.enabled);
        Some(if on {
            (true, format!("load balancer {} delivers access logs", lb.name()))
        } else {
            (false, format!("load balancer {} does not deliver access logs", lb.name()))
        })
    });
    for lb in i.region.elb.v2.iter().filter(|lb| lb.kind() == "application") {
        let on = lb.attribute("access_logs.s3.enabled") == "true";
        out.push(Verdict::check(
            ResourceRef { id: lb.arn().to_string(), kind: "AwsElbv2LoadBalancer" },
            on,
            format!("load balancer {} delivers access logs to {}", lb.name(), lb.attribute("access_logs.s3.bucket")),
            format!("load balancer {} does not deliver access logs", lb.name()),
        ));
    }
    out
}

fn elb_7(i: &Input<'_>) -> Vec<Verdict> {
    each(i, |lb| {
        let on = lb.attributes.connection_draining.as_ref().is_some_and(|d| d.enabled);
        Some(if on {
            (true, format!("load balancer {} drains connections", lb.name()))
        } else {
            (false, format!("load balancer {} does not have connection draining enabled", lb.name()))
        })
    })
}

fn elb_8(i: &Input<'_>) -> Vec<Verdict> {
    each(i, |lb| {
        let secure_listeners: Vec<_> = lb.listeners().filter(|(l, _)| secure(&l.protocol)).collect();
        if secure_listeners.is_empty() {
            return None;
        }
        let weak: Vec<String> = secure_listeners
            .iter()
            .filter(|(_, policies)| !policies.iter().any(|p| lb.reference_policy(p) == Some(STRONG_CLASSIC_POLICY)))
            .map(|(l, policies)| {
                let used: Vec<&str> = policies.iter().filter_map(|p| lb.reference_policy(p)).collect();
                let used = if used.is_empty() { "no predefined policy".to_string() } else { used.join(", ") };
                format!("port {} ({used})", l.load_balancer_port)
            })
            .collect();
        Some(if weak.is_empty() {
            (true, format!("load balancer {}'s secure listeners use {STRONG_CLASSIC_POLICY}", lb.name()))
        } else {
            (
                false,
                format!(
                    "load balancer {}'s secure listeners do not use {STRONG_CLASSIC_POLICY}: {}",
                    lb.name(),
                    weak.join(", ")
                ),
            )
        })
    })
}

fn elb_9(i: &Input<'_>) -> Vec<Verdict> {
    each(i, |lb| {
        let on = lb.attributes.cross_zone_load_balancing.as_ref().is_some_and(|c| c.enabled);
        Some(if on {
            (true, format!("load balancer {} balances across zones", lb.name()))
        } else {
            (false, format!("load balancer {} does not have cross-zone load balancing enabled", lb.name()))
        })
    })
}

fn elb_10(i: &Input<'_>) -> Vec<Verdict> {
    let min = i.params.int("minAvailabilityZones").unwrap_or(2).max(0) as usize;
    each(i, |lb| {
        let mut zones: Vec<&String> = lb.lb.availability_zones.iter().flatten().collect();
        zones.sort_unstable();
        zones.dedup();
        let n = zones.len();
        Some(if n >= min {
            (true, format!("load balancer {} spans {n} Availability Zones", lb.name()))
        } else {
            (false, format!("load balancer {} spans {n} Availability Zone(s), fewer than {min}", lb.name()))
        })
    })
}

fn elb_14(i: &Input<'_>) -> Vec<Verdict> {
    let allowed = i.params.list("desyncMode").unwrap_or_else(|| vec!["defensive".into(), "strictest".into()]);
    each(i, |lb| {
        let mode = lb.additional(DESYNC).unwrap_or("defensive");
        Some(if allowed.iter().any(|m| m.eq_ignore_ascii_case(mode)) {
            (true, format!("load balancer {}'s desync mitigation mode is {mode}", lb.name()))
        } else {
            (
                false,
                format!("load balancer {}'s desync mitigation mode is {mode}, not {}", lb.name(), allowed.join(" or ")),
            )
        })
    })
}
