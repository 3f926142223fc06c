//! IAM.6 (the root user's hardware MFA: no API can register it), the account's password
//! policy (one fix serves IAM.7 and the CIS items IAM.11–IAM.17), and the credential controls
//! IAM.3, IAM.4, IAM.5, IAM.8 and IAM.9, which hubsim justifies rather than fixes: their fixes
//! delete or rotate a credential someone may use, or need root or the user in person
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html>).

use hubsim_api::model::iam;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::control::Params;
use crate::controls::iam::{CIS_MAX_PASSWORD_AGE, CIS_MINIMUM_PASSWORD_LENGTH, CIS_PASSWORD_REUSE_PREVENTION};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::{CredentialRow, Snapshot};

/// The controls the password-policy fix serves: IAM.7 and the CIS items.
const PASSWORD_CONTROLS: [&str; 8] = ["IAM.7", "IAM.11", "IAM.12", "IAM.13", "IAM.14", "IAM.15", "IAM.16", "IAM.17"];

/// What the password-policy fix reads and writes.
const PASSWORD_ACTIONS: &[&str] = &["iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"];

/// The IAM fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let mut v = vec![Fix {
        control: "IAM.6",
        iam_actions: &[],
        scope: Scope::Resource,
        // What no API can fix is justified after every fix has run (the plan's tie-break).
        after: &[],
        how: How::Justified(Justification::RootHardwareMfa),
    }];
    // What only root, the user or the key's owner can do; justified after every fix has run.
    for (control, scope, j) in [
        ("IAM.3", Scope::Resource, Justification::KeyMayBeInUse),
        ("IAM.4", Scope::Account, Justification::RootAccessKeys),
        ("IAM.5", Scope::Resource, Justification::UserMfa),
        ("IAM.8", Scope::Resource, Justification::UnusedCredentials),
        ("IAM.9", Scope::Account, Justification::RootMfa),
    ] {
        v.push(Fix { control, iam_actions: &[], scope, after: &[], how: How::Justified(j) });
    }
    for control in PASSWORD_CONTROLS {
        v.push(Fix {
            control,
            iam_actions: PASSWORD_ACTIONS,
            // One password policy per account.
            scope: Scope::Account,
            after: if control == "IAM.7" {
                // Keeps the established order (no AWS dependency): S3.5 was put first for S3.1's
                // sake, ahead of the account settings that were already there.
                &["S3.5"]
            } else {
                // IAM.7's fix knows IAM.7's parameters (a minimum length above 14, a maximum age
                // below 90): when it runs first its single write satisfies every CIS item, and
                // the CIS fixes, reading the policy it left, find nothing to do.
                &["IAM.7"]
            },
            how: How::Calls(password_policy),
        });
    }
    v
}

/// The policy that satisfies IAM.7 (with `params`, IAM.7's parameters, when IAM.7 is the control
/// served; none for the CIS items) and IAM.11–IAM.17, keeping whatever `have` sets that is
/// stricter: the longer minimum length, the longer reuse memory, the shorter maximum age, and
/// the user's own choices for AllowUsersToChangePassword and HardExpiry. Without a policy,
/// users may change their own password (ASR's default for this fix).
pub(crate) fn strengthened(
    have: Option<&iam::PasswordPolicy>,
    params: &Params,
) -> iam::UpdateAccountPasswordPolicyRequest {
    let base = have.cloned().unwrap_or_default();
    let length = i64::from(base.minimum_password_length.unwrap_or(0))
        .max(params.int("MinimumPasswordLength").unwrap_or(0))
        .max(i64::from(CIS_MINIMUM_PASSWORD_LENGTH))
        .min(128);
    let reuse = i64::from(base.password_reuse_prevention.unwrap_or(0))
        .max(params.int("PasswordReusePrevention").unwrap_or(0))
        .max(i64::from(CIS_PASSWORD_REUSE_PREVENTION))
        .min(24);
    let mut age = i64::from(CIS_MAX_PASSWORD_AGE);
    if let Some(a) = base.max_password_age.filter(|a| *a > 0) {
        age = age.min(i64::from(a));
    }
    if let Some(a) = params.int("MaxPasswordAge").filter(|a| *a > 0) {
        age = age.min(a);
    }
    // Bounded above by the clamps: 128, 24 and 90 all fit an i32.
    let int = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    iam::UpdateAccountPasswordPolicyRequest {
        minimum_password_length: Some(int(length)),
        require_symbols: Some(true),
        require_numbers: Some(true),
        require_uppercase_characters: Some(true),
        require_lowercase_characters: Some(true),
        allow_users_to_change_password: Some(have.is_none_or(|p| p.allow_users_to_change_password.unwrap_or(false))),
        max_password_age: Some(int(age)),
        password_reuse_prevention: Some(int(reuse)),
        hard_expiry: base.hard_expiry,
    }
}

/// Whether `have` already is `want` (nothing to write).
fn already(have: Option<&iam::PasswordPolicy>, want: &iam::UpdateAccountPasswordPolicyRequest) -> bool {
    have.is_some_and(|p| {
        p.minimum_password_length == want.minimum_password_length
            && p.require_symbols == want.require_symbols
            && p.require_numbers == want.require_numbers
            && p.require_uppercase_characters == want.require_uppercase_characters
            && p.require_lowercase_characters == want.require_lowercase_characters
            && p.allow_users_to_change_password == want.allow_users_to_change_password
            && p.max_password_age == want.max_password_age
            && p.password_reuse_prevention == want.password_reuse_prevention
            && p.hard_expiry.unwrap_or(false) == want.hard_expiry.unwrap_or(false)
    })
}

/// Writes the strengthened policy once. The policy is read now, not taken from the round's
/// snapshot: another control's run of this fix may have written it since, and then there is
/// nothing left to do. UpdateAccountPasswordPolicy is not a partial update: a member left out
/// goes back to its default, so every member is sent
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html>).
fn password_policy<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let home = f.home.clone();
    let have = match f.read::<iam::GetAccountPasswordPolicy>(&home, Default::default()) {
        Ok(found) => Some(found.password_policy),
        Err(e) if e.code == "NoSuchEntity" => None,
        Err(error) => return Err(Failed { call: "iam:GetAccountPasswordPolicy".into(), error }),
    };
    let want = strengthened(have.as_ref(), target.params);
    if already(have.as_ref(), &want) {
        return Ok(Done::Applied);
    }
    f.call::<iam::UpdateAccountPasswordPolicy>(&home, want)?;
    Ok(Done::Applied)
}

/// 90 days, IAM.3's key age.
const NINETY_DAYS_MS: i64 = 90 * 24 * 3600 * 1000;

/// The credential report's row of the user whose ARN is `resource`.
fn user_row<'s>(snapshot: &'s Snapshot, resource: &str) -> Option<&'s CredentialRow> {
    snapshot.global.credentials.users.iter().find(|u| u.arn == resource)
}

/// Whether the precondition of a credential justification holds for `resource`: the credential
/// it is about is still there. Other justifications have none to check here.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    let g = &snapshot.global;
    let c = &g.credentials;
    let (holds, what) = match j {
        Justification::RootAccessKeys => (c.root_access_keys, "the root user has an access key"),
        Justification::RootMfa => {
            (!g.root_mfa && (g.root_password || c.root_access_keys), "the root user has a credential and no MFA")
        }
        Justification::KeyMayBeInUse => {
            let now = c.generated.map_or(0, |t| t.0);
            let old = user_row(snapshot, resource).is_some_and(|u| {
                u.keys.iter().any(|k| k.active && k.created.is_some_and(|t| now - t.0 > NINETY_DAYS_MS))
            });
            (old, "the user has an active access key over 90 days old")
        }
        Justification::UserMfa => (
            user_row(snapshot, resource).is_some_and(|u| u.password_enabled && !u.mfa_active),
            "the user has a console password and no MFA device",
        ),
        Justification::UnusedCredentials => (
            user_row(snapshot, resource).is_some_and(|u| u.password_enabled || u.keys.iter().any(|k| k.active)),
            "the user has a console password or an active access key",
        ),
        _ => (true, ""),
    };
    if holds {
        Ok(())
    } else {
        Err(format!("the justification's precondition does not hold: it needs that {what}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: serde_json::Value) -> Params {
        Params(v.as_object().cloned().unwrap_or_default())
    }

    #[test]
    fn credential_justifications_hold_only_while_their_credential_is_there() {
        use crate::snapshot::AccessKeyView;
        use hubsim_api::model::Timestamp;
        let arn = "arn:aws:iam::1:user/alice";
        let mut snap = Snapshot::default();
        snap.global.credentials.generated = Some(Timestamp(200 * 86_400_000));
        for j in [Justification::RootAccessKeys, Justification::KeyMayBeInUse, Justification::UserMfa] {
            assert!(precondition(&j, &snap, arn).is_err(), "{j:?} with nothing to justify");
        }
        assert!(precondition(&Justification::RootMfa, &snap, arn).is_err(), "no root credential");
        snap.global.root_password = true;
        assert!(precondition(&Justification::RootMfa, &snap, arn).is_ok());
        snap.global.root_mfa = true;
        assert!(precondition(&Justification::RootMfa, &snap, arn).is_err(), "root has MFA");
        snap.global.credentials.root_access_keys = true;
        assert!(precondition(&Justification::RootAccessKeys, &snap, arn).is_ok());
        let key = |active, day: i64| AccessKeyView {
            slot: 1,
            active,
            created: Some(Timestamp(day * 86_400_000)),
            last_used: None,
        };
        snap.global.credentials.users.push(CredentialRow {
            user: "alice".into(),
            arn: arn.into(),
            password_enabled: true,
            keys: vec![key(false, 1), key(true, 150)],
            ..Default::default()
        });
        assert!(precondition(&Justification::KeyMayBeInUse, &snap, arn).is_err(), "the old key is inactive");
        snap.global.credentials.users[0].keys[1] = key(true, 100);
        assert!(precondition(&Justification::KeyMayBeInUse, &snap, arn).is_ok());
        assert!(precondition(&Justification::UserMfa, &snap, arn).is_ok());
        assert!(precondition(&Justification::UnusedCredentials, &snap, arn).is_ok());
        assert!(precondition(&Justification::UnusedCredentials, &snap, "arn:aws:iam::1:user/bob").is_err());
        assert!(precondition(&Justification::RootHardwareMfa, &snap, arn).is_ok());
    }

    #[test]
    fn no_policy_becomes_the_cis_policy() {
        let want = strengthened(None, &Params::default());
        assert_eq!(want.minimum_password_length, Some(14));
        assert_eq!(want.password_reuse_prevention, Some(24));
        assert_eq!(want.max_password_age, Some(90));
        assert_eq!(want.allow_users_to_change_password, Some(true));
        assert_eq!(
            (
                want.require_symbols,
                want.require_numbers,
                want.require_uppercase_characters,
                want.require_lowercase_characters
            ),
            (Some(true), Some(true), Some(true), Some(true))
        );
        assert_eq!(want.hard_expiry, None);
    }

    #[test]
    fn stricter_user_values_and_iam7_parameters_are_kept() {
        let have = iam::PasswordPolicy {
            minimum_password_length: Some(20),
            max_password_age: Some(30),
            password_reuse_prevention: Some(5),
            allow_users_to_change_password: Some(false),
            hard_expiry: Some(true),
            ..Default::default()
        };
        let want = strengthened(Some(&have), &Params::default());
        assert_eq!(want.minimum_password_length, Some(20));
        assert_eq!(want.max_password_age, Some(30));
        assert_eq!(want.password_reuse_prevention, Some(24));
        assert_eq!(want.allow_users_to_change_password, Some(false));
        assert_eq!(want.hard_expiry, Some(true));
        let want = strengthened(None, &params(json!({"MinimumPasswordLength": 40, "MaxPasswordAge": 7})));
        assert_eq!((want.minimum_password_length, want.max_password_age), (Some(40), Some(7)));
    }

    #[test]
    fn a_policy_already_strong_enough_is_not_rewritten() {
        let want = strengthened(None, &Params::default());
        let have = iam::PasswordPolicy {
            minimum_password_length: want.minimum_password_length,
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase_characters: Some(true),
            require_lowercase_characters: Some(true),
            allow_users_to_change_password: Some(true),
            expire_passwords: Some(true),
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            hard_expiry: Some(false),
        };
        assert!(already(Some(&have), &strengthened(Some(&have), &Params::default())));
        let weaker = iam::PasswordPolicy { minimum_password_length: Some(13), ..have };
        assert!(!already(Some(&weaker), &strengthened(Some(&weaker), &Params::default())));
        assert!(!already(None, &want));
    }
}
