//! IAM identities and policies read back through the API, for the properties: users, groups and
//! customer managed policies are never deleted, no user's permissions grow or shrink (a
//! user's own attachment may go only where a group of it grants the same policy), policies'
//! versions and default documents are kept, existing roles keep their attachments; and IAM.1 /
//! IAM.2 justifications state what holds.

use std::collections::{BTreeMap, BTreeSet};

use hubsim_simulator::Simulator;
use serde_json::{json, Value};

use super::state::{call, R};

/// Inline policies: (name, document).
pub type Inline = BTreeSet<(String, String)>;

/// A user: (own attached ARNs, inline policies, groups).
pub type UserState = (BTreeSet<String>, Inline, BTreeSet<String>);

/// A group: (members, attached ARNs, inline policies).
pub type GroupState = (BTreeSet<String>, BTreeSet<String>, Inline);

/// A customer managed policy: (default document, every (version, document), attachment count).
pub type PolicyState = (String, BTreeSet<(String, String)>, i64);

/// What the properties compare of IAM.
#[derive(Debug, Clone, Default)]
pub struct IamState {
    /// By user name.
    pub users: BTreeMap<String, UserState>,
    /// By group name.
    pub groups: BTreeMap<String, GroupState>,
    /// By policy ARN.
    pub policies: BTreeMap<String, PolicyState>,
    /// Role name → attached ARNs.
    pub roles: BTreeMap<String, BTreeSet<String>>,
}

fn strings(v: &Value, key: &str, field: &str) -> BTreeSet<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.get(field).and_then(Value::as_str).map(str::to_string)).collect())
        .unwrap_or_default()
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Reads the IAM state (global, through `home`).
pub fn read(sim: &Simulator, home: &str) -> R<IamState> {
    let mut s = IamState::default();
    let iam = |op: &str, input: Value| call(sim, home, "iam", op, input);
    for g in strings(&iam("ListGroups", json!({}))?, "Groups", "GroupName") {
        let members = strings(&iam("GetGroup", json!({"GroupName": g}))?, "Users", "UserName");
        let attached =
            strings(&iam("ListAttachedGroupPolicies", json!({"GroupName": g}))?, "AttachedPolicies", "PolicyArn");
        let mut inline = BTreeSet::new();
        for p in names(&iam("ListGroupPolicies", json!({"GroupName": g}))?, "PolicyNames") {
            let doc = iam("GetGroupPolicy", json!({"GroupName": g, "PolicyName": p}))?;
            inline.insert((p, doc.get("PolicyDocument").and_then(Value::as_str).unwrap_or_default().to_string()));
        }
        s.groups.insert(g, (members, attached, inline));
    }
    for u in strings(&iam("ListUsers", json!({}))?, "Users", "UserName") {
        let attached =
            strings(&iam("ListAttachedUserPolicies", json!({"UserName": u}))?, "AttachedPolicies", "PolicyArn");
        let mut inline = BTreeSet::new();
        for p in names(&iam("ListUserPolicies", json!({"UserName": u}))?, "PolicyNames") {
            let doc = iam("GetUserPolicy", json!({"UserName": u, "PolicyName": p}))?;
            inline.insert((p, doc.get("PolicyDocument").and_then(Value::as_str).unwrap_or_default().to_string()));
        }
        let groups = strings(&iam("ListGroupsForUser", json!({"UserName": u}))?, "Groups", "GroupName");
        s.users.insert(u, (attached, inline, groups));
    }
    let listed = iam("ListPolicies", json!({"Scope": "Local"}))?;
    for p in listed.get("Policies").and_then(Value::as_array).cloned().unwrap_or_default() {
        let arn = p.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string();
        let default = p.get("DefaultVersionId").and_then(Value::as_str).unwrap_or_default().to_string();
        let count = p.get("AttachmentCount").and_then(Value::as_i64).unwrap_or(0);
        let mut versions = BTreeSet::new();
        let mut default_doc = String::new();
        for v in strings(&iam("ListPolicyVersions", json!({"PolicyArn": arn}))?, "Versions", "VersionId") {
            let got = iam("GetPolicyVersion", json!({"PolicyArn": arn, "VersionId": v}))?;
            let doc = got.pointer("/PolicyVersion/Document").and_then(Value::as_str).unwrap_or_default().to_string();
            if v == default {
                default_doc = doc.clone();
            }
            versions.insert((v, doc));
        }
        s.policies.insert(arn, (default_doc, versions, count));
    }
    for r in strings(&iam("ListRoles", json!({}))?, "Roles", "RoleName") {
        let attached =
            strings(&iam("ListAttachedRolePolicies", json!({"RoleName": r}))?, "AttachedPolicies", "PolicyArn");
        s.roles.insert(r, attached);
    }
    Ok(s)
}

impl IamState {
    /// Every permission `user` has: its own attachments and inline policies, and its groups'.
    fn effective(&self, user: &str) -> BTreeSet<String> {
        let Some((attached, inline, groups)) = self.users.get(user) else { return BTreeSet::new() };
        let mut out: BTreeSet<String> = attached.clone();
        out.extend(inline.iter().map(|(n, d)| format!("user inline {n}: {d}")));
        for g in groups {
            if let Some((_, ga, gi)) = self.groups.get(g) {
                out.extend(ga.iter().cloned());
                out.extend(gi.iter().map(|(n, d)| format!("group {g} inline {n}: {d}")));
            }
        }
        out
    }
}

/// (d) for IAM: nothing deleted, no user's permissions changed, groups and policies as they
/// were (a policy may only gain versions), existing roles' attachments unchanged.
pub fn check_kept(before: &IamState, after: &IamState) -> R<()> {
    for (name, (_, inline, groups)) in &before.users {
        let Some((_, now_inline, now_groups)) = after.users.get(name) else {
            return Err(format!("user {name} was deleted"));
        };
        if now_inline != inline || now_groups != groups {
            return Err(format!("user {name}: inline policies or groups changed"));
        }
        let (was, is) = (before.effective(name), after.effective(name));
        if was != is {
            return Err(format!(
                "user {name}: permissions changed: lost {:?}, gained {:?}",
                was.difference(&is).collect::<Vec<_>>(),
                is.difference(&was).collect::<Vec<_>>()
            ));
        }
    }
    for (name, g) in &before.groups {
        if after.groups.get(name) != Some(g) {
            return Err(format!("group {name} was deleted or changed"));
        }
    }
    for (arn, (default, versions, _)) in &before.policies {
        let Some((now_default, now_versions, _)) = after.policies.get(arn) else {
            return Err(format!("policy {arn} was deleted"));
        };
        if now_default != default || !versions.is_subset(now_versions) {
            return Err(format!("policy {arn}: default document or versions changed"));
        }
    }
    for (name, attached) in &before.roles {
        if after.roles.get(name).is_some_and(|now| now != attached) {
            return Err(format!("role {name}: attached policies changed"));
        }
    }
    Ok(())
}

/// (b) for the IAM.1 and IAM.2 justifications: `None` when `note` is not one of them, else
/// whether what it states holds on `after`.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &IamState) -> Option<R<()>> {
    if let Some(rest) = note.strip_prefix("Policy ") {
        let policy = rest.split(' ').next().unwrap_or_default();
        return Some((|| {
            if control != "IAM.1" || policy != resource {
                return Err(format!("{control} {resource}: IAM.1's justification names {policy}"));
            }
            let (_, _, count) = after.policies.get(policy).ok_or_else(|| format!("{policy}: no such policy"))?;
            let stated = if *count > 0 {
                format!("is attached to {count} user(s)")
            } else {
                "is attached to nothing".to_string()
            };
            if !note.contains(&stated) {
                return Err(format!("{policy}: attached {count} times, but the note says {note:?}"));
            }
            Ok(())
        })());
    }
    let rest = note.strip_prefix("User ")?;
    let user = rest.split(' ').next().unwrap_or_default();
    Some((|| {
        if control != "IAM.2" || !resource.ends_with(&format!(":user/{user}")) {
            return Err(format!("{control} {resource}: IAM.2's justification names user {user}"));
        }
        let (attached, inline, groups) = after.users.get(user).ok_or_else(|| format!("{user}: no such user"))?;
        let from_groups: BTreeSet<&String> =
            groups.iter().filter_map(|g| after.groups.get(g)).flat_map(|(_, a, _)| a.iter()).collect();
        let relied = !inline.is_empty() || attached.iter().any(|a| !from_groups.contains(a));
        if !relied {
            return Err(format!("{user}: justified as relying on its own policies, but its groups grant them all"));
        }
        Ok(())
    })())
}
