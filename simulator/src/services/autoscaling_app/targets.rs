//! RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget
//! (<https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html>).

use hubsim_model::application_autoscaling as aas;

use super::{check_table_target, invalid, no_such_target, page, target_id, Target};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<aas::RegisterScalableTarget>().add::<aas::DescribeScalableTargets>().add::<aas::DeregisterScalableTarget>();
}

impl Handler for aas::RegisterScalableTarget {
    const MUTATES: bool = true;

    /// Registers a table's read or write capacity (both bounds needed the first time), or
    /// updates the bounds of one already registered. The role is DynamoDB's service-linked role
    /// when none is given.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: aas::RegisterScalableTargetRequest,
    ) -> Result<aas::RegisterScalableTargetResponse, AwsError> {
        let (ns, res, dim) = (&input.service_namespace, &input.resource_id, &input.scalable_dimension);
        check_table_target(ctx, ns, res, dim)?;
        let id = target_id(ns, res, dim);
        let existing = ctx.get::<Target>(&id)?;
        let (min, max) = match &existing {
            Some(t) => (
                input.min_capacity.unwrap_or(t.target.min_capacity),
                input.max_capacity.unwrap_or(t.target.max_capacity),
            ),
            None => match (input.min_capacity, input.max_capacity) {
                (Some(min), Some(max)) => (min, max),
                _ => return Err(invalid("MinCapacity and MaxCapacity are required to register a new scalable target")),
            },
        };
        if min < 1 || max < 1 {
            return Err(invalid("MinCapacity and MaxCapacity of a DynamoDB table must be at least 1"));
        }
        if min > max {
            return Err(invalid(format!("Minimum capacity {min} cannot be greater than maximum capacity {max}")));
        }
        let mut target = match existing {
            Some(t) => t,
            None => {
                let suffix = ctx.ids().hex(32);
                let arn = format!(
                    "arn:aws:application-autoscaling:{}:{}:scalable-target/{suffix}",
                    ctx.region(),
                    ctx.account()
                );
                let role = input.role_arn.clone().unwrap_or_else(|| format!(
                    "arn:aws:iam::{}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
                    ctx.account()
                ));
                Target {
                    target: aas::ScalableTarget {
                        service_namespace: ns.clone(),
                        resource_id: res.clone(),
                        scalable_dimension: dim.clone(),
                        role_arn: role,
                        creation_time: ctx.now(),
                        scalable_target_arn: Some(arn),
                        ..Default::default()
                    },
                    policies: Default::default(),
                }
            }
        };
        target.target.min_capacity = min;
        target.target.max_capacity = max;
        if let Some(s) = input.suspended_state {
            target.target.suspended_state = Some(s);
        }
        ctx.put(&id, &target)?;
        Ok(aas::RegisterScalableTargetResponse { scalable_target_arn: target.target.scalable_target_arn })
    }
}

impl Handler for aas::DescribeScalableTargets {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: aas::DescribeScalableTargetsRequest,
    ) -> Result<aas::DescribeScalableTargetsResponse, AwsError> {
        let targets: Vec<aas::ScalableTarget> = ctx
            .list::<Target>()?
            .into_iter()
            .map(|(_, t)| t.target)
            .filter(|t| t.service_namespace == input.service_namespace)
            .filter(|t| input.resource_ids.as_ref().is_none_or(|ids| ids.contains(&t.resource_id)))
            .filter(|t| input.scalable_dimension.as_ref().is_none_or(|d| *d == t.scalable_dimension))
            .collect();
        let (targets, next_token) = page(targets, input.max_results, input.next_token.as_deref())?;
        Ok(aas::DescribeScalableTargetsResponse { scalable_targets: Some(targets), next_token })
    }
}

impl Handler for aas::DeregisterScalableTarget {
    const MUTATES: bool = true;

    /// Removes the target and its policies.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: aas::DeregisterScalableTargetRequest,
    ) -> Result<aas::DeregisterScalableTargetResponse, AwsError> {
        let (ns, res, dim) = (&input.service_namespace, &input.resource_id, &input.scalable_dimension);
        let id = target_id(ns, res, dim);
        if !ctx.delete::<Target>(&id)? {
            return Err(no_such_target(ns, res, dim));
        }
        Ok(aas::DeregisterScalableTargetResponse {})
    }
}
