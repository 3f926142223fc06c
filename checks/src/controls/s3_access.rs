//! S3.2, S3.3, S3.6, S3.10, S3.12, S3.19, S3.24: who may read, write and administer a bucket (public
//! read and write through ACLs and policies, blacklisted actions granted to other accounts, ACL
//! grants to anyone but the owner, access points and Multi-Region Access Points without Block
//! Public Access) and whether a
//! versioned bucket manages its old versions
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html>). Buckets are
//! judged in their home region, access points in theirs.

use serde_json::Value;

use super::s3_public::{Access, BucketAccess};
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::BucketView;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "S3.2",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::Periodic,
        config_rule: Some("s3-bucket-public-read-prohibited"),
        parameters: &[],
        choices: "AWS runs it periodically and on change; hubsim runs it as periodic, so it needs a recorder but not \
                  the bucket type recorded. Block Public Access is applied as S3 applies it: IgnorePublicAcls hides a \
                  public ACL and RestrictPublicBuckets a public policy, at bucket or account level [I]; \
                  BlockPublicAcls/BlockPublicPolicy alone leave what exists in force [D S3]. A policy statement \
                  with Principal * is public unless a condition pins it to fixed values of a key S3 lists.",
        evaluate: s3_2,
    },
    Control {
        id: "S3.3",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::Periodic,
        config_rule: Some("s3-bucket-public-write-prohibited"),
        parameters: &[],
        choices: "As S3.2, for WRITE, WRITE_ACP and FULL_CONTROL grants to AllUsers/AuthenticatedUsers and policy \
                  statements granting s3:PutObject, s3:DeleteObject, s3:PutBucketAcl, s3:PutBucketPolicy ... to \
                  everyone.",
        evaluate: s3_3,
    },
    Control {
        id: "S3.6",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-bucket-blacklisted-actions-prohibited"),
        parameters: &[],
        choices: "Fails on an Allow statement granting s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, \
                  s3:PutEncryptionConfiguration or s3:PutObjectAcl (also through wildcards such as s3:* or s3:Put*, \
                  or a NotAction that does not exclude them) to a principal of another account: Principal *, \
                  AWS *, an ARN or account id of another account, a canonical user [I]. Service principals and the \
                  bucket owner's account are not other accounts [I]; no policy passes.",
        evaluate: s3_6,
    },
    Control {
        id: "S3.10",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-version-lifecycle-policy-check"),
        parameters: &[],
        choices: "Only buckets whose versioning is Enabled are in scope (Suspended or never configured: no finding); \
                  any Enabled lifecycle rule passes [I].",
        evaluate: s3_10,
    },
    Control {
        id: "S3.12",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-bucket-acl-prohibited"),
        parameters: &[],
        choices: "ACLs disabled (ObjectOwnership BucketOwnerEnforced) passes; otherwise any ACL grant to a grantee \
                  other than the bucket owner's canonical user (another account, an email grantee, AllUsers, \
                  AuthenticatedUsers, the LogDelivery group) fails [I].",
        evaluate: s3_12,
    },
    Control {
        id: "S3.19",
        resource_type: "AWS::S3::AccessPoint",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-access-point-public-access-blocks"),
        parameters: &[],
        choices: "Each access point passes only with all four of its own Block Public Access settings on; the \
                  bucket's and the account's settings do not count for it [I: the rule reads the access point's \
                  configuration].",
        evaluate: s3_19,
    },
    Control {
        id: "S3.24",
        resource_type: "AWS::S3::MultiRegionAccessPoint",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("s3-mrap-public-access-blocked"),
        parameters: &[],
        choices: "Each Multi-Region Access Point passes only with all four of its own Block Public Access settings on \
                  [I]; it is judged in us-west-2, where its control plane answers, and nowhere else [I]; the rule's \
                  name is unverified [U].",
        evaluate: s3_24,
    },
];

/// The actions S3.6's rule is given (`blacklistedactionpatterns`).
pub(crate) const BLACKLISTED: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

fn bucket_ref(b: &BucketView) -> ResourceRef {
    ResourceRef { id: format!("arn:aws:s3:::{}", b.name), kind: "AwsS3Bucket" }
}

/// The buckets homed in the evaluated region.
fn buckets<'a>(i: &'a Input<'_>) -> impl Iterator<Item = &'a BucketView> {
    let region = i.region.name.clone();
    i.global.buckets.iter().filter(move |b| b.region == region)
}

fn public(i: &Input<'_>, access: Access) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let exposure = BucketAccess::of(i.global, b).exposure(access);
            let word = if access == Access::Read { "read" } else { "write" };
            Verdict::check(
                bucket_ref(b),
                !exposure.is_public(),
                format!("bucket {} does not allow public {word} access", b.name),
                format!("bucket {} allows public {word} access: {}", b.name, exposure.text()),
            )
        })
        .collect()
}

fn s3_2(i: &Input<'_>) -> Vec<Verdict> {
    public(i, Access::Read)
}

fn s3_3(i: &Input<'_>) -> Vec<Verdict> {
    public(i, Access::Write)
}

fn s3_6(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let grants = b.policy.as_deref().map(|p| cross_account_grants(p, &i.global.account)).unwrap_or_default();
            let text: Vec<String> = grants.iter().map(CrossAccountGrant::text).collect();
            Verdict::check(
                bucket_ref(b),
                grants.is_empty(),
                match &b.policy {
                    None => format!("bucket {} has no bucket policy", b.name),
                    Some(_) => format!("bucket {}'s policy grants no blacklisted action to other accounts", b.name),
                },
                format!("bucket {}'s policy {}", b.name, text.join("; ")),
            )
        })
        .collect()
}

fn s3_10(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .filter(|b| b.versioning.as_deref() == Some("Enabled"))
        .map(|b| {
            let active = b.lifecycle.iter().flatten().any(|r| r.status == "Enabled");
            Verdict::check(
                bucket_ref(b),
                active,
                format!("versioned bucket {} has an enabled lifecycle rule", b.name),
                match &b.lifecycle {
                    None => format!("bucket {} is versioned and has no lifecycle configuration", b.name),
                    Some(_) => format!("bucket {} is versioned and its lifecycle rules are all disabled", b.name),
                },
            )
        })
        .collect()
}

fn s3_12(i: &Input<'_>) -> Vec<Verdict> {
    buckets(i)
        .map(|b| {
            let acl = i.global.bucket_acls.get(&b.name);
            if acl.is_some_and(|a| a.acls_disabled()) {
                return Verdict::pass(
                    bucket_ref(b),
                    format!("bucket {} has ACLs disabled (BucketOwnerEnforced)", b.name),
                );
            }
            let others: Vec<String> = acl.map(|a| foreign_grants(&a.grants, a.owner.as_deref())).unwrap_or_default();
            Verdict::check(
                bucket_ref(b),
                others.is_empty(),
                format!("bucket {}'s ACL grants access to its owner only", b.name),
                format!("bucket {}'s ACL grants {}", b.name, others.join(", ")),
            )
        })
        .collect()
}

/// The Block Public Access settings that are not on.
fn off(c: &hubsim_api::model::s3control::PublicAccessBlockConfiguration) -> Vec<&'static str> {
    [
        ("BlockPublicAcls", c.block_public_acls),
        ("IgnorePublicAcls", c.ignore_public_acls),
        ("BlockPublicPolicy", c.block_public_policy),
        ("RestrictPublicBuckets", c.restrict_public_buckets),
    ]
    .into_iter()
    .filter(|(_, v)| *v != Some(true))
    .map(|(n, _)| n)
    .collect()
}

fn s3_24(i: &Input<'_>) -> Vec<Verdict> {
    if i.region.name != crate::snapshot::MRAP_REGION {
        return Vec::new();
    }
    i.global
        .mraps
        .iter()
        .map(|m| {
            let (name, off) = (&m.name, off(&m.block));
            Verdict::check(
                ResourceRef {
                    // Its ARN names its alias (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointRequests.html).
                    id: format!("arn:aws:s3::{}:accesspoint/{}", i.global.account, m.alias),
                    kind: "AwsS3MultiRegionAccessPoint",
                },
                off.is_empty(),
                format!("Multi-Region Access Point {name} blocks public access"),
                format!("Multi-Region Access Point {name} has {} off", off.join(", ")),
            )
        })
        .collect()
}

fn s3_19(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .access_points
        .iter()
        .map(|ap| {
            let off = off(&ap.block);
            Verdict::check(
                ResourceRef { id: ap.arn.clone(), kind: "AwsS3AccessPoint" },
                off.is_empty(),
                format!("access point {} (bucket {}) blocks public access", ap.name, ap.bucket),
                format!("access point {} (bucket {}) has {} off", ap.name, ap.bucket, off.join(", ")),
            )
        })
        .collect()
}

/// The grants of an ACL to anyone but `owner`, as text (`WRITE to group LogDelivery`).
pub(crate) fn foreign_grants(grants: &[hubsim_api::model::s3::Grant], owner: Option<&str>) -> Vec<String> {
    grants
        .iter()
        .filter_map(|g| {
            let e = g.grantee.as_ref()?;
            let who = match e.type_.as_str() {
                "CanonicalUser" if e.id.is_some() && e.id.as_deref() == owner => return None,
                "CanonicalUser" => format!("canonical user {}", e.id.as_deref().unwrap_or("?")),
                "Group" => {
                    let uri = e.uri.as_deref().unwrap_or("?");
                    format!("group {}", uri.rsplit('/').next().unwrap_or(uri))
                }
                "AmazonCustomerByEmail" => format!("{} (by email)", e.email_address.as_deref().unwrap_or("?")),
                other => other.to_string(),
            };
            Some(format!("{} to {who}", g.permission.as_deref().unwrap_or("?")))
        })
        .collect()
}

/// One statement's grant of blacklisted actions to principals of other accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrossAccountGrant {
    /// The statement's index in the policy.
    pub statement: usize,
    /// Its Sid, if any.
    pub sid: Option<String>,
    /// The principals of other accounts it names (`*`, `arn:aws:iam::111122223333:root`, ...).
    pub principals: Vec<String>,
    /// The blacklisted actions it grants them.
    pub actions: Vec<&'static str>,
}

impl CrossAccountGrant {
    fn text(&self) -> String {
        let sid = self.sid.as_ref().map(|s| format!(" (Sid {s})")).unwrap_or_default();
        format!(
            "statement {}{sid} allows {} to {}",
            self.statement,
            self.actions.join(", "),
            self.principals.join(", ")
        )
    }
}

/// The statements of `policy` that grant blacklisted actions to other accounts than `account`.
/// A policy that is not a JSON object grants nothing.
pub(crate) fn cross_account_grants(policy: &str, account: &str) -> Vec<CrossAccountGrant> {
    statements(policy)
        .iter()
        .enumerate()
        .filter_map(|(n, st)| {
            if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
                return None;
            }
            let principals = foreign_principals(st, account);
            let actions = blacklisted_actions(st);
            (!principals.is_empty() && !actions.is_empty()).then(|| CrossAccountGrant {
                statement: n,
                sid: st.get("Sid").and_then(Value::as_str).map(str::to_string),
                principals,
                actions,
            })
        })
        .collect()
}

/// A policy's statements as written (one object or an array).
pub(crate) fn statements(policy: &str) -> Vec<Value> {
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(policy) else { return Vec::new() };
    match doc.remove("Statement") {
        Some(Value::Array(items)) => items,
        Some(obj @ Value::Object(_)) => vec![obj],
        _ => Vec::new(),
    }
}

pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Whether an `AWS` principal (an account id or an IAM ARN) belongs to `account`.
pub(crate) fn same_account(principal: &str, account: &str) -> bool {
    principal == account || principal.split(':').nth(4).is_some_and(|a| a == account) && principal.starts_with("arn:")
}

/// The principals of the statement that are in other accounts than `account`. `NotPrincipal`
/// names everyone it does not exclude, so it counts as `*`.
fn foreign_principals(st: &Value, account: &str) -> Vec<String> {
    if st.get("NotPrincipal").is_some() {
        return vec!["NotPrincipal (everyone it does not name)".into()];
    }
    match st.get("Principal") {
        Some(Value::String(s)) if s == "*" => vec!["*".into()],
        Some(Value::Object(m)) => {
            let mut out: Vec<String> =
                strings(m.get("AWS")).into_iter().filter(|p| !same_account(p, account)).collect();
            out.extend(strings(m.get("CanonicalUser")).into_iter().map(|c| format!("canonical user {c}")));
            out
        }
        _ => Vec::new(),
    }
}

/// The blacklisted actions the statement grants (through `Action` patterns, or a `NotAction`
/// that does not exclude them).
fn blacklisted_actions(st: &Value) -> Vec<&'static str> {
    if let Some(not) = st.get("NotAction") {
        let excluded = strings(Some(not));
        return BLACKLISTED.iter().copied().filter(|a| !excluded.iter().any(|p| action_matches(p, a))).collect();
    }
    let patterns = strings(st.get("Action"));
    BLACKLISTED.iter().copied().filter(|a| patterns.iter().any(|p| action_matches(p, a))).collect()
}

/// Whether an action pattern (`s3:Put*`) matches an action, case-insensitively.
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    super::s3_public::wildcard_match(pattern, action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubsim_api::model::s3;

    const ACCOUNT: &str = "123456789012";

    fn policy(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
    }

    #[test]
    fn other_accounts_and_everyone_are_foreign_but_services_and_the_owner_are_not() {
        let other = policy(
            r#"{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:PutBucketPolicy","Resource":"*"}"#,
        );
        let found = cross_account_grants(&other, ACCOUNT);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].principals, vec!["arn:aws:iam::111122223333:root".to_string()]);
        assert_eq!(found[0].actions, vec!["s3:PutBucketPolicy"]);
        let bare_id = policy(
            r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:PutObjectAcl","Resource":"*"}"#,
        );
        assert_eq!(cross_account_grants(&bare_id, ACCOUNT).len(), 1);
        let star = policy(r#"{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}"#);
        assert_eq!(cross_account_grants(&star, ACCOUNT)[0].actions, BLACKLISTED.to_vec());
        let own = policy(
            r#"{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/admin","123456789012"]},"Action":"s3:*","Resource":"*"}"#,
        );
        assert!(cross_account_grants(&own, ACCOUNT).is_empty());
        let service = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutBucketAcl","Resource":"*"}"#,
        );
        assert!(cross_account_grants(&service, ACCOUNT).is_empty());
        let deny = policy(r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}"#);
        assert!(cross_account_grants(&deny, ACCOUNT).is_empty());
        assert!(cross_account_grants("not json", ACCOUNT).is_empty());
    }

    #[test]
    fn wildcards_and_not_action_grant_what_they_match() {
        let put = policy(r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:Put*","Resource":"*"}"#);
        assert_eq!(
            cross_account_grants(&put, ACCOUNT)[0].actions,
            vec!["s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"]
        );
        let get = policy(r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:Get*","Resource":"*"}"#);
        assert!(cross_account_grants(&get, ACCOUNT).is_empty());
        let not = policy(
            r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"NotAction":["s3:Put*","s3:Delete*"],"Resource":"*"}"#,
        );
        assert!(cross_account_grants(&not, ACCOUNT).is_empty());
        let not_some =
            policy(r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"NotAction":"s3:Put*","Resource":"*"}"#);
        assert_eq!(cross_account_grants(&not_some, ACCOUNT)[0].actions, vec!["s3:DeleteBucketPolicy"]);
    }

    fn grant(type_: &str, id: Option<&str>, uri: Option<&str>, permission: &str) -> s3::Grant {
        s3::Grant {
            grantee: Some(s3::Grantee {
                type_: type_.into(),
                id: id.map(str::to_string),
                uri: uri.map(str::to_string),
                ..Default::default()
            }),
            permission: Some(permission.into()),
        }
    }

    #[test]
    fn only_the_owners_grants_are_its_own() {
        let owner = "a".repeat(64);
        let grants = [
            grant("CanonicalUser", Some(&owner), None, "FULL_CONTROL"),
            grant("CanonicalUser", Some(&owner), None, "READ"),
        ];
        assert!(foreign_grants(&grants, Some(&owner)).is_empty());
        let grants = [
            grant("CanonicalUser", Some(&owner), None, "FULL_CONTROL"),
            grant("CanonicalUser", Some(&"b".repeat(64)), None, "READ"),
            grant("Group", None, Some("http://acs.amazonaws.com/groups/s3/LogDelivery"), "WRITE"),
        ];
        assert_eq!(
            foreign_grants(&grants, Some(&owner)),
            vec![format!("READ to canonical user {}", "b".repeat(64)), "WRITE to group LogDelivery".to_string()]
        );
        // Without a named owner, no canonical user is known to be the owner.
        assert_eq!(foreign_grants(&grants[..1], None).len(), 1);
    }
}
