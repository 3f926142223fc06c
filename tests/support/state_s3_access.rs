//! What S3.6's fix may do to a bucket policy: drop the bucket-administration actions it grants
//! other accounts. A statement naming another account may be replaced by narrowings of itself
//! (same effect, resources and conditions; no principal it did not name; no action it did not
//! grant; a `NotAction` that excludes at least what it excluded); nothing else may change.

use serde_json::Value;

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The principals of a statement as (kind, name) pairs (`*` as ("*", "*")).
fn principals(st: &Value) -> Vec<(String, String)> {
    match st.get("Principal") {
        Some(Value::String(s)) => vec![("*".into(), s.clone())],
        Some(Value::Object(m)) => {
            m.iter().flat_map(|(k, v)| strings(Some(v)).into_iter().map(move |p| (k.clone(), p))).collect()
        }
        _ => Vec::new(),
    }
}

/// Whether an Allow statement names a principal of another account than `account`.
pub fn names_other_account(st: &Value, account: &str) -> bool {
    st.get("Effect").and_then(Value::as_str) == Some("Allow")
        && (st.get("NotPrincipal").is_some()
            || principals(st).iter().any(|(kind, p)| match kind.as_str() {
                "*" => true,
                "AWS" => p != account && !p.starts_with(&format!("arn:aws:iam::{account}:")),
                "CanonicalUser" => true,
                _ => false,
            }))
}

/// Whether `new` grants no more than `original`: same effect, resources and conditions, a
/// subset of its principals, a subset of its actions (or a `NotAction` excluding at least as
/// much).
pub fn narrows(new: &Value, original: &Value) -> bool {
    let same = |key: &str| new.get(key) == original.get(key);
    if !same("Effect") || !same("Resource") || !same("NotResource") || !same("Condition") || !same("NotPrincipal") {
        return false;
    }
    let theirs = principals(original);
    if !principals(new).iter().all(|p| theirs.contains(p)) {
        return false;
    }
    match (original.get("NotAction"), new.get("NotAction")) {
        (Some(o), Some(n)) => {
            let n = strings(Some(n));
            strings(Some(o)).iter().all(|a| n.contains(a))
        }
        (None, None) => {
            let o = strings(original.get("Action"));
            strings(new.get("Action")).iter().all(|a| o.contains(a))
        }
        _ => false,
    }
}
