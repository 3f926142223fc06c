//! Elastic Load Balancing, Classic Load Balancers (API 2012-06-01): load balancers in the
//! EC2 state's subnets, their listeners, attributes, policies and tags
//! (<https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/Welcome.html>).
//!
//! A Classic Load Balancer is regional and stored under its name. Errors are the model's codes
//! (`LoadBalancerNotFound`, `DuplicateLoadBalancerName`, `InvalidConfigurationRequest` (409),
//! ...), as the query protocol's `<ErrorResponse>` carries them.

mod attributes;
mod listeners;
mod load_balancers;
mod policies;
mod tags;

use std::collections::BTreeMap;

use hubsim_model::elb;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers the Classic Load Balancer operations.
pub fn register(r: &mut Registrar) {
    load_balancers::register(r);
    attributes::register(r);
    listeners::register(r);
    policies::register(r);
    tags::register(r);
}

/// One Classic Load Balancer as stored (id: its name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassicDoc {
    /// What `DescribeLoadBalancers` answers.
    pub lb: elb::LoadBalancerDescription,
    /// Its attributes in force.
    pub attributes: elb::LoadBalancerAttributes,
    /// Its own policies (created with `CreateLoadBalancerPolicy` or by ELB for a new secure
    /// listener).
    #[serde(default)]
    pub policies: Vec<elb::PolicyDescription>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for ClassicDoc {
    const KIND: &'static str = "elb:load-balancer";
}

/// 400 `ValidationError`.
pub(crate) fn validation(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationError", message)
}

/// 409 `InvalidConfigurationRequest` (the Classic API's status for it, from its model).
pub(crate) fn invalid_configuration(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidConfigurationRequest", 409, message)
}

/// 400 `LoadBalancerNotFound`.
pub(crate) fn not_found(name: &str) -> AwsError {
    AwsError::bad_request("LoadBalancerNotFound", format!("There is no ACTIVE Load Balancer named '{name}'"))
}

/// The load balancer `name` of the call's region, or `LoadBalancerNotFound`.
pub(crate) fn load_balancer(ctx: &Ctx<'_>, name: &str) -> Result<ClassicDoc, AwsError> {
    ctx.get::<ClassicDoc>(name)?.ok_or_else(|| not_found(name))
}
