//! AddTags, RemoveTags, DescribeTags
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/add-remove-tags.html>: at
//! most 50 tags a load balancer, keys 1–128 characters not starting with `aws:`, values up to
//! 256; one load balancer per AddTags/RemoveTags, up to 20 per DescribeTags).

use std::collections::BTreeMap;

use hubsim_model::elb;

use super::{load_balancer, validation};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elb::AddTags>().add::<elb::RemoveTags>().add::<elb::DescribeTags>();
}

/// The most tags a load balancer can have.
const MAX_TAGS: usize = 50;

/// Checks `tags` for a load balancer that has `existing` other tags; their map.
pub(super) fn check_new_tags(tags: &[elb::Tag], existing: usize) -> Result<BTreeMap<String, String>, AwsError> {
    let mut out = BTreeMap::new();
    for t in tags {
        if t.key.is_empty()
            || t.key.chars().count() > 128
            || t.value.as_deref().unwrap_or_default().chars().count() > 256
        {
            return Err(validation(format!("Tag '{}': keys have 1 to 128 characters, values up to 256", t.key)));
        }
        if t.key.starts_with("aws:") {
            return Err(validation(format!("Tag '{}': the 'aws:' prefix is reserved", t.key)));
        }
        if out.insert(t.key.clone(), t.value.clone().unwrap_or_default()).is_some() {
            return Err(AwsError::bad_request("DuplicateTagKeys", format!("Tag key '{}' is given twice", t.key)));
        }
    }
    if existing + out.len() > MAX_TAGS {
        return Err(AwsError::bad_request("TooManyTags", format!("A load balancer can have at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

/// The one load balancer a tag change names.
fn one(names: &[String]) -> Result<&str, AwsError> {
    match names {
        [one] => Ok(one),
        _ => Err(validation("Exactly one load balancer name must be specified")),
    }
}

impl Handler for elb::AddTags {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elb::AddTagsInput) -> Result<elb::AddTagsOutput, AwsError> {
        let name = one(&input.load_balancer_names)?;
        let mut doc = load_balancer(ctx, name)?;
        let others = doc.tags.keys().filter(|k| !input.tags.iter().any(|t| &t.key == *k)).count();
        let tags = check_new_tags(&input.tags, others)?;
        doc.tags.extend(tags);
        ctx.put(name, &doc)?;
        Ok(elb::AddTagsOutput {})
    }
}

impl Handler for elb::RemoveTags {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elb::RemoveTagsInput) -> Result<elb::RemoveTagsOutput, AwsError> {
        let name = one(&input.load_balancer_names)?;
        let mut doc = load_balancer(ctx, name)?;
        for k in input.tags.iter().filter_map(|t| t.key.as_ref()) {
            doc.tags.remove(k);
        }
        ctx.put(name, &doc)?;
        Ok(elb::RemoveTagsOutput {})
    }
}

impl Handler for elb::DescribeTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: elb::DescribeTagsInput) -> Result<elb::DescribeTagsOutput, AwsError> {
        if input.load_balancer_names.len() > 20 {
            return Err(validation("At most 20 load balancer names can be given"));
        }
        let mut out = Vec::new();
        for name in &input.load_balancer_names {
            let doc = load_balancer(ctx, name)?;
            let tags = doc.tags.iter().map(|(k, v)| elb::Tag { key: k.clone(), value: Some(v.clone()) }).collect();
            out.push(elb::TagDescription { load_balancer_name: Some(name.clone()), tags: Some(tags) });
        }
        Ok(elb::DescribeTagsOutput { tag_descriptions: Some(out) })
    }
}
