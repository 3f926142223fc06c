//! Bucket-level Block Public Access (Get/Put/DeletePublicAccessBlock) and
//! GetBucketPolicyStatus.

use hubsim_model::{s3, Empty};

use super::{bucket, bucket_part, no_such_policy, part};
use crate::error::AwsError;
use crate::policy::Policy;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketPolicyStatus>()
        .add::<s3::GetPublicAccessBlock>()
        .add::<s3::PutPublicAccessBlock>()
        .add::<s3::DeletePublicAccessBlock>();
}

impl Handler for s3::GetBucketPolicyStatus {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketPolicyStatusRequest,
    ) -> Result<s3::GetBucketPolicyStatusOutput, AwsError> {
        let b: part::Policy = bucket_part(ctx, &input.bucket)?;
        let text = b.policy.ok_or_else(no_such_policy)?;
        // The policy was checked when it was put; a stored one that no longer parses is a corrupt state.
        let policy =
            Policy::parse(&text, true).map_err(|e| AwsError::internal(format!("stored bucket policy: {}", e.0)))?;
        Ok(s3::GetBucketPolicyStatusOutput {
            policy_status: Some(s3::PolicyStatus { is_public: Some(policy.is_public()) }),
        })
    }
}

impl Handler for s3::GetPublicAccessBlock {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetPublicAccessBlockRequest,
    ) -> Result<s3::GetPublicAccessBlockOutput, AwsError> {
        let b: part::PublicAccessBlock = bucket_part(ctx, &input.bucket)?;
        match b.public_access_block {
            Some(config) => Ok(s3::GetPublicAccessBlockOutput { public_access_block_configuration: Some(config) }),
            None => Err(AwsError::not_found(
                "NoSuchPublicAccessBlockConfiguration",
                "The public access block configuration was not found",
            )),
        }
    }
}

impl Handler for s3::PutPublicAccessBlock {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutPublicAccessBlockRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let c = input.public_access_block_configuration;
        // S3 stores absent flags as false.
        b.public_access_block = Some(s3::PublicAccessBlockConfiguration {
            block_public_acls: Some(c.block_public_acls.unwrap_or(false)),
            ignore_public_acls: Some(c.ignore_public_acls.unwrap_or(false)),
            block_public_policy: Some(c.block_public_policy.unwrap_or(false)),
            restrict_public_buckets: Some(c.restrict_public_buckets.unwrap_or(false)),
        });
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

impl Handler for s3::DeletePublicAccessBlock {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeletePublicAccessBlockRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        b.public_access_block = None;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
