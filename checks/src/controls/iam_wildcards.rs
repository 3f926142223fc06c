//! IAM.21: customer managed policies that allow every action of a service
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html; rule
//! https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-full-access.html,
//! run by Security Hub with `excludePermissionBoundaryPolicy=true`). The statement walking is
//! IAM.1's (`iam_policies`).

use serde_json::Value;

use super::iam_policies::{statements, strings};
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};

pub(super) const CONTROLS: &[Control] = &[Control {
    id: "IAM.21",
    resource_type: "AWS::IAM::Policy",
    schedule: Schedule::ChangeTriggered,
    config_rule: Some("iam-policy-no-statements-with-full-access"),
    parameters: &[],
    choices: "Customer managed policies only (AWS managed and inline policies are out of scope), judged on their \
              default version, attached or not; one used only as a permissions boundary is left out. A statement \
              fails when it is an Allow whose Action or NotAction has an element \"<service>:*\" (any case, any \
              Resource, conditions ignored). A prefix wildcard (\"ec2:Describe*\") passes, and so do \"*\" and \
              \"*:*\": they name no service, and full admin access is IAM.1's [I]. The same in both eras.",
    evaluate: iam_21,
}];

/// Whether `pattern` is `<service>:*` for a named service.
fn service_wildcard(pattern: &str) -> bool {
    pattern
        .split_once(':')
        .is_some_and(|(service, action)| action == "*" && !service.is_empty() && !service.contains(['*', '?']))
}

/// The first Allow statement with a `<service>:*` action: (index, Sid, the element, whether
/// it is a NotAction).
fn full_access(document: &str) -> Option<(usize, Option<String>, String, bool)> {
    statements(document).iter().enumerate().find_map(|(n, st)| {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            return None;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map(str::to_string);
        for (element, not) in [("Action", false), ("NotAction", true)] {
            if let Some(p) = strings(st.get(element)).into_iter().find(|p| service_wildcard(p)) {
                return Some((n, sid, p.to_string(), not));
            }
        }
        None
    })
}

/// `allows Action "s3:*" (statement 2)` for the first such statement of `document`.
pub(super) fn full_access_text(document: &str) -> Option<String> {
    let (n, sid, element, not) = full_access(document)?;
    let which = sid.map_or_else(|| format!("statement {}", n + 1), |s| format!("statement {s}"));
    let what = if not { "NotAction" } else { "Action" };
    Some(format!("allows {what} \"{element}\" ({which})"))
}

fn iam_21(i: &Input<'_>) -> Vec<Verdict> {
    i.global
        .iam_policies
        .policies
        .iter()
        .filter(|p| !(p.attachment_count == 0 && p.boundary_count > 0))
        .map(|p| {
            let resource = ResourceRef { id: p.arn.clone(), kind: "AwsIamPolicy" };
            match full_access_text(&p.document) {
                Some(what) => {
                    Verdict::fail(resource, format!("customer managed policy {}'s default version {what}", p.name))
                }
                None => Verdict::pass(
                    resource,
                    format!("customer managed policy {} allows no service's every action", p.name),
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":{statement}}}"#)
    }

    #[test]
    fn service_wildcards_in_action_or_not_action_fail() {
        let hit = |st: &str| full_access(&doc(st)).map(|(n, _, e, not)| (n, e, not));
        assert_eq!(
            hit(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#),
            Some((0, "s3:*".into(), false))
        );
        assert_eq!(
            hit(
                r#"[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},{"Effect":"Allow","NotAction":["IAM:*"],"Resource":"*"}]"#
            ),
            Some((1, "IAM:*".into(), true))
        );
        for ok in [
            r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"*:*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}"#,
        ] {
            assert_eq!(hit(ok), None, "{ok}");
        }
    }
}
