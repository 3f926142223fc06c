//! IAM.6, IAM.7 and IAM.15 (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html).

use crate::control::{Control, Input, ParamKind, Parameter, Schedule, Verdict};
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
    Control {
        id: "IAM.15",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        // The rule IAM.7 uses, with its MinimumPasswordLength fixed at 14
        // (<https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html>).
        config_rule: Some("iam-password-policy"),
        // CIS v1.2.0 1.9 only; Security Hub offers no parameter to change the 14.
        parameters: &[],
        choices: "No password policy fails (AWS Config marks the default policy NON_COMPLIANT). The same in both eras.",
        evaluate: iam_15,
    },
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

/// CIS v1.2.0 1.9's minimum password length.
const CIS_MINIMUM_PASSWORD_LENGTH: i32 = 14;

fn iam_15(i: &Input<'_>) -> Vec<Verdict> {
    let want = CIS_MINIMUM_PASSWORD_LENGTH;
    let Some(p) = &i.global.password_policy else {
        return vec![Verdict::fail(
            i.account(),
            format!("the account has no IAM password policy (the default one does not count), so no minimum length of {want}"),
        )];
    };
    let len = p.minimum_password_length.unwrap_or(0);
    vec![Verdict::check(
        i.account(),
        len >= want,
        format!("the IAM password policy's minimum length is {len}, at least {want}"),
        format!("the IAM password policy's minimum length is {len}, below {want}"),
    )]
}
