//! CreateLoadBalancerPolicy, SetLoadBalancerPoliciesOfListener, DescribeLoadBalancerPolicies
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html>).

use hubsim_model::elb;

use super::listeners::secure;
use super::{invalid_configuration, load_balancer, validation};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elb::CreateLoadBalancerPolicy>()
        .add::<elb::SetLoadBalancerPoliciesOfListener>()
        .add::<elb::DescribeLoadBalancerPolicies>();
}

/// The predefined SSL negotiation policies of Classic Load Balancers, newest first
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html>).
pub(crate) const PREDEFINED: &[&str] = &[
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-2015-03",
    "ELBSecurityPolicy-2015-02",
    "ELBSecurityPolicy-2014-10",
    "ELBSecurityPolicy-2014-01",
    "ELBSecurityPolicy-2011-08",
    "ELBSample-ELBDefaultCipherPolicy",
    "ELBSample-OpenSSLDefaultCipherPolicy",
];

/// The policy types a load balancer's policy can have
/// (<https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeLoadBalancerPolicyTypes.html>).
const TYPES: &[&str] = &[
    "SSLNegotiationPolicyType",
    "ProxyProtocolPolicyType",
    "AppCookieStickinessPolicyType",
    "LBCookieStickinessPolicyType",
    "PublicKeyPolicyType",
    "BackendServerAuthenticationPolicyType",
];

/// The attribute naming the predefined policy an SSL negotiation policy takes its settings from.
pub(crate) const REFERENCE: &str = "Reference-Security-Policy";

/// An SSL negotiation policy named `name` that refers to the predefined policy `reference`.
pub(super) fn ssl_policy(name: &str, reference: &str) -> elb::PolicyDescription {
    elb::PolicyDescription {
        policy_name: Some(name.into()),
        policy_type_name: Some("SSLNegotiationPolicyType".into()),
        policy_attribute_descriptions: Some(vec![elb::PolicyAttributeDescription {
            attribute_name: Some(REFERENCE.into()),
            attribute_value: Some(reference.into()),
        }]),
    }
}

fn policy_not_found(name: &str) -> AwsError {
    AwsError::bad_request("PolicyNotFound", format!("There is no policy with name {name}"))
}

impl Handler for elb::CreateLoadBalancerPolicy {
    const MUTATES: bool = true;

    /// An SSL negotiation policy's `Reference-Security-Policy` must name a predefined policy.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::CreateLoadBalancerPolicyInput,
    ) -> Result<elb::CreateLoadBalancerPolicyOutput, AwsError> {
        let mut doc = load_balancer(ctx, &input.load_balancer_name)?;
        if !TYPES.contains(&input.policy_type_name.as_str()) {
            return Err(AwsError::bad_request(
                "PolicyTypeNotFound",
                format!("There is no policy type named {}", input.policy_type_name),
            ));
        }
        if doc.policies.iter().any(|p| p.policy_name.as_deref() == Some(input.policy_name.as_str())) {
            return Err(AwsError::bad_request(
                "DuplicatePolicyName",
                format!("Policy {} already exists for {}", input.policy_name, input.load_balancer_name),
            ));
        }
        let attributes: Vec<elb::PolicyAttributeDescription> = input
            .policy_attributes
            .unwrap_or_default()
            .into_iter()
            .map(|a| elb::PolicyAttributeDescription {
                attribute_name: a.attribute_name,
                attribute_value: a.attribute_value,
            })
            .collect();
        if input.policy_type_name == "SSLNegotiationPolicyType" {
            for a in &attributes {
                if a.attribute_name.as_deref() == Some(REFERENCE) {
                    let reference = a.attribute_value.as_deref().unwrap_or_default();
                    if !PREDEFINED.contains(&reference) {
                        return Err(invalid_configuration(format!("{reference} is not a predefined security policy")));
                    }
                }
            }
        }
        doc.policies.push(elb::PolicyDescription {
            policy_name: Some(input.policy_name.clone()),
            policy_type_name: Some(input.policy_type_name),
            policy_attribute_descriptions: Some(attributes),
        });
        if let Some(other) = doc.lb.policies.as_mut().and_then(|p| p.other_policies.as_mut()) {
            other.push(input.policy_name);
        }
        ctx.put(&input.load_balancer_name, &doc)?;
        Ok(elb::CreateLoadBalancerPolicyOutput {})
    }
}

impl Handler for elb::SetLoadBalancerPoliciesOfListener {
    const MUTATES: bool = true;

    /// Replaces the listener's policies (none clears them); an SSL negotiation policy only on
    /// an HTTPS or SSL listener, and at most one.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::SetLoadBalancerPoliciesOfListenerInput,
    ) -> Result<elb::SetLoadBalancerPoliciesOfListenerOutput, AwsError> {
        let mut doc = load_balancer(ctx, &input.load_balancer_name)?;
        let mut ssl = 0;
        for name in &input.policy_names {
            let p = doc
                .policies
                .iter()
                .find(|p| p.policy_name.as_deref() == Some(name.as_str()))
                .ok_or_else(|| policy_not_found(name))?;
            if p.policy_type_name.as_deref() == Some("SSLNegotiationPolicyType") {
                ssl += 1;
            }
        }
        if ssl > 1 {
            return Err(invalid_configuration("A listener can have only one SSL negotiation policy"));
        }
        let port = input.load_balancer_port;
        let listener = doc
            .lb
            .listener_descriptions
            .iter_mut()
            .flatten()
            .find(|d| d.listener.as_ref().is_some_and(|l| l.load_balancer_port == port))
            .ok_or_else(|| {
                AwsError::bad_request(
                    "ListenerNotFound",
                    format!("There is no listener on port {port} of {}", input.load_balancer_name),
                )
            })?;
        let is_secure = listener.listener.as_ref().is_some_and(|l| secure(&l.protocol));
        if ssl > 0 && !is_secure {
            return Err(invalid_configuration(format!("The listener on port {port} is not an HTTPS or SSL listener")));
        }
        listener.policy_names = Some(input.policy_names);
        ctx.put(&input.load_balancer_name, &doc)?;
        Ok(elb::SetLoadBalancerPoliciesOfListenerOutput {})
    }
}

impl Handler for elb::DescribeLoadBalancerPolicies {
    const MUTATES: bool = false;

    /// A load balancer's policies, or without one the predefined SSL negotiation policies.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::DescribeLoadBalancerPoliciesInput,
    ) -> Result<elb::DescribeLoadBalancerPoliciesOutput, AwsError> {
        let all: Vec<elb::PolicyDescription> = match &input.load_balancer_name {
            Some(name) => load_balancer(ctx, name)?.policies,
            None => PREDEFINED.iter().map(|p| ssl_policy(p, p)).collect(),
        };
        let chosen = match input.policy_names {
            Some(names) if !names.is_empty() => {
                let mut out = Vec::new();
                for n in &names {
                    let found = all
                        .iter()
                        .find(|p| p.policy_name.as_deref() == Some(n.as_str()))
                        .ok_or_else(|| policy_not_found(n))?;
                    out.push(found.clone());
                }
                out
            }
            _ => all,
        };
        if chosen.len() > 1000 {
            return Err(validation("Too many policies"));
        }
        Ok(elb::DescribeLoadBalancerPoliciesOutput { policy_descriptions: Some(chosen) })
    }
}
