//! IAM.6, IAM.7 and the CIS password-policy items IAM.11–IAM.17 (AWS:
//! https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html). IAM.7 and
//! IAM.11–IAM.17 all read the account password policy through the AWS Config rule
//! `iam-password-policy`, each with its own parameter
//! (https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html).

use crate::control::{Control, Input, ParamKind, Parameter, Schedule, Verdict};
use hubsim_api::model::iam;
use hubsim_api::Era;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "IAM.6",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("root-account-hardware-mfa-enabled"),
        parameters: &[],
        choices: "Root's MFA comes from GetAccountSummary and ListVirtualMFADevices, its password from the \
                  credential report. Era current: a root user without a password passes.",
        evaluate: iam_6,
    },
    Control {
        id: "IAM.7",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("iam-password-policy"),
        parameters: &[
            Parameter { name: "RequireUppercaseCharacters", kind: ParamKind::Bool, default: Some("true"), doc: "" },
            Parameter { name: "RequireLowercaseCharacters", kind: ParamKind::Bool, default: Some("true"), doc: "" },
            Parameter { name: "RequireSymbols", kind: ParamKind::Bool, default: Some("true"), doc: "" },
            Parameter { name: "RequireNumbers", kind: ParamKind::Bool, default: Some("true"), doc: "" },
            Parameter {
                name: "MinimumPasswordLength",
                kind: ParamKind::Int { min: 8, max: 128 },
                default: Some("8"),
                doc: "",
            },
            Parameter {
                name: "PasswordReusePrevention",
                kind: ParamKind::Int { min: 12, max: 24 },
                default: None,
                doc: "ignored unless set",
            },
            Parameter {
                name: "MaxPasswordAge",
                kind: ParamKind::Int { min: 1, max: 90 },
                default: None,
                doc: "ignored unless set",
            },
        ],
        choices: "No password policy fails. PasswordReusePrevention and MaxPasswordAge are checked only when set \
                  [I: absent or smaller/larger values fail]. In era 2022 the parameters were fixed at the defaults.",
        evaluate: iam_7,
    },
    cis_password(
        "IAM.11",
        "CIS v1.2.0 1.5: the policy requires at least one upper-case letter (RequireUppercaseCharacters).",
        iam_11,
    ),
    cis_password(
        "IAM.12",
        "CIS v1.2.0 1.6: the policy requires at least one lower-case letter (RequireLowercaseCharacters).",
        iam_12,
    ),
    cis_password("IAM.13", "CIS v1.2.0 1.7: the policy requires at least one symbol (RequireSymbols).", iam_13),
    cis_password("IAM.14", "CIS v1.2.0 1.8: the policy requires at least one number (RequireNumbers).", iam_14),
    // The rule IAM.7 uses, with its MinimumPasswordLength fixed at 14.
    cis_password("IAM.15", "CIS v1.2.0 1.9: MinimumPasswordLength is at least 14.", iam_15),
    cis_password(
        "IAM.16",
        "CIS v1.2.0 1.10: PasswordReusePrevention is at least 24, the value CIS prescribes and Security Hub's \
         CIS page asks for [U: whether a smaller non-zero value passes is undocumented; hubsim fails it].",
        iam_16,
    ),
    cis_password(
        "IAM.17",
        "CIS v1.2.0 1.11: the policy expires passwords (MaxPasswordAge set) after at most 90 days.",
        iam_17,
    ),
];

fn iam_6(i: &Input<'_>) -> Vec<Verdict> {
    let g = i.global;
    if i.era == Era::Current && !g.root_password {
        return vec![Verdict::pass(i.account(), "the root user has no password, so it cannot sign in")];
    }
    let v = if !g.root_mfa {
        Verdict::fail(i.account(), "the root user has no MFA device")
    } else if g.root_virtual_mfa {
        Verdict::fail(i.account(), "the root user's MFA is a virtual device, not a hardware one")
    } else {
        Verdict::pass(i.account(), "the root user has a hardware MFA device")
    };
    vec![v]
}

fn iam_7(i: &Input<'_>) -> Vec<Verdict> {
    let Some(p) = &i.global.password_policy else {
        return vec![Verdict::fail(
            i.account(),
            "the account has no IAM password policy (the default one does not count)",
        )];
    };
    let fixed = i.era == Era::Y2022;
    let want = |name: &str| if fixed { true } else { i.params.bool(name, true) };
    let mut problems = Vec::new();
    for (param, have, text) in [
        ("RequireUppercaseCharacters", p.require_uppercase_characters, "upper-case letters"),
        ("RequireLowercaseCharacters", p.require_lowercase_characters, "lower-case letters"),
        ("RequireSymbols", p.require_symbols, "symbols"),
        ("RequireNumbers", p.require_numbers, "numbers"),
    ] {
        if want(param) && have != Some(true) {
            problems.push(format!("does not require {text}"));
        }
    }
    let min = if fixed { 8 } else { i.params.int("MinimumPasswordLength").unwrap_or(8) };
    let len = i64::from(p.minimum_password_length.unwrap_or(0));
    if len < min {
        problems.push(format!("minimum length is {len}, below {min}"));
    }
    if !fixed {
        if let Some(reuse) = i.params.int("PasswordReusePrevention") {
            match p.password_reuse_prevention {
                Some(have) if i64::from(have) >= reuse => {}
                Some(have) => problems.push(format!("prevents reuse of {have} passwords, fewer than {reuse}")),
                None => problems.push(format!("does not prevent password reuse ({reuse} required)")),
            }
        }
        if let Some(age) = i.params.int("MaxPasswordAge") {
            match p.max_password_age {
                Some(have) if have > 0 && i64::from(have) <= age => {}
                Some(have) if have > 0 => problems.push(format!("lets passwords live {have} days, more than {age}")),
                _ => problems.push(format!("never expires passwords ({age} days required)")),
            }
        }
    }
    vec![Verdict::check(
        i.account(),
        problems.is_empty(),
        "the IAM password policy meets the control's parameters",
        format!("the IAM password policy {}", problems.join(", ")),
    )]
}

/// One of the CIS password-policy controls IAM.11–IAM.17: an account-level periodic check of the
/// `iam-password-policy` rule with the CIS value fixed; Security Hub offers no parameter to
/// change it. No password policy fails (AWS Config marks the default policy NON_COMPLIANT); the
/// same in both eras.
const fn cis_password(id: &'static str, choices: &'static str, evaluate: fn(&Input<'_>) -> Vec<Verdict>) -> Control {
    Control {
        id,
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("iam-password-policy"),
        parameters: &[],
        choices,
        evaluate,
    }
}

/// CIS v1.2.0 1.9's minimum password length.
pub(crate) const CIS_MINIMUM_PASSWORD_LENGTH: i32 = 14;
/// CIS v1.2.0 1.10's number of remembered passwords.
pub(crate) const CIS_PASSWORD_REUSE_PREVENTION: i32 = 24;
/// CIS v1.2.0 1.11's longest password life, in days.
pub(crate) const CIS_MAX_PASSWORD_AGE: i32 = 90;

/// One verdict on the password policy: `judge` gives the reason it passes, or why it falls short;
/// no policy fails with `missing` named.
fn on_policy(
    i: &Input<'_>,
    missing: &str,
    judge: impl Fn(&iam::PasswordPolicy) -> Result<String, String>,
) -> Vec<Verdict> {
    let v = match &i.global.password_policy {
        None => Verdict::fail(
            i.account(),
            format!("the account has no IAM password policy (the default one does not count), so {missing}"),
        ),
        Some(p) => match judge(p) {
            Ok(pass) => Verdict::pass(i.account(), pass),
            Err(fail) => Verdict::fail(i.account(), fail),
        },
    };
    vec![v]
}

/// A character-class requirement (IAM.11–IAM.14).
fn requires(i: &Input<'_>, have: fn(&iam::PasswordPolicy) -> Option<bool>, what: &str) -> Vec<Verdict> {
    on_policy(i, &format!("nothing requires {what}"), |p| {
        if have(p) == Some(true) {
            Ok(format!("the IAM password policy requires {what}"))
        } else {
            Err(format!("the IAM password policy does not require {what}"))
        }
    })
}

fn iam_11(i: &Input<'_>) -> Vec<Verdict> {
    requires(i, |p| p.require_uppercase_characters, "at least one upper-case letter")
}

fn iam_12(i: &Input<'_>) -> Vec<Verdict> {
    requires(i, |p| p.require_lowercase_characters, "at least one lower-case letter")
}

fn iam_13(i: &Input<'_>) -> Vec<Verdict> {
    requires(i, |p| p.require_symbols, "at least one symbol")
}

fn iam_14(i: &Input<'_>) -> Vec<Verdict> {
    requires(i, |p| p.require_numbers, "at least one number")
}

fn iam_15(i: &Input<'_>) -> Vec<Verdict> {
    let want = CIS_MINIMUM_PASSWORD_LENGTH;
    on_policy(i, &format!("no minimum length of {want}"), |p| {
        let len = p.minimum_password_length.unwrap_or(0);
        if len >= want {
            Ok(format!("the IAM password policy's minimum length is {len}, at least {want}"))
        } else {
            Err(format!("the IAM password policy's minimum length is {len}, below {want}"))
        }
    })
}

fn iam_16(i: &Input<'_>) -> Vec<Verdict> {
    let want = CIS_PASSWORD_REUSE_PREVENTION;
    on_policy(i, "nothing prevents password reuse", |p| match p.password_reuse_prevention {
        Some(n) if n >= want => {
            Ok(format!("the IAM password policy prevents reuse of the last {n} passwords, at least {want}"))
        }
        Some(n) if n > 0 => {
            Err(format!("the IAM password policy prevents reuse of the last {n} passwords, fewer than {want}"))
        }
        _ => Err(format!(
            "the IAM password policy does not prevent password reuse ({want} remembered passwords required)"
        )),
    })
}

fn iam_17(i: &Input<'_>) -> Vec<Verdict> {
    let want = CIS_MAX_PASSWORD_AGE;
    on_policy(i, "passwords never expire", |p| match p.max_password_age {
        Some(days) if days > 0 && days <= want => {
            Ok(format!("the IAM password policy expires passwords after {days} days, at most {want}"))
        }
        Some(days) if days > 0 => {
            Err(format!("the IAM password policy expires passwords after {days} days, more than {want}"))
        }
        _ => Err(format!("the IAM password policy never expires passwords (at most {want} days required)")),
    })
}
