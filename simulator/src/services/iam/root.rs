//! The root user: whether it has a password (login profile) and which MFA device it uses.
//! Neither can be changed through the IAM API by hubsim's caller (a role); the console
//! actions `hubsim:SetRootMfa` / `hubsim:SetRootLoginProfile` change them.

use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};

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
