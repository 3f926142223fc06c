//! RotateSecret, CancelRotateSecret
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html>,
//! <https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html>).
//! hubsim runs no rotation function: a rotation called now (`RotateImmediately`, the default)
//! succeeds at once, adding an `AWSCURRENT` version (a fresh digest) and setting
//! `LastRotatedDate`; otherwise the schedule is recorded and the first rotation is due one
//! interval later.

use hubsim_model::secretsmanager as sm;

use super::{check_lambda_arn, digest, invalid_parameter, invalid_request, locate_live, rotation_days, Version};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sm::RotateSecret>().add::<sm::CancelRotateSecret>();
}

impl Handler for sm::RotateSecret {
    const MUTATES: bool = true;

    /// Needs a rotation function (given now or earlier) and, for automatic rotation, a schedule
    /// of 1–1,000 days (`AutomaticallyAfterDays` or `rate(...)`; hubsim does not read `cron(...)`
    /// schedules and answers NotImplemented for them).
    fn handle(ctx: &mut Ctx<'_>, input: sm::RotateSecretRequest) -> Result<sm::RotateSecretResponse, AwsError> {
        if let Some(arn) = input.rotation_lambda_arn.as_deref() {
            check_lambda_arn(arn)?;
        }
        if let Some(rules) = input.rotation_rules.as_ref() {
            if rules.automatically_after_days.is_some() && rules.schedule_expression.is_some() {
                return Err(invalid_parameter(
                    "You can't specify both AutomaticallyAfterDays and ScheduleExpression in RotationRules.",
                ));
            }
            if rules.schedule_expression.as_deref().is_some_and(|e| e.trim_start().starts_with("cron(")) {
                return Err(AwsError::new("NotImplemented", 501, "hubsim does not read cron() rotation schedules"));
            }
            match rotation_days(rules) {
                Some(1..=1000) => {}
                _ => return Err(invalid_parameter(
                    "RotationRules must give AutomaticallyAfterDays or a rate() ScheduleExpression of 1 to 1000 days.",
                )),
            }
        }
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        let lambda = input.rotation_lambda_arn.clone().or_else(|| s.rotation_lambda.clone());
        let Some(lambda) = lambda else {
            return Err(invalid_request("No Lambda rotation function ARN is associated with this secret."));
        };
        let now = ctx.now();
        s.rotation_lambda = Some(lambda);
        if let Some(rules) = input.rotation_rules {
            s.rotation_rules = Some(rules);
            s.rotation_enabled = true;
            s.rotation_scheduled = Some(now);
        }
        let mut version_id = None;
        if input.rotate_immediately.unwrap_or(true) {
            let id = match input.client_request_token {
                Some(t) => t,
                None => ctx.ids().uuid(),
            };
            let seed = format!("{}:{id}", s.arn);
            s.push_version(
                id.clone(),
                Version {
                    digest: digest(seed.as_bytes()),
                    binary: false,
                    stages: vec!["AWSCURRENT".into()],
                    created: now,
                },
            );
            s.last_rotated = Some(now);
            version_id = Some(id);
        }
        s.last_changed = now;
        ctx.put(&name, &s)?;
        Ok(sm::RotateSecretResponse { arn: Some(s.arn), name: Some(s.name), version_id })
    }
}

impl Handler for sm::CancelRotateSecret {
    const MUTATES: bool = true;

    /// Turns automatic rotation off (the function and schedule are kept).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: sm::CancelRotateSecretRequest,
    ) -> Result<sm::CancelRotateSecretResponse, AwsError> {
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        s.rotation_enabled = false;
        s.last_changed = ctx.now();
        ctx.put(&name, &s)?;
        Ok(sm::CancelRotateSecretResponse { arn: Some(s.arn), name: Some(s.name), version_id: None })
    }
}
