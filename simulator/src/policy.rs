//! IAM-style policy documents (bucket, topic, key and role policies): parsing with AWS's
//! grammar checks, and the questions other services ask of them ("may this service principal
//! do that action on this resource?").

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::memo::{memoized, Memo};

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `2012-10-17` or `2008-10-17`; absent means the old default.
    pub version: Option<String>,
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal`, normalized: `*` or a map of kind (`AWS`, `Service`, `Federated`,
    /// `CanonicalUser`) to values. `None` when absent (identity policies).
    pub principal: Option<Principal>,
    /// Whether the principal was given as `NotPrincipal`.
    pub not_principal: bool,
    /// Actions (or NotActions when `not_action`).
    pub actions: Vec<String>,
    /// Whether the actions were given as `NotAction`.
    pub not_action: bool,
    /// Resources (or NotResources when `not_resource`).
    pub resources: Vec<String>,
    /// Whether the resources were given as `NotResource`.
    pub not_resource: bool,
    /// `Condition` block as written: operator → key → values.
    pub condition: Option<Value>,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// A statement's principal.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"` or `{"AWS": "*"}`: anyone (IAM treats the two as equivalent).
    Anyone,
    /// Named principals: (kind, value) pairs such as (`Service`, `cloudtrail.amazonaws.com`).
    Named(Vec<(String, String)>),
}

/// Why a document is not a valid policy. The text is what AWS would say, roughly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

fn strings(v: &Value, what: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| PolicyError(format!("{what} must be a string or a list of strings")))
            })
            .collect(),
        _ => Err(PolicyError(format!("{what} must be a string or a list of strings"))),
    }
}

fn principal(v: &Value) -> Result<Principal, PolicyError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Anyone),
        Value::Object(map) => {
            let mut named = Vec::new();
            for (kind, values) in map {
                if !matches!(kind.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                    return Err(PolicyError(format!("Invalid principal type {kind}")));
                }
                for value in strings(values, "Principal")? {
                    if kind == "AWS" && value == "*" {
                        return Ok(Principal::Anyone);
                    }
                    named.push((kind.clone(), value));
                }
            }
            if named.is_empty() {
                return Err(PolicyError("Invalid principal in policy".into()));
            }
            Ok(Principal::Named(named))
        }
        _ => Err(PolicyError("Invalid principal in policy".into())),
    }
}

/// A parse of a policy document, shared.
type Parsed = Result<Arc<Policy>, PolicyError>;

thread_local! {
    static RESOURCE_POLICIES: Memo<Parsed> = std::cell::RefCell::new(HashMap::new());
    static IDENTITY_POLICIES: Memo<Parsed> = std::cell::RefCell::new(HashMap::new());
}

impl Policy {
    /// Parses a policy document. `resource_policy` demands a principal in every statement
    /// (bucket, topic and key policies), as AWS does.
    ///
    /// The same text gives the same answer, so answers are remembered per thread
    /// ([`crate::memo`]): a stored policy is read by many calls and every evaluation.
    pub fn parse(text: &str, resource_policy: bool) -> Result<Arc<Policy>, PolicyError> {
        let memo = if resource_policy { &RESOURCE_POLICIES } else { &IDENTITY_POLICIES };
        memoized(memo, text, |text| Policy::parse_uncached(text, resource_policy).map(Arc::new))
    }

    fn parse_uncached(text: &str, resource_policy: bool) -> Result<Policy, PolicyError> {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| PolicyError(format!("Policies must be valid JSON: {e}")))?;
        let Value::Object(mut map) = doc else {
            return Err(PolicyError("Policies must be JSON objects".into()));
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
                return Err(PolicyError(format!("Unknown field {key}")));
            }
        }
        let version = match map.get("Version") {
            None => None,
            Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
            Some(_) => return Err(PolicyError("The policy must contain a valid version string".into())),
        };
        let raw = match map.remove("Statement") {
            Some(Value::Array(items)) => items,
            Some(obj @ Value::Object(_)) => vec![obj],
            _ => return Err(PolicyError("Missing required field Statement".into())),
        };
        if raw.is_empty() {
            return Err(PolicyError("Missing required field Statement".into()));
        }
        let mut statements = Vec::new();
        for st in &raw {
            let Value::Object(st) = st else {
                return Err(PolicyError("Statement must be an object".into()));
            };
            for key in st.keys() {
                if !matches!(
                    key.as_str(),
                    "Sid"
                        | "Effect"
                        | "Principal"
                        | "NotPrincipal"
                        | "Action"
                        | "NotAction"
                        | "Resource"
                        | "NotResource"
                        | "Condition"
                ) {
                    return Err(PolicyError(format!("Unknown field {key}")));
                }
            }
            let effect = match st.get("Effect").and_then(Value::as_str) {
                Some("Allow") => Effect::Allow,
                Some("Deny") => Effect::Deny,
                _ => return Err(PolicyError("Invalid effect: statement Effect must be Allow or Deny".into())),
            };
            let (principal, not_principal) = match (st.get("Principal"), st.get("NotPrincipal")) {
                (Some(p), None) => (Some(principal(p)?), false),
                (None, Some(p)) => (Some(principal(p)?), true),
                (None, None) if !resource_policy => (None, false),
                (None, None) => return Err(PolicyError("Missing required field Principal".into())),
                (Some(_), Some(_)) => return Err(PolicyError("Statement has both Principal and NotPrincipal".into())),
            };
            let (actions, not_action) = match (st.get("Action"), st.get("NotAction")) {
                (Some(a), None) => (strings(a, "Action")?, false),
                (None, Some(a)) => (strings(a, "NotAction")?, true),
                _ => return Err(PolicyError("Statement must have exactly one of Action or NotAction".into())),
            };
            let (resources, not_resource) = match (st.get("Resource"), st.get("NotResource")) {
                (Some(r), None) => (strings(r, "Resource")?, false),
                (None, Some(r)) => (strings(r, "NotResource")?, true),
                (None, None) if !resource_policy => (Vec::new(), false),
                _ => return Err(PolicyError("Statement must have exactly one of Resource or NotResource".into())),
            };
            let condition = match st.get("Condition") {
                None => None,
                Some(c @ Value::Object(_)) => Some(c.clone()),
                Some(_) => return Err(PolicyError("Condition must be an object".into())),
            };
            statements.push(Statement {
                sid: st.get("Sid").and_then(Value::as_str).map(str::to_string),
                effect,
                principal,
                not_principal,
                actions,
                not_action,
                resources,
                not_resource,
                condition,
            });
        }
        Ok(Policy { version, statements })
    }
}

/// Case-insensitive glob match with `*` and `?`, as IAM matches actions and ARNs (the one
/// wildcard matcher, [`crate::wildcard`]).
pub fn glob(pattern: &str, text: &str) -> bool {
    crate::wildcard::matches(pattern, text, crate::wildcard::Case::Insensitive)
}

impl Statement {
    /// Whether this statement names `action` (honouring wildcards and NotAction).
    pub fn covers_action(&self, action: &str) -> bool {
        let hit = self.actions.iter().any(|a| glob(a, action));
        hit != self.not_action
    }

    /// Whether this statement names `resource` (honouring wildcards and NotResource).
    pub fn covers_resource(&self, resource: &str) -> bool {
        let hit = self.resources.iter().any(|r| glob(r, resource));
        hit != self.not_resource
    }

    /// Whether the principal includes the AWS service principal `service`.
    pub fn names_service(&self, service: &str) -> bool {
        if self.not_principal {
            return false;
        }
        match &self.principal {
            Some(Principal::Anyone) => true,
            Some(Principal::Named(list)) => list.iter().any(|(k, v)| k == "Service" && v == service),
            None => false,
        }
    }
}

impl Policy {
    /// Whether some Allow statement lets the service principal `service` do `action` on
    /// `resource`, and no Deny statement that names it (without conditions) forbids it.
    /// Conditions on the Allow are accepted as written: the calling service satisfies the
    /// `aws:SourceArn`/`aws:SourceAccount`/`s3:x-amz-acl` conditions that AWS documents.
    pub fn service_may(&self, service: &str, action: &str, resource: &str) -> bool {
        let allowed = self.statements.iter().any(|s| {
            s.effect == Effect::Allow
                && s.names_service(service)
                && s.covers_action(action)
                && s.covers_resource(resource)
        });
        let denied = self.statements.iter().any(|s| {
            s.effect == Effect::Deny
                && s.condition.is_none()
                && s.names_service(service)
                && s.covers_action(action)
                && s.covers_resource(resource)
        });
        allowed && !denied
    }

    /// Whether any Allow statement grants access to anyone (`Principal: "*"`) without a
    /// condition that limits it — what S3 Block Public Access calls a public policy.
    pub fn is_public(&self) -> bool {
        self.statements.iter().any(|s| {
            s.effect == Effect::Allow
                && (s.not_principal || matches!(s.principal, Some(Principal::Anyone)))
                && !s.condition.as_ref().is_some_and(limits_to_known_sources)
        })
    }
}

/// Conditions that make a `Principal: *` statement non-public (S3's documented list, abridged).
fn limits_to_known_sources(condition: &Value) -> bool {
    const FIXING_KEYS: &[&str] = &[
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceowner",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:userid",
        "aws:sourceip",
        "aws:principalservicename",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
    ];
    let Value::Object(ops) = condition else { return false };
    ops.iter().any(|(op, keys)| {
        let op = op.to_ascii_lowercase();
        let positive = op.starts_with("stringequals")
            || op.starts_with("arnequals")
            || op.starts_with("arnlike")
            || op.starts_with("ipaddress")
            || op.starts_with("stringlike");
        positive
            && keys.as_object().is_some_and(|k| {
                k.iter().any(|(key, v)| {
                    FIXING_KEYS.contains(&key.to_ascii_lowercase().as_str())
                        && !v.as_str().is_some_and(|s| s.contains('*'))
                        && !v.as_array().is_some_and(|a| a.iter().any(|x| x.as_str().is_some_and(|s| s.contains('*'))))
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_answers() {
        let p = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"AclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::trail"},
                {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::trail/AWSLogs/*",
                 "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}"#,
            true,
        )
        .unwrap();
        assert!(p.service_may("cloudtrail.amazonaws.com", "s3:GetBucketAcl", "arn:aws:s3:::trail"));
        assert!(p.service_may("cloudtrail.amazonaws.com", "s3:PutObject", "arn:aws:s3:::trail/AWSLogs/123/x"));
        assert!(!p.service_may("config.amazonaws.com", "s3:PutObject", "arn:aws:s3:::trail/AWSLogs/123/x"));
        assert!(!p.is_public());
    }

    #[test]
    fn rejects_bad_grammar() {
        for bad in [
            "not json",
            "[]",
            r#"{"Statement":[]}"#,
            r#"{"Version":"2013-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Bogus":1}]}"#,
        ] {
            assert!(Policy::parse(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn public_unless_conditioned() {
        let open = Policy::parse(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
            true,
        )
        .unwrap();
        assert!(open.is_public());
        let scoped = Policy::parse(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}}"#,
            true,
        )
        .unwrap();
        assert!(!scoped.is_public());
        let tls = Policy::parse(
            r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#,
            true,
        )
        .unwrap();
        assert!(!tls.is_public());
    }

    #[test]
    fn globbing() {
        assert!(glob("s3:*", "s3:PutObject"));
        assert!(glob("S3:putobject", "s3:PutObject"));
        assert!(glob("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::b/AWSLogs/1/x"));
        assert!(!glob("arn:aws:s3:::b", "arn:aws:s3:::b/x"));
        assert!(glob("s3:Get?ucket*", "s3:GetBucketAcl"));
    }
}
