//! Whether a bucket is public for reading or for writing, as the AWS Config rules
//! `s3-bucket-public-read-prohibited` and `s3-bucket-public-write-prohibited` decide it
//! (<https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html>,
//! <https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-write-prohibited.html>):
//! public when Block Public Access does not restrict public policies and the bucket policy
//! grants the access to everyone, or when it does not restrict public ACLs and the bucket ACL
//! grants it to everyone.
//!
//! Block Public Access is applied as S3 applies it
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>):
//! the bucket's and the account's settings combine (either one on is on); `IgnorePublicAcls`
//! is what makes S3 ignore public ACLs and `RestrictPublicBuckets` what restricts a public
//! policy to AWS services and the owner's account. `BlockPublicAcls` and `BlockPublicPolicy`
//! only refuse new public ACLs and policies; what is already there stays in force. A bucket
//! with ACLs disabled (ObjectOwnership `BucketOwnerEnforced`) is governed by its policy alone.
//!
//! A policy statement is public when it allows a principal of everyone (`*`, `{"AWS": "*"}`,
//! or any `NotPrincipal`) without a condition that pins the request to fixed values of a
//! key S3 lists (source ARN, account, VPC, endpoint, IP range, organization, ...); a value
//! with a wildcard or a policy variable pins nothing. Deny statements never make a bucket
//! public and, as in S3's own policy status, are not weighed against the Allow [I].

use hubsim_api::model::{s3, s3control};
use serde_json::Value;

use crate::snapshot::{BucketView, Global};

/// The groups whose grants make an ACL public.
const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The access a control asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading objects or listing the bucket.
    Read,
    /// Writing or deleting objects, or changing the bucket's access.
    Write,
}

impl Access {
    /// `read` / `write`.
    fn word(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }

    /// The ACL permissions that give this access.
    fn acl_permissions(self) -> &'static [&'static str] {
        match self {
            Access::Read => &["READ", "FULL_CONTROL"],
            Access::Write => &["WRITE", "WRITE_ACP", "FULL_CONTROL"],
        }
    }

    /// The S3 actions that give this access; a statement's action pattern that matches one of
    /// them grants the access.
    fn actions(self) -> &'static [&'static str] {
        match self {
            Access::Read => &[
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:GetObjectAcl",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:GetBucketAcl",
                "s3:GetBucketPolicy",
            ],
            Access::Write => &[
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:PutBucketAcl",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:DeleteBucket",
            ],
        }
    }
}

/// What the evaluation of one bucket needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct BucketAccess<'a> {
    /// The bucket policy's text, if it has one.
    pub policy: Option<&'a str>,
    /// The bucket ACL's grants.
    pub grants: &'a [s3::Grant],
    /// Whether ACLs are disabled (ObjectOwnership `BucketOwnerEnforced`).
    pub acls_disabled: bool,
    /// The bucket-level Block Public Access configuration.
    pub bucket_block: Option<&'a s3::PublicAccessBlockConfiguration>,
    /// The account-level Block Public Access configuration.
    pub account_block: Option<&'a s3control::PublicAccessBlockConfiguration>,
}

/// Why a bucket is public for one access; empty when it is not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exposure {
    /// The public ACL grants in force (`READ to AllUsers`).
    pub acl: Vec<String>,
    /// The public policy statements in force (`statement 0 (Sid Open) allows s3:GetObject`).
    pub policy: Vec<String>,
}

impl Exposure {
    /// Whether the bucket is public for this access.
    pub fn is_public(&self) -> bool {
        !self.acl.is_empty() || !self.policy.is_empty()
    }

    /// The causes in one sentence fragment (`its ACL grants READ to AllUsers; its policy ...`).
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        if !self.acl.is_empty() {
            parts.push(format!("its ACL grants {}", self.acl.join(" and ")));
        }
        if !self.policy.is_empty() {
            parts.push(format!("its policy's {}", self.policy.join("; ")));
        }
        parts.join("; ")
    }
}

impl<'a> BucketAccess<'a> {
    /// What the snapshot knows of `bucket`'s access.
    pub fn of(global: &'a Global, bucket: &'a BucketView) -> BucketAccess<'a> {
        let acl = global.bucket_acls.get(&bucket.name);
        BucketAccess {
            policy: bucket.policy.as_deref(),
            grants: acl.map(|a| a.grants.as_slice()).unwrap_or(&[]),
            acls_disabled: acl.is_some_and(|a| a.acls_disabled()),
            bucket_block: bucket.public_access_block.as_ref(),
            account_block: global.account_public_access_block.as_ref(),
        }
    }

    /// Whether S3 ignores the bucket's public ACLs (`IgnorePublicAcls`, bucket or account).
    pub fn ignores_public_acls(&self) -> bool {
        self.bucket_block.and_then(|b| b.ignore_public_acls) == Some(true)
            || self.account_block.and_then(|b| b.ignore_public_acls) == Some(true)
    }

    /// Whether S3 restricts a public policy to AWS services and the owner's account
    /// (`RestrictPublicBuckets`, bucket or account).
    pub fn restricts_public_policy(&self) -> bool {
        self.bucket_block.and_then(|b| b.restrict_public_buckets) == Some(true)
            || self.account_block.and_then(|b| b.restrict_public_buckets) == Some(true)
    }

    /// Why the bucket is public for `access`, as S3 applies Block Public Access.
    pub fn exposure(&self, access: Access) -> Exposure {
        let mut out = Exposure::default();
        if !self.acls_disabled && !self.ignores_public_acls() {
            out.acl = public_grants(self.grants, access);
        }
        if !self.restricts_public_policy() {
            if let Some(policy) = self.policy {
                out.policy = public_statements(policy, access).into_iter().map(|(_, why)| why).collect();
            }
        }
        out
    }
}

/// The grants of `grants` that give `access` to everyone, as text (`READ to AllUsers`).
pub fn public_grants(grants: &[s3::Grant], access: Access) -> Vec<String> {
    grants
        .iter()
        .filter_map(|g| {
            let uri = g.grantee.as_ref()?.uri.as_deref()?;
            let who = match uri {
                ALL_USERS => "AllUsers",
                AUTHENTICATED_USERS => "AuthenticatedUsers",
                _ => return None,
            };
            let permission = g.permission.as_deref()?;
            access.acl_permissions().contains(&permission).then(|| format!("{permission} to {who}"))
        })
        .collect()
}

/// The statements of `policy` that give `access` to everyone: (index, why). A policy that is
/// not a JSON object has none.
pub fn public_statements(policy: &str, access: Access) -> Vec<(usize, String)> {
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(policy) else { return Vec::new() };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    statements
        .into_iter()
        .enumerate()
        .filter_map(|(n, st)| {
            if st.get("Effect").and_then(Value::as_str) != Some("Allow") || !to_everyone(st) || pinned(st) {
                return None;
            }
            let action = granted_action(st, access)?;
            let sid = st.get("Sid").and_then(Value::as_str).map(|s| format!(" (Sid {s})")).unwrap_or_default();
            Some((n, format!("statement {n}{sid} allows {action} to everyone ({} access)", access.word())))
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the statement's principal is everyone (or it names principals by exclusion).
fn to_everyone(st: &Value) -> bool {
    if st.get("NotPrincipal").is_some() {
        return true;
    }
    match st.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(m)) => strings(m.get("AWS")).contains(&"*"),
        _ => false,
    }
}

/// The first of `access`'s actions the statement grants, if any. `NotAction` grants every
/// action it does not name.
fn granted_action(st: &Value, access: Access) -> Option<String> {
    if let Some(not) = st.get("NotAction") {
        let excluded = strings(Some(not));
        return access
            .actions()
            .iter()
            .find(|a| !excluded.iter().any(|p| wildcard_match(p, a)))
            .map(|a| format!("{a} (through NotAction)"));
    }
    let patterns = strings(st.get("Action"));
    access.actions().iter().find(|a| patterns.iter().any(|p| wildcard_match(p, a))).map(|a| a.to_string())
}

/// The condition keys whose fixed values make a `Principal: *` statement non-public (S3's list
/// in "The meaning of public", lower-cased).
const PINNING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:userid",
    "s3:x-amz-account-id",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Whether a condition of the statement pins it to fixed values of a pinning key: a positive
/// string, ARN or IP operator (not `...IfExists`, not a set operator) whose every value is
/// fixed (no `*`, `?` or `${`), and for `aws:SourceIp` a range no wider than /8 (IPv4) or /32
/// (IPv6).
fn pinned(st: &Value) -> bool {
    let Some(Value::Object(ops)) = st.get("Condition") else { return false };
    ops.iter().any(|(op, keys)| {
        let op = op.to_ascii_lowercase();
        let positive = ["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"]
            .contains(&op.as_str());
        positive
            && keys.as_object().is_some_and(|k| {
                k.iter().any(|(key, v)| {
                    let key = key.to_ascii_lowercase();
                    let values = strings(Some(v));
                    PINNING_KEYS.contains(&key.as_str())
                        && !values.is_empty()
                        && values.iter().all(|s| !s.contains(['*', '?']) && !s.contains("${"))
                        && (key != "aws:sourceip" || values.iter().all(|s| narrow_cidr(s)))
                })
            })
    })
}

/// Whether a CIDR is at most a /8 (IPv4) or a /32 (IPv6) wide.
fn narrow_cidr(cidr: &str) -> bool {
    let (addr, len) = match cidr.split_once('/') {
        Some((a, l)) => (a, l.parse::<u8>().ok()),
        None => (cidr, Some(if cidr.contains(':') { 128 } else { 32 })),
    };
    match len {
        Some(len) if addr.contains(':') => len >= 32,
        Some(len) => len >= 8,
        None => false,
    }
}

/// Case-insensitive `*`/`?` match of an action pattern, without recursion: one retry point
/// (the last `*`), so the work is bounded by the product of the two lengths.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(uri: &str, permission: &str) -> s3::Grant {
        s3::Grant {
            grantee: Some(s3::Grantee { type_: "Group".into(), uri: Some(uri.into()), ..Default::default() }),
            permission: Some(permission.into()),
        }
    }

    fn block(ignore_acls: bool, restrict: bool) -> s3::PublicAccessBlockConfiguration {
        s3::PublicAccessBlockConfiguration {
            block_public_acls: Some(true),
            ignore_public_acls: Some(ignore_acls),
            block_public_policy: Some(true),
            restrict_public_buckets: Some(restrict),
        }
    }

    const OPEN_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

    #[test]
    fn a_public_read_acl_is_public_for_reading_only() {
        let grants = [group(ALL_USERS, "READ")];
        let b = BucketAccess { grants: &grants, ..Default::default() };
        assert_eq!(b.exposure(Access::Read).acl, vec!["READ to AllUsers".to_string()]);
        assert!(!b.exposure(Access::Write).is_public());
        let write = [group(AUTHENTICATED_USERS, "WRITE")];
        let b = BucketAccess { grants: &write, ..Default::default() };
        assert!(b.exposure(Access::Write).is_public());
        assert!(!b.exposure(Access::Read).is_public());
        let full = [group(ALL_USERS, "FULL_CONTROL")];
        let b = BucketAccess { grants: &full, ..Default::default() };
        assert!(b.exposure(Access::Read).is_public() && b.exposure(Access::Write).is_public());
    }

    #[test]
    fn log_delivery_and_owner_grants_are_not_public() {
        let grants = [group("http://acs.amazonaws.com/groups/s3/LogDelivery", "WRITE"), group(ALL_USERS, "READ_ACP")];
        let b = BucketAccess { grants: &grants, ..Default::default() };
        assert!(!b.exposure(Access::Read).is_public());
        assert!(!b.exposure(Access::Write).is_public());
    }

    #[test]
    fn ignore_public_acls_hides_the_acl_wherever_it_is_set_and_block_public_acls_does_not() {
        let grants = [group(ALL_USERS, "READ")];
        let bucket = block(true, false);
        let b = BucketAccess { grants: &grants, bucket_block: Some(&bucket), ..Default::default() };
        assert!(!b.exposure(Access::Read).is_public());
        let account =
            s3control::PublicAccessBlockConfiguration { ignore_public_acls: Some(true), ..Default::default() };
        let b = BucketAccess { grants: &grants, account_block: Some(&account), ..Default::default() };
        assert!(!b.exposure(Access::Read).is_public());
        // BlockPublicAcls only refuses new public ACLs: an existing one stays in force.
        let only_block = block(false, true);
        let b = BucketAccess { grants: &grants, bucket_block: Some(&only_block), ..Default::default() };
        assert!(b.exposure(Access::Read).is_public());
    }

    #[test]
    fn disabled_acls_do_not_count() {
        let grants = [group(ALL_USERS, "READ")];
        let b = BucketAccess { grants: &grants, acls_disabled: true, ..Default::default() };
        assert!(!b.exposure(Access::Read).is_public());
    }

    #[test]
    fn restrict_public_buckets_hides_the_policy_and_block_public_policy_does_not() {
        let b = BucketAccess { policy: Some(OPEN_READ), ..Default::default() };
        let e = b.exposure(Access::Read);
        assert_eq!(e.policy, vec!["statement 0 (Sid Open) allows s3:GetObject to everyone (read access)".to_string()]);
        assert!(!b.exposure(Access::Write).is_public());
        let restrict = block(false, true);
        let b = BucketAccess { policy: Some(OPEN_READ), bucket_block: Some(&restrict), ..Default::default() };
        assert!(!b.exposure(Access::Read).is_public());
        let only_block = s3::PublicAccessBlockConfiguration { block_public_policy: Some(true), ..Default::default() };
        let b = BucketAccess { policy: Some(OPEN_READ), bucket_block: Some(&only_block), ..Default::default() };
        assert!(b.exposure(Access::Read).is_public());
        let account =
            s3control::PublicAccessBlockConfiguration { restrict_public_buckets: Some(true), ..Default::default() };
        let b = BucketAccess { policy: Some(OPEN_READ), account_block: Some(&account), ..Default::default() };
        assert!(!b.exposure(Access::Read).is_public());
    }

    #[test]
    fn wildcard_actions_and_not_action_grant_what_they_match() {
        let put = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:Put*"],"Resource":"arn:aws:s3:::b/*"}}"#;
        assert_eq!(public_statements(put, Access::Write).len(), 1);
        assert!(public_statements(put, Access::Read).is_empty());
        let all = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
        assert_eq!(public_statements(all, Access::Read).len(), 1);
        assert_eq!(public_statements(all, Access::Write).len(), 1);
        let not = r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:Get*","Resource":"*"}]}"#;
        assert!(public_statements(not, Access::Read).iter().all(|(_, w)| w.contains("ListBucket")));
        assert_eq!(public_statements(not, Access::Write).len(), 1);
    }

    #[test]
    fn fixed_conditions_pin_a_statement_and_wildcards_or_variables_do_not() {
        let with = |cond: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}]}}"#
            )
        };
        for pinned in [
            r#"{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#,
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:123456789012:trail/t"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#,
        ] {
            assert!(public_statements(&with(pinned), Access::Read).is_empty(), "{pinned}");
        }
        for open in [
            r#"{"StringLike":{"aws:SourceArn":"arn:aws:cloudtrail:*"}}"#,
            r#"{"StringEquals":{"aws:SourceAccount":"${aws:username}"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}"#,
            r#"{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}"#,
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        ] {
            assert_eq!(public_statements(&with(open), Access::Read).len(), 1, "{open}");
        }
    }

    #[test]
    fn service_principals_denies_and_bad_policies_are_not_public() {
        let service = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}]}"#;
        assert!(public_statements(service, Access::Write).is_empty());
        let deny = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
        assert!(public_statements(deny, Access::Write).is_empty());
        assert!(public_statements("not json", Access::Read).is_empty());
        assert!(public_statements("[]", Access::Read).is_empty());
    }

    #[test]
    fn the_matcher_handles_stars_and_question_marks_without_blowing_up() {
        assert!(wildcard_match("s3:*", "s3:GetObject"));
        assert!(wildcard_match("S3:get*", "s3:GetObject"));
        assert!(wildcard_match("s3:Get?bject", "s3:GetObject"));
        assert!(wildcard_match("*", "s3:PutObject"));
        assert!(!wildcard_match("s3:Put*", "s3:GetObject"));
        assert!(!wildcard_match("s3:GetObject", "s3:GetObjectAcl"));
        let hostile = "*a".repeat(2000);
        assert!(!wildcard_match(&hostile, &"a".repeat(1000)));
    }
}
