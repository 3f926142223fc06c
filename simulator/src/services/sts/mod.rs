//! AWS STS: GetCallerIdentity and AssumeRole.
//!
//! hubsim is driven as a session of the account's `OrganizationAccountAccessRole` named
//! `hubsim`, as tools run from the management account do. An account without that role (the
//! `empty` baseline) is driven as its root user.

use hubsim_model::sts;

use crate::error::AwsError;
use crate::ids::IdGen;
use crate::registry::{Handler, Registrar};
use crate::services::iam;
use crate::Ctx;

/// The session name of hubsim's own caller.
pub const SESSION_NAME: &str = "hubsim";

/// Registers the service's operations.
pub fn register(r: &mut Registrar) {
    r.add::<sts::GetCallerIdentity>().add::<sts::AssumeRole>();
}

/// The caller's ARN: the assumed-role session, or the root user.
pub fn caller_arn(ctx: &Ctx<'_>) -> Result<String, AwsError> {
    Ok(caller(ctx)?.arn.unwrap_or_default())
}

fn caller(ctx: &Ctx<'_>) -> Result<sts::GetCallerIdentityResponse, AwsError> {
    let account = ctx.account().to_string();
    let identity = match iam::role_by_name(ctx, iam::ORGANIZATION_ROLE)? {
        Some(role) => sts::GetCallerIdentityResponse {
            user_id: Some(format!("{}:{SESSION_NAME}", role.role_id)),
            arn: Some(format!("arn:aws:sts::{account}:assumed-role/{}/{SESSION_NAME}", role.role_name)),
            account: Some(account),
        },
        None => sts::GetCallerIdentityResponse {
            user_id: Some(account.clone()),
            arn: Some(format!("arn:aws:iam::{account}:root")),
            account: Some(account),
        },
    };
    Ok(identity)
}

impl Handler for sts::GetCallerIdentity {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        _input: sts::GetCallerIdentityRequest,
    ) -> Result<sts::GetCallerIdentityResponse, AwsError> {
        caller(ctx)
    }
}

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationError", message)
}

impl Handler for sts::AssumeRole {
    const MUTATES: bool = false;

    /// The role must exist in this account; its trust policy is not evaluated (hubsim does
    /// not model who the real caller is). Credentials are derived from the role, the session
    /// name and the scenario clock, so the same call at the same time gives the same keys.
    fn handle(ctx: &mut Ctx<'_>, input: sts::AssumeRoleRequest) -> Result<sts::AssumeRoleResponse, AwsError> {
        let session = &input.role_session_name;
        let session_ok = (2..=64).contains(&session.len())
            && session.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
        if !session_ok {
            return Err(validation(format!(
                "1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            )));
        }
        let duration = input.duration_seconds.unwrap_or(3600);
        if !(900..=43200).contains(&duration) {
            return Err(validation(format!(
                "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value {}",
                if duration < 900 { "greater than or equal to 900" } else { "less than or equal to 43200" }
            )));
        }
        let role = iam::role_by_arn(ctx, &input.role_arn)?.ok_or_else(|| {
            let who = caller_arn(ctx).unwrap_or_default();
            AwsError::new(
                "AccessDenied",
                403,
                format!("User: {who} is not authorized to perform: sts:AssumeRole on resource: {}", input.role_arn),
            )
        })?;
        if duration > role.max_session_duration.unwrap_or(3600) {
            return Err(validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
        }
        let now = ctx.now();
        let mut g =
            IdGen::new(IdGen::seed_for(&format!("{}|{}|{}|{}", ctx.settings().account.id, role.arn, session, now.0)));
        let access_key_id = format!("ASIA{}", g.upper(16));
        let secret_access_key: String = g.hex(40);
        let session_token = format!("FwoGZXIvYXdzE{}", g.upper(300));
        let account = ctx.account();
        Ok(sts::AssumeRoleResponse {
            credentials: Some(sts::Credentials {
                access_key_id,
                secret_access_key,
                session_token,
                expiration: hubsim_model::Timestamp(now.0 + i64::from(duration) * 1000),
            }),
            assumed_role_user: Some(sts::AssumedRoleUser {
                assumed_role_id: format!("{}:{session}", role.role_id),
                arn: format!("arn:aws:sts::{account}:assumed-role/{}/{session}", role.role_name),
            }),
            packed_policy_size: None,
            source_identity: input.source_identity,
        })
    }
}
