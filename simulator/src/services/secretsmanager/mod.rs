//! AWS Secrets Manager: secrets, their versions (the value kept only as a SHA-256 digest),
//! rotation configuration, the dates Security Hub's controls read (last accessed, rotated,
//! changed: all from the scenario clock), scheduled deletion, tags and resource policies.
//!
//! hubsim keeps no secret value: `GetSecretValue` answers a placeholder naming the version's
//! digest (`hubsim:sha256:<hex>`), never the value. hubsim runs no rotation function: a
//! rotation happens when `RotateSecret` is called (any well-formed Lambda ARN is accepted and
//! recorded), so a secret whose scheduled rotation date passes without a call has not rotated.
//! A secret scheduled for deletion is gone once its deletion date passes on the scenario clock.
//!
//! Errors: <https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html>.

mod rotation;
mod secrets;
mod tags;
mod values;

use std::collections::BTreeMap;

use hubsim_model::{secretsmanager as sm, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers Secrets Manager's operations.
pub fn register(r: &mut Registrar) {
    secrets::register(r);
    values::register(r);
    rotation::register(r);
    tags::register(r);
}

/// One day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// One version of a secret's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Version {
    /// SHA-256 of the value, hex.
    pub digest: String,
    /// Whether the value was binary.
    #[serde(default)]
    pub binary: bool,
    /// Staging labels (`AWSCURRENT`, `AWSPREVIOUS`, `AWSPENDING`, ...).
    pub stages: Vec<String>,
    /// When it was created.
    pub created: Timestamp,
}

/// One secret as stored (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    /// Name.
    pub name: String,
    /// ARN (the name and a six-character suffix).
    pub arn: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// The KMS key given (`None`: the AWS managed key `aws/secretsmanager`).
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Creation time.
    pub created: Timestamp,
    /// Last change of any kind.
    pub last_changed: Timestamp,
    /// The day (midnight UTC) the value was last retrieved.
    #[serde(default)]
    pub last_accessed: Option<Timestamp>,
    /// Whether automatic rotation is on.
    #[serde(default)]
    pub rotation_enabled: bool,
    /// The rotation function.
    #[serde(default)]
    pub rotation_lambda: Option<String>,
    /// The rotation schedule.
    #[serde(default)]
    pub rotation_rules: Option<sm::RotationRulesType>,
    /// Last successful rotation.
    #[serde(default)]
    pub last_rotated: Option<Timestamp>,
    /// When the schedule was last set (the base of the next rotation when never rotated).
    #[serde(default)]
    pub rotation_scheduled: Option<Timestamp>,
    /// When deletion was requested.
    #[serde(default)]
    pub deleted: Option<Timestamp>,
    /// When the secret is deleted for good.
    #[serde(default)]
    pub deletion_date: Option<Timestamp>,
    /// Versions, by id.
    #[serde(default)]
    pub versions: BTreeMap<String, Version>,
    /// Tags, in the order they were added.
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// Resource policy.
    #[serde(default)]
    pub policy: Option<String>,
}

impl Resource for Secret {
    const KIND: &'static str = "secretsmanager:secret";
    const GLOBAL: bool = false;
}

impl Secret {
    /// The rotation interval in days (`AutomaticallyAfterDays`, or `rate(N days)` /
    /// `rate(N hours)` rounded up to days), if a schedule is set.
    pub fn rotation_days(&self) -> Option<i64> {
        rotation_days(self.rotation_rules.as_ref()?)
    }

    /// When the next rotation is due: the last rotation (or the schedule's start) plus the
    /// interval, while rotation is on.
    pub fn next_rotation(&self) -> Option<Timestamp> {
        if !self.rotation_enabled {
            return None;
        }
        let base = self.last_rotated.or(self.rotation_scheduled)?;
        Some(Timestamp(base.0.saturating_add(self.rotation_days()?.saturating_mul(DAY_MS))))
    }

    /// Adds a version as `AWSCURRENT`; the current one becomes `AWSPREVIOUS`, and versions
    /// left without a label are dropped.
    pub fn push_version(&mut self, id: String, version: Version) {
        for v in self.versions.values_mut() {
            v.stages.retain(|s| s != "AWSPREVIOUS");
            if let Some(s) = v.stages.iter_mut().find(|s| *s == "AWSCURRENT") {
                *s = "AWSPREVIOUS".into();
            }
        }
        self.versions.retain(|_, v| !v.stages.is_empty());
        self.versions.insert(id, version);
    }

    /// Version ids to their labels.
    pub fn stages(&self) -> BTreeMap<String, Vec<String>> {
        self.versions.iter().map(|(id, v)| (id.clone(), v.stages.clone())).collect()
    }

    /// The tags as the API lists them.
    pub fn api_tags(&self) -> Vec<sm::Tag> {
        self.tags.iter().map(|(k, v)| sm::Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect()
    }
}

/// The interval in days of a rotation schedule.
pub fn rotation_days(rules: &sm::RotationRulesType) -> Option<i64> {
    if let Some(d) = rules.automatically_after_days {
        return Some(d);
    }
    let e = rules.schedule_expression.as_deref()?.trim();
    let inner = e.strip_prefix("rate(")?.strip_suffix(')')?.trim();
    let (n, unit) = inner.split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" => Some((n + 23) / 24),
        _ => None,
    }
}

/// The SHA-256 of a value, hex.
pub(crate) fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// 400 `ResourceNotFoundException`.
pub(crate) fn not_found() -> AwsError {
    AwsError::bad_request("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

/// 400 `InvalidParameterException`.
pub(crate) fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterException", message)
}

/// 400 `InvalidRequestException`.
pub(crate) fn invalid_request(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidRequestException", message)
}

/// 400 `InvalidRequestException` for a secret scheduled for deletion.
pub(crate) fn marked_for_deletion() -> AwsError {
    invalid_request("You can't perform this operation on the secret because it was marked for deletion.")
}

/// Whether a secret scheduled for deletion has reached its deletion date.
pub(crate) fn gone(s: &Secret, now: Timestamp) -> bool {
    s.deletion_date.is_some_and(|d| d.0 <= now.0)
}

/// The secret a `SecretId` names (its name, its ARN, or its ARN without the random suffix), if
/// it exists: `(name, secret)`. A secret whose deletion date has passed is gone.
pub(crate) fn find(ctx: &Ctx<'_>, id: &str) -> Result<Option<(String, Secret)>, AwsError> {
    let now = ctx.now();
    if !id.starts_with("arn:") {
        return Ok(ctx.get::<Secret>(id)?.filter(|s| !gone(s, now)).map(|s| (id.to_string(), s)));
    }
    let prefix = format!("arn:aws:secretsmanager:{}:{}:secret:", ctx.region(), ctx.account());
    let Some(tail) = id.strip_prefix(&prefix) else { return Ok(None) };
    // A full ARN ends in -XXXXXX; a partial ARN is the name alone.
    let candidates = [Some(tail), tail.rsplit_once('-').map(|(n, _)| n)];
    for name in candidates.into_iter().flatten() {
        if let Some(s) = ctx.get::<Secret>(name)? {
            if (s.arn == id || s.name == tail) && !gone(&s, now) {
                return Ok(Some((name.to_string(), s)));
            }
        }
    }
    Ok(None)
}

/// As [`find`], `ResourceNotFoundException` when there is none.
pub(crate) fn locate(ctx: &Ctx<'_>, id: &str) -> Result<(String, Secret), AwsError> {
    find(ctx, id)?.ok_or_else(not_found)
}

/// As [`locate`], refusing a secret scheduled for deletion.
pub(crate) fn locate_live(ctx: &Ctx<'_>, id: &str) -> Result<(String, Secret), AwsError> {
    let (name, s) = locate(ctx, id)?;
    if s.deleted.is_some() {
        return Err(marked_for_deletion());
    }
    Ok((name, s))
}

/// Checks a Lambda function ARN's shape (`arn:aws:lambda:<region>:<account>:function:<name>`).
pub(crate) fn check_lambda_arn(arn: &str) -> Result<(), AwsError> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let ok = parts.len() == 7
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "lambda"
        && !parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5] == "function"
        && !parts[6].is_empty();
    if ok {
        Ok(())
    } else {
        Err(invalid_parameter(format!("RotationLambdaARN {arn} is not a Lambda function ARN")))
    }
}
