//! The load balancers of a region, as the ELB controls read them: every ELBv2 load balancer
//! (`DescribeLoadBalancers`) with its attributes (`DescribeLoadBalancerAttributes`) and its
//! listeners (`DescribeListeners`), and every Classic Load Balancer with its attributes and its
//! policies (`DescribeLoadBalancerPolicies`).

use std::collections::BTreeMap;

use hubsim_api::model::elb as classic;
use hubsim_api::model::elbv2;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One Application, Network or Gateway Load Balancer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadBalancerV2View {
    /// As `DescribeLoadBalancers` answers it.
    pub lb: elbv2::LoadBalancer,
    /// Its attributes, by key.
    pub attributes: BTreeMap<String, String>,
    /// Its listeners.
    pub listeners: Vec<elbv2::Listener>,
}

impl LoadBalancerV2View {
    /// Its ARN.
    pub fn arn(&self) -> &str {
        self.lb.load_balancer_arn.as_deref().unwrap_or_default()
    }

    /// Its name.
    pub fn name(&self) -> &str {
        self.lb.load_balancer_name.as_deref().unwrap_or_default()
    }

    /// `application`, `network` or `gateway`.
    pub fn kind(&self) -> &str {
        self.lb.type_.as_deref().unwrap_or("application")
    }

    /// An attribute's value (empty when it has none).
    pub fn attribute(&self, key: &str) -> &str {
        self.attributes.get(key).map_or("", String::as_str)
    }

    /// How many Availability Zones it is mapped to.
    pub fn zone_count(&self) -> usize {
        let mut zones: Vec<&str> =
            self.lb.availability_zones.iter().flatten().filter_map(|z| z.zone_name.as_deref()).collect();
        zones.sort_unstable();
        zones.dedup();
        zones.len()
    }
}

/// One Classic Load Balancer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassicView {
    /// As `DescribeLoadBalancers` answers it (listeners and their policy names included).
    pub lb: classic::LoadBalancerDescription,
    /// Its attributes.
    pub attributes: classic::LoadBalancerAttributes,
    /// Its policies.
    pub policies: Vec<classic::PolicyDescription>,
}

impl ClassicView {
    /// Its name.
    pub fn name(&self) -> &str {
        self.lb.load_balancer_name.as_deref().unwrap_or_default()
    }

    /// Its ARN in `region` of `account` (the form AWS Config and Security Hub name it by).
    pub fn arn(&self, region: &str, account: &str) -> String {
        format!("arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{}", self.name())
    }

    /// Its listeners with their policy names.
    pub fn listeners(&self) -> impl Iterator<Item = (&classic::Listener, &[String])> {
        self.lb
            .listener_descriptions
            .iter()
            .flatten()
            .filter_map(|d| Some((d.listener.as_ref()?, d.policy_names.as_deref().unwrap_or_default())))
    }

    /// The predefined policy an SSL negotiation policy of this load balancer refers to.
    pub fn reference_policy(&self, policy: &str) -> Option<&str> {
        self.policies
            .iter()
            .filter(|p| p.policy_name.as_deref() == Some(policy))
            .filter(|p| p.policy_type_name.as_deref() == Some("SSLNegotiationPolicyType"))
            .flat_map(|p| p.policy_attribute_descriptions.iter().flatten())
            .find(|a| a.attribute_name.as_deref() == Some("Reference-Security-Policy"))
            .and_then(|a| a.attribute_value.as_deref())
    }

    /// An additional attribute's value (`elb.http.desyncmitigationmode`).
    pub fn additional(&self, key: &str) -> Option<&str> {
        self.attributes
            .additional_attributes
            .iter()
            .flatten()
            .find(|a| a.key.as_deref() == Some(key))
            .and_then(|a| a.value.as_deref())
    }
}

/// The load balancers of a region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ElbView {
    /// ELBv2 load balancers, in `DescribeLoadBalancers` order.
    pub v2: Vec<LoadBalancerV2View>,
    /// Classic Load Balancers, in `DescribeLoadBalancers` order.
    pub classic: Vec<ClassicView>,
}

/// Reads the load balancers of `region`.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<ElbView, FetchError> {
    let mut lbs = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<elbv2::DescribeLoadBalancers>(
                region,
                elbv2::DescribeLoadBalancersInput { marker: marker.clone(), ..Default::default() },
            )
            .map_err(fail("ELBv2 load balancers", region))?;
        lbs.extend(page.load_balancers.unwrap_or_default());
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    let mut v2 = Vec::with_capacity(lbs.len());
    for lb in lbs {
        let arn = lb.load_balancer_arn.clone().unwrap_or_default();
        let what = format!("load balancer {arn}");
        let attributes = api
            .call::<elbv2::DescribeLoadBalancerAttributes>(
                region,
                elbv2::DescribeLoadBalancerAttributesInput { load_balancer_arn: arn.clone() },
            )
            .map_err(fail(&what, region))?
            .attributes
            .unwrap_or_default()
            .into_iter()
            .filter_map(|a| Some((a.key?, a.value.unwrap_or_default())))
            .collect();
        let mut listeners = Vec::new();
        let mut marker = None;
        loop {
            let page = api
                .call::<elbv2::DescribeListeners>(
                    region,
                    elbv2::DescribeListenersInput {
                        load_balancer_arn: Some(arn.clone()),
                        marker: marker.clone(),
                        ..Default::default()
                    },
                )
                .map_err(fail(&what, region))?;
            listeners.extend(page.listeners.unwrap_or_default());
            marker = page.next_marker;
            if marker.is_none() {
                break;
            }
        }
        v2.push(LoadBalancerV2View { lb, attributes, listeners });
    }
    Ok(ElbView { v2, classic: fetch_classic(api, region)? })
}

/// Reads the Classic Load Balancers of `region`.
fn fetch_classic<A: AwsApi>(api: &A, region: &str) -> Result<Vec<ClassicView>, FetchError> {
    let mut lbs = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<classic::DescribeLoadBalancers>(
                region,
                classic::DescribeAccessPointsInput { marker: marker.clone(), ..Default::default() },
            )
            .map_err(fail("Classic Load Balancers", region))?;
        lbs.extend(page.load_balancer_descriptions.unwrap_or_default());
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    let mut out = Vec::with_capacity(lbs.len());
    for lb in lbs {
        let name = lb.load_balancer_name.clone().unwrap_or_default();
        let what = format!("Classic Load Balancer {name}");
        let attributes = api
            .call::<classic::DescribeLoadBalancerAttributes>(
                region,
                classic::DescribeLoadBalancerAttributesInput { load_balancer_name: name.clone() },
            )
            .map_err(fail(&what, region))?
            .load_balancer_attributes
            .unwrap_or_default();
        let policies = api
            .call::<classic::DescribeLoadBalancerPolicies>(
                region,
                classic::DescribeLoadBalancerPoliciesInput { load_balancer_name: Some(name), policy_names: None },
            )
            .map_err(fail(&what, region))?
            .policy_descriptions
            .unwrap_or_default();
        out.push(ClassicView { lb, attributes, policies });
    }
    Ok(out)
}
