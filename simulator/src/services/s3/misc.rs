//! Versioning (Get/PutBucketVersioning), tags (Get/Put/DeleteBucketTagging) and the
//! configurations hubsim never holds, answered with S3's "not configured" errors:
//! replication, Object Lock rules, website hosting and CORS.

use hubsim_model::{s3, Empty};

use super::limits::TAGS_PER_BUCKET;
use super::{bucket, invalid_argument};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketVersioning>()
        .add::<s3::PutBucketVersioning>()
        .add::<s3::GetBucketTagging>()
        .add::<s3::PutBucketTagging>()
        .add::<s3::DeleteBucketTagging>()
        .add::<s3::GetBucketReplication>()
        .add::<s3::GetObjectLockConfiguration>()
        .add::<s3::GetBucketWebsite>()
        .add::<s3::GetBucketCors>();
}

impl Handler for s3::GetBucketVersioning {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketVersioningRequest,
    ) -> Result<s3::GetBucketVersioningOutput, AwsError> {
        let b = bucket(ctx, &input.bucket)?;
        // Never configured: an empty answer.
        let v = b.versioning.unwrap_or_default();
        Ok(s3::GetBucketVersioningOutput { status: v.status, mfa_delete: v.mfa_delete })
    }
}

impl Handler for s3::PutBucketVersioning {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketVersioningRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let new = input.versioning_configuration;
        if new.status.is_none() && new.mfa_delete.is_none() {
            return Err(super::malformed_xml());
        }
        if !matches!(new.status.as_deref(), None | Some("Enabled" | "Suspended")) {
            return Err(super::malformed_xml());
        }
        if !matches!(new.mfa_delete.as_deref(), None | Some("Enabled" | "Disabled")) {
            return Err(super::malformed_xml());
        }
        if b.object_lock_enabled && new.status.as_deref() == Some("Suspended") {
            return Err(AwsError::conflict(
                "InvalidBucketState",
                "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
            ));
        }
        if new.mfa_delete.is_some() {
            // Changing MFA delete needs the x-amz-mfa header: "<serial> <code>".
            let mfa_ok = input.mfa.as_deref().is_some_and(|m| m.split(' ').filter(|p| !p.is_empty()).count() == 2);
            if !mfa_ok {
                return Err(invalid_argument("The MFA header is required to change the MFA Delete configuration"));
            }
        }
        let old = b.versioning.take().unwrap_or_default();
        b.versioning = Some(s3::VersioningConfiguration {
            status: new.status.or(old.status),
            mfa_delete: new.mfa_delete.or(old.mfa_delete),
        });
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

fn invalid_tag(message: &str) -> AwsError {
    AwsError::bad_request("InvalidTag", message)
}

impl Handler for s3::GetBucketTagging {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketTaggingRequest) -> Result<s3::GetBucketTaggingOutput, AwsError> {
        let b = bucket(ctx, &input.bucket)?;
        match b.tags {
            Some(tag_set) => Ok(s3::GetBucketTaggingOutput { tag_set }),
            None => Err(AwsError::not_found("NoSuchTagSet", "The TagSet does not exist")),
        }
    }
}

impl Handler for s3::PutBucketTagging {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketTaggingRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let tags = input.tagging.tag_set;
        if tags.len() > TAGS_PER_BUCKET {
            return Err(invalid_tag(&format!("Bucket tag count cannot be greater than {TAGS_PER_BUCKET}")));
        }
        for (i, t) in tags.iter().enumerate() {
            if t.key.is_empty() || t.key.chars().count() > 128 {
                return Err(invalid_tag("The TagKey you have provided is invalid"));
            }
            if t.value.chars().count() > 256 {
                return Err(invalid_tag("The TagValue you have provided is invalid"));
            }
            if t.key.to_ascii_lowercase().starts_with("aws:") {
                return Err(invalid_tag("System tags cannot be added/updated by requester"));
            }
            if tags[..i].iter().any(|o| o.key == t.key) {
                return Err(invalid_tag("Cannot provide multiple Tags with the same key"));
            }
        }
        // An empty tag set leaves the bucket without tags.
        b.tags = if tags.is_empty() { None } else { Some(tags) };
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

impl Handler for s3::DeleteBucketTagging {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeleteBucketTaggingRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        b.tags = None;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

impl Handler for s3::GetBucketReplication {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketReplicationRequest,
    ) -> Result<s3::GetBucketReplicationOutput, AwsError> {
        bucket(ctx, &input.bucket)?;
        Err(AwsError::not_found("ReplicationConfigurationNotFoundError", "The replication configuration was not found"))
    }
}

impl Handler for s3::GetObjectLockConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetObjectLockConfigurationRequest,
    ) -> Result<s3::GetObjectLockConfigurationOutput, AwsError> {
        let b = bucket(ctx, &input.bucket)?;
        if b.object_lock_enabled {
            return Ok(s3::GetObjectLockConfigurationOutput {
                object_lock_configuration: Some(s3::ObjectLockConfiguration {
                    object_lock_enabled: Some("Enabled".into()),
                    rule: b.object_lock_rule,
                }),
            });
        }
        Err(AwsError::not_found(
            "ObjectLockConfigurationNotFoundError",
            "Object Lock configuration does not exist for this bucket",
        ))
    }
}

impl Handler for s3::GetBucketWebsite {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketWebsiteRequest) -> Result<s3::GetBucketWebsiteOutput, AwsError> {
        bucket(ctx, &input.bucket)?;
        Err(AwsError::not_found(
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
        ))
    }
}

impl Handler for s3::GetBucketCors {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketCorsRequest) -> Result<s3::GetBucketCorsOutput, AwsError> {
        bucket(ctx, &input.bucket)?;
        Err(AwsError::not_found("NoSuchCORSConfiguration", "The CORS configuration does not exist"))
    }
}
