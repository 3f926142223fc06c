//! Tags on roles, users and customer managed policies: TagRole, UntagRole, ListRoleTags,
//! TagUser, UntagUser, ListUserTags, TagPolicy, UntagPolicy, ListPolicyTags
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>: at most 50 tags per
//! resource, keys 1–128 characters, values up to 256, keys unique regardless of case, the
//! `aws:` prefix reserved).

use hubsim_model::{iam, Empty};

use super::customer_policies::{customer_policy, no_such_policy, save as save_policy};
use super::{invalid_input, managed_policy, roles, users};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::TagRole>()
        .add::<iam::UntagRole>()
        .add::<iam::ListRoleTags>()
        .add::<iam::TagUser>()
        .add::<iam::UntagUser>()
        .add::<iam::ListUserTags>()
        .add::<iam::TagPolicy>()
        .add::<iam::UntagPolicy>()
        .add::<iam::ListPolicyTags>();
}

/// The most tags an IAM resource can have.
const MAX_TAGS: usize = 50;

/// `current` with `tags` added (a key already there, in any case, takes the new value), or
/// IAM's refusal.
fn merged(current: Option<Vec<iam::Tag>>, tags: Vec<iam::Tag>) -> Result<Vec<iam::Tag>, AwsError> {
    let mut out = current.unwrap_or_default();
    for (n, t) in tags.iter().enumerate() {
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_input(format!("Tags[{n}]: the tag key {} uses the reserved prefix aws:.", t.key)));
        }
        if tags[..n].iter().any(|o| o.key.eq_ignore_ascii_case(&t.key)) {
            return Err(invalid_input(format!("Duplicate tag keys found: {}. Tag keys are case insensitive.", t.key)));
        }
    }
    for t in tags {
        out.retain(|o| !o.key.eq_ignore_ascii_case(&t.key));
        out.push(t);
    }
    if out.len() > MAX_TAGS {
        return Err(AwsError::conflict(
            "LimitExceeded",
            format!("The number of tags has reached the maximum limit of {MAX_TAGS}."),
        ));
    }
    Ok(out)
}

/// `current` without the keys in `keys` (case-insensitive); `None` when nothing is left.
fn without(current: Option<Vec<iam::Tag>>, keys: &[String]) -> Option<Vec<iam::Tag>> {
    let left: Vec<iam::Tag> = current
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)))
        .collect();
    (!left.is_empty()).then_some(left)
}

/// One page of `tags` from `marker` (an offset), `max` at most (1–1,000, default 100).
fn page(
    tags: Vec<iam::Tag>,
    marker: Option<&str>,
    max: Option<i32>,
) -> Result<(Vec<iam::Tag>, bool, Option<String>), AwsError> {
    let start = match marker {
        None => 0,
        Some(m) => m.parse::<usize>().map_err(|_| invalid_input(format!("Marker {m} is not valid.")))?,
    };
    let size = max.unwrap_or(100).clamp(1, 1000) as usize;
    let total = tags.len();
    let items: Vec<iam::Tag> = tags.into_iter().skip(start).take(size).collect();
    let end = start.saturating_add(items.len());
    let truncated = end < total;
    Ok((items, truncated, truncated.then(|| end.to_string())))
}

impl Handler for iam::TagRole {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::TagRoleRequest) -> Result<Empty, AwsError> {
        let mut role = roles::load(ctx, &input.role_name)?;
        role.role.tags = Some(merged(role.role.tags.take(), input.tags)?);
        roles::save(ctx, &role)?;
        Ok(Empty {})
    }
}

impl Handler for iam::UntagRole {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::UntagRoleRequest) -> Result<Empty, AwsError> {
        let mut role = roles::load(ctx, &input.role_name)?;
        role.role.tags = without(role.role.tags.take(), &input.tag_keys);
        roles::save(ctx, &role)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListRoleTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListRoleTagsRequest) -> Result<iam::ListRoleTagsResponse, AwsError> {
        let role = roles::load(ctx, &input.role_name)?;
        let (tags, is_truncated, marker) =
            page(role.role.tags.unwrap_or_default(), input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListRoleTagsResponse { tags, is_truncated: Some(is_truncated), marker })
    }
}

impl Handler for iam::TagUser {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::TagUserRequest) -> Result<Empty, AwsError> {
        let mut user = users::load(ctx, &input.user_name)?;
        user.user.tags = Some(merged(user.user.tags.take(), input.tags)?);
        users::save(ctx, &user)?;
        Ok(Empty {})
    }
}

impl Handler for iam::UntagUser {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::UntagUserRequest) -> Result<Empty, AwsError> {
        let mut user = users::load(ctx, &input.user_name)?;
        user.user.tags = without(user.user.tags.take(), &input.tag_keys);
        users::save(ctx, &user)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListUserTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListUserTagsRequest) -> Result<iam::ListUserTagsResponse, AwsError> {
        let user = users::load(ctx, &input.user_name)?;
        let (tags, is_truncated, marker) =
            page(user.user.tags.unwrap_or_default(), input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListUserTagsResponse { tags, is_truncated: Some(is_truncated), marker })
    }
}

/// The customer managed policy `arn`; an AWS managed one cannot be tagged (`InvalidInput`).
fn taggable_policy(ctx: &Ctx<'_>, arn: &str) -> Result<super::customer_policies::StoredPolicy, AwsError> {
    if managed_policy(arn).is_some() {
        return Err(invalid_input(format!(
            "Policy {arn} is an AWS managed policy: only customer managed policies take tags."
        )));
    }
    customer_policy(ctx, arn)?.ok_or_else(|| no_such_policy(arn))
}

impl Handler for iam::TagPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::TagPolicyRequest) -> Result<Empty, AwsError> {
        let mut p = taggable_policy(ctx, &input.policy_arn)?;
        p.policy.tags = Some(merged(p.policy.tags.take(), input.tags)?);
        save_policy(ctx, &p)?;
        Ok(Empty {})
    }
}

impl Handler for iam::UntagPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::UntagPolicyRequest) -> Result<Empty, AwsError> {
        let mut p = taggable_policy(ctx, &input.policy_arn)?;
        p.policy.tags = without(p.policy.tags.take(), &input.tag_keys);
        save_policy(ctx, &p)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListPolicyTags {
    const MUTATES: bool = false;

    /// An AWS managed policy has no tags (an empty list); a customer managed one its own.
    fn handle(ctx: &mut Ctx<'_>, input: iam::ListPolicyTagsRequest) -> Result<iam::ListPolicyTagsResponse, AwsError> {
        let tags = if managed_policy(&input.policy_arn).is_some() {
            Vec::new()
        } else {
            customer_policy(ctx, &input.policy_arn)?
                .ok_or_else(|| no_such_policy(&input.policy_arn))?
                .policy
                .tags
                .unwrap_or_default()
        };
        let (tags, is_truncated, marker) = page(tags, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListPolicyTagsResponse { tags, is_truncated: Some(is_truncated), marker })
    }
}
