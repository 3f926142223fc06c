//! Whether a resource policy (an SQS queue's, an SNS topic's, a KMS key's) is public, as the
//! AWS Config rules behind SQS.3, SNS.4 and KMS.5 decide it
//! (<https://docs.aws.amazon.com/config/latest/developerguide/sqs-queue-no-public-access.html>,
//! <https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-no-public-access.html>,
//! <https://docs.aws.amazon.com/config/latest/developerguide/kms-key-policy-no-public-access.html>):
//! a statement is public when it allows everyone (`"*"`, `{"AWS": "*"}` or a `NotPrincipal`)
//! without a condition that pins it to fixed values. The principal and condition tests are
//! S3's (`s3_public`), one reading for every resource policy; any action counts. A service
//! principal is not everyone.

use serde_json::Value;

use super::iam_policies::statements;
use super::s3_public::{pinned_by, to_everyone, PINNING_KEYS};

/// The condition keys that pin a statement beyond S3's list: KMS's caller account, which AWS
/// managed keys' policies use with `Principal: {"AWS": "*"}`
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account>).
const EXTRA_PINNING_KEYS: &[&str] = &["kms:calleraccount"];

/// Whether the statement's conditions pin it to fixed values of a pinning key.
fn pinned(st: &Value) -> bool {
    pinned_by(st, PINNING_KEYS) || pinned_by(st, EXTRA_PINNING_KEYS)
}

/// Whether `st` is a public statement.
pub(crate) fn is_public(st: &Value) -> bool {
    st.get("Effect").and_then(Value::as_str) == Some("Allow") && to_everyone(st) && !pinned(st)
}

/// The public statements of `policy`: (index, `statement 2 (Sid X) allows everyone`). A policy
/// that is not a JSON object has none.
pub(crate) fn public_statements(policy: &str) -> Vec<(usize, String)> {
    statements(policy)
        .iter()
        .enumerate()
        .filter(|(_, st)| is_public(st))
        .map(|(n, st)| {
            let sid = st.get("Sid").and_then(Value::as_str).map(|s| format!(" (Sid {s})")).unwrap_or_default();
            (n, format!("statement {}{sid} allows everyone without a fixed-value condition", n + 1))
        })
        .collect()
}

/// `policy` without its public statements, as JSON text; `None` when it has none to remove or
/// is not a JSON object. Every other element (Version, Id, the other statements) is kept.
pub(crate) fn without_public_statements(policy: &str) -> Option<String> {
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(policy) else { return None };
    let kept: Vec<Value> = statements(policy).into_iter().filter(|st| !is_public(st)).collect();
    if kept.len() == statements(policy).len() {
        return None;
    }
    doc.insert("Statement".into(), Value::Array(kept));
    Some(Value::Object(doc).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":{statement}}}"#)
    }

    #[test]
    fn everyone_without_a_fixed_condition_is_public() {
        for public in [
            r#"{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}"#,
            r#"{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"SNS:Publish","Resource":"*"}"#,
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}}"#,
            r#"{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}}"#,
        ] {
            assert_eq!(public_statements(&doc(public)).len(), 1, "{public}");
        }
    }

    #[test]
    fn fixed_conditions_service_principals_accounts_and_denies_are_not() {
        for private in [
            // SNS's default topic policy.
            r#"{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:GetTopicAttributes"],"Resource":"arn:aws:sns:us-east-1:111122223333:t","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}"#,
            r#"{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"SNS:Publish","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}}"#,
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"sqs.us-east-1.amazonaws.com"}}}"#,
            r#"{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}"#,
        ] {
            assert!(public_statements(&doc(private)).is_empty(), "{private}");
        }
        assert!(public_statements("not json").is_empty());
    }

    #[test]
    fn removing_public_statements_keeps_the_rest() {
        let policy = r#"{"Version":"2012-10-17","Id":"q","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sqs:SendMessage","Resource":"*"}]}"#;
        let narrowed = without_public_statements(policy).unwrap_or_default();
        let v: Value = serde_json::from_str(&narrowed).unwrap_or_default();
        assert_eq!(v["Id"], "q");
        assert_eq!(v["Statement"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["Statement"][0]["Sid"], "Partner");
        assert!(public_statements(&narrowed).is_empty());
        assert_eq!(without_public_statements(&narrowed), None);
    }
}
