//! TagResource, UntagResource, ListTagsForResource on repositories
//! (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-using-tags.html>).

use std::collections::BTreeMap;

use hubsim_model::ecr;

use super::{no_repository, StoredRepository};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ecr::TagResource>().add::<ecr::UntagResource>().add::<ecr::ListTagsForResource>();
}

fn bad_tag(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidTagParameterException", message)
}

/// Checks tags: at most 50, keys of 1–128 characters not starting with `aws:`, values of at
/// most 256.
pub(super) fn check_tags(tags: &[ecr::Tag]) -> Result<(), AwsError> {
    if tags.len() > 50 {
        return Err(AwsError::bad_request("TooManyTagsException", "A repository can have at most 50 tags."));
    }
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 || t.value.chars().count() > 256 {
            return Err(bad_tag(format!("Tag {:?}: keys are 1 to 128 characters, values at most 256.", t.key)));
        }
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(bad_tag(format!("Tag key {} uses the reserved prefix aws:.", t.key)));
        }
    }
    Ok(())
}

/// The tags as a map (a later duplicate key wins).
pub(super) fn tag_map(tags: &[ecr::Tag]) -> BTreeMap<String, String> {
    tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
}

/// The repository an ARN names (`arn:aws:ecr:<region>:<account>:repository/<name>`).
fn by_arn(ctx: &Ctx<'_>, arn: &str) -> Result<(String, StoredRepository), AwsError> {
    let prefix = format!("arn:aws:ecr:{}:{}:repository/", ctx.region(), ctx.account());
    let Some(name) = arn.strip_prefix(&prefix) else {
        return Err(AwsError::bad_request(
            "InvalidParameterException",
            format!("Invalid parameter at 'resourceArn' failed to satisfy constraint: '{arn} is not a repository ARN of this registry'"),
        ));
    };
    let stored = ctx.get::<StoredRepository>(name)?.ok_or_else(|| no_repository(ctx, name))?;
    Ok((name.to_string(), stored))
}

impl Handler for ecr::TagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ecr::TagResourceRequest) -> Result<ecr::TagResourceResponse, AwsError> {
        let (name, mut stored) = by_arn(ctx, &input.resource_arn)?;
        check_tags(&input.tags)?;
        stored.tags.extend(tag_map(&input.tags));
        if stored.tags.len() > 50 {
            return Err(AwsError::bad_request("TooManyTagsException", "A repository can have at most 50 tags."));
        }
        ctx.put(&name, &stored)?;
        Ok(ecr::TagResourceResponse {})
    }
}

impl Handler for ecr::UntagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ecr::UntagResourceRequest) -> Result<ecr::UntagResourceResponse, AwsError> {
        let (name, mut stored) = by_arn(ctx, &input.resource_arn)?;
        for k in &input.tag_keys {
            stored.tags.remove(k);
        }
        ctx.put(&name, &stored)?;
        Ok(ecr::UntagResourceResponse {})
    }
}

impl Handler for ecr::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::ListTagsForResourceRequest,
    ) -> Result<ecr::ListTagsForResourceResponse, AwsError> {
        let (_, stored) = by_arn(ctx, &input.resource_arn)?;
        let tags = stored.tags.into_iter().map(|(key, value)| ecr::Tag { key, value }).collect();
        Ok(ecr::ListTagsForResourceResponse { tags: Some(tags) })
    }
}
