//! The hub: EnableSecurityHub, DescribeHub, DisableSecurityHub.

use hubsim_model::securityhub;

use super::standards::{subscribe, Subscription, DEFAULT_STANDARDS};
use super::{hub, hub_arn, invalid_input, require_hub, Hub, HUB_ID};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::EnableSecurityHub>()
        .add::<securityhub::DescribeHub>()
        .add::<securityhub::DisableSecurityHub>();
}

const GENERATORS: [&str; 2] = ["SECURITY_CONTROL", "STANDARD_CONTROL"];

impl Handler for securityhub::EnableSecurityHub {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::EnableSecurityHubRequest,
    ) -> Result<securityhub::EnableSecurityHubResponse, AwsError> {
        if hub(ctx)?.is_some() {
            return Err(AwsError::conflict(
                "ResourceConflictException",
                format!("Account {} is already subscribed to Security Hub", ctx.account()),
            ));
        }
        let generator = input.control_finding_generator.unwrap_or_else(|| "SECURITY_CONTROL".to_string());
        if !GENERATORS.contains(&generator.as_str()) {
            return Err(invalid_input(format!("Invalid ControlFindingGenerator: {generator}")));
        }
        let tags = input.tags.unwrap_or_default();
        if tags.len() > 50 || tags.keys().any(|k| k.is_empty() || k.len() > 128 || k.starts_with("aws:")) {
            return Err(invalid_input("Invalid tags"));
        }
        let h =
            Hub { subscribed_at: ctx.now(), control_finding_generator: generator, auto_enable_controls: true, tags };
        ctx.put(HUB_ID, &h)?;
        if input.enable_default_standards.unwrap_or(true) {
            for standard in DEFAULT_STANDARDS {
                subscribe(ctx, standard, Default::default())?;
            }
        }
        Ok(securityhub::EnableSecurityHubResponse {})
    }
}

impl Handler for securityhub::DescribeHub {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::DescribeHubRequest,
    ) -> Result<securityhub::DescribeHubResponse, AwsError> {
        let h = require_hub(ctx)?;
        let arn = hub_arn(ctx.region(), ctx.account());
        if let Some(asked) = input.hub_arn.as_deref() {
            if !asked.starts_with("arn:aws:securityhub:") || !asked.ends_with(":hub/default") {
                return Err(invalid_input(format!("Invalid HubArn: {asked}")));
            }
            if asked != arn {
                return Err(AwsError::not_found("ResourceNotFoundException", format!("Hub {asked} not found")));
            }
        }
        Ok(securityhub::DescribeHubResponse {
            hub_arn: Some(arn),
            subscribed_at: Some(h.subscribed_at.to_iso8601()),
            auto_enable_controls: Some(h.auto_enable_controls),
            control_finding_generator: Some(h.control_finding_generator),
        })
    }
}

impl Handler for securityhub::DisableSecurityHub {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        _input: securityhub::DisableSecurityHubRequest,
    ) -> Result<securityhub::DisableSecurityHubResponse, AwsError> {
        require_hub(ctx)?;
        for (id, _) in ctx.list::<Subscription>()? {
            ctx.delete::<Subscription>(&id)?;
        }
        ctx.delete::<Hub>(HUB_ID)?;
        Ok(securityhub::DisableSecurityHubResponse {})
    }
}
