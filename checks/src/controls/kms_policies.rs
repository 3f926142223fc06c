//! KMS.1 and KMS.2: IAM policies that allow decrypting with every KMS key
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html; rules
//! https://docs.aws.amazon.com/config/latest/developerguide/iam-customer-policy-blocked-kms-actions.html
//! and https://docs.aws.amazon.com/config/latest/developerguide/iam-inline-policy-blocked-kms-actions.html,
//! run by Security Hub with `blockedActionsPatterns=kms:ReEncryptFrom,kms:Decrypt`).
//!
//! The statement walking is IAM.1's (`iam_policies`), the action matching S3's
//! (`s3_public::wildcard_match`): one reading of IAM policy documents for every control.

use serde_json::Value;

use super::iam_policies::{statements, strings};
use super::s3_public::wildcard_match;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::Snapshot;

/// The actions Security Hub blocks on all keys.
pub(crate) const BLOCKED_ACTIONS: &[&str] = &["kms:Decrypt", "kms:ReEncryptFrom"];

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "KMS.1",
        resource_type: "AWS::IAM::Policy",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("iam-customer-policy-blocked-kms-actions"),
        parameters: &[],
        choices: concat!(
            "Customer managed policies only, judged on their default version, attached or not; one used only as a \
             permissions boundary is left out (excludePermissionBoundaryPolicy=true). ",
            "A statement fails when it is an Allow whose Resource is \"*\" (in a string or a list) and whose \
             Action matches kms:Decrypt or kms:ReEncryptFrom, wildcards included (\"*\", \"kms:*\", \
             \"kms:Re*\", case-insensitive) [I]. An Allow with NotAction on Resource \"*\" fails when its \
             NotAction does not exclude the action: it does allow it [I]. Conditions are ignored, as the \
             rule pages say; a Resource naming keys by ARN, even with wildcards (\"arn:aws:kms:*\"), or a \
             NotResource, passes [I]. The same in both eras (the current title drops \"re-encryption\", \
             Security Hub's parameter still lists kms:ReEncryptFrom)."
        ),
        evaluate: kms_1,
    },
    Control {
        id: "KMS.2",
        resource_type: "AWS::IAM::Role",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("iam-inline-policy-blocked-kms-actions"),
        parameters: &[],
        choices: concat!(
            "Every IAM user, group and role is judged on its inline policies (managed policies are KMS.1's); \
             one without inline policies passes [U]. ",
            "A statement fails when it is an Allow whose Resource is \"*\" (in a string or a list) and whose \
             Action matches kms:Decrypt or kms:ReEncryptFrom, wildcards included (\"*\", \"kms:*\", \
             \"kms:Re*\", case-insensitive) [I]. An Allow with NotAction on Resource \"*\" fails when its \
             NotAction does not exclude the action: it does allow it [I]. Conditions are ignored, as the \
             rule pages say; a Resource naming keys by ARN, even with wildcards (\"arn:aws:kms:*\"), or a \
             NotResource, passes [I]. The same in both eras (the current title drops \"re-encryption\", \
             Security Hub's parameter still lists kms:ReEncryptFrom)."
        ),
        evaluate: kms_2,
    },
];

/// One statement that allows a blocked action on every key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlockedGrant {
    /// The statement's index in the document.
    pub index: usize,
    /// Its Sid, if any.
    pub sid: Option<String>,
    /// The blocked action it allows.
    pub action: &'static str,
    /// Whether it allows it through NotAction.
    pub through_not_action: bool,
}

impl BlockedGrant {
    /// `statement 2 (Sid Keys) allows kms:Decrypt on Resource "*"`.
    pub(crate) fn describe(&self) -> String {
        let sid = self.sid.as_deref().map(|s| format!(" (Sid {s})")).unwrap_or_default();
        let how = if self.through_not_action { " through NotAction" } else { "" };
        format!("statement {}{sid} allows {}{how} on Resource \"*\"", self.index + 1, self.action)
    }
}

/// The first statement of `document` that allows kms:Decrypt or kms:ReEncryptFrom on all keys.
pub(crate) fn blocked_grant(document: &str) -> Option<BlockedGrant> {
    statements(document).iter().enumerate().find_map(|(index, st)| {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") || !strings(st.get("Resource")).contains(&"*") {
            return None;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map(str::to_string);
        if let Some(not) = st.get("NotAction") {
            let excluded = strings(Some(not));
            let action = BLOCKED_ACTIONS.iter().find(|a| !excluded.iter().any(|p| wildcard_match(p, a)))?;
            return Some(BlockedGrant { index, sid, action, through_not_action: true });
        }
        let patterns = strings(st.get("Action"));
        let action = BLOCKED_ACTIONS.iter().find(|a| patterns.iter().any(|p| wildcard_match(p, a)))?;
        Some(BlockedGrant { index, sid, action, through_not_action: false })
    })
}

/// The policy behind `control`'s finding on `resource` and its offending grant as the control
/// describes it (empty when the grant is gone): what the `BroadGrant` justification states.
pub(crate) fn broad_grant(control: &str, snapshot: &Snapshot, resource: &str) -> (String, String) {
    let g = &snapshot.global;
    if control == "KMS.2" {
        let Some(h) = g.inline_policies.iter().find(|h| h.arn == resource) else {
            return (resource.to_string(), String::new());
        };
        return h
            .policies
            .iter()
            .find_map(|(name, doc)| {
                blocked_grant(doc)
                    .map(|b| (format!("{} {}'s inline policy {name}", h.kind.word(), h.name), b.describe()))
            })
            .unwrap_or_else(|| (resource.to_string(), String::new()));
    }
    let policy = g.iam_policies.policies.iter().find(|p| p.arn == resource);
    let grant = policy.and_then(|p| match control {
        "IAM.21" => super::iam_wildcards::full_access_text(&p.document),
        _ => blocked_grant(&p.document).map(|b| b.describe()),
    });
    (format!("customer managed policy {resource}"), grant.unwrap_or_default())
}

fn kms_1(i: &Input<'_>) -> Vec<Verdict> {
    i.global
        .iam_policies
        .policies
        .iter()
        .filter(|p| !(p.attachment_count == 0 && p.boundary_count > 0))
        .map(|p| {
            let resource = ResourceRef { id: p.arn.clone(), kind: "AwsIamPolicy" };
            match blocked_grant(&p.document) {
                Some(g) => Verdict::fail(
                    resource,
                    format!("customer managed policy {}'s default version: {}", p.name, g.describe()),
                ),
                None => Verdict::pass(
                    resource,
                    format!("customer managed policy {} allows no decryption on all KMS keys", p.name),
                ),
            }
        })
        .collect()
}

fn kms_2(i: &Input<'_>) -> Vec<Verdict> {
    i.global
        .inline_policies
        .iter()
        .map(|h| {
            let resource = ResourceRef { id: h.arn.clone(), kind: h.kind.asff() };
            let bad = h.policies.iter().find_map(|(name, doc)| blocked_grant(doc).map(|g| (name, g)));
            match bad {
                Some((name, g)) => Verdict::fail(
                    resource,
                    format!("{} {}'s inline policy {name}: {}", h.kind.word(), h.name, g.describe()),
                ),
                None => Verdict::pass(
                    resource,
                    format!("{} {} has no inline policy allowing decryption on all KMS keys", h.kind.word(), h.name),
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

    fn grant(statement: &str) -> Option<(usize, &'static str, bool)> {
        blocked_grant(&doc(statement)).map(|g| (g.index, g.action, g.through_not_action))
    }

    #[test]
    fn decrypt_and_re_encrypt_from_on_every_key_fail_wildcards_included() {
        assert_eq!(
            grant(r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#),
            Some((0, "kms:Decrypt", false))
        );
        assert_eq!(grant(r#"{"Effect":"Allow","Action":"kms:*","Resource":["*"]}"#), Some((0, "kms:Decrypt", false)));
        assert_eq!(grant(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#), Some((0, "kms:Decrypt", false)));
        assert_eq!(
            grant(r#"{"Effect":"Allow","Action":["s3:GetObject","KMS:re*"],"Resource":"*"}"#),
            Some((0, "kms:ReEncryptFrom", false))
        );
        assert_eq!(
            grant(
                r#"[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:1:key/k"},{"Sid":"All","Effect":"Allow","Action":"kms:Decr?pt","Resource":"*"}]"#
            ),
            Some((1, "kms:Decrypt", false))
        );
        let sid = blocked_grant(&doc(r#"{"Sid":"All","Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#));
        assert_eq!(
            sid.map(|g| g.describe()).as_deref(),
            Some("statement 1 (Sid All) allows kms:Decrypt on Resource \"*\"")
        );
    }

    #[test]
    fn not_action_allows_what_it_does_not_exclude() {
        assert_eq!(grant(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#), Some((0, "kms:Decrypt", true)));
        assert_eq!(
            grant(r#"{"Effect":"Allow","NotAction":"kms:Decrypt","Resource":"*"}"#),
            Some((0, "kms:ReEncryptFrom", true))
        );
        assert_eq!(grant(r#"{"Effect":"Allow","NotAction":"kms:*","Resource":"*"}"#), None);
    }

    #[test]
    fn named_keys_deny_other_actions_and_conditions_do_not_matter() {
        for ok in [
            r#"{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:111122223333:key/*"}"#,
            r#"{"Effect":"Allow","Action":"kms:Decrypt","NotResource":"arn:aws:kms:us-east-1:1:key/k"}"#,
            r#"{"Effect":"Allow","Action":["kms:Encrypt","kms:ReEncryptTo","kms:GenerateDataKey*"],"Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
        ] {
            assert_eq!(grant(ok), None, "{ok}");
        }
        // A condition does not save a statement (the rule ignores conditions).
        assert!(grant(
            r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}"#
        )
        .is_some());
        assert_eq!(blocked_grant("not json"), None);
    }

    #[test]
    fn the_broad_grant_justification_states_the_grant_while_it_is_there() {
        use crate::snapshot::{CustomerPolicy, IdentityKind, InlineHolder};
        let mut snap = Snapshot::default();
        let arn = "arn:aws:iam::123456789012:policy/p";
        snap.global.iam_policies.policies.push(CustomerPolicy {
            arn: arn.into(),
            name: "p".into(),
            document: doc(r#"[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"},{"Effect":"Allow","Action":"logs:*","Resource":"*"}]"#),
            ..Default::default()
        });
        let role = "arn:aws:iam::123456789012:role/r";
        snap.global.inline_policies.push(InlineHolder {
            kind: IdentityKind::Role,
            name: "r".into(),
            arn: role.into(),
            policies: vec![("keys".into(), doc(r#"{"Effect":"Allow","Action":"kms:*","Resource":"*"}"#))],
        });
        assert_eq!(broad_grant("KMS.1", &snap, arn).1, "statement 1 allows kms:Decrypt on Resource \"*\"");
        assert_eq!(broad_grant("IAM.21", &snap, arn).1, "allows Action \"logs:*\" (statement 2)");
        assert_eq!(
            broad_grant("KMS.2", &snap, role),
            ("role r's inline policy keys".to_string(), "statement 1 allows kms:Decrypt on Resource \"*\"".to_string())
        );
        // Gone (or never there): no grant, so the justification does not hold.
        assert_eq!(broad_grant("KMS.1", &snap, "arn:aws:iam::123456789012:policy/gone").1, "");
        snap.global.inline_policies[0].policies.clear();
        assert_eq!(broad_grant("KMS.2", &snap, role).1, "");
    }
}
