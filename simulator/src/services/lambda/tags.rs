//! TagResource, UntagResource, ListTags on functions
//! (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html>).

use hubsim_model::{lambda, Empty};

use super::{invalid, load, Function};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<lambda::TagResource>().add::<lambda::UntagResource>().add::<lambda::ListTags>();
}

/// At most 50 tags per function.
const MAX_TAGS: usize = 50;

/// Checks tags: keys of 1–128 characters not starting with `aws:`, values of at most 256.
pub(super) fn check_tags(tags: &std::collections::BTreeMap<String, String>) -> Result<(), AwsError> {
    if tags.len() > MAX_TAGS {
        return Err(invalid(format!("A function can have at most {MAX_TAGS} tags; {} given.", tags.len())));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(invalid(format!("Tag {k:?}: keys are 1 to 128 characters, values at most 256.")));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid(format!("Tag key {k} uses the reserved prefix aws:.")));
        }
    }
    Ok(())
}

/// The function an ARN names (tags take the ARN only).
fn tagged(ctx: &Ctx<'_>, resource: &str) -> Result<(String, Function), AwsError> {
    if !resource.starts_with("arn:") {
        return Err(invalid(format!("Resource {resource} is not a function ARN.")));
    }
    load(ctx, resource)
}

impl Handler for lambda::TagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::TagResourceRequest) -> Result<Empty, AwsError> {
        let (name, mut f) = tagged(ctx, &input.resource)?;
        let mut tags = f.tags.clone();
        tags.extend(input.tags);
        check_tags(&tags)?;
        f.tags = tags;
        ctx.put(&name, &f)?;
        Ok(Empty {})
    }
}

impl Handler for lambda::UntagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::UntagResourceRequest) -> Result<Empty, AwsError> {
        let (name, mut f) = tagged(ctx, &input.resource)?;
        for k in &input.tag_keys {
            f.tags.remove(k);
        }
        ctx.put(&name, &f)?;
        Ok(Empty {})
    }
}

impl Handler for lambda::ListTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::ListTagsRequest) -> Result<lambda::ListTagsResponse, AwsError> {
        let (_, f) = tagged(ctx, &input.resource)?;
        Ok(lambda::ListTagsResponse { tags: Some(f.tags) })
    }
}
