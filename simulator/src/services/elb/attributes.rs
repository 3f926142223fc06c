//! DescribeLoadBalancerAttributes, ModifyLoadBalancerAttributes: access logs, connection
//! draining, cross-zone load balancing, idle timeout and the desync mitigation mode
//! (<https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_ModifyLoadBalancerAttributes.html>,
//! <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-desync-mitigation-mode.html>).

use hubsim_model::elb;

use super::{invalid_configuration, load_balancer, validation};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::elbv2::policy_allows_elb;
use crate::services::s3::Bucket;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elb::DescribeLoadBalancerAttributes>().add::<elb::ModifyLoadBalancerAttributes>();
}

/// The desync mitigation mode's attribute key.
pub(crate) const DESYNC: &str = "elb.http.desyncmitigationmode";

/// The attributes of a load balancer created through the API: cross-zone balancing and
/// connection draining off (the console turns them on), no access logs, a 60-second idle
/// timeout, desync mode `defensive`.
pub(super) fn defaults() -> elb::LoadBalancerAttributes {
    elb::LoadBalancerAttributes {
        cross_zone_load_balancing: Some(elb::CrossZoneLoadBalancing { enabled: false }),
        access_log: Some(elb::AccessLog { enabled: false, ..Default::default() }),
        connection_draining: Some(elb::ConnectionDraining { enabled: false, timeout: Some(300) }),
        connection_settings: Some(elb::ConnectionSettings { idle_timeout: 60 }),
        additional_attributes: Some(vec![elb::AdditionalAttribute {
            key: Some(DESYNC.into()),
            value: Some("defensive".into()),
        }]),
    }
}

/// Checks that `bucket` exists in the call's region and lets ELB write its logs
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html>).
fn check_log_bucket(ctx: &Ctx<'_>, bucket: Option<&str>) -> Result<(), AwsError> {
    let bucket = bucket
        .filter(|b| !b.is_empty())
        .ok_or_else(|| validation("S3BucketName is required when access logs are enabled"))?;
    let found = ctx
        .get::<Bucket>(bucket)?
        .ok_or_else(|| invalid_configuration(format!("The specified bucket does not exist: {bucket}")))?;
    if found.region != ctx.region() || !found.policy.as_deref().is_some_and(|p| policy_allows_elb(p, ctx.region())) {
        return Err(invalid_configuration(format!(
            "Access Denied for bucket: {bucket}. Please check S3bucket permission"
        )));
    }
    Ok(())
}

impl Handler for elb::DescribeLoadBalancerAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::DescribeLoadBalancerAttributesInput,
    ) -> Result<elb::DescribeLoadBalancerAttributesOutput, AwsError> {
        let doc = load_balancer(ctx, &input.load_balancer_name)?;
        Ok(elb::DescribeLoadBalancerAttributesOutput { load_balancer_attributes: Some(doc.attributes) })
    }
}

impl Handler for elb::ModifyLoadBalancerAttributes {
    const MUTATES: bool = true;

    /// Replaces each attribute given, checked first (access logs: the bucket, an emit interval
    /// of 5 or 60; draining timeout 1–3600; idle timeout 1–4000; desync mode monitor, defensive
    /// or strictest); answers the attributes given.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elb::ModifyLoadBalancerAttributesInput,
    ) -> Result<elb::ModifyLoadBalancerAttributesOutput, AwsError> {
        let mut doc = load_balancer(ctx, &input.load_balancer_name)?;
        let asked = input.load_balancer_attributes;
        if let Some(log) = &asked.access_log {
            if log.emit_interval.is_some_and(|i| i != 5 && i != 60) {
                return Err(validation("EmitInterval must be 5 or 60 (minutes)"));
            }
            if log.enabled {
                check_log_bucket(ctx, log.s3_bucket_name.as_deref())?;
            }
        }
        if let Some(d) = &asked.connection_draining {
            if d.timeout.is_some_and(|t| !(1..=3600).contains(&t)) {
                return Err(validation("ConnectionDraining Timeout must be from 1 to 3600 seconds"));
            }
        }
        if let Some(c) = &asked.connection_settings {
            if !(1..=4000).contains(&c.idle_timeout) {
                return Err(validation("ConnectionSettings IdleTimeout must be from 1 to 4000 seconds"));
            }
        }
        for a in asked.additional_attributes.iter().flatten() {
            let key = a.key.as_deref().unwrap_or_default();
            let value = a.value.as_deref().unwrap_or_default();
            if key != DESYNC {
                return Err(validation(format!("Additional attribute '{key}' is not recognized")));
            }
            if !["monitor", "defensive", "strictest"].contains(&value) {
                return Err(validation(format!("'{value}' is not a valid {DESYNC}: monitor, defensive or strictest")));
            }
        }
        let a = &mut doc.attributes;
        if let Some(log) = asked.access_log.clone() {
            let interval = log.emit_interval.unwrap_or(60);
            a.access_log = Some(elb::AccessLog { emit_interval: log.enabled.then_some(interval), ..log });
        }
        if let Some(d) = asked.connection_draining.clone() {
            let timeout = d.timeout.or(a.connection_draining.as_ref().and_then(|c| c.timeout)).unwrap_or(300);
            a.connection_draining = Some(elb::ConnectionDraining { enabled: d.enabled, timeout: Some(timeout) });
        }
        if asked.cross_zone_load_balancing.is_some() {
            a.cross_zone_load_balancing = asked.cross_zone_load_balancing.clone();
        }
        if asked.connection_settings.is_some() {
            a.connection_settings = asked.connection_settings.clone();
        }
        if let Some(extra) = &asked.additional_attributes {
            let mut all = a.additional_attributes.clone().unwrap_or_default();
            for e in extra {
                all.retain(|x| x.key != e.key);
                all.push(e.clone());
            }
            a.additional_attributes = Some(all);
        }
        ctx.put(&input.load_balancer_name, &doc)?;
        Ok(elb::ModifyLoadBalancerAttributesOutput {
            load_balancer_name: Some(input.load_balancer_name),
            load_balancer_attributes: Some(asked),
        })
    }
}
