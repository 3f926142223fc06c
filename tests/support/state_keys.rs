//! What the properties read back of keys, queues and KMS-related IAM policies (the resources
//! `generate_keys` builds), and what must hold of them after remediation.

use std::collections::BTreeMap;

use hubsim_simulator::Simulator;
use serde_json::{json, Value};

use super::state::{call, statements, R};

/// What the properties keep an eye on: each customer managed key's state, and each queue's
/// attributes.
#[derive(Debug, Clone, Default)]
pub struct KeysState {
    /// Key ARN → KeyState.
    pub keys: BTreeMap<String, String>,
    /// Queue URL → (policy statements, encrypted).
    pub queues: BTreeMap<String, (Vec<Value>, bool)>,
    /// Customer managed policy ARNs.
    pub policies: Vec<String>,
    /// Role ARN → inline policy names.
    pub role_inline: BTreeMap<String, Vec<String>>,
}

/// Reads the keys and queues of `regions`, and the KMS-related IAM policies (from `home`).
pub fn read(sim: &Simulator, regions: &[String], home: &str) -> R<KeysState> {
    let mut s = KeysState::default();
    for r in regions {
        for k in call(sim, r, "kms", "ListKeys", json!({}))?
            .get("Keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let id = k.get("KeyId").and_then(Value::as_str).unwrap_or_default();
            let meta = call(sim, r, "kms", "DescribeKey", json!({"KeyId": id}))?;
            let meta = meta.get("KeyMetadata").cloned().unwrap_or_default();
            let arn = meta.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string();
            s.keys.insert(arn, meta.get("KeyState").and_then(Value::as_str).unwrap_or_default().to_string());
        }
        let urls = call(sim, r, "sqs", "ListQueues", json!({}))?;
        for url in urls.get("QueueUrls").and_then(Value::as_array).cloned().unwrap_or_default() {
            let url = url.as_str().unwrap_or_default().to_string();
            let a = call(sim, r, "sqs", "GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["All"]}))?;
            let a = a.get("Attributes").cloned().unwrap_or_default();
            let policy = a.get("Policy").and_then(Value::as_str).map(statements).transpose()?.unwrap_or_default();
            let encrypted = a.get("KmsMasterKeyId").is_some()
                || a.get("SqsManagedSseEnabled").and_then(Value::as_str) == Some("true");
            s.queues.insert(url, (policy, encrypted));
        }
    }
    let local = call(sim, home, "iam", "ListPolicies", json!({"Scope": "Local"}))?;
    for p in local.get("Policies").and_then(Value::as_array).cloned().unwrap_or_default() {
        s.policies.push(p.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string());
    }
    for role in call(sim, home, "iam", "ListRoles", json!({}))?
        .get("Roles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let name = role.get("RoleName").and_then(Value::as_str).unwrap_or_default();
        let names = call(sim, home, "iam", "ListRolePolicies", json!({"RoleName": name}))?;
        let names: Vec<String> = names
            .get("PolicyNames")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        s.role_inline.insert(role.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string(), names);
    }
    Ok(s)
}

/// (d) for keys and queues: remediation never schedules a key for deletion, never deletes a
/// queue, never turns a queue's encryption off, and removes from a queue policy only
/// statements that allowed everyone (any statement it adds names the owner account only).
pub fn check_kept(before: &KeysState, after: &KeysState) -> R<()> {
    for (arn, state) in &after.keys {
        let was = before.keys.get(arn).map(String::as_str);
        if state == "PendingDeletion" && was != Some("PendingDeletion") {
            return Err(format!("key {arn} was scheduled for deletion by remediation"));
        }
    }
    for (url, (statements, encrypted)) in &before.queues {
        let Some((now, enc)) = after.queues.get(url) else { return Err(format!("queue {url} was deleted")) };
        if *encrypted && !enc {
            return Err(format!("queue {url}: encryption turned off"));
        }
        for st in statements.iter().filter(|st| !now.contains(st)) {
            let everyone =
                st.get("Principal") == Some(&json!("*")) || st.get("Principal") == Some(&json!({"AWS": "*"}));
            if !everyone {
                return Err(format!("queue {url}: statement {st} removed, though it is not for everyone"));
            }
        }
        for st in now.iter().filter(|st| !statements.contains(st)) {
            let owner = st.pointer("/Principal/AWS").and_then(Value::as_str).is_some_and(|p| p.ends_with(":root"))
                && st.get("Condition").is_none();
            if !owner {
                return Err(format!("queue {url}: new statement {st}"));
            }
        }
    }
    Ok(())
}

/// (b) for the BroadGrant justification of KMS.1, KMS.2 and IAM.21: `None` when `note` is not
/// one; else whether it names the finding's own policy (or role), which still exists.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &KeysState) -> Option<R<()>> {
    if let Some(rest) = note.strip_prefix("customer managed policy ") {
        let policy = rest.split(": ").next().unwrap_or_default();
        return Some(if !matches!(control, "KMS.1" | "IAM.21") || policy != resource {
            Err(format!("{control} {resource}: the BroadGrant justification names {policy}"))
        } else if !after.policies.iter().any(|p| p == policy) {
            Err(format!("{policy}: justified, but there is no such policy"))
        } else {
            Ok(())
        });
    }
    let (kind, rest) = ["role ", "user ", "group "].iter().find_map(|k| note.strip_prefix(k).map(|r| (k.trim(), r)))?;
    let (name, rest) = rest.split_once("'s inline policy ")?;
    let policy = rest.split(": ").next().unwrap_or_default();
    Some(if control != "KMS.2" || !resource.ends_with(&format!(":{kind}/{name}")) {
        Err(format!("{control} {resource}: the BroadGrant justification names {kind} {name}"))
    } else if kind == "role" && !after.role_inline.get(resource).is_some_and(|names| names.iter().any(|n| n == policy))
    {
        Err(format!("{resource}: justified by inline policy {policy}, which it does not have"))
    } else {
        Ok(())
    })
}
