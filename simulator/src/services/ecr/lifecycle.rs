//! PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy, with the policy checked as
//! ECR checks it (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html>):
//! a JSON object whose `rules` is a non-empty list of rules, each with a unique positive
//! `rulePriority`, a `selection` (`tagStatus` `tagged`, `untagged` or `any`; a tagged rule
//! needs `tagPrefixList` or `tagPatternList`; `countType` `imageCountMoreThan` or
//! `sinceImagePushed`, the latter with `countUnit` `days`; `countNumber` ≥ 1) and an `action`
//! of type `expire`. A rule with `tagStatus` `any` must have the highest priority.

use hubsim_model::ecr;
use serde_json::Value;

use super::{invalid, load};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ecr::PutLifecyclePolicy>().add::<ecr::GetLifecyclePolicy>().add::<ecr::DeleteLifecyclePolicy>();
}

/// A policy holds at most 30,720 characters.
const MAX_POLICY_CHARS: usize = 30_720;

fn failure(why: impl std::fmt::Display) -> AwsError {
    invalid(format!(
        "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: {why}'"
    ))
}

/// Checks a lifecycle policy's text as ECR does; the refusal says what and where.
fn check_lifecycle_policy(text: &str) -> Result<(), AwsError> {
    if text.chars().count() > MAX_POLICY_CHARS {
        return Err(failure(format!("the policy is longer than {MAX_POLICY_CHARS} characters")));
    }
    let doc: Value = serde_json::from_str(text).map_err(|e| failure(format!("not valid JSON: {e}")))?;
    let rules = doc
        .get("rules")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| failure("object has missing required properties ([\"rules\"]) or an empty rules list"))?;
    let mut priorities = Vec::new();
    let mut any_priority = None;
    for (n, rule) in rules.iter().enumerate() {
        let at = format!("rules[{n}]");
        let priority = rule
            .get("rulePriority")
            .and_then(Value::as_i64)
            .filter(|p| *p >= 1)
            .ok_or_else(|| failure(format!("{at}.rulePriority must be an integer of at least 1")))?;
        if priorities.contains(&priority) {
            return Err(failure(format!("{at}.rulePriority {priority} is used by another rule")));
        }
        priorities.push(priority);
        let sel = rule.get("selection").ok_or_else(|| failure(format!("{at}.selection is missing")))?;
        let status = sel.get("tagStatus").and_then(Value::as_str).unwrap_or_default();
        match status {
            "tagged" => {
                let has = |k: &str| sel.get(k).and_then(Value::as_array).is_some_and(|a| !a.is_empty());
                if !has("tagPrefixList") && !has("tagPatternList") {
                    return Err(failure(format!("{at}: a tagged rule needs tagPrefixList or tagPatternList")));
                }
            }
            "untagged" => {}
            "any" => any_priority = Some(priority),
            other => return Err(failure(format!("{at}.selection.tagStatus {other:?} is not tagged, untagged or any"))),
        }
        match sel.get("countType").and_then(Value::as_str) {
            Some("imageCountMoreThan") => {
                if sel.get("countUnit").is_some() {
                    return Err(failure(format!("{at}: countUnit is only for sinceImagePushed")));
                }
            }
            Some("sinceImagePushed") => {
                if sel.get("countUnit").and_then(Value::as_str) != Some("days") {
                    return Err(failure(format!("{at}: sinceImagePushed needs countUnit days")));
                }
            }
            _ => {
                return Err(failure(format!("{at}.selection.countType must be imageCountMoreThan or sinceImagePushed")))
            }
        }
        if sel.get("countNumber").and_then(Value::as_i64).is_none_or(|c| c < 1) {
            return Err(failure(format!("{at}.selection.countNumber must be an integer of at least 1")));
        }
        if rule.get("action").and_then(|a| a.get("type")).and_then(Value::as_str) != Some("expire") {
            return Err(failure(format!("{at}.action.type must be expire")));
        }
    }
    if let Some(p) = any_priority {
        if priorities.iter().any(|q| *q > p) {
            return Err(failure("a rule with tagStatus any must have the highest rulePriority"));
        }
    }
    Ok(())
}

fn no_policy(ctx: &Ctx<'_>, name: &str) -> AwsError {
    AwsError::bad_request(
        "LifecyclePolicyNotFoundException",
        format!(
            "Lifecycle policy does not exist for the repository with name '{name}' in the registry with id '{}'",
            ctx.account()
        ),
    )
}

impl Handler for ecr::PutLifecyclePolicy {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::PutLifecyclePolicyRequest,
    ) -> Result<ecr::PutLifecyclePolicyResponse, AwsError> {
        let mut stored = load(ctx, input.registry_id.as_deref(), &input.repository_name)?;
        check_lifecycle_policy(&input.lifecycle_policy_text)?;
        stored.lifecycle_policy = Some(input.lifecycle_policy_text.clone());
        ctx.put(&input.repository_name, &stored)?;
        Ok(ecr::PutLifecyclePolicyResponse {
            registry_id: Some(ctx.account().to_string()),
            repository_name: Some(input.repository_name),
            lifecycle_policy_text: Some(input.lifecycle_policy_text),
        })
    }
}

impl Handler for ecr::GetLifecyclePolicy {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::GetLifecyclePolicyRequest,
    ) -> Result<ecr::GetLifecyclePolicyResponse, AwsError> {
        let stored = load(ctx, input.registry_id.as_deref(), &input.repository_name)?;
        let text = stored.lifecycle_policy.ok_or_else(|| no_policy(ctx, &input.repository_name))?;
        Ok(ecr::GetLifecyclePolicyResponse {
            registry_id: Some(ctx.account().to_string()),
            repository_name: Some(input.repository_name),
            lifecycle_policy_text: Some(text),
            last_evaluated_at: None,
        })
    }
}

impl Handler for ecr::DeleteLifecyclePolicy {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::DeleteLifecyclePolicyRequest,
    ) -> Result<ecr::DeleteLifecyclePolicyResponse, AwsError> {
        let mut stored = load(ctx, input.registry_id.as_deref(), &input.repository_name)?;
        let text = stored.lifecycle_policy.take().ok_or_else(|| no_policy(ctx, &input.repository_name))?;
        ctx.put(&input.repository_name, &stored)?;
        Ok(ecr::DeleteLifecyclePolicyResponse {
            registry_id: Some(ctx.account().to_string()),
            repository_name: Some(input.repository_name),
            lifecycle_policy_text: Some(text),
            last_evaluated_at: None,
        })
    }
}
