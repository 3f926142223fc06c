//! TagResource, UntagResource, ListTagsOfResource on tables
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Tagging.html>: at most
//! 50 tags, keys 1–128 characters, values up to 256, the `aws:` prefix reserved).

use std::collections::BTreeMap;

use hubsim_model::{dynamodb, Empty};

use super::{invalid, locate, Table};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<dynamodb::TagResource>().add::<dynamodb::UntagResource>().add::<dynamodb::ListTagsOfResource>();
}

/// The most tags a table can have.
const MAX_TAGS: usize = 50;

/// Checks `tags` for a table that keeps `existing` other tags.
pub(super) fn check_tags(tags: &BTreeMap<String, String>, existing: usize) -> Result<(), AwsError> {
    if existing + tags.len() > MAX_TAGS {
        return Err(AwsError::bad_request(
            "LimitExceededException",
            format!("Too many tags: a table can have at most {MAX_TAGS}."),
        ));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(invalid(format!("Tag {k}: keys are 1 to 128 characters, values up to 256.")));
        }
        if k.starts_with("aws:") {
            return Err(invalid(format!("Tag {k}: the aws: prefix is reserved.")));
        }
    }
    Ok(())
}

/// 400 `ResourceNotFoundException` for an ARN that names no table here.
fn no_such_resource(arn: &str) -> AwsError {
    AwsError::bad_request(
        "ResourceNotFoundException",
        format!("Requested resource not found: ResourcArn: {arn} not found"),
    )
}

/// The table an ARN names (names are refused: tagging takes an ARN).
fn by_arn(ctx: &Ctx<'_>, arn: &str) -> Result<(String, Table), AwsError> {
    if !arn.starts_with("arn:") {
        return Err(invalid(format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}")));
    }
    locate(ctx, arn, no_such_resource).map_err(|e| {
        if e.code == "ResourceNotFoundException" {
            no_such_resource(arn)
        } else {
            e
        }
    })
}

impl Handler for dynamodb::TagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: dynamodb::TagResourceInput) -> Result<Empty, AwsError> {
        let (name, mut table) = by_arn(ctx, &input.resource_arn)?;
        let tags: BTreeMap<String, String> = input.tags.into_iter().map(|t| (t.key, t.value)).collect();
        let others = table.tags.keys().filter(|k| !tags.contains_key(*k)).count();
        check_tags(&tags, others)?;
        table.tags.extend(tags);
        ctx.put(&name, &table)?;
        Ok(Empty {})
    }
}

impl Handler for dynamodb::UntagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: dynamodb::UntagResourceInput) -> Result<Empty, AwsError> {
        let (name, mut table) = by_arn(ctx, &input.resource_arn)?;
        for k in &input.tag_keys {
            table.tags.remove(k);
        }
        ctx.put(&name, &table)?;
        Ok(Empty {})
    }
}

impl Handler for dynamodb::ListTagsOfResource {
    const MUTATES: bool = false;

    /// Every tag in one page (a table has at most 50).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: dynamodb::ListTagsOfResourceInput,
    ) -> Result<dynamodb::ListTagsOfResourceOutput, AwsError> {
        let (_, table) = by_arn(ctx, &input.resource_arn)?;
        let tags = table.tags.into_iter().map(|(key, value)| dynamodb::Tag { key, value }).collect();
        Ok(dynamodb::ListTagsOfResourceOutput { tags: Some(tags), next_token: None })
    }
}
