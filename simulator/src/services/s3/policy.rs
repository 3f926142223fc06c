//! Bucket policies: Get/Put/DeleteBucketPolicy.

use std::sync::Arc;

use hubsim_model::{s3, Empty};

use super::limits::{policy_size, BUCKET_POLICY_BYTES};
use super::{bucket, bucket_arn, bucket_part, part};
use crate::error::AwsError;
use crate::policy::{glob, Policy};
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketPolicy>().add::<s3::PutBucketPolicy>().add::<s3::DeleteBucketPolicy>();
}

fn malformed(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("MalformedPolicy", message)
}

/// Parses a bucket policy as S3 does: the grammar, S3 actions only, and resources that are
/// this bucket or its objects, within S3's size limit (measured before anything is parsed).
pub fn parse_bucket_policy(name: &str, text: &str) -> Result<Arc<Policy>, AwsError> {
    let size = policy_size(text);
    if size > BUCKET_POLICY_BYTES {
        return Err(malformed(format!(
            "Policy exceeds the maximum allowed document size: {size} bytes without white space, the limit is {BUCKET_POLICY_BYTES}"
        )));
    }
    let policy = Policy::parse(text, true).map_err(|e| malformed(e.0))?;
    let mut sids: Vec<&str> = policy.statements.iter().filter_map(|s| s.sid.as_deref()).collect();
    sids.sort_unstable();
    if sids.windows(2).any(|w| w[0] == w[1]) {
        return Err(malformed("Statement IDs (SID) in a single policy must be unique"));
    }
    let arn = bucket_arn(name);
    for st in &policy.statements {
        for action in &st.actions {
            if action != "*" && !action.to_ascii_lowercase().starts_with("s3:") {
                return Err(malformed("Policy has invalid action"));
            }
        }
        for resource in &st.resources {
            let ours = resource == &arn || resource.starts_with(&format!("{arn}/")) || glob(resource, &arn);
            if !ours {
                return Err(malformed("Policy has invalid resource"));
            }
        }
    }
    Ok(policy)
}

impl Handler for s3::GetBucketPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketPolicyRequest) -> Result<s3::GetBucketPolicyOutput, AwsError> {
        let b: part::Policy = bucket_part(ctx, &input.bucket)?;
        match b.policy {
            Some(policy) => Ok(s3::GetBucketPolicyOutput { policy: Some(policy) }),
            None => Err(AwsError::not_found("NoSuchBucketPolicy", "The bucket policy does not exist")),
        }
    }
}

impl Handler for s3::PutBucketPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketPolicyRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let policy = parse_bucket_policy(&b.name, &input.policy)?;
        let bucket_blocks = b.public_access_block.as_ref().and_then(|p| p.block_public_policy).unwrap_or(false);
        let account_blocks = crate::services::s3control::account_blocks_public_policy(ctx)?;
        if policy.is_public() && (bucket_blocks || account_blocks) {
            return Err(AwsError::new("AccessDenied", 403, "Access Denied"));
        }
        b.policy = Some(input.policy);
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

impl Handler for s3::DeleteBucketPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeleteBucketPolicyRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        b.policy = None;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
