//! S3.2, S3.3, S3.6, S3.10, S3.12, S3.19, S3.24: public read and write, blacklisted actions granted to
//! other accounts, lifecycle of versioned buckets, ACLs, (Multi-Region) access points' Block
//! Public Access
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html>).
//!
//! Each fix narrows access or adds a setting: Block Public Access (the ACL and the policy are
//! kept as written, S3 stops honouring their public parts), the blacklisted actions taken from
//! other accounts' grants (everything else in the policy kept), the ACL reset to private with
//! ACLs disabled (a log-delivery grant moved to the bucket policy first, so server access logs
//! keep arriving), a lifecycle rule appended to the existing ones.

use hubsim_api::model::s3;
use hubsim_api::AwsApi;
use serde_json::{json, Map, Value};

use super::s3::{bucket_name, bucket_view, put_lifecycle_rule};
use super::{Done, Fix, How, Scope, Target};
use crate::controls::s3_access::{action_matches, same_account, statements, strings, BLACKLISTED};
use crate::controls::s3_public::{Access, BucketAccess};
use crate::remediate::fixer::Fixer;
use crate::remediate::support;
use crate::remediate::{Failed, Justification};

/// The URI of S3's log-delivery group.
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
/// The service principal that delivers server access logs.
const LOGGING_SERVICE: &str = "logging.s3.amazonaws.com";

/// The fixes of S3's access controls.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "S3.2",
            // GetPublicAccessBlock reads the bucket's setting as it is now.
            iam_actions: &["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"],
            scope: Scope::Resource,
            // S3.8's fix puts the same four flags on every bucket: read what it left rather than
            // repeat it.
            after: &["S3.8"],
            how: How::Calls(s3_2),
        },
        Fix {
            control: "S3.3",
            iam_actions: &["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"],
            scope: Scope::Resource,
            // As S3.2 (and after it: one Block Public Access call serves both).
            after: &["S3.8", "S3.2"],
            how: How::Calls(s3_3),
        },
        Fix {
            control: "S3.6",
            // GetBucketPolicy reads the policy as S3.5's fix left it this round.
            iam_actions: &["s3:PutBucketPolicy", "s3:GetBucketPolicy"],
            scope: Scope::Resource,
            // S3.5 appends to the same policy first.
            after: &["S3.5"],
            how: How::Calls(s3_6),
        },
        Fix {
            control: "S3.10",
            iam_actions: &["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"],
            scope: Scope::Resource,
            // S3.13's fix writes the same lifecycle configuration from the round's snapshot:
            // this one reads what it left and appends to it.
            after: &["S3.13"],
            how: How::Calls(s3_10),
        },
        Fix {
            control: "S3.12",
            iam_actions: &[
                "s3:PutBucketAcl",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketPolicy",
                // Reads the policy as S3.5's and S3.6's fixes left it this round.
                "s3:GetBucketPolicy",
            ],
            scope: Scope::Resource,
            // Both write the policy this fix may append the log-delivery grant to.
            after: &["S3.5", "S3.6"],
            how: How::Calls(s3_12),
        },
        Fix {
            control: "S3.19",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::AccessPointBlockFixed),
        },
        Fix {
            control: "S3.24",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::MultiRegionAccessPointBlockFixed),
        },
    ]
}

/// Whether all four Block Public Access settings of `bucket` are on now.
fn blocked_now<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, bucket: &str) -> bool {
    let current = f.read::<s3::GetPublicAccessBlock>(
        region,
        s3::GetPublicAccessBlockRequest { bucket: bucket.into(), ..Default::default() },
    );
    current.ok().and_then(|c| c.public_access_block_configuration).is_some_and(|c| {
        [c.block_public_acls, c.ignore_public_acls, c.block_public_policy, c.restrict_public_buckets]
            .iter()
            .all(|v| *v == Some(true))
    })
}

/// S3.2 and S3.3: Block Public Access on the bucket. With IgnorePublicAcls and
/// RestrictPublicBuckets on, S3 honours neither a public ACL grant nor a public policy statement
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>),
/// which is what both Config rules check first
/// (<https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html>):
/// the control passes on this alone, so the ACL and the policy are kept as written.
fn block_public(f: &mut Fixer<'_, impl AwsApi>, target: &Target<'_>, access: Access) -> Result<Done, Failed> {
    let (region, bucket) = (target.region, bucket_name(target.resource));
    if blocked_now(f, region, bucket) {
        return Ok(Done::Applied);
    }
    let exposure = bucket_view(target.snapshot, bucket)
        .map(|b| BucketAccess::of(&target.snapshot.global, b).exposure(access).text())
        .unwrap_or_default();
    let (id, word) = if access == Access::Read { ("S3.2", "readable") } else { ("S3.3", "writable") };
    support::block_bucket_public_access(
        f,
        region,
        bucket,
        Some(format!(
            "{id}: bucket {bucket} is publicly {word} ({exposure}); with all four Block Public Access settings S3 \
             ignores its public ACL grants and restricts its public policy statements to the owner's account and \
             AWS services; the ACL and the policy are kept as written"
        )),
    )?;
    Ok(Done::Applied)
}

fn s3_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    block_public(f, target, Access::Read)
}

fn s3_3<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    block_public(f, target, Access::Write)
}

/// The bucket's policy as it is now (`None` when it has none).
fn current_policy<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, bucket: &str) -> Result<Option<String>, Failed> {
    match f
        .read::<s3::GetBucketPolicy>(region, s3::GetBucketPolicyRequest { bucket: bucket.into(), ..Default::default() })
    {
        Ok(out) => Ok(out.policy),
        Err(e) if e.code == "NoSuchBucketPolicy" => Ok(None),
        Err(error) => Err(Failed { call: "s3:GetBucketPolicy".into(), error }),
    }
}

fn put_policy<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    bucket: &str,
    policy: String,
    note: String,
) -> Result<(), Failed> {
    f.call_noted::<s3::PutBucketPolicy>(
        region,
        s3::PutBucketPolicyRequest { bucket: bucket.into(), policy, ..Default::default() },
        Some(note),
    )?;
    Ok(())
}

/// S3.6: the policy rewritten without the blacklisted actions for other accounts' principals;
/// every other statement, principal and action is kept.
fn s3_6<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, bucket) = (target.region, bucket_name(target.resource));
    let Some(policy) = current_policy(f, region, bucket)? else { return Ok(Done::Applied) };
    let Some((rewritten, removed)) = without_cross_account_admin(&policy, &f.account) else {
        return Ok(Done::Applied);
    };
    let note = format!(
        "S3.6: bucket {bucket}'s policy granted other accounts actions that administer the bucket; removed: {}; \
         every other statement, principal and action is kept",
        removed.join("; ")
    );
    put_policy(f, region, bucket, rewritten, note)?;
    Ok(Done::Applied)
}

/// `policy` without the blacklisted actions granted to other accounts than `account`, and what
/// was removed (one line per statement); `None` when it grants none. A statement that names
/// principals of this account or services beside other accounts is split: theirs stays as it
/// was, the other accounts' copy loses the action patterns that match a blacklisted action (a
/// wildcard such as `s3:*` goes whole: it cannot be narrowed in place) or, for a `NotAction`,
/// gets the blacklisted actions added to what it excludes.
pub(crate) fn without_cross_account_admin(policy: &str, account: &str) -> Option<(String, Vec<String>)> {
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(policy) else { return None };
    let original = statements(policy);
    let mut sids: Vec<String> =
        original.iter().filter_map(|s| s.get("Sid").and_then(Value::as_str).map(str::to_string)).collect();
    let mut out = Vec::new();
    let mut removed = Vec::new();
    for (n, st) in original.iter().enumerate() {
        let is_allow = st.get("Effect").and_then(Value::as_str) == Some("Allow");
        let (kept, foreign) = split_principals(st, account);
        let Some(foreign) = foreign.filter(|_| is_allow) else {
            out.push(st.clone());
            continue;
        };
        let Some((narrowed, what)) = narrow_actions(&foreign) else {
            out.push(st.clone());
            continue;
        };
        let who = principal_text(&foreign);
        removed.push(format!("statement {n}: {what} for {who}"));
        if let Some(kept) = kept {
            out.push(kept);
        }
        if let Some(mut narrowed) = narrowed {
            // A split statement's second half needs a Sid of its own (S3 refuses a repeated one).
            if let Some(sid) = narrowed.get("Sid").and_then(Value::as_str).map(str::to_string) {
                if out.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid.as_str())) {
                    let mut new = format!("{sid}OtherAccounts");
                    while sids.contains(&new) {
                        new.push('X');
                    }
                    sids.push(new.clone());
                    narrowed["Sid"] = json!(new);
                }
            }
            out.push(narrowed);
        }
    }
    if removed.is_empty() {
        return None;
    }
    doc.insert("Statement".into(), Value::Array(out));
    Some((Value::Object(doc).to_string(), removed))
}

/// The statement for its principals of this account and services, and the statement for its
/// principals of other accounts (each `None` when it has none).
fn split_principals(st: &Value, account: &str) -> (Option<Value>, Option<Value>) {
    if st.get("NotPrincipal").is_some() || st.get("Principal").and_then(Value::as_str) == Some("*") {
        return (None, Some(st.clone()));
    }
    let Some(Value::Object(map)) = st.get("Principal") else { return (Some(st.clone()), None) };
    let (mut own, mut other) = (Map::new(), Map::new());
    for (kind, v) in map {
        match kind.as_str() {
            "AWS" => {
                let (same, foreign): (Vec<String>, Vec<String>) =
                    strings(Some(v)).into_iter().partition(|p| same_account(p, account));
                if !same.is_empty() {
                    own.insert(kind.clone(), one_or_many(same));
                }
                if !foreign.is_empty() {
                    other.insert(kind.clone(), one_or_many(foreign));
                }
            }
            "CanonicalUser" => {
                other.insert(kind.clone(), v.clone());
            }
            _ => {
                own.insert(kind.clone(), v.clone());
            }
        }
    }
    let with = |p: Map<String, Value>| {
        let mut s = st.clone();
        s["Principal"] = Value::Object(p);
        s
    };
    let own = (!own.is_empty()).then(|| with(own));
    let other = (!other.is_empty()).then(|| with(other));
    (own, other)
}

fn one_or_many(mut v: Vec<String>) -> Value {
    if v.len() == 1 {
        json!(v.remove(0))
    } else {
        json!(v)
    }
}

/// The statement without its blacklisted actions (`None` inside when nothing is left), and
/// what changed; `None` when it grants no blacklisted action.
fn narrow_actions(st: &Value) -> Option<(Option<Value>, String)> {
    if let Some(not) = st.get("NotAction") {
        let mut excluded = strings(Some(not));
        let missing: Vec<&str> =
            BLACKLISTED.iter().copied().filter(|a| !excluded.iter().any(|p| action_matches(p, a))).collect();
        if missing.is_empty() {
            return None;
        }
        excluded.extend(missing.iter().map(|a| a.to_string()));
        let mut s = st.clone();
        s["NotAction"] = json!(excluded);
        return Some((Some(s), format!("NotAction now also excludes {}", missing.join(", "))));
    }
    let patterns = strings(st.get("Action"));
    let (gone, left): (Vec<String>, Vec<String>) =
        patterns.into_iter().partition(|p| BLACKLISTED.iter().any(|a| action_matches(p, a)));
    if gone.is_empty() {
        return None;
    }
    let what = format!("Action {}", gone.join(", "));
    if left.is_empty() {
        return Some((None, format!("{what} (the statement granted nothing else, so it went)")));
    }
    let mut s = st.clone();
    s["Action"] = one_or_many(left);
    Some((Some(s), what))
}

fn principal_text(st: &Value) -> String {
    if st.get("NotPrincipal").is_some() {
        return "everyone but the NotPrincipal".into();
    }
    match st.get("Principal") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(m)) => m.values().flat_map(|v| strings(Some(v))).collect::<Vec<_>>().join(", "),
        _ => String::new(),
    }
}

/// S3.10: a rule that moves noncurrent versions to S3 Intelligent-Tiering after 30 days,
/// appended to the rules the bucket has now (S3.13's included). It transitions rather than
/// expires: a remediation never deletes the user's data, and the control asks only for an
/// active rule (<https://docs.aws.amazon.com/config/latest/developerguide/s3-version-lifecycle-policy-check.html>).
fn s3_10<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, bucket) = (target.region, bucket_name(target.resource));
    let rules = match f.read::<s3::GetBucketLifecycleConfiguration>(
        region,
        s3::GetBucketLifecycleConfigurationRequest { bucket: bucket.into(), ..Default::default() },
    ) {
        Ok(out) => out.rules.unwrap_or_default(),
        Err(e) if e.code == "NoSuchLifecycleConfiguration" => Vec::new(),
        Err(error) => return Err(Failed { call: "s3:GetBucketLifecycleConfiguration".into(), error }),
    };
    let manages_versions = rules.iter().any(|r| {
        r.status == "Enabled"
            && (r.noncurrent_version_expiration.is_some()
                || r.noncurrent_version_transitions.as_ref().is_some_and(|t| !t.is_empty()))
    });
    if manages_versions {
        return Ok(Done::Applied);
    }
    let rule = s3::LifecycleRule {
        id: Some("hubsim-noncurrent-versions".into()),
        status: "Enabled".into(),
        filter: Some(s3::LifecycleRuleFilter { prefix: Some(String::new()), ..Default::default() }),
        noncurrent_version_transitions: Some(vec![s3::NoncurrentVersionTransition {
            noncurrent_days: Some(30),
            storage_class: Some("INTELLIGENT_TIERING".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    put_lifecycle_rule(f, region, bucket, rules, rule)?;
    Ok(Done::Applied)
}

/// S3.12: ACLs disabled, as the control's remediation says. S3 accepts `BucketOwnerEnforced`
/// only on a bucket whose ACL grants nothing beyond the owner, so the ACL is reset to private
/// first; a log-delivery grant is moved to the bucket policy before it goes (the S3 logging
/// service principal, as AWS documents for buckets with ACLs disabled:
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-migrating-acls-prerequisites.html#object-ownership-server-access-logs>),
/// so a log bucket keeps receiving server access logs.
fn s3_12<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, bucket) = (target.region, bucket_name(target.resource));
    let acl = target.snapshot.global.bucket_acls.get(bucket);
    let grants = acl.map(|a| a.grants.clone()).unwrap_or_default();
    let foreign = crate::controls::s3_access::foreign_grants(&grants, acl.and_then(|a| a.owner.as_deref()));
    let log_delivery = grants.iter().any(|g| g.grantee.as_ref().and_then(|e| e.uri.as_deref()) == Some(LOG_DELIVERY));
    if log_delivery {
        let policy = current_policy(f, region, bucket)?;
        if let Some((text, sid)) = with_log_delivery(policy.as_deref(), bucket, &f.account) {
            let note = format!(
                "S3.12: bucket {bucket}'s ACL lets the LogDelivery group write server access logs; statement {sid} \
                 grants {LOGGING_SERVICE} s3:PutObject instead, before the ACL is reset, so logs keep arriving"
            );
            put_policy(f, region, bucket, text, note)?;
        }
    }
    f.call_noted::<s3::PutBucketAcl>(
        region,
        s3::PutBucketAclRequest { bucket: bucket.into(), acl: Some("private".into()), ..Default::default() },
        Some(format!("S3.12: removes the ACL grants {} (the owner keeps FULL_CONTROL)", foreign.join(", "))),
    )?;
    f.call_noted::<s3::PutBucketOwnershipControls>(
        region,
        s3::PutBucketOwnershipControlsRequest {
            bucket: bucket.into(),
            ownership_controls: s3::OwnershipControls {
                rules: vec![s3::OwnershipControlsRule { object_ownership: "BucketOwnerEnforced".into() }],
            },
            ..Default::default()
        },
        Some("S3.12: ACLs disabled; access is granted by policies only".into()),
    )?;
    Ok(Done::Applied)
}

/// `policy` with a statement letting S3's logging service put objects into `bucket` for this
/// account, and that statement's Sid; `None` when some Allow statement already grants it.
fn with_log_delivery(policy: Option<&str>, bucket: &str, account: &str) -> Option<(String, String)> {
    let existing = policy.map(statements).unwrap_or_default();
    let granted = existing.iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Allow")
            && st
                .get("Principal")
                .and_then(|p| p.get("Service"))
                .is_some_and(|s| strings(Some(s)).iter().any(|x| x == LOGGING_SERVICE))
            && strings(st.get("Action")).iter().any(|a| action_matches(a, "s3:PutObject"))
    });
    if granted {
        return None;
    }
    let mut sid = "S3ServerAccessLogsPolicy".to_string();
    while existing.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid.as_str())) {
        sid.push('X');
    }
    let statement = json!({
        "Sid": sid, "Effect": "Allow", "Principal": {"Service": LOGGING_SERVICE}, "Action": "s3:PutObject",
        "Resource": format!("arn:aws:s3:::{bucket}/*"),
        "Condition": {"StringEquals": {"aws:SourceAccount": account}}
    });
    let mut doc = policy
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({"Version": "2012-10-17"}));
    let mut all = existing;
    all.push(statement);
    doc["Statement"] = Value::Array(all);
    Some((doc.to_string(), sid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::s3_access::cross_account_grants;

    const ACCOUNT: &str = "123456789012";

    #[test]
    fn other_accounts_lose_only_the_blacklisted_actions() {
        let policy = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Mixed","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::123456789012:root"],"Service":"logging.s3.amazonaws.com"},
             "Action":["s3:GetObject","s3:PutBucketPolicy"],"Resource":"*"},
            {"Sid":"Read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Sid":"Deny","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
        let (text, removed) = without_cross_account_admin(policy, ACCOUNT).expect("rewritten");
        assert_eq!(removed, vec!["statement 0: Action s3:PutBucketPolicy for arn:aws:iam::111122223333:root"]);
        let st = statements(&text);
        assert_eq!(st.len(), 4);
        // This account's and the service's half is kept whole.
        assert_eq!(
            st[0]["Principal"],
            json!({"AWS": "arn:aws:iam::123456789012:root", "Service": "logging.s3.amazonaws.com"})
        );
        assert_eq!(st[0]["Action"], json!(["s3:GetObject", "s3:PutBucketPolicy"]));
        assert_eq!(st[0]["Sid"], json!("Mixed"));
        // The other account keeps s3:GetObject, under a Sid of its own.
        assert_eq!(st[1]["Principal"], json!({"AWS": "arn:aws:iam::111122223333:root"}));
        assert_eq!(st[1]["Action"], json!("s3:GetObject"));
        assert_eq!(st[1]["Sid"], json!("MixedOtherAccounts"));
        assert_eq!(st[2]["Sid"], json!("Read"));
        assert_eq!(st[3]["Sid"], json!("Deny"));
        assert!(cross_account_grants(&text, ACCOUNT).is_empty());
        // Nothing left to remove: no rewrite.
        assert!(without_cross_account_admin(&text, ACCOUNT).is_none());
    }

    #[test]
    fn wildcards_go_whole_and_not_action_excludes_more() {
        let star =
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}"#;
        let (text, removed) = without_cross_account_admin(star, ACCOUNT).expect("rewritten");
        assert!(statements(&text).is_empty());
        assert!(removed[0].contains("s3:*") && removed[0].contains("went"), "{removed:?}");
        let not = r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:Put*","Resource":"*"}]}"#;
        let (text, removed) = without_cross_account_admin(not, ACCOUNT).expect("rewritten");
        assert_eq!(statements(&text)[0]["NotAction"], json!(["s3:Put*", "s3:DeleteBucketPolicy"]));
        assert!(removed[0].contains("s3:DeleteBucketPolicy"));
        assert!(cross_account_grants(&text, ACCOUNT).is_empty());
    }

    #[test]
    fn services_and_this_account_are_left_alone() {
        let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com","AWS":"123456789012"},"Action":"s3:*","Resource":"*"}]}"#;
        assert!(without_cross_account_admin(policy, ACCOUNT).is_none());
        assert!(without_cross_account_admin("not json", ACCOUNT).is_none());
    }

    #[test]
    fn log_delivery_is_granted_once_beside_the_existing_statements() {
        let (text, sid) = with_log_delivery(None, "logs", ACCOUNT).expect("added");
        assert_eq!(sid, "S3ServerAccessLogsPolicy");
        let st = statements(&text);
        assert_eq!(st.len(), 1);
        assert_eq!(st[0]["Resource"], json!("arn:aws:s3:::logs/*"));
        assert!(with_log_delivery(Some(&text), "logs", ACCOUNT).is_none());
        let other = r#"{"Version":"2012-10-17","Statement":[{"Sid":"S3ServerAccessLogsPolicy","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
        let (text, sid) = with_log_delivery(Some(other), "logs", ACCOUNT).expect("added");
        assert_eq!(sid, "S3ServerAccessLogsPolicyX");
        assert_eq!(statements(&text).len(), 2);
    }
}
