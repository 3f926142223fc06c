//! AddTags, RemoveTags, DescribeTags on load balancers, listeners and target groups
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddTags.html>:
//! at most 50 tags a resource, keys 1–128 characters not starting with `aws:`, values up to
//! 256; at most 20 resources a call).

use std::collections::BTreeMap;

use hubsim_model::elbv2;

use super::{lb_not_found, listener_not_found, tg_not_found, validation, ListenerDoc, LoadBalancerDoc, TargetGroupDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elbv2::AddTags>().add::<elbv2::RemoveTags>().add::<elbv2::DescribeTags>();
}

/// The most tags a resource can have.
const MAX_TAGS: usize = 50;

/// The most resources one tag call names.
const MAX_RESOURCES: usize = 20;

/// Checks `tags` for a resource that has `existing` other tags; their map.
pub(super) fn check_new_tags(tags: &[elbv2::Tag], existing: usize) -> Result<BTreeMap<String, String>, AwsError> {
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
        return Err(AwsError::bad_request("TooManyTags", format!("A resource can have at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

/// The tags of a map, as ELB lists them.
pub(super) fn tag_list(tags: &BTreeMap<String, String>) -> Vec<elbv2::Tag> {
    tags.iter().map(|(k, v)| elbv2::Tag { key: k.clone(), value: Some(v.clone()) }).collect()
}

/// A taggable resource, by its ARN.
enum Tagged {
    Lb(LoadBalancerDoc),
    Listener(ListenerDoc),
    Group(TargetGroupDoc),
}

impl Tagged {
    fn tags(&mut self) -> &mut BTreeMap<String, String> {
        match self {
            Tagged::Lb(d) => &mut d.tags,
            Tagged::Listener(d) => &mut d.tags,
            Tagged::Group(d) => &mut d.tags,
        }
    }

    fn save(&self, ctx: &mut Ctx<'_>, arn: &str) -> Result<(), AwsError> {
        match self {
            Tagged::Lb(d) => ctx.put(arn, d),
            Tagged::Listener(d) => ctx.put(arn, d),
            Tagged::Group(d) => ctx.put(arn, d),
        }
    }
}

/// The resource `arn` names, or its kind's not-found error.
fn locate(ctx: &Ctx<'_>, arn: &str) -> Result<Tagged, AwsError> {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    if resource.starts_with("loadbalancer/") {
        ctx.get::<LoadBalancerDoc>(arn)?.map(Tagged::Lb).ok_or_else(|| lb_not_found(arn))
    } else if resource.starts_with("listener/") {
        ctx.get::<ListenerDoc>(arn)?.map(Tagged::Listener).ok_or_else(|| listener_not_found(arn))
    } else if resource.starts_with("targetgroup/") {
        ctx.get::<TargetGroupDoc>(arn)?.map(Tagged::Group).ok_or_else(|| tg_not_found(arn))
    } else {
        Err(validation(format!("'{arn}' is not a valid load balancer, listener or target group ARN")))
    }
}

fn check_count(arns: &[String]) -> Result<(), AwsError> {
    if arns.len() > MAX_RESOURCES {
        return Err(validation(format!("At most {MAX_RESOURCES} resource ARNs can be given")));
    }
    Ok(())
}

impl Handler for elbv2::AddTags {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elbv2::AddTagsInput) -> Result<elbv2::AddTagsOutput, AwsError> {
        check_count(&input.resource_arns)?;
        let mut changed = Vec::new();
        for arn in &input.resource_arns {
            let mut r = locate(ctx, arn)?;
            let new: Vec<&String> = input.tags.iter().map(|t| &t.key).collect();
            let others = r.tags().keys().filter(|k| !new.contains(k)).count();
            let tags = check_new_tags(&input.tags, others)?;
            r.tags().extend(tags);
            changed.push((arn.clone(), r));
        }
        for (arn, r) in changed {
            r.save(ctx, &arn)?;
        }
        Ok(elbv2::AddTagsOutput {})
    }
}

impl Handler for elbv2::RemoveTags {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elbv2::RemoveTagsInput) -> Result<elbv2::RemoveTagsOutput, AwsError> {
        check_count(&input.resource_arns)?;
        let mut changed = Vec::new();
        for arn in &input.resource_arns {
            let mut r = locate(ctx, arn)?;
            for k in &input.tag_keys {
                r.tags().remove(k);
            }
            changed.push((arn.clone(), r));
        }
        for (arn, r) in changed {
            r.save(ctx, &arn)?;
        }
        Ok(elbv2::RemoveTagsOutput {})
    }
}

impl Handler for elbv2::DescribeTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: elbv2::DescribeTagsInput) -> Result<elbv2::DescribeTagsOutput, AwsError> {
        check_count(&input.resource_arns)?;
        let mut out = Vec::new();
        for arn in &input.resource_arns {
            let mut r = locate(ctx, arn)?;
            out.push(elbv2::TagDescription { resource_arn: Some(arn.clone()), tags: Some(tag_list(r.tags())) });
        }
        Ok(elbv2::DescribeTagsOutput { tag_descriptions: Some(out) })
    }
}
