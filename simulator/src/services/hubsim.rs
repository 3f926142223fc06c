//! hubsim's own actions: changes a person makes in the console that have no AWS API (the
//! root user's MFA kind and password), and moving the scenario clock.

use hubsim_model::{hubsim, Empty};

use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::iam::MfaKind;
use crate::Ctx;

/// Registers the actions.
pub fn register(r: &mut Registrar) {
    r.add::<hubsim::AdvanceClock>().add::<hubsim::SetRootMfa>().add::<hubsim::SetRootLoginProfile>();
}

impl Handler for hubsim::AdvanceClock {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: hubsim::AdvanceClockInput) -> Result<hubsim::AdvanceClockOutput, AwsError> {
        let minutes = input.days.unwrap_or(0) * 24 * 60 + input.hours.unwrap_or(0) * 60 + input.minutes.unwrap_or(0);
        if minutes == 0 {
            return Err(AwsError::bad_request(
                "ValidationException",
                "AdvanceClock needs Days, Hours or Minutes greater than 0",
            ));
        }
        ctx.advance_clock(minutes * 60_000);
        Ok(hubsim::AdvanceClockOutput { now: Some(ctx.now()) })
    }
}

impl Handler for hubsim::SetRootMfa {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: hubsim::SetRootMfaInput) -> Result<Empty, AwsError> {
        let kind = match input.kind.as_str() {
            "none" => MfaKind::None,
            "virtual" => MfaKind::Virtual,
            "hardware" => MfaKind::Hardware,
            other => return Err(AwsError::bad_request("ValidationException", format!("unknown MFA kind {other}"))),
        };
        crate::services::iam::set_root_mfa(ctx, kind)?;
        Ok(Empty {})
    }
}

impl Handler for hubsim::SetRootLoginProfile {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: hubsim::SetRootLoginProfileInput) -> Result<Empty, AwsError> {
        crate::services::iam::set_root_login_profile(ctx, input.enabled)?;
        Ok(Empty {})
    }
}
