//! IAM users' access keys: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys,
//! GetAccessKeyLastUsed.
//!
//! A key is stored with its user ([`StoredUser::access_keys`]), in creation order, which is the
//! order ListAccessKeys and the credential report's `access_key_1`/`access_key_2` columns
//! follow. The secret is returned once, by CreateAccessKey, and never stored: AWS cannot show
//! it again either. hubsim does not sign with these keys: a key's last use is what the console
//! action `hubsim:RecordAccessKeyUse` says (when, with which service, in which region), kept
//! apart from the key under its id ([`KeyLastUsed`]) and forgotten with the key.
//!
//! Without a `UserName` these operations act on the caller's own keys. hubsim's caller is a role,
//! which has no access keys, so they refuse as AWS does for role credentials.

use hubsim_model::{iam, Empty, Timestamp};
use serde::{Deserialize, Serialize};

use super::limits::KEYS_PER_USER;
use super::users::{self, needs_user_name, StoredUser};
use super::{no_such_entity, page};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateAccessKey>()
        .add::<iam::UpdateAccessKey>()
        .add::<iam::DeleteAccessKey>()
        .add::<iam::ListAccessKeys>()
        .add::<iam::GetAccessKeyLastUsed>();
}

/// When, with which service and in which region a key last signed a request. Stored under the
/// key's id (ids are unique across users and root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct KeyLastUsed {
    /// When.
    pub date: Timestamp,
    /// The service's namespace (`s3`, `ec2`).
    pub service: String,
    /// The region.
    pub region: String,
}

impl Resource for KeyLastUsed {
    const KIND: &'static str = "iam:access-key-last-used";
    const GLOBAL: bool = true;
}

/// The last use of key `id`, if it was ever used.
pub(super) fn last_used(ctx: &Ctx<'_>, id: &str) -> Result<Option<KeyLastUsed>, AwsError> {
    ctx.get::<KeyLastUsed>(id)
}

/// Who owns key `id`: a user's name, or `root`; and the key. `None` when no one has it.
fn owner_of(ctx: &Ctx<'_>, id: &str) -> Result<Option<(String, iam::AccessKeyMetadata)>, AwsError> {
    let has = |k: &iam::AccessKeyMetadata| k.access_key_id.as_deref() == Some(id);
    for user in users::all(ctx)? {
        if let Some(k) = user.access_keys.iter().find(|k| has(k)) {
            return Ok(Some((user.user.user_name.clone(), k.clone())));
        }
    }
    let root = super::root::load(ctx)?;
    Ok(root.access_keys.iter().find(|k| has(k)).map(|k| (super::root::ROOT_NAME.to_string(), k.clone())))
}

/// Records that key `id` signed a request now, for `service` in `region` (a console action). An
/// inactive key cannot sign requests, so its use is refused.
pub(super) fn record_use(ctx: &mut Ctx<'_>, id: &str, service: &str, region: &str) -> Result<(), AwsError> {
    let (_, key) = owner_of(ctx, id)?.ok_or_else(|| no_such_key(id))?;
    if key.status.as_deref() != Some("Active") {
        return Err(AwsError::bad_request(
            "ValidationException",
            format!("access key {id} is inactive, so it cannot sign requests"),
        ));
    }
    let used = KeyLastUsed { date: ctx.now(), service: service.to_string(), region: region.to_string() };
    ctx.put(id, &used)
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
        ctx.delete::<KeyLastUsed>(&input.access_key_id)?;
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

impl Handler for iam::GetAccessKeyLastUsed {
    const MUTATES: bool = false;

    /// A key never used answers `N/A` for its service and region and no date, as AWS does
    /// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html). A key of
    /// the root user answers under the user name `root`. A key nobody has is `NoSuchEntity`
    /// [U: AWS's code for it is undocumented].
    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::GetAccessKeyLastUsedRequest,
    ) -> Result<iam::GetAccessKeyLastUsedResponse, AwsError> {
        let id = &input.access_key_id;
        let (owner, _) = owner_of(ctx, id)?.ok_or_else(|| no_such_key(id))?;
        let used = match last_used(ctx, id)? {
            Some(u) => {
                iam::AccessKeyLastUsed { last_used_date: Some(u.date), service_name: u.service, region: u.region }
            }
            None => iam::AccessKeyLastUsed { last_used_date: None, service_name: "N/A".into(), region: "N/A".into() },
        };
        Ok(iam::GetAccessKeyLastUsedResponse { user_name: Some(owner), access_key_last_used: Some(used) })
    }
}
