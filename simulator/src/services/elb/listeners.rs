//! CreateLoadBalancerListeners, DeleteLoadBalancerListeners
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html>).

use hubsim_model::elb;

use super::policies::ssl_policy;
use super::{load_balancer, validation, ClassicDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elb::CreateLoadBalancerListeners>().add::<elb::DeleteLoadBalancerListeners>();
}

/// The predefined policy ELB associates with a new HTTPS or SSL listener given none
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html>).
pub(super) fn default_ssl_policy() -> String {
    "ELBSecurityPolicy-2016-08".to_string()
}

/// Whether a protocol terminates TLS.
pub(crate) fn secure(protocol: &str) -> bool {
    protocol == "HTTPS" || protocol == "SSL"
}

/// Checks listeners as ELB does and normalizes their protocols to upper case: HTTP, HTTPS,
/// TCP or SSL; a secure one names a certificate; no port twice.
pub(super) fn check_listeners(listeners: &[elb::Listener]) -> Result<Vec<elb::Listener>, AwsError> {
    if listeners.is_empty() {
        return Err(validation("At least one listener must be specified"));
    }
    let mut out: Vec<elb::Listener> = Vec::new();
    for l in listeners {
        let protocol = l.protocol.to_ascii_uppercase();
        let instance = l.instance_protocol.as_deref().map_or_else(|| protocol.clone(), str::to_ascii_uppercase);
        for p in [&protocol, &instance] {
            if !["HTTP", "HTTPS", "TCP", "SSL"].contains(&p.as_str()) {
                return Err(AwsError::bad_request("UnsupportedProtocol", format!("Protocol '{p}' is not supported")));
            }
        }
        if secure(&protocol) && l.ssl_certificate_id.as_deref().is_none_or(str::is_empty) {
            return Err(validation(format!("SSLCertificateId is required for an {protocol} listener")));
        }
        if let Some(cert) = l.ssl_certificate_id.as_deref().filter(|c| !c.is_empty()) {
            if !(cert.starts_with("arn:aws:acm:") || cert.starts_with("arn:aws:iam::")) {
                return Err(AwsError::bad_request(
                    "CertificateNotFound",
                    format!("Server Certificate not found for the key: {cert}"),
                ));
            }
        }
        if out.iter().any(|o| o.load_balancer_port == l.load_balancer_port) {
            return Err(AwsError::bad_request(
                "DuplicateListener",
                format!("A listener already exists for port {}", l.load_balancer_port),
            ));
        }
        out.push(elb::Listener { protocol, instance_protocol: Some(instance), ..l.clone() });
    }
    Ok(out)
}

/// Adds `listener` to `doc`; a secure one gets the predefined policy `policy` (created on the
/// load balancer when it has none of that name).
pub(super) fn with_default_policy(doc: &mut ClassicDoc, listener: elb::Listener, policy: &str) {
    let mut names = Vec::new();
    if secure(&listener.protocol) {
        if !doc.policies.iter().any(|p| p.policy_name.as_deref() == Some(policy)) {
            doc.policies.push(ssl_policy(policy, policy));
            if let Some(other) = doc.lb.policies.as_mut().and_then(|p| p.other_policies.as_mut()) {
                other.push(policy.to_string());
            }
        }
        names.push(policy.to_string());
    }
    doc.lb
        .listener_descriptions
        .get_or_insert_with(Vec::new)
        .push(elb::ListenerDescription { listener: Some(listener), policy_names: Some(names) });
}

impl Handler for elb::CreateLoadBalancerListeners {
    const MUTATES: bool = true;

    /// A listener on a port the load balancer already listens on is refused unless it is the
    /// same listener.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::CreateLoadBalancerListenerInput,
    ) -> Result<elb::CreateLoadBalancerListenerOutput, AwsError> {
        let mut doc = load_balancer(ctx, &input.load_balancer_name)?;
        let listeners = check_listeners(&input.listeners)?;
        let existing: Vec<elb::Listener> =
            doc.lb.listener_descriptions.iter().flatten().filter_map(|d| d.listener.clone()).collect();
        for l in listeners {
            match existing.iter().find(|e| e.load_balancer_port == l.load_balancer_port) {
                Some(e) if *e == l => {}
                Some(_) => {
                    return Err(AwsError::bad_request(
                        "DuplicateListener",
                        format!(
                            "A listener already exists for {} with LoadBalancerPort {}",
                            input.load_balancer_name, l.load_balancer_port
                        ),
                    ))
                }
                None => with_default_policy(&mut doc, l, &default_ssl_policy()),
            }
        }
        ctx.put(&input.load_balancer_name, &doc)?;
        Ok(elb::CreateLoadBalancerListenerOutput {})
    }
}

impl Handler for elb::DeleteLoadBalancerListeners {
    const MUTATES: bool = true;

    /// Ports without a listener are ignored.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::DeleteLoadBalancerListenerInput,
    ) -> Result<elb::DeleteLoadBalancerListenerOutput, AwsError> {
        let mut doc = load_balancer(ctx, &input.load_balancer_name)?;
        if let Some(d) = doc.lb.listener_descriptions.as_mut() {
            d.retain(|d| {
                d.listener.as_ref().is_none_or(|l| !input.load_balancer_ports.contains(&l.load_balancer_port))
            });
        }
        ctx.put(&input.load_balancer_name, &doc)?;
        Ok(elb::DeleteLoadBalancerListenerOutput {})
    }
}
