//! The credential controls: IAM.3 (active access keys older than 90 days), IAM.4 (root access
//! keys), IAM.5 (console passwords without MFA), IAM.8 (credentials unused for 90 days) and
//! IAM.9 (root MFA of any kind)
//! (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html). The per-user
//! controls judge the rows of the credential report; ages count from the report's generation.
//! Security Hub fixes both ages at 90 days ("not customizable"), so neither control has a
//! parameter.

use hubsim_api::model::Timestamp;
use hubsim_api::Era;

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::CredentialRow;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "IAM.3",
        resource_type: "AWS::IAM::User",
        schedule: Schedule::Periodic,
        // maxAccessKeyAge 90 (https://docs.aws.amazon.com/config/latest/developerguide/access-keys-rotated.html).
        config_rule: Some("access-keys-rotated"),
        parameters: &[],
        choices: "Per user in the credential report: FAILED if an active key was created more than 90 days before the \
                  report; inactive keys do not count; a user without an active key PASSED [I]. Root's keys are IAM.4's \
                  (the rule does not apply to them). The same in both eras.",
        evaluate: iam_3,
    },
    Control {
        id: "IAM.4",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("iam-root-access-key-check"),
        parameters: &[],
        choices: "FAILED while the root user has any access key, active or inactive (GetAccountSummary \
                  AccountAccessKeysPresent). The same in both eras.",
        evaluate: iam_4,
    },
    Control {
        id: "IAM.5",
        resource_type: "AWS::IAM::User",
        schedule: Schedule::Periodic,
        config_rule: Some("mfa-enabled-for-iam-console-access"),
        parameters: &[],
        choices: "Per user in the credential report: FAILED if password_enabled and not mfa_active; a user without a \
                  console password PASSED [I]. The report lags up to four hours, as AWS says the control may. The \
                  same in both eras.",
        evaluate: iam_5,
    },
    Control {
        id: "IAM.8",
        resource_type: "AWS::IAM::User",
        schedule: Schedule::Periodic,
        // maxCredentialUsageAge 90
        // (https://docs.aws.amazon.com/config/latest/developerguide/iam-user-unused-credentials-check.html).
        config_rule: Some("iam-user-unused-credentials-check"),
        parameters: &[],
        choices:
            "Per user in the credential report: FAILED if the console password, or an active access key, was last \
                  used 90 days or more before the report, or never used and set (password_last_changed) or created 90 \
                  days or more before it [I: never used counts from creation]; inactive keys do not count. The same in \
                  both eras.",
        evaluate: iam_8,
    },
    Control {
        id: "IAM.9",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("root-account-mfa-enabled"),
        parameters: &[],
        choices: "FAILED when the root user has no MFA device of any kind (GetAccountSummary AccountMFAEnabled); a \
                  virtual device passes. Era current: a root user without credentials (no password, no access key) \
                  PASSED.",
        evaluate: iam_9,
    },
];

/// 90 days, the age both IAM.3 and IAM.8 use.
const NINETY_DAYS_MS: i64 = 90 * DAY_MS;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// An IAM user's resource: its ARN.
fn user_ref(row: &CredentialRow) -> ResourceRef {
    ResourceRef { id: row.arn.clone(), kind: "AwsIamUser" }
}

/// Whole days from `then` to `now`.
fn days(now: Timestamp, then: Timestamp) -> i64 {
    (now.0 - then.0).div_euclid(DAY_MS)
}

fn iam_3(i: &Input<'_>) -> Vec<Verdict> {
    let c = &i.global.credentials;
    let Some(now) = c.generated else { return Vec::new() };
    c.users
        .iter()
        .map(|u| {
            let old: Vec<String> = u
                .keys
                .iter()
                .filter(|k| k.active)
                .filter_map(|k| k.created.map(|t| (k.slot, t)))
                .filter(|(_, t)| now.0 - t.0 > NINETY_DAYS_MS)
                .map(|(slot, t)| format!("access key {slot} is active and {} days old", days(now, t)))
                .collect();
            let active = u.keys.iter().filter(|k| k.active).count();
            Verdict::check(
                user_ref(u),
                old.is_empty(),
                if active == 0 {
                    format!("user {} has no active access key", u.user)
                } else {
                    format!("user {}'s active access keys are at most 90 days old", u.user)
                },
                format!("user {}: {} (more than 90 days)", u.user, old.join(", ")),
            )
        })
        .collect()
}

fn iam_4(i: &Input<'_>) -> Vec<Verdict> {
    vec![Verdict::check(
        i.account(),
        !i.global.credentials.root_access_keys,
        "the root user has no access key",
        "the root user has an access key (active or not)",
    )]
}

fn iam_5(i: &Input<'_>) -> Vec<Verdict> {
    i.global
        .credentials
        .users
        .iter()
        .map(|u| {
            if !u.password_enabled {
                Verdict::pass(user_ref(u), format!("user {} has no console password", u.user))
            } else if u.mfa_active {
                Verdict::pass(user_ref(u), format!("user {} has a console password and an MFA device", u.user))
            } else {
                Verdict::fail(user_ref(u), format!("user {} has a console password and no MFA device", u.user))
            }
        })
        .collect()
}

/// Why a credential last used at `used` (or never, and set at `set`) is unused for 90 days or
/// more at `now`; `None` when it was used within them.
fn unused(now: Timestamp, used: Option<Timestamp>, set: Option<Timestamp>) -> Option<String> {
    match (used, set) {
        (Some(u), _) if now.0 - u.0 >= NINETY_DAYS_MS => Some(format!("last used {} days ago", days(now, u))),
        (Some(_), _) => None,
        (None, Some(s)) if now.0 - s.0 >= NINETY_DAYS_MS => {
            Some(format!("never used in the {} days since it was set", days(now, s)))
        }
        (None, _) => None,
    }
}

fn iam_8(i: &Input<'_>) -> Vec<Verdict> {
    let c = &i.global.credentials;
    let Some(now) = c.generated else { return Vec::new() };
    c.users
        .iter()
        .map(|u| {
            let mut stale = Vec::new();
            if u.password_enabled {
                let set = u.password_last_changed.or(u.created);
                if let Some(why) = unused(now, u.password_last_used, set) {
                    stale.push(format!("its console password was {why}"));
                }
            }
            for k in u.keys.iter().filter(|k| k.active) {
                if let Some(why) = unused(now, k.last_used, k.created) {
                    stale.push(format!("active access key {} was {why}", k.slot));
                }
            }
            Verdict::check(
                user_ref(u),
                stale.is_empty(),
                format!("user {} has no console password or active access key unused for 90 days or more", u.user),
                format!("user {}: {} (90 days or more)", u.user, stale.join("; ")),
            )
        })
        .collect()
}

fn iam_9(i: &Input<'_>) -> Vec<Verdict> {
    let g = i.global;
    if i.era == Era::Current && !g.root_password && !g.credentials.root_access_keys {
        return vec![Verdict::pass(i.account(), "the root user has no password and no access key, so no credentials")];
    }
    vec![Verdict::check(
        i.account(),
        g.root_mfa,
        if g.root_virtual_mfa { "the root user has a virtual MFA device" } else { "the root user has an MFA device" },
        "the root user has no MFA device",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_counts_from_the_last_use_or_from_when_it_was_set() {
        let day = |d: i64| Timestamp(d * DAY_MS);
        assert_eq!(unused(day(100), Some(day(11)), None), None, "89 days");
        assert!(unused(day(100), Some(day(10)), None).is_some(), "90 days");
        assert_eq!(unused(day(100), None, Some(day(11))), None);
        assert!(unused(day(100), None, Some(day(9))).unwrap().contains("never used"));
        assert_eq!(unused(day(100), None, None), None);
    }
}
