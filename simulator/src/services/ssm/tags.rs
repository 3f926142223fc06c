//! AddTagsToResource, RemoveTagsFromResource, ListTagsForResource for documents and
//! associations (<https://docs.aws.amazon.com/systems-manager/latest/userguide/tagging-resources.html>:
//! hubsim allows 50 tags per resource and reserves the `aws:` prefix).

use std::collections::BTreeMap;

use hubsim_model::ssm;

use super::{validation, Association, Document};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ssm::AddTagsToResource>().add::<ssm::RemoveTagsFromResource>().add::<ssm::ListTagsForResource>();
}

/// The most tags a resource can have.
const MAX_TAGS: usize = 50;

/// Tags as a map, checked for a resource that already has `existing` other tags.
pub(super) fn from_list(tags: Vec<ssm::Tag>, existing: usize) -> Result<BTreeMap<String, String>, AwsError> {
    let mut out = BTreeMap::new();
    for t in tags {
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(validation(format!("Tag key {}: the aws: prefix is reserved.", t.key)));
        }
        out.insert(t.key, t.value);
    }
    if existing + out.len() > MAX_TAGS {
        return Err(AwsError::bad_request("TooManyTagsError", format!("A resource can have at most {MAX_TAGS} tags.")));
    }
    Ok(out)
}

/// A taggable resource hubsim holds.
enum Tagged {
    Document(Box<Document>),
    Association(String, Box<Association>),
}

impl Tagged {
    fn find(ctx: &Ctx<'_>, kind: &str, id: &str) -> Result<Tagged, AwsError> {
        let missing = || AwsError::bad_request("InvalidResourceId", format!("{kind} {id} does not exist."));
        match kind {
            "Document" => Ok(Tagged::Document(Box::new(ctx.get::<Document>(id)?.ok_or_else(missing)?))),
            "Association" => {
                Ok(Tagged::Association(id.to_string(), Box::new(ctx.get::<Association>(id)?.ok_or_else(missing)?)))
            }
            // hubsim holds no such resources (managed instances are EC2 instances, tagged by EC2).
            _ => Err(missing()),
        }
    }

    fn tags(&mut self) -> &mut BTreeMap<String, String> {
        match self {
            Tagged::Document(d) => &mut d.tags,
            Tagged::Association(_, a) => &mut a.tags,
        }
    }

    fn save(&self, ctx: &mut Ctx<'_>) -> Result<(), AwsError> {
        match self {
            Tagged::Document(d) => ctx.put(&d.name, d.as_ref()),
            Tagged::Association(id, a) => ctx.put(id, a.as_ref()),
        }
    }
}

impl Handler for ssm::AddTagsToResource {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::AddTagsToResourceRequest,
    ) -> Result<ssm::AddTagsToResourceResult, AwsError> {
        let mut r = Tagged::find(ctx, &input.resource_type, &input.resource_id)?;
        let given: Vec<String> = input.tags.iter().map(|t| t.key.clone()).collect();
        let others = r.tags().keys().filter(|k| !given.contains(k)).count();
        let tags = from_list(input.tags, others)?;
        r.tags().extend(tags);
        r.save(ctx)?;
        Ok(ssm::AddTagsToResourceResult {})
    }
}

impl Handler for ssm::RemoveTagsFromResource {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::RemoveTagsFromResourceRequest,
    ) -> Result<ssm::RemoveTagsFromResourceResult, AwsError> {
        let mut r = Tagged::find(ctx, &input.resource_type, &input.resource_id)?;
        for k in &input.tag_keys {
            r.tags().remove(k);
        }
        r.save(ctx)?;
        Ok(ssm::RemoveTagsFromResourceResult {})
    }
}

impl Handler for ssm::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::ListTagsForResourceRequest,
    ) -> Result<ssm::ListTagsForResourceResult, AwsError> {
        let mut r = Tagged::find(ctx, &input.resource_type, &input.resource_id)?;
        let tag_list = r.tags().iter().map(|(k, v)| ssm::Tag { key: k.clone(), value: v.clone() }).collect();
        Ok(ssm::ListTagsForResourceResult { tag_list: Some(tag_list) })
    }
}
