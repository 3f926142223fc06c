//! IAM.6, IAM.7 and IAM.15: the root user's hardware MFA (no API can register it), the
//! account's password policy, and its minimum length of 14
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html>).

use hubsim_api::model::iam;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};

/// The IAM fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "IAM.6",
            iam_actions: &[],
            scope: Scope::Resource,
            // What no API can fix is justified after every fix has run (the plan's tie-break).
            after: &[],
            how: How::Justified(Justification::RootHardwareMfa),
        },
        Fix {
            control: "IAM.7",
            iam_actions: &["iam:UpdateAccountPasswordPolicy"],
            // One password policy per account.
            scope: Scope::Account,
            // Keeps the established order (no AWS dependency): S3.5 was put first for S3.1's
            // sake, ahead of the account settings that were already there.
            after: &["S3.5"],
            how: How::Calls(iam_7),
        },
        Fix {
            control: "IAM.15",
            // GetAccountPasswordPolicy is read to know what to keep.
            iam_actions: &["iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"],
            // One password policy per account.
            scope: Scope::Account,
            // UpdateAccountPasswordPolicy replaces the whole policy, and every fix of a round works
            // from the snapshot taken at its start: run after IAM.7's fix and read the policy it
            // left, so that neither undoes the other (IAM.7's fix already sets 14 or more).
            after: &["IAM.7"],
            how: How::Calls(iam_15),
        },
    ]
}

fn iam_7<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, params) = (target.snapshot, target.params);
    let have = snap.global.password_policy.clone().unwrap_or_default();
    let min = params.int("MinimumPasswordLength").unwrap_or(8).max(14);
    let length = i64::from(have.minimum_password_length.unwrap_or(0)).max(min);
    let reuse = i64::from(have.password_reuse_prevention.unwrap_or(0))
        .max(params.int("PasswordReusePrevention").unwrap_or(24))
        .max(24);
    let wanted_age = params.int("MaxPasswordAge").unwrap_or(90).min(90);
    let age = match have.max_password_age {
        Some(a) if a > 0 => i64::from(a).min(wanted_age),
        _ => wanted_age,
    };
    let home = f.home.clone();
    f.call::<iam::UpdateAccountPasswordPolicy>(
        &home,
        iam::UpdateAccountPasswordPolicyRequest {
            minimum_password_length: Some(length.min(128) as i32),
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase_characters: Some(true),
            require_lowercase_characters: Some(true),
            allow_users_to_change_password: Some(have.allow_users_to_change_password.unwrap_or(true)),
            max_password_age: Some(age as i32),
            password_reuse_prevention: Some(reuse.min(24) as i32),
            hard_expiry: have.hard_expiry,
        },
    )?;
    Ok(Done::Applied)
}

/// Raises the policy's minimum length to 14 and keeps everything else. The policy is read now,
/// not taken from the round's snapshot: IAM.7's fix may have replaced it since.
/// UpdateAccountPasswordPolicy is not a partial update: a member left out goes back to its
/// default, and MaxPasswordAge and PasswordReusePrevention can be left at their defaults (no
/// expiry, no reuse prevention) only by leaving them out
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html>).
fn iam_15<A: AwsApi>(f: &mut Fixer<'_, A>, _target: &Target<'_>) -> Result<Done, Failed> {
    const LENGTH: i32 = 14;
    let home = f.home.clone();
    let have = match f.read::<iam::GetAccountPasswordPolicy>(&home, Default::default()) {
        Ok(found) => found.password_policy,
        // No policy: one with only the length set, AWS's defaults for the rest.
        Err(e) if e.code == "NoSuchEntity" => iam::PasswordPolicy::default(),
        Err(error) => return Err(Failed { call: "iam:GetAccountPasswordPolicy".into(), error }),
    };
    if have.minimum_password_length.is_some_and(|len| len >= LENGTH) {
        return Ok(Done::Applied);
    }
    f.call::<iam::UpdateAccountPasswordPolicy>(
        &home,
        iam::UpdateAccountPasswordPolicyRequest {
            minimum_password_length: Some(LENGTH),
            require_symbols: have.require_symbols,
            require_numbers: have.require_numbers,
            require_uppercase_characters: have.require_uppercase_characters,
            require_lowercase_characters: have.require_lowercase_characters,
            allow_users_to_change_password: have.allow_users_to_change_password,
            max_password_age: have.max_password_age.filter(|a| *a > 0),
            password_reuse_prevention: have.password_reuse_prevention.filter(|r| *r > 0),
            hard_expiry: have.hard_expiry,
        },
    )?;
    Ok(Done::Applied)
}
