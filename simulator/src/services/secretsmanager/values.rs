//! GetSecretValue, PutSecretValue
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html>,
//! <https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html>).
//! A value is kept only as its digest; GetSecretValue answers `hubsim:sha256:<digest>`.

use hubsim_model::{secretsmanager as sm, Blob, Timestamp};

use super::{digest, invalid_parameter, locate_live, Secret, Version, DAY_MS};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sm::GetSecretValue>().add::<sm::PutSecretValue>();
}

/// A new version for a value (`None` without a value): its id (the client request token, else
/// a new UUID) and the version labelled `AWSCURRENT`. Both a string and a binary are refused.
pub(super) fn new_version(
    ctx: &mut Ctx<'_>,
    string: Option<&str>,
    binary: Option<&[u8]>,
    token: Option<&str>,
    optional: bool,
) -> Result<Option<(String, Version)>, AwsError> {
    let (bytes, is_binary) = match (string, binary) {
        (Some(_), Some(_)) => {
            return Err(invalid_parameter(
                "You can't specify both a binary secret value and a string secret value in the same secret.",
            ))
        }
        (Some(s), None) => (s.as_bytes(), false),
        (None, Some(b)) => (b, true),
        (None, None) if optional => return Ok(None),
        (None, None) => return Err(invalid_parameter("You must provide either SecretString or SecretBinary.")),
    };
    let id = match token {
        Some(t) => t.to_string(),
        None => ctx.ids().uuid(),
    };
    let version =
        Version { digest: digest(bytes), binary: is_binary, stages: vec!["AWSCURRENT".into()], created: ctx.now() };
    Ok(Some((id, version)))
}

/// The version a `VersionId` or `VersionStage` (default `AWSCURRENT`) selects.
fn select<'s>(s: &'s Secret, id: Option<&str>, stage: Option<&str>) -> Result<(&'s String, &'s Version), AwsError> {
    let stage_or_current = stage.unwrap_or("AWSCURRENT");
    let found = s.versions.iter().find(|(vid, v)| {
        id.is_none_or(|i| i == vid.as_str())
            && (stage.is_none() && id.is_some() || v.stages.iter().any(|l| l == stage_or_current))
    });
    found.ok_or_else(|| {
        AwsError::bad_request(
            "ResourceNotFoundException",
            format!(
                "Secrets Manager can't find the specified secret value for {}",
                match id {
                    Some(i) => format!("VersionId: {i}"),
                    None => format!("staging label: {stage_or_current}"),
                }
            ),
        )
    })
}

impl Handler for sm::GetSecretValue {
    /// It records the day of access (`LastAccessedDate`), a change of the secret.
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sm::GetSecretValueRequest) -> Result<sm::GetSecretValueResponse, AwsError> {
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        let (id, v) = select(&s, input.version_id.as_deref(), input.version_stage.as_deref())?;
        let placeholder = format!("hubsim:sha256:{}", v.digest);
        let out = sm::GetSecretValueResponse {
            arn: Some(s.arn.clone()),
            name: Some(s.name.clone()),
            version_id: Some(id.clone()),
            secret_string: (!v.binary).then(|| placeholder.clone()),
            secret_binary: v.binary.then(|| Blob(placeholder.into_bytes())),
            version_stages: Some(v.stages.clone()),
            created_date: Some(v.created),
        };
        let now = ctx.now();
        let day = Timestamp(now.0 - now.0.rem_euclid(DAY_MS));
        if s.last_accessed != Some(day) {
            s.last_accessed = Some(day);
            ctx.put(&name, &s)?;
        }
        Ok(out)
    }
}

impl Handler for sm::PutSecretValue {
    const MUTATES: bool = true;

    /// A new version, `AWSCURRENT` unless `VersionStages` says otherwise (the labels given move
    /// to it). Repeating a `ClientRequestToken` with the same value changes nothing; with
    /// another value it is refused.
    fn handle(ctx: &mut Ctx<'_>, input: sm::PutSecretValueRequest) -> Result<sm::PutSecretValueResponse, AwsError> {
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        let Some((id, mut version)) = new_version(
            ctx,
            input.secret_string.as_deref(),
            input.secret_binary.as_ref().map(|b| b.0.as_slice()),
            input.client_request_token.as_deref(),
            false,
        )?
        else {
            return Err(invalid_parameter("You must provide either SecretString or SecretBinary."));
        };
        if let Some(existing) = s.versions.get(&id) {
            if existing.digest == version.digest {
                return Ok(sm::PutSecretValueResponse {
                    arn: Some(s.arn.clone()),
                    name: Some(s.name.clone()),
                    version_id: Some(id),
                    version_stages: Some(existing.stages.clone()),
                });
            }
            return Err(AwsError::bad_request(
                "ResourceExistsException",
                "You can't modify an existing version, you can only create a new version.",
            ));
        }
        let stages = input.version_stages.unwrap_or_else(|| vec!["AWSCURRENT".into()]);
        if stages.iter().any(|l| l == "AWSCURRENT") {
            version.stages = stages.clone();
            s.push_version(id.clone(), version);
        } else {
            for v in s.versions.values_mut() {
                v.stages.retain(|l| !stages.contains(l));
            }
            version.stages = stages.clone();
            s.versions.retain(|_, v| !v.stages.is_empty());
            s.versions.insert(id.clone(), version);
        }
        s.last_changed = ctx.now();
        ctx.put(&name, &s)?;
        Ok(sm::PutSecretValueResponse {
            arn: Some(s.arn.clone()),
            name: Some(s.name.clone()),
            version_id: Some(id),
            version_stages: Some(stages),
        })
    }
}
