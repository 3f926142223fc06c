//! SecretsManager.1–.4: secrets with automatic rotation, rotations that happen on schedule,
//! secrets in use, secrets rotated recently
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html).
//! "Now" is the credential report's generation time, the evaluation's clock.

use hubsim_api::model::secretsmanager::SecretListEntry;
use hubsim_api::model::Timestamp;

use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};

/// One day in milliseconds.
const DAY_MS: i64 = 86_400_000;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "SecretsManager.1",
        resource_type: "AWS::SecretsManager::Secret",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-rotation-enabled-check.html
        config_rule: Some("secretsmanager-rotation-enabled-check"),
        parameters: &[Parameter {
            name: "maximumAllowedRotationFrequency",
            kind: ParamKind::Int { min: 1, max: 365 },
            default: None,
            doc: "Maximum number of days allowed for secret rotation frequency",
        }],
        choices: "A secret passes when RotationEnabled is true; with maximumAllowedRotationFrequency set, its \
                  schedule (AutomaticallyAfterDays, or a rate() expression in days) must also be at most that many \
                  days. Secrets scheduled for deletion are not judged [I].",
        evaluate: secretsmanager_1,
    },
    Control {
        id: "SecretsManager.2",
        resource_type: "AWS::SecretsManager::Secret",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-scheduled-rotation-success-check.html
        config_rule: Some("secretsmanager-scheduled-rotation-success-check"),
        parameters: &[],
        choices: "Only secrets with rotation enabled are judged. A secret fails when its NextRotationDate has passed \
                  (the scheduled rotation did not happen); hubsim runs no rotation function, so a rotation happens \
                  only when RotateSecret is called [I].",
        evaluate: secretsmanager_2,
    },
    Control {
        id: "SecretsManager.3",
        resource_type: "AWS::SecretsManager::Secret",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-secret-unused.html
        config_rule: Some("secretsmanager-secret-unused"),
        parameters: &[Parameter {
            name: "unusedForDays",
            kind: ParamKind::Int { min: 1, max: 365 },
            default: Some("90"),
            doc: "Maximum number of days that a secret can remain unused",
        }],
        choices: "A secret fails when its LastAccessedDate (a day), or its CreatedDate if it was never accessed, is \
                  more than unusedForDays days before the evaluation [I].",
        evaluate: secretsmanager_3,
    },
    Control {
        id: "SecretsManager.4",
        resource_type: "AWS::SecretsManager::Secret",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-secret-periodic-rotation.html
        config_rule: Some("secretsmanager-secret-periodic-rotation"),
        parameters: &[Parameter {
            name: "maxDaysSinceRotation",
            kind: ParamKind::Int { min: 1, max: 365 },
            default: Some("90"),
            doc: "Maximum number of days that a secret can remain unchanged",
        }],
        choices: "A secret fails when its LastRotatedDate, or its CreatedDate if it was never rotated, is more than \
                  maxDaysSinceRotation days before the evaluation, whether or not rotation is enabled [I].",
        evaluate: secretsmanager_4,
    },
];

fn secret_ref(s: &SecretListEntry) -> ResourceRef {
    ResourceRef { id: s.arn.clone().unwrap_or_default(), kind: "AwsSecretsManagerSecret" }
}

fn name(s: &SecretListEntry) -> &str {
    s.name.as_deref().unwrap_or_default()
}

/// The rotation interval in days of a secret's schedule.
fn rotation_days(s: &SecretListEntry) -> Option<i64> {
    let rules = s.rotation_rules.as_ref()?;
    if let Some(d) = rules.automatically_after_days {
        return Some(d);
    }
    let inner = rules.schedule_expression.as_deref()?.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" => Some((n + 23) / 24),
        _ => None,
    }
}

/// Whole days from `then` to `now`.
fn days_between(then: Timestamp, now: Timestamp) -> i64 {
    (now.0 - then.0).div_euclid(DAY_MS)
}

fn secretsmanager_1(i: &Input<'_>) -> Vec<Verdict> {
    let max = i.params.int("maximumAllowedRotationFrequency");
    i.region
        .secrets
        .iter()
        .map(|s| {
            let n = name(s);
            if s.rotation_enabled != Some(true) {
                return Verdict::fail(secret_ref(s), format!("secret {n} does not have automatic rotation enabled"));
            }
            match (max, rotation_days(s)) {
                (Some(max), Some(d)) if d > max => Verdict::fail(
                    secret_ref(s),
                    format!("secret {n} rotates every {d} days, more than the {max} allowed"),
                ),
                _ => Verdict::pass(secret_ref(s), format!("secret {n} has automatic rotation enabled")),
            }
        })
        .collect()
}

fn secretsmanager_2(i: &Input<'_>) -> Vec<Verdict> {
    let Some(now) = i.global.credentials.generated else { return Vec::new() };
    i.region
        .secrets
        .iter()
        .filter(|s| s.rotation_enabled == Some(true))
        .map(|s| {
            let n = name(s);
            match s.next_rotation_date {
                Some(due) if due.0 < now.0 => Verdict::fail(
                    secret_ref(s),
                    format!("secret {n}'s scheduled rotation on {} did not happen", due.to_iso8601()),
                ),
                _ => Verdict::pass(secret_ref(s), format!("secret {n} rotated on schedule")),
            }
        })
        .collect()
}

fn secretsmanager_3(i: &Input<'_>) -> Vec<Verdict> {
    let Some(now) = i.global.credentials.generated else { return Vec::new() };
    let limit = i.params.int("unusedForDays").unwrap_or(90);
    i.region
        .secrets
        .iter()
        .filter_map(|s| {
            let n = name(s);
            let (since, what) = match s.last_accessed_date {
                Some(d) => (d, "last accessed"),
                None => (s.created_date?, "never accessed since its creation"),
            };
            let days = days_between(since, now);
            Some(Verdict::check(
                secret_ref(s),
                days <= limit,
                format!("secret {n} was {what} {days} days ago"),
                format!("secret {n} is unused: {what} {days} days ago, more than {limit}"),
            ))
        })
        .collect()
}

fn secretsmanager_4(i: &Input<'_>) -> Vec<Verdict> {
    let Some(now) = i.global.credentials.generated else { return Vec::new() };
    let limit = i.params.int("maxDaysSinceRotation").unwrap_or(90);
    i.region
        .secrets
        .iter()
        .filter_map(|s| {
            let n = name(s);
            let (since, what) = match s.last_rotated_date {
                Some(d) => (d, "last rotated"),
                None => (s.created_date?, "never rotated since its creation"),
            };
            let days = days_between(since, now);
            Some(Verdict::check(
                secret_ref(s),
                days <= limit,
                format!("secret {n} was {what} {days} days ago"),
                format!("secret {n} was {what} {days} days ago, more than {limit}"),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::{Compliance, Params};
    use crate::snapshot::{Global, Region};
    use hubsim_api::model::secretsmanager::RotationRulesType;

    const NOW: i64 = 1_800_000_000_000;

    fn run(control: usize, secret: SecretListEntry, overrides: Option<serde_json::Value>) -> Vec<Compliance> {
        let region = Region { name: "us-east-1".into(), secrets: vec![secret], ..Default::default() };
        let mut global = Global { account: "123456789012".into(), ..Default::default() };
        global.credentials.generated = Some(Timestamp(NOW));
        let c = &CONTROLS[control];
        let params = Params::resolve(c.parameters, overrides.as_ref().and_then(|v| v.as_object()));
        let input = Input { region: &region, global: &global, era: hubsim_api::Era::Current, params: &params };
        (c.evaluate)(&input).into_iter().map(|v| v.status).collect()
    }

    fn secret(days_ago: i64) -> SecretListEntry {
        SecretListEntry {
            arn: Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf".into()),
            name: Some("s".into()),
            created_date: Some(Timestamp(NOW - days_ago * DAY_MS)),
            ..Default::default()
        }
    }

    #[test]
    fn unused_and_unrotated_fail_only_past_their_limit() {
        // Exactly 90 days is within the limit; 91 is past it.
        assert_eq!(run(2, secret(90), None), [Compliance::Passed]);
        assert_eq!(run(2, secret(91), None), [Compliance::Failed]);
        assert_eq!(run(3, secret(91), None), [Compliance::Failed]);
        assert_eq!(run(2, secret(91), Some(serde_json::json!({"unusedForDays": 120}))), [Compliance::Passed]);
        // A read today counts over the creation date.
        let read = SecretListEntry { last_accessed_date: Some(Timestamp(NOW)), ..secret(200) };
        assert_eq!(run(2, read, None), [Compliance::Passed]);
    }

    #[test]
    fn rotation_schedules_in_days_and_rates() {
        let rules = |days: Option<i64>, expr: Option<&str>| SecretListEntry {
            rotation_enabled: Some(true),
            rotation_rules: Some(RotationRulesType {
                automatically_after_days: days,
                schedule_expression: expr.map(str::to_string),
                ..Default::default()
            }),
            ..secret(1)
        };
        assert_eq!(rotation_days(&rules(Some(30), None)), Some(30));
        assert_eq!(rotation_days(&rules(None, Some("rate(10 days)"))), Some(10));
        assert_eq!(rotation_days(&rules(None, Some("rate(25 hours)"))), Some(2));
        assert_eq!(rotation_days(&rules(None, Some("cron(0 0 * * ? *)"))), None);
        let max = Some(serde_json::json!({"maximumAllowedRotationFrequency": 30}));
        assert_eq!(run(0, rules(Some(30), None), max.clone()), [Compliance::Passed]);
        assert_eq!(run(0, rules(Some(31), None), max), [Compliance::Failed]);
        assert_eq!(run(0, secret(1), None), [Compliance::Failed]);
        // SecretsManager.2 judges only secrets that rotate, and fails one whose rotation is overdue.
        assert!(run(1, secret(1), None).is_empty());
        let overdue = SecretListEntry { next_rotation_date: Some(Timestamp(NOW - 1)), ..rules(Some(30), None) };
        assert_eq!(run(1, overdue, None), [Compliance::Failed]);
    }
}
