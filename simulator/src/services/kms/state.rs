//! A key's state: EnableKey, DisableKey, CancelKeyDeletion
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>).
//!
//! `ScheduleKeyDeletion` (in `keys`) moves a key to `PendingDeletion`; `CancelKeyDeletion`
//! brings it back `Disabled`, never `Enabled`
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html>), so
//! using it again takes an `EnableKey`.

use hubsim_model::{kms, Empty};

use super::{locate_key_only, pending_deletion, Key};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<kms::EnableKey>().add::<kms::DisableKey>().add::<kms::CancelKeyDeletion>();
}

/// 400 `KMSInvalidStateException` for a key whose state does not allow the operation.
fn invalid_state(key: &Key) -> AwsError {
    AwsError::bad_request("KMSInvalidStateException", format!("{} is {}", key.arn(), key.state()))
}

/// Checks that `key`'s state lets it be enabled or disabled: not pending deletion (or
/// replica deletion), not waiting for imported material.
fn check_switchable(key: &Key) -> Result<(), AwsError> {
    match key.state() {
        "PendingDeletion" | "PendingReplicaDeletion" => Err(pending_deletion(key)),
        "PendingImport" | "Unavailable" | "Creating" | "Updating" => Err(invalid_state(key)),
        _ => Ok(()),
    }
}

/// Stores `key` with `state`; `Enabled` follows the state.
fn set_state(ctx: &mut Ctx<'_>, region: &str, mut key: Key, state: &str) -> Result<Key, AwsError> {
    key.metadata.key_state = Some(state.to_string());
    key.metadata.enabled = Some(state == "Enabled");
    let id = key.metadata.key_id.clone();
    ctx.put_in(region, &id, &key)?;
    Ok(key)
}

impl Handler for kms::EnableKey {
    const MUTATES: bool = true;

    /// Enabling an enabled key is allowed and changes nothing
    /// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKey.html>).
    fn handle(ctx: &mut Ctx<'_>, input: kms::EnableKeyRequest) -> Result<Empty, AwsError> {
        let (region, key) = locate_key_only(ctx, &input.key_id)?;
        check_switchable(&key)?;
        set_state(ctx, &region, key, "Enabled")?;
        Ok(Empty {})
    }
}

impl Handler for kms::DisableKey {
    const MUTATES: bool = true;

    /// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html>)
    fn handle(ctx: &mut Ctx<'_>, input: kms::DisableKeyRequest) -> Result<Empty, AwsError> {
        let (region, key) = locate_key_only(ctx, &input.key_id)?;
        check_switchable(&key)?;
        set_state(ctx, &region, key, "Disabled")?;
        Ok(Empty {})
    }
}

impl Handler for kms::CancelKeyDeletion {
    const MUTATES: bool = true;

    /// Only a key pending deletion can have its deletion cancelled; it comes back `Disabled`
    /// without a deletion date or window.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: kms::CancelKeyDeletionRequest,
    ) -> Result<kms::CancelKeyDeletionResponse, AwsError> {
        let (region, mut key) = locate_key_only(ctx, &input.key_id)?;
        if key.state() != "PendingDeletion" {
            return Err(AwsError::bad_request(
                "KMSInvalidStateException",
                format!("{} is not pending deletion (it is {})", key.arn(), key.state()),
            ));
        }
        key.metadata.deletion_date = None;
        key.metadata.pending_deletion_window_in_days = None;
        let key = set_state(ctx, &region, key, "Disabled")?;
        Ok(kms::CancelKeyDeletionResponse { key_id: Some(key.arn()) })
    }
}
