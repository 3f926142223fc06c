//! hubsim's own actions: changes a person makes in the console that have no AWS API (the
//! root user's MFA kind, password and access keys), uses of credentials that hubsim never signs
//! with (a console sign-in, a request signed with an access key), moving the scenario clock, and
//! the status of a Site-to-Site VPN tunnel (its customer side connecting or dropping).
//! A use happens at the scenario clock's now: "unused for 91 days" is a use followed by
//! `AdvanceClock` of 91 days.

use hubsim_model::{hubsim, Empty};

use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::iam::{self, MfaKind};
use crate::Ctx;

/// Registers the actions.
pub fn register(r: &mut Registrar) {
    r.add::<hubsim::AdvanceClock>()
        .add::<hubsim::SetRootMfa>()
        .add::<hubsim::SetRootLoginProfile>()
        .add::<hubsim::CreateRootAccessKey>()
        .add::<hubsim::UpdateRootAccessKey>()
        .add::<hubsim::DeleteRootAccessKey>()
        .add::<hubsim::RecordPasswordUse>()
        .add::<hubsim::RecordAccessKeyUse>()
        .add::<hubsim::SetVpnTunnelStatus>();
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

impl Handler for hubsim::CreateRootAccessKey {
    const MUTATES: bool = true;

    /// Root creates an access key in the console (AWS advises against it): a third key is
    /// `LimitExceeded`, as for IAM users.
    fn handle(
        ctx: &mut Ctx<'_>,
        _input: hubsim::CreateRootAccessKeyInput,
    ) -> Result<hubsim::CreateRootAccessKeyOutput, AwsError> {
        let key = iam::create_root_access_key(ctx)?;
        Ok(hubsim::CreateRootAccessKeyOutput {
            access_key_id: key.access_key_id,
            status: key.status,
            create_date: key.create_date,
        })
    }
}

impl Handler for hubsim::UpdateRootAccessKey {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: hubsim::UpdateRootAccessKeyInput) -> Result<Empty, AwsError> {
        iam::update_root_access_key(ctx, &input.access_key_id, &input.status)?;
        Ok(Empty {})
    }
}

impl Handler for hubsim::DeleteRootAccessKey {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: hubsim::DeleteRootAccessKeyInput) -> Result<Empty, AwsError> {
        iam::delete_root_access_key(ctx, &input.access_key_id)?;
        Ok(Empty {})
    }
}

impl Handler for hubsim::RecordPasswordUse {
    const MUTATES: bool = true;

    /// A console sign-in with the user's password (root's without `UserName`) now.
    fn handle(ctx: &mut Ctx<'_>, input: hubsim::RecordPasswordUseInput) -> Result<Empty, AwsError> {
        iam::record_password_use(ctx, input.user_name.as_deref())?;
        Ok(Empty {})
    }
}

impl Handler for hubsim::RecordAccessKeyUse {
    const MUTATES: bool = true;

    /// A request signed now with the key, to `ServiceName` (its namespace: `s3`, `ec2`) in `Region`.
    fn handle(ctx: &mut Ctx<'_>, input: hubsim::RecordAccessKeyUseInput) -> Result<Empty, AwsError> {
        iam::record_access_key_use(ctx, &input.access_key_id, &input.service_name, &input.region)?;
        Ok(Empty {})
    }
}

impl Handler for hubsim::SetVpnTunnelStatus {
    const MUTATES: bool = true;

    /// The customer side of a Site-to-Site VPN tunnel connects (`UP`) or drops (`DOWN`), in the
    /// call's region: AWS has no API for it, the customer gateway device negotiates the tunnel.
    fn handle(ctx: &mut Ctx<'_>, input: hubsim::SetVpnTunnelStatusInput) -> Result<Empty, AwsError> {
        crate::services::ec2::set_tunnel_status(
            ctx,
            &input.vpn_connection_id,
            &input.outside_ip_address,
            &input.status,
        )?;
        Ok(Empty {})
    }
}
