//! The load balancers of a region, as the ELB controls read them: every ELBv2 load balancer
//! (`DescribeLoadBalancers`) with its attributes (`DescribeLoadBalancerAttributes`) and its
//! listeners (`DescribeListeners`).

use std::collections::BTreeMap;

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

/// The load balancers of a region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ElbView {
    /// ELBv2 load balancers, in `DescribeLoadBalancers` order.
    pub v2: Vec<LoadBalancerV2View>,
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
    Ok(ElbView { v2 })
}
