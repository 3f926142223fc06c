//! A user's policies: AttachUserPolicy, DetachUserPolicy, PutUserPolicy, GetUserPolicy,
//! DeleteUserPolicy (ListUserPolicies and ListAttachedUserPolicies are in `users.rs`), and the
//! attach/detach/inline rules users and groups share.
//!
//! Quotas ("IAM and AWS STS quotas",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): 10 managed
//! policies attached to a user or a group; a user's inline policies together 2,048
//! characters, a group's 5,120, white space not counted.

use std::collections::BTreeMap;

use hubsim_model::{iam, Empty};

use super::customer_policies::lookup;
use super::limits::policy_chars;
use super::policies::check_identity_policy;
use super::users::{load, save};
use super::{check_name, no_such_entity};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

/// Managed policies attached to a user (`PoliciesPerUser`) or a group (`PoliciesPerGroup`).
pub(super) const ATTACHED_PER_USER_OR_GROUP: usize = 10;

/// A user's inline policies together (`UserPolicySize`).
pub(super) const USER_POLICY_CHARS: usize = 2_048;

/// A group's inline policies together (`GroupPolicySize`).
pub(super) const GROUP_POLICY_CHARS: usize = 5_120;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::AttachUserPolicy>()
        .add::<iam::DetachUserPolicy>()
        .add::<iam::PutUserPolicy>()
        .add::<iam::GetUserPolicy>()
        .add::<iam::DeleteUserPolicy>();
}

/// Adds `arn` to `attached` (a user's or a group's) after IAM's checks: the policy exists and
/// is not a service-linked role's, and the entity's quota (`quota`, named in the error) holds.
/// Attaching what is already attached succeeds and changes nothing (`false`).
pub(super) fn attach(
    ctx: &Ctx<'_>,
    attached: &mut Vec<String>,
    arn: &str,
    quota: &str,
    entity: &str,
) -> Result<bool, AwsError> {
    let policy = lookup(ctx, arn)?;
    if policy.is_service_linked() {
        return Err(AwsError::bad_request(
            "PolicyNotAttachable",
            format!("Cannot attach a Service Role Policy to a {entity}."),
        ));
    }
    if attached.iter().any(|a| a == arn) {
        return Ok(false);
    }
    if attached.len() >= ATTACHED_PER_USER_OR_GROUP {
        return Err(AwsError::conflict(
            "LimitExceeded",
            format!("Cannot exceed quota for {quota}: {ATTACHED_PER_USER_OR_GROUP}"),
        ));
    }
    attached.push(arn.to_string());
    Ok(true)
}

/// Removes `arn` from `attached`, or `NoSuchEntity` if it names no policy or is not attached.
pub(super) fn detach(ctx: &Ctx<'_>, attached: &mut Vec<String>, arn: &str) -> Result<(), AwsError> {
    lookup(ctx, arn)?;
    let before = attached.len();
    attached.retain(|a| a != arn);
    if attached.len() == before {
        return Err(no_such_entity(format!("Policy {arn} was not found.")));
    }
    Ok(())
}

/// Puts inline policy `name` into `inline` after IAM's checks: the name, the size of all the
/// entity's inline policies together against `limit` (before the document is parsed), then the
/// identity-policy grammar. `entity` names the entity in the size error ("user alice").
pub(super) fn put_inline(
    inline: &mut BTreeMap<String, String>,
    name: &str,
    document: String,
    limit: usize,
    entity: &str,
) -> Result<(), AwsError> {
    check_name("policyName", name, 128)?;
    let size = policy_chars(&document);
    let others: usize = inline.iter().filter(|(n, _)| n.as_str() != name).map(|(_, d)| policy_chars(d)).sum();
    if others.saturating_add(size) > limit {
        return Err(AwsError::conflict(
            "LimitExceeded",
            format!("Maximum policy size of {limit} bytes exceeded for {entity}"),
        ));
    }
    check_identity_policy(&document)?;
    inline.insert(name.to_string(), document);
    Ok(())
}

/// 404 for an inline policy `name` that `entity` ("user", "group") does not have.
pub(super) fn no_such_inline(entity: &str, name: &str) -> AwsError {
    no_such_entity(format!("The {entity} policy with name {name} cannot be found."))
}

impl Handler for iam::AttachUserPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::AttachUserPolicyRequest) -> Result<Empty, AwsError> {
        let mut user = load(ctx, &input.user_name)?;
        if attach(ctx, &mut user.attached, &input.policy_arn, "PoliciesPerUser", "User")? {
            save(ctx, &user)?;
        }
        Ok(Empty {})
    }
}

impl Handler for iam::DetachUserPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DetachUserPolicyRequest) -> Result<Empty, AwsError> {
        let mut user = load(ctx, &input.user_name)?;
        detach(ctx, &mut user.attached, &input.policy_arn)?;
        save(ctx, &user)?;
        Ok(Empty {})
    }
}

impl Handler for iam::PutUserPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::PutUserPolicyRequest) -> Result<Empty, AwsError> {
        let mut user = load(ctx, &input.user_name)?;
        let entity = format!("user {}", user.user.user_name);
        put_inline(&mut user.inline, &input.policy_name, input.policy_document, USER_POLICY_CHARS, &entity)?;
        save(ctx, &user)?;
        Ok(Empty {})
    }
}

impl Handler for iam::GetUserPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetUserPolicyRequest) -> Result<iam::GetUserPolicyResponse, AwsError> {
        let user = load(ctx, &input.user_name)?;
        let document =
            user.inline.get(&input.policy_name).cloned().ok_or_else(|| no_such_inline("user", &input.policy_name))?;
        Ok(iam::GetUserPolicyResponse {
            user_name: user.user.user_name,
            policy_name: input.policy_name,
            policy_document: document,
        })
    }
}

impl Handler for iam::DeleteUserPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteUserPolicyRequest) -> Result<Empty, AwsError> {
        let mut user = load(ctx, &input.user_name)?;
        if user.inline.remove(&input.policy_name).is_none() {
            return Err(no_such_inline("user", &input.policy_name));
        }
        save(ctx, &user)?;
        Ok(Empty {})
    }
}
