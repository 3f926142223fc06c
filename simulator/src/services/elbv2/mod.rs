//! Elastic Load Balancing v2 (API 2015-12-01): Application, Network and Gateway Load
//! Balancers, their attributes, listeners, target groups and tags
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/Welcome.html>).
//!
//! Everything is regional and stored under its ARN. A load balancer lives in the subnets of one
//! VPC of the EC2 state (`ec2:subnet`), and an Application Load Balancer in the security groups
//! of that VPC. Its listeners and target groups are stored apart and name it by ARN; deleting a
//! load balancer deletes its listeners, as AWS does.
//!
//! Errors are the model's codes (`LoadBalancerNotFound`, `DuplicateLoadBalancerName`, ...),
//! 400 each, as the query protocol's `<ErrorResponse>` carries them.

mod attributes;
mod listeners;
mod load_balancers;
mod tags;
mod target_groups;

use std::collections::BTreeMap;

use hubsim_model::elbv2;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

pub(crate) use attributes::policy_allows_elb;

/// Registers ELBv2's operations.
pub fn register(r: &mut Registrar) {
    load_balancers::register(r);
    attributes::register(r);
    listeners::register(r);
    target_groups::register(r);
    tags::register(r);
}

/// One load balancer as stored (id: its ARN).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancerDoc {
    /// What `DescribeLoadBalancers` answers.
    pub lb: elbv2::LoadBalancer,
    /// Its attributes in force, defaults included, by key.
    pub attributes: BTreeMap<String, String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for LoadBalancerDoc {
    const KIND: &'static str = "elbv2:load-balancer";
}

impl LoadBalancerDoc {
    /// `application`, `network` or `gateway`.
    pub fn kind(&self) -> &str {
        self.lb.type_.as_deref().unwrap_or("application")
    }

    /// Its name.
    pub fn name(&self) -> &str {
        self.lb.load_balancer_name.as_deref().unwrap_or_default()
    }
}

/// One listener as stored (id: its ARN).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListenerDoc {
    /// What `DescribeListeners` answers.
    pub listener: elbv2::Listener,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for ListenerDoc {
    const KIND: &'static str = "elbv2:listener";
}

/// One target group as stored (id: its ARN).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetGroupDoc {
    /// What `DescribeTargetGroups` answers (its `LoadBalancerArns` are derived from the
    /// listeners when it is described).
    pub group: elbv2::TargetGroup,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for TargetGroupDoc {
    const KIND: &'static str = "elbv2:target-group";
}

/// The ARN prefix of the call's region and account.
pub(crate) fn arn_prefix(ctx: &Ctx<'_>) -> String {
    format!("arn:aws:elasticloadbalancing:{}:{}:", ctx.region(), ctx.account())
}

/// 400 `ValidationError`.
pub(crate) fn validation(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationError", message)
}

/// One page of `items` for a Describe call of either ELB API: from position `marker` (the
/// position the previous page's `NextMarker` gave), at most `size` items, and the marker of the
/// next page if there are more. A marker that is not a position is a `ValidationError`.
pub(crate) fn page<T>(items: Vec<T>, marker: Option<&str>, size: usize) -> Result<(Vec<T>, Option<String>), AwsError> {
    let start = match marker {
        None => 0,
        Some(m) => m.parse::<usize>().map_err(|_| validation(format!("Marker '{m}' is not valid")))?,
    };
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let end = start.saturating_add(page.len());
    Ok((page, (end < total).then(|| end.to_string())))
}

/// 400 `InvalidConfigurationRequest`.
pub(crate) fn invalid_configuration(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidConfigurationRequest", message)
}

/// 400 `LoadBalancerNotFound`.
pub(crate) fn lb_not_found(arn: &str) -> AwsError {
    AwsError::bad_request("LoadBalancerNotFound", format!("Load balancer '{arn}' not found"))
}

/// 400 `ListenerNotFound`.
pub(crate) fn listener_not_found(arn: &str) -> AwsError {
    AwsError::bad_request("ListenerNotFound", format!("Listener '{arn}' not found"))
}

/// 400 `TargetGroupNotFound`.
pub(crate) fn tg_not_found(arn: &str) -> AwsError {
    AwsError::bad_request("TargetGroupNotFound", format!("Target groups '{arn}' not found"))
}

/// The load balancer `arn` of the call's region, or `LoadBalancerNotFound`.
pub(crate) fn load_balancer(ctx: &Ctx<'_>, arn: &str) -> Result<LoadBalancerDoc, AwsError> {
    ctx.get::<LoadBalancerDoc>(arn)?.ok_or_else(|| lb_not_found(arn))
}

/// Checks a load balancer or target group name: 1–32 letters, digits and hyphens, neither
/// starting nor ending with a hyphen
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html>).
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), AwsError> {
    let shaped = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !shaped {
        return Err(validation(format!(
            "{what} name '{name}' is not valid: it must have 1 to 32 alphanumeric characters or hyphens, and must not begin or end with a hyphen"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn pages_follow_their_markers_and_a_bad_marker_is_refused() {
        let items: Vec<u32> = (0..5).collect();
        assert_eq!(page(items.clone(), None, 2).unwrap(), (vec![0, 1], Some("2".to_string())));
        assert_eq!(page(items.clone(), Some("2"), 2).unwrap(), (vec![2, 3], Some("4".to_string())));
        assert_eq!(page(items.clone(), Some("4"), 2).unwrap(), (vec![4], None));
        // A marker past the end gives an empty last page, not a panic.
        assert_eq!(page(items.clone(), Some("99"), 2).unwrap(), (vec![], None));
        let e = page(items, Some("abc"), 2).unwrap_err();
        assert_eq!(e.code, "ValidationError");
        assert!(e.message.contains("Marker 'abc' is not valid"), "{}", e.message);
    }
}
