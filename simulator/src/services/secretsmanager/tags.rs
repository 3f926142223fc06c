//! TagResource, UntagResource, GetResourcePolicy, PutResourcePolicy
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_TagResource.html>:
//! at most 50 tags, keys 1–128 characters, values up to 256, the `aws:` prefix reserved;
//! <https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html>).

use hubsim_model::{secretsmanager as sm, Empty};

use super::{invalid_parameter, locate, locate_live};
use crate::error::AwsError;
use crate::policy::Policy;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sm::TagResource>().add::<sm::UntagResource>().add::<sm::GetResourcePolicy>().add::<sm::PutResourcePolicy>();
}

/// The most tags a secret can have.
const MAX_TAGS: usize = 50;

/// Checks a secret's whole tag set.
pub(super) fn check_tags(tags: &[(String, String)]) -> Result<(), AwsError> {
    if tags.len() > MAX_TAGS {
        return Err(invalid_parameter(format!("Too many tags: a secret can have at most {MAX_TAGS}.")));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(invalid_parameter(format!("Tag {k}: keys are 1 to 128 characters, values up to 256.")));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_parameter(format!("Tag {k}: the aws: prefix is reserved.")));
        }
    }
    Ok(())
}

impl Handler for sm::TagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sm::TagResourceRequest) -> Result<Empty, AwsError> {
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        for t in input.tags {
            let (k, v) = (t.key.unwrap_or_default(), t.value.unwrap_or_default());
            match s.tags.iter_mut().find(|(key, _)| *key == k) {
                Some(slot) => slot.1 = v,
                None => s.tags.push((k, v)),
            }
        }
        check_tags(&s.tags)?;
        s.last_changed = ctx.now();
        ctx.put(&name, &s)?;
        Ok(Empty {})
    }
}

impl Handler for sm::UntagResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sm::UntagResourceRequest) -> Result<Empty, AwsError> {
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        s.tags.retain(|(k, _)| !input.tag_keys.contains(k));
        s.last_changed = ctx.now();
        ctx.put(&name, &s)?;
        Ok(Empty {})
    }
}

impl Handler for sm::GetResourcePolicy {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: sm::GetResourcePolicyRequest,
    ) -> Result<sm::GetResourcePolicyResponse, AwsError> {
        let (_, s) = locate(ctx, &input.secret_id)?;
        Ok(sm::GetResourcePolicyResponse { arn: Some(s.arn), name: Some(s.name), resource_policy: s.policy })
    }
}

impl Handler for sm::PutResourcePolicy {
    const MUTATES: bool = true;

    /// A policy that does not parse is `MalformedPolicyDocumentException`; with
    /// `BlockPublicPolicy`, one that allows everyone without a limiting condition is
    /// `PublicPolicyException`.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: sm::PutResourcePolicyRequest,
    ) -> Result<sm::PutResourcePolicyResponse, AwsError> {
        let policy = Policy::parse(&input.resource_policy, true).map_err(|e| {
            AwsError::bad_request(
                "MalformedPolicyDocumentException",
                format!("This resource policy contains a syntax error: {}", e.0),
            )
        })?;
        if input.block_public_policy.unwrap_or(false) && policy.is_public() {
            return Err(AwsError::bad_request(
                "PublicPolicyException",
                "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.",
            ));
        }
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        s.policy = Some(input.resource_policy);
        s.last_changed = ctx.now();
        ctx.put(&name, &s)?;
        Ok(sm::PutResourcePolicyResponse { arn: Some(s.arn), name: Some(s.name) })
    }
}
