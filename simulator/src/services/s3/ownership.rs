//! Object Ownership: Get/Put/DeleteBucketOwnershipControls.

use hubsim_model::{s3, Empty};

use super::{bucket, canonical_user_id};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketOwnershipControls>()
        .add::<s3::PutBucketOwnershipControls>()
        .add::<s3::DeleteBucketOwnershipControls>();
}

impl Handler for s3::GetBucketOwnershipControls {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketOwnershipControlsRequest,
    ) -> Result<s3::GetBucketOwnershipControlsOutput, AwsError> {
        let b = bucket(ctx, &input.bucket)?;
        match b.ownership {
            Some(o) => Ok(s3::GetBucketOwnershipControlsOutput { ownership_controls: Some(o) }),
            None => Err(AwsError::not_found(
                "OwnershipControlsNotFoundError",
                "The bucket ownership controls were not found",
            )),
        }
    }
}

impl Handler for s3::PutBucketOwnershipControls {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketOwnershipControlsRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let controls = input.ownership_controls;
        let [rule] = controls.rules.as_slice() else {
            return Err(super::malformed_xml());
        };
        if !matches!(rule.object_ownership.as_str(), "BucketOwnerPreferred" | "ObjectWriter" | "BucketOwnerEnforced") {
            return Err(super::malformed_xml());
        }
        let owner = canonical_user_id(ctx.account());
        if rule.object_ownership == "BucketOwnerEnforced" && !super::acl::only_owner(&b.grants, &owner) {
            return Err(AwsError::bad_request(
                "InvalidBucketAclWithObjectOwnership",
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
            ));
        }
        b.ownership = Some(controls);
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

impl Handler for s3::DeleteBucketOwnershipControls {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeleteBucketOwnershipControlsRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        b.ownership = None;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
