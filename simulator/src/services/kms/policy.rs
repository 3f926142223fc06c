//! Key policies: GetKeyPolicy, PutKeyPolicy, and the default key policy.

use std::sync::Arc;

use hubsim_model::{kms, Empty};

use super::limits::KEY_POLICY_BYTES;
use super::locate;
use crate::error::AwsError;
use crate::policy::{Effect, Policy, Principal};
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<kms::GetKeyPolicy>().add::<kms::PutKeyPolicy>();
}

/// The key policy KMS gives a key created without one: the account root may do `kms:*`.
pub fn default_key_policy(account: &str) -> String {
    format!(
        r#"{{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {{
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {{
      "AWS" : "arn:aws:iam::{account}:root"
    }},
    "Action" : "kms:*",
    "Resource" : "*"
  }} ]
}}"#
    )
}

fn malformed(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("MalformedPolicyDocumentException", message)
}

/// Checks a key policy as KMS does: its size (before anything is parsed), the grammar, and (unless `bypass`) the lockout safety
/// check. hubsim's caller is the account's administrator role, which a key policy lets in
/// when an Allow statement names the account root (or anyone) for `kms:PutKeyPolicy`.
pub fn check_key_policy(account: &str, text: &str, bypass: bool) -> Result<Arc<Policy>, AwsError> {
    if text.len() > KEY_POLICY_BYTES {
        return Err(AwsError::bad_request(
            "LimitExceededException",
            format!("The key policy is {} bytes; the limit is {KEY_POLICY_BYTES}", text.len()),
        ));
    }
    let policy = Policy::parse(text, true).map_err(|e| malformed(e.0))?;
    if bypass {
        return Ok(policy);
    }
    let root = format!("arn:aws:iam::{account}:root");
    let admits_caller = policy.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && !s.not_principal
            && s.covers_action("kms:PutKeyPolicy")
            && match &s.principal {
                Some(Principal::Anyone) => true,
                Some(Principal::Named(list)) => list.iter().any(|(k, v)| k == "AWS" && (v == &root || v == account)),
                None => false,
            }
    });
    if !admits_caller {
        return Err(malformed("The new key policy will not allow you to update the key policy in the future."));
    }
    Ok(policy)
}

/// KMS keys have exactly one policy, named `default`.
fn check_policy_name(name: Option<&str>) -> Result<(), AwsError> {
    match name {
        None | Some("default") => Ok(()),
        Some(other) => Err(AwsError::bad_request("NotFoundException", format!("No such policy exists: {other}"))),
    }
}

impl Handler for kms::GetKeyPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: kms::GetKeyPolicyRequest) -> Result<kms::GetKeyPolicyResponse, AwsError> {
        let (_, key) = locate(ctx, &input.key_id)?;
        check_policy_name(input.policy_name.as_deref())?;
        Ok(kms::GetKeyPolicyResponse { policy: Some(key.policy), policy_name: Some("default".to_string()) })
    }
}

impl Handler for kms::PutKeyPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: kms::PutKeyPolicyRequest) -> Result<Empty, AwsError> {
        let (region, mut key) = locate(ctx, &input.key_id)?;
        check_policy_name(input.policy_name.as_deref())?;
        let account = ctx.account().to_string();
        check_key_policy(&account, &input.policy, input.bypass_policy_lockout_safety_check.unwrap_or(false))?;
        key.policy = input.policy;
        let id = key.metadata.key_id.clone();
        ctx.put_in(&region, &id, &key)?;
        Ok(Empty {})
    }
}
