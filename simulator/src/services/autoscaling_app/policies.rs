//! PutScalingPolicy, DescribeScalingPolicies: target tracking policies on a registered table
//! capacity (<https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html>).

use hubsim_model::application_autoscaling as aas;

use super::{invalid, no_such_target, page, target_id, Target};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<aas::PutScalingPolicy>().add::<aas::DescribeScalingPolicies>();
}

impl Handler for aas::PutScalingPolicy {
    const MUTATES: bool = true;

    /// Creates or replaces a policy of a registered target. DynamoDB supports target tracking
    /// only (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html>):
    /// the policy type must be `TargetTrackingScaling` with its configuration (a target value
    /// of 20–90 percent, as DynamoDB's console offers).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: aas::PutScalingPolicyRequest,
    ) -> Result<aas::PutScalingPolicyResponse, AwsError> {
        let (ns, res, dim) = (&input.service_namespace, &input.resource_id, &input.scalable_dimension);
        let id = target_id(ns, res, dim);
        let mut target = ctx.get::<Target>(&id)?.ok_or_else(|| no_such_target(ns, res, dim))?;
        let kind = input.policy_type.clone().unwrap_or_else(|| "StepScaling".into());
        if kind != "TargetTrackingScaling" {
            return Err(invalid(format!("Unsupported policy type {kind} for DynamoDB: use TargetTrackingScaling")));
        }
        let Some(config) = input.target_tracking_scaling_policy_configuration.clone() else {
            return Err(invalid(
                "TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy",
            ));
        };
        if !(20.0..=90.0).contains(&config.target_value) {
            return Err(invalid(format!("TargetValue {} is outside 20 to 90 percent", config.target_value)));
        }
        let arn = match target.policies.get(&input.policy_name) {
            Some(p) => p.policy_arn.clone(),
            None => {
                let uuid = ctx.ids().uuid();
                format!(
                    "arn:aws:autoscaling:{}:{}:scalingPolicy:{uuid}:resource/dynamodb/{res}:policyName/{}",
                    ctx.region(),
                    ctx.account(),
                    input.policy_name
                )
            }
        };
        let policy = aas::ScalingPolicy {
            policy_arn: arn.clone(),
            policy_name: input.policy_name.clone(),
            service_namespace: ns.clone(),
            resource_id: res.clone(),
            scalable_dimension: dim.clone(),
            policy_type: kind,
            target_tracking_scaling_policy_configuration: Some(config),
            creation_time: ctx.now(),
            ..Default::default()
        };
        target.policies.insert(input.policy_name.clone(), policy);
        ctx.put(&id, &target)?;
        Ok(aas::PutScalingPolicyResponse { policy_arn: arn, alarms: Some(Vec::new()) })
    }
}

impl Handler for aas::DescribeScalingPolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: aas::DescribeScalingPoliciesRequest,
    ) -> Result<aas::DescribeScalingPoliciesResponse, AwsError> {
        let policies: Vec<aas::ScalingPolicy> = ctx
            .list::<Target>()?
            .into_iter()
            .flat_map(|(_, t)| t.policies.into_values())
            .filter(|p| p.service_namespace == input.service_namespace)
            .filter(|p| input.resource_id.as_ref().is_none_or(|r| *r == p.resource_id))
            .filter(|p| input.scalable_dimension.as_ref().is_none_or(|d| *d == p.scalable_dimension))
            .filter(|p| input.policy_names.as_ref().is_none_or(|n| n.contains(&p.policy_name)))
            .collect();
        let (policies, next_token) = page(policies, input.max_results, input.next_token.as_deref())?;
        Ok(aas::DescribeScalingPoliciesResponse { scaling_policies: Some(policies), next_token })
    }
}
