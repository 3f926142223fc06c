//! Automatic key rotation: GetKeyRotationStatus, EnableKeyRotation, DisableKeyRotation.

use hubsim_model::{kms, Empty, Timestamp};

use super::{locate_key_only, pending_deletion, Key};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<kms::GetKeyRotationStatus>().add::<kms::EnableKeyRotation>().add::<kms::DisableKeyRotation>();
}

/// The default rotation period.
const DEFAULT_PERIOD_DAYS: i32 = 365;

/// `UnsupportedOperationException` for keys whose rotation cannot be configured.
fn unsupported(key: &Key) -> AwsError {
    let what = if key.metadata.origin.as_deref().unwrap_or("AWS_KMS") != "AWS_KMS" {
        format!("origin is {}", key.metadata.origin.as_deref().unwrap_or_default())
    } else {
        format!("KeySpec is {}", key.metadata.key_spec.as_deref().unwrap_or_default())
    };
    AwsError::bad_request(
        "UnsupportedOperationException",
        format!("{} {what} which is not valid for this operation.", key.arn()),
    )
}

/// Checks that rotation of `key` may be changed now.
fn check_configurable(key: &Key) -> Result<(), AwsError> {
    if key.state() == "PendingDeletion" {
        return Err(pending_deletion(key));
    }
    if !key.rotatable() {
        return Err(unsupported(key));
    }
    Ok(())
}

impl Handler for kms::GetKeyRotationStatus {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: kms::GetKeyRotationStatusRequest,
    ) -> Result<kms::GetKeyRotationStatusResponse, AwsError> {
        let (_, key) = locate_key_only(ctx, &input.key_id)?;
        if !key.rotatable() {
            return Err(unsupported(&key));
        }
        // While a key is pending deletion its rotation status reads false; cancelling the
        // deletion would restore it.
        let enabled = key.rotation_enabled && key.state() != "PendingDeletion";
        Ok(kms::GetKeyRotationStatusResponse {
            key_rotation_enabled: Some(enabled),
            key_id: Some(key.metadata.key_id.clone()),
            rotation_period_in_days: if enabled { key.rotation_period_in_days } else { None },
            next_rotation_date: if enabled { key.next_rotation_date } else { None },
            on_demand_rotation_start_date: None,
        })
    }
}

impl Handler for kms::EnableKeyRotation {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: kms::EnableKeyRotationRequest) -> Result<Empty, AwsError> {
        let (region, mut key) = locate_key_only(ctx, &input.key_id)?;
        let days = input.rotation_period_in_days.unwrap_or(DEFAULT_PERIOD_DAYS);
        if !(90..=2560).contains(&days) {
            return Err(AwsError::bad_request(
                "ValidationException",
                format!(
                    "1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560"
                ),
            ));
        }
        check_configurable(&key)?;
        key.rotation_enabled = true;
        key.rotation_period_in_days = Some(days);
        key.next_rotation_date = Some(Timestamp(ctx.now().0.saturating_add(i64::from(days) * 86_400_000)));
        let id = key.metadata.key_id.clone();
        ctx.put_in(&region, &id, &key)?;
        Ok(Empty {})
    }
}

impl Handler for kms::DisableKeyRotation {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: kms::DisableKeyRotationRequest) -> Result<Empty, AwsError> {
        let (region, mut key) = locate_key_only(ctx, &input.key_id)?;
        check_configurable(&key)?;
        key.rotation_enabled = false;
        key.rotation_period_in_days = None;
        key.next_rotation_date = None;
        let id = key.metadata.key_id.clone();
        ctx.put_in(&region, &id, &key)?;
        Ok(Empty {})
    }
}
