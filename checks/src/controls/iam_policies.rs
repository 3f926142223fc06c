//! IAM.1, IAM.2 and IAM.18: customer managed policies granting `*` on `*`, users with policies
//! of their own, and a role (or user, or group with members) that can reach AWS Support
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html).

use serde_json::Value;

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::SUPPORT_ACCESS;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "IAM.1",
        resource_type: "AWS::IAM::Policy",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html,
        // run by Security Hub with excludePermissionBoundaryPolicy=true (not a parameter
        // Security Hub lets the user change).
        config_rule: Some("iam-policy-no-statements-with-admin-access"),
        parameters: &[],
        choices: "Customer managed policies only (AWS managed and inline policies are out of scope), judged on \
                  their default version. A statement fails when it allows an Action of \"*\" (or \"*:*\") on a \
                  Resource of \"*\", in a string or a list; NotAction and NotResource never match. A policy \
                  attached to nothing is judged too [U]; one used only as a permissions boundary is left out \
                  (excludePermissionBoundaryPolicy=true).",
        evaluate: iam_1,
    },
    Control {
        id: "IAM.2",
        resource_type: "AWS::IAM::User",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/iam-user-no-policies-check.html
        config_rule: Some("iam-user-no-policies-check"),
        parameters: &[],
        choices: "A user fails when it has any attached managed policy or any inline policy; policies it gets \
                  through its groups do not count.",
        evaluate: iam_2,
    },
    Control {
        id: "IAM.18",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-in-use.html with
        // policyARN=arn:aws:iam::aws:policy/AWSSupportAccess and policyUsageType=ANY.
        config_rule: Some("iam-policy-in-use"),
        parameters: &[],
        choices: "Passes when AWSSupportAccess is attached to a user, to a group with at least one member, or to a \
                  role whose trust policy names at least one principal; a group without members does not count. \
                  The same in both eras.",
        evaluate: iam_18,
    },
];

/// The statements of a policy document (none when it is not a JSON object).
pub(super) fn statements(document: &str) -> Vec<Value> {
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(document) else { return Vec::new() };
    match doc.remove("Statement") {
        Some(Value::Array(items)) => items,
        Some(obj @ Value::Object(_)) => vec![obj],
        _ => Vec::new(),
    }
}

/// A string or a list of strings, as policy elements are written.
pub(super) fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The index of the first statement allowing every action on every resource.
fn admin_statement(document: &str) -> Option<(usize, Option<String>)> {
    statements(document).iter().enumerate().find_map(|(n, st)| {
        let allow = st.get("Effect").and_then(Value::as_str) == Some("Allow");
        let any_action = strings(st.get("Action")).iter().any(|a| *a == "*" || *a == "*:*");
        let any_resource = strings(st.get("Resource")).contains(&"*");
        (allow && any_action && any_resource).then(|| (n, st.get("Sid").and_then(Value::as_str).map(str::to_string)))
    })
}

fn iam_1(i: &Input<'_>) -> Vec<Verdict> {
    i.global
        .iam_policies
        .policies
        .iter()
        .filter(|p| !(p.attachment_count == 0 && p.boundary_count > 0))
        .map(|p| {
            let resource = ResourceRef { id: p.arn.clone(), kind: "AwsIamPolicy" };
            match admin_statement(&p.document) {
                Some((n, sid)) => {
                    let which = sid.map_or_else(|| format!("statement {}", n + 1), |s| format!("statement {s}"));
                    Verdict::fail(
                        resource,
                        format!(
                            "customer managed policy {}'s default version allows Action \"*\" on Resource \"*\" ({which})",
                            p.name
                        ),
                    )
                }
                None => Verdict::pass(
                    resource,
                    format!("customer managed policy {} has no statement allowing \"*\" on \"*\"", p.name),
                ),
            }
        })
        .collect()
}

fn iam_2(i: &Input<'_>) -> Vec<Verdict> {
    i.global
        .iam_policies
        .users
        .iter()
        .map(|u| {
            let resource = ResourceRef { id: u.arn.clone(), kind: "AwsIamUser" };
            let mut has = Vec::new();
            if !u.attached.is_empty() {
                let names: Vec<&str> = u.attached.iter().map(|a| a.rsplit('/').next().unwrap_or(a)).collect();
                has.push(format!("attached managed policies {}", names.join(", ")));
            }
            if !u.inline.is_empty() {
                has.push(format!("inline policies {}", u.inline.join(", ")));
            }
            Verdict::check(
                resource,
                has.is_empty(),
                format!("user {} has no policies of its own", u.name),
                format!("user {} has {}", u.name, has.join(" and ")),
            )
        })
        .collect()
}

/// Whether a trust policy names at least one principal in an Allow statement.
fn trusts_someone(document: &str) -> bool {
    statements(document).iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Allow")
            && match st.get("Principal") {
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Object(m)) => m.values().any(|v| !strings(Some(v)).is_empty()),
                _ => false,
            }
    })
}

fn iam_18(i: &Input<'_>) -> Vec<Verdict> {
    let s = &i.global.iam_policies.support_access;
    let name = SUPPORT_ACCESS.rsplit('/').next().unwrap_or(SUPPORT_ACCESS);
    let verdict = if let Some(user) = s.users.first() {
        Verdict::pass(i.account(), format!("{name} is attached to user {user}"))
    } else if let Some((group, _)) = s.groups.iter().find(|(_, members)| *members > 0) {
        Verdict::pass(i.account(), format!("{name} is attached to group {group}, which has members"))
    } else if let Some((role, _)) = s.roles.iter().find(|(_, trust)| trusts_someone(trust)) {
        Verdict::pass(i.account(), format!("{name} is attached to role {role}, which trusts a principal"))
    } else if !s.groups.is_empty() || !s.roles.is_empty() {
        let mut where_ = Vec::new();
        for (g, _) in &s.groups {
            where_.push(format!("group {g} (no members)"));
        }
        for (r, _) in &s.roles {
            where_.push(format!("role {r} (trusts no principal)"));
        }
        Verdict::fail(
            i.account(),
            format!("{name} is attached only to {}, so no one can use it to reach AWS Support", where_.join(", ")),
        )
    } else {
        Verdict::fail(i.account(), format!("{name} is attached to no user, group or role"))
    };
    vec![verdict]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_statements_need_allow_every_action_and_every_resource() {
        let doc = |st: &str| format!(r#"{{"Version":"2012-10-17","Statement":{st}}}"#);
        assert_eq!(admin_statement(&doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)), Some((0, None)));
        assert!(admin_statement(&doc(r#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"all","Effect":"Allow","Action":["ec2:*","*:*"],"Resource":["*"]}]"#)).is_some_and(|(n, sid)| n == 1 && sid.as_deref() == Some("all")));
        for ok in [
            r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}"#,
            r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
        ] {
            assert_eq!(admin_statement(&doc(ok)), None, "{ok}");
        }
    }

    #[test]
    fn a_trust_policy_trusts_someone_only_with_a_principal() {
        assert!(trusts_someone(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}"#
        ));
        assert!(!trusts_someone(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole"}]}"#
        ));
        assert!(!trusts_someone(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}"#));
        assert!(!trusts_someone(""));
    }
}
