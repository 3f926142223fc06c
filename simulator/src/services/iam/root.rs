//! The root user: whether it has a password (login profile), which MFA device it uses, its
//! access keys and when its password was last used. None of these can be changed through the
//! IAM API by hubsim's caller (a role); the console actions `hubsim:SetRootMfa`,
//! `hubsim:SetRootLoginProfile`, `hubsim:CreateRootAccessKey`, `hubsim:UpdateRootAccessKey`,
//! `hubsim:DeleteRootAccessKey` and `hubsim:RecordPasswordUse` change them. Root's access keys
//! follow the IAM user rules: at most two, inactive ones included
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html).

use hubsim_model::{iam, Timestamp};
use serde::{Deserialize, Serialize};

use super::limits::KEYS_PER_USER;
use crate::error::AwsError;
use crate::store::Resource;
use crate::Ctx;

/// The root user's MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MfaKind {
    /// No MFA device.
    #[default]
    None,
    /// A virtual (authenticator app) device.
    Virtual,
    /// A hardware device (what IAM.6 demands).
    Hardware,
}

/// The root user's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootSpec {
    /// Whether root has a password (login profile).
    #[serde(default = "yes")]
    pub login_profile: bool,
    /// Root's MFA device.
    #[serde(default)]
    pub mfa: MfaKind,
}

fn yes() -> bool {
    true
}

impl Default for RootSpec {
    fn default() -> Self {
        RootSpec { login_profile: true, mfa: MfaKind::None }
    }
}

const ID: &str = "root";

/// The serial number of the root user's virtual MFA device.
pub(crate) fn root_virtual_serial(account: &str) -> String {
    format!("arn:aws:iam::{account}:mfa/root-account-mfa-device")
}

/// The root user's ARN.
pub(crate) fn root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

/// The stored root user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Root {
    /// When the account (and its root user) was created.
    pub created: Timestamp,
    /// Whether root has a password.
    pub login_profile: bool,
    /// When the password was set, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_profile_created: Option<Timestamp>,
    /// Root's MFA device kind.
    pub mfa: MfaKind,
    /// When the MFA device was enabled, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enabled: Option<Timestamp>,
    /// Root's access keys, in creation order (the secret is never kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_keys: Vec<iam::AccessKeyMetadata>,
    /// When root last signed in with its password, if it ever did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<Timestamp>,
}

impl Resource for Root {
    const KIND: &'static str = "iam:root";
    const GLOBAL: bool = true;
}

/// What a test (or a scenario check) can see of the root user.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootState {
    /// Whether root has a password (login profile).
    pub login_profile: bool,
    /// Root's MFA device kind.
    pub mfa: MfaKind,
}

/// Reads the root user; an account seeded before IAM existed gets the default root spec.
pub(crate) fn load(ctx: &Ctx<'_>) -> Result<Root, AwsError> {
    if let Some(root) = ctx.get::<Root>(ID)? {
        return Ok(root);
    }
    let spec = RootSpec::default();
    Ok(Root {
        created: ctx.now(),
        login_profile: spec.login_profile,
        login_profile_created: spec.login_profile.then(|| ctx.now()),
        mfa: spec.mfa,
        mfa_enabled: None,
        access_keys: Vec::new(),
        password_last_used: None,
    })
}

/// The root user's login profile and MFA kind.
#[cfg(any(test, feature = "testing"))]
pub fn root_state(ctx: &Ctx<'_>) -> Result<RootState, AwsError> {
    let root = load(ctx)?;
    Ok(RootState { login_profile: root.login_profile, mfa: root.mfa })
}

/// Creates the root user as `spec` says.
pub(super) fn seed(ctx: &mut Ctx<'_>, spec: &RootSpec) -> Result<(), AwsError> {
    let now = ctx.now();
    let root = Root {
        created: now,
        login_profile: spec.login_profile,
        login_profile_created: spec.login_profile.then_some(now),
        mfa: spec.mfa,
        mfa_enabled: (spec.mfa != MfaKind::None).then_some(now),
        access_keys: Vec::new(),
        password_last_used: None,
    };
    ctx.put(ID, &root)
}

/// Changes root's MFA kind; the enable date moves only when the device changes.
pub(super) fn set_mfa(ctx: &mut Ctx<'_>, kind: MfaKind) -> Result<(), AwsError> {
    let mut root = load(ctx)?;
    if root.mfa != kind {
        root.mfa = kind;
        root.mfa_enabled = (kind != MfaKind::None).then(|| ctx.now());
    }
    ctx.put(ID, &root)
}

/// Gives root a password or removes it.
pub(super) fn set_login_profile(ctx: &mut Ctx<'_>, enabled: bool) -> Result<(), AwsError> {
    let mut root = load(ctx)?;
    if root.login_profile != enabled {
        root.login_profile = enabled;
        root.login_profile_created = enabled.then(|| ctx.now());
    }
    ctx.put(ID, &root)
}

/// The name GetLoginProfile and GetAccessKeyLastUsed answer for the root user.
pub(crate) const ROOT_NAME: &str = "root";

/// Gives root a new active access key (a console action): at most two keys, as for IAM users.
pub(super) fn create_access_key(ctx: &mut Ctx<'_>) -> Result<iam::AccessKeyMetadata, AwsError> {
    let mut root = load(ctx)?;
    if root.access_keys.len() >= KEYS_PER_USER {
        return Err(AwsError::conflict(
            "LimitExceeded",
            format!("Cannot exceed quota for AccessKeysPerUser: {KEYS_PER_USER}"),
        ));
    }
    let key = iam::AccessKeyMetadata {
        user_name: Some(ROOT_NAME.into()),
        // Root's keys are long-term keys like a user's: `AKIA` and 16 characters.
        access_key_id: Some(format!("AKIA{}", ctx.ids().upper(16))),
        status: Some("Active".into()),
        create_date: Some(ctx.now()),
    };
    root.access_keys.push(key.clone());
    ctx.put(ID, &root)?;
    Ok(key)
}

fn no_such_root_key(id: &str) -> AwsError {
    super::no_such_entity(format!("The Access Key with id {id} cannot be found."))
}

/// Sets the status of root's key `id` (a console action).
pub(super) fn update_access_key(ctx: &mut Ctx<'_>, id: &str, status: &str) -> Result<(), AwsError> {
    let mut root = load(ctx)?;
    let key = root
        .access_keys
        .iter_mut()
        .find(|k| k.access_key_id.as_deref() == Some(id))
        .ok_or_else(|| no_such_root_key(id))?;
    key.status = Some(status.to_string());
    ctx.put(ID, &root)
}

/// Deletes root's key `id` (a console action).
pub(super) fn delete_access_key(ctx: &mut Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let mut root = load(ctx)?;
    let i = root
        .access_keys
        .iter()
        .position(|k| k.access_key_id.as_deref() == Some(id))
        .ok_or_else(|| no_such_root_key(id))?;
    root.access_keys.remove(i);
    ctx.put(ID, &root)?;
    // Its last use goes with it, as a user's key's does.
    ctx.delete::<super::access_keys::KeyLastUsed>(id)?;
    Ok(())
}

/// Records a sign-in with root's password now (a console action); refused when root has none.
pub(super) fn record_password_use(ctx: &mut Ctx<'_>) -> Result<(), AwsError> {
    let mut root = load(ctx)?;
    if !root.login_profile {
        return Err(AwsError::bad_request(
            "ValidationException",
            "the root user has no password, so it cannot sign in with one",
        ));
    }
    root.password_last_used = Some(ctx.now());
    ctx.put(ID, &root)
}

/// Writes the root user back (DeleteLoginProfile / CreateLoginProfile without a user name).
pub(super) fn save(ctx: &mut Ctx<'_>, root: &Root) -> Result<(), AwsError> {
    ctx.put(ID, root)
}
