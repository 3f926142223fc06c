//! IAM users' access keys: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys.
//!
//! A key is stored with its user ([`StoredUser::access_keys`]), in creation order, which is the
//! order ListAccessKeys and the credential report's `access_key_1`/`access_key_2` columns
//! follow. The secret is returned once, by CreateAccessKey, and never stored: AWS cannot show
//! it again either. hubsim does not sign with these keys, so a key is never "used".
//!
//! Without a `UserName` these operations act on the caller's own keys. hubsim's caller is a role,
//! which has no access keys, so they refuse as AWS does for role credentials.

use hubsim_model::{iam, Empty};

use super::limits::KEYS_PER_USER;
use super::users::{self, needs_user_name, StoredUser};
use super::{no_such_entity, page};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateAccessKey>()
        .add::<iam::UpdateAccessKey>()
        .add::<iam::DeleteAccessKey>()
        .add::<iam::ListAccessKeys>();
}

/// The user an access-key operation is about: `UserName`, or the caller (refused: a role).
fn user_of(ctx: &Ctx<'_>, user_name: Option<&str>) -> Result<StoredUser, AwsError> {
    users::load(ctx, user_name.ok_or_else(needs_user_name)?)
}

fn no_such_key(id: &str) -> AwsError {
    no_such_entity(format!("The Access Key with id {id} cannot be found."))
}

/// The position of key `id` among `user`'s keys (the id is matched exactly, as AWS does).
fn position(user: &StoredUser, id: &str) -> Result<usize, AwsError> {
    user.access_keys.iter().position(|k| k.access_key_id.as_deref() == Some(id)).ok_or_else(|| no_such_key(id))
}

impl Handler for iam::CreateAccessKey {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::CreateAccessKeyRequest) -> Result<iam::CreateAccessKeyResponse, AwsError> {
        let mut user = user_of(ctx, input.user_name.as_deref())?;
        if user.access_keys.len() >= KEYS_PER_USER {
            return Err(AwsError::conflict(
                "LimitExceeded",
                format!("Cannot exceed quota for AccessKeysPerUser: {KEYS_PER_USER}"),
            ));
        }
        // `AKIA` and 16 characters of IAM's base32 alphabet, like every long-term key id.
        let access_key_id = format!("AKIA{}", ctx.ids().upper(16));
        // 40 characters, drawn as STS draws its session secrets.
        let secret_access_key = ctx.ids().hex(40);
        let created = ctx.now();
        let name = user.user.user_name.clone();
        user.access_keys.push(iam::AccessKeyMetadata {
            user_name: Some(name.clone()),
            access_key_id: Some(access_key_id.clone()),
            status: Some("Active".into()),
            create_date: Some(created),
        });
        users::save(ctx, &user)?;
        Ok(iam::CreateAccessKeyResponse {
            access_key: iam::AccessKey {
                user_name: name,
                access_key_id,
                status: "Active".into(),
                secret_access_key,
                create_date: Some(created),
            },
        })
    }
}

impl Handler for iam::UpdateAccessKey {
    const MUTATES: bool = true;

    /// Changes the key's status only: its `CreateDate` (the report's `last_rotated`) stays.
    fn handle(ctx: &mut Ctx<'_>, input: iam::UpdateAccessKeyRequest) -> Result<Empty, AwsError> {
        let mut user = user_of(ctx, input.user_name.as_deref())?;
        let i = position(&user, &input.access_key_id)?;
        user.access_keys[i].status = Some(input.status);
        users::save(ctx, &user)?;
        Ok(Empty {})
    }
}

impl Handler for iam::DeleteAccessKey {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteAccessKeyRequest) -> Result<Empty, AwsError> {
        let mut user = user_of(ctx, input.user_name.as_deref())?;
        let i = position(&user, &input.access_key_id)?;
        user.access_keys.remove(i);
        users::save(ctx, &user)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListAccessKeys {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListAccessKeysRequest) -> Result<iam::ListAccessKeysResponse, AwsError> {
        let user = user_of(ctx, input.user_name.as_deref())?;
        let p = page(user.access_keys, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListAccessKeysResponse {
            access_key_metadata: p.items,
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}
