//! Bucket lifecycle: CreateBucket, ListBuckets, HeadBucket, GetBucketLocation, DeleteBucket.

use hubsim_model::{s3, Empty};

use super::{bucket, bucket_part, canonical_user_id, part, Bucket};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::settings::Era;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::CreateBucket>()
        .add::<s3::ListBuckets>()
        .add::<s3::HeadBucket>()
        .add::<s3::GetBucketLocation>()
        .add::<s3::DeleteBucket>();
}

/// S3's bucket naming rules (general purpose buckets).
fn check_name(name: &str) -> Result<(), AwsError> {
    let bytes = name.as_bytes();
    let valid_chars = bytes.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-');
    let edges = bytes.first().is_some_and(|c| c.is_ascii_alphanumeric())
        && bytes.last().is_some_and(|c| c.is_ascii_alphanumeric());
    let ip_like =
        name.split('.').count() == 4 && name.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    let ok = (3..=63).contains(&name.len())
        && valid_chars
        && edges
        && !name.contains("..")
        && !name.contains(".-")
        && !name.contains("-.")
        && !ip_like
        && !name.starts_with("xn--")
        && !name.starts_with("sthree-")
        && !name.ends_with("-s3alias")
        && !name.ends_with("--ol-s3");
    if ok {
        Ok(())
    } else {
        Err(AwsError::bad_request("InvalidBucketName", format!("The specified bucket is not valid: {name}")))
    }
}

/// The canned ACLs that keep a bucket private (allowed when ACLs are disabled).
fn acl_is_private(acl: &str) -> bool {
    matches!(acl, "private" | "bucket-owner-full-control")
}

impl Handler for s3::CreateBucket {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::CreateBucketRequest) -> Result<s3::CreateBucketOutput, AwsError> {
        let name = input.bucket;
        check_name(&name)?;
        let region = ctx.region().to_string();
        let constraint = input.create_bucket_configuration.as_ref().and_then(|c| c.location_constraint.clone());
        match (region.as_str(), constraint.as_deref()) {
            ("us-east-1", None) => {}
            ("us-east-1", Some("us-east-1")) => {
                return Err(AwsError::bad_request(
                    "InvalidLocationConstraint",
                    "The specified location-constraint is not valid",
                ));
            }
            (_, None) => {
                return Err(AwsError::bad_request(
                    "IllegalLocationConstraintException",
                    "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
                ));
            }
            (r, Some(c)) if r != c => {
                return Err(AwsError::bad_request(
                    "IllegalLocationConstraintException",
                    format!("The {c} location constraint is incompatible for the region specific endpoint this request was sent to."),
                ));
            }
            _ => {}
        }
        if let Some(existing) = ctx.get::<Bucket>(&name)? {
            // us-east-1 keeps its legacy answer: re-creating your own bucket there succeeds.
            if region == "us-east-1" && existing.region == "us-east-1" {
                return Ok(s3::CreateBucketOutput { location: Some(format!("/{name}")), ..Default::default() });
            }
            return Err(AwsError::conflict(
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            ));
        }
        let era = ctx.era();
        let ownership = match (&input.object_ownership, era) {
            (Some(o), _) => Some(o.clone()),
            (None, Era::Current) => Some("BucketOwnerEnforced".to_string()),
            (None, Era::Y2022) => None,
        };
        let acls_disabled = ownership.as_deref() == Some("BucketOwnerEnforced");
        if let Some(acl) = &input.acl {
            if acls_disabled && !acl_is_private(acl) {
                return Err(AwsError::bad_request(
                    "InvalidBucketAclWithObjectOwnership",
                    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
                ));
            }
        }
        let owner = canonical_user_id(ctx.account());
        let mut grants = vec![s3::Grant {
            grantee: Some(s3::Grantee { id: Some(owner), type_: "CanonicalUser".into(), ..Default::default() }),
            permission: Some("FULL_CONTROL".into()),
        }];
        if let Some(acl) = input.acl.as_deref() {
            grants.extend(super::canned_acl_grants(acl));
        }
        let bucket = Bucket {
            name: name.clone(),
            region: region.clone(),
            created: ctx.now(),
            encryption: match era {
                Era::Current => Some(super::sse_s3_default()),
                Era::Y2022 => None,
            },
            public_access_block: match era {
                Era::Current => Some(s3::PublicAccessBlockConfiguration {
                    block_public_acls: Some(true),
                    ignore_public_acls: Some(true),
                    block_public_policy: Some(true),
                    restrict_public_buckets: Some(true),
                }),
                Era::Y2022 => None,
            },
            ownership: ownership
                .map(|o| s3::OwnershipControls { rules: vec![s3::OwnershipControlsRule { object_ownership: o }] }),
            grants,
            // Object Lock needs versioning, which S3 turns on with it.
            object_lock_enabled: input.object_lock_enabled_for_bucket == Some(true),
            versioning: (input.object_lock_enabled_for_bucket == Some(true))
                .then(|| s3::VersioningConfiguration { status: Some("Enabled".into()), mfa_delete: None }),
            ..Default::default()
        };
        ctx.put(&name, &bucket)?;
        Ok(s3::CreateBucketOutput { location: Some(format!("/{name}")), ..Default::default() })
    }
}

impl Handler for s3::ListBuckets {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::ListBucketsRequest) -> Result<s3::ListBucketsOutput, AwsError> {
        let mut buckets: Vec<part::Listing> = ctx.list_view::<part::Listing>()?.into_iter().map(|(_, b)| b).collect();
        // S3 lists buckets by name.
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(prefix) = &input.prefix {
            buckets.retain(|b| b.name.starts_with(prefix.as_str()));
        }
        if let Some(region) = &input.bucket_region {
            buckets.retain(|b| &b.region == region);
        }
        if let Some(token) = &input.continuation_token {
            buckets.retain(|b| b.name.as_str() > token.as_str());
        }
        let mut next = None;
        if let Some(max) = input.max_buckets {
            let max = usize::try_from(max.max(1)).unwrap_or(usize::MAX);
            if buckets.len() > max {
                buckets.truncate(max);
                next = buckets.last().map(|b| b.name.clone());
            }
        }
        Ok(s3::ListBucketsOutput {
            buckets: Some(
                buckets
                    .into_iter()
                    .map(|b| s3::Bucket {
                        bucket_arn: Some(super::bucket_arn(&b.name)),
                        name: Some(b.name),
                        creation_date: Some(b.created),
                        bucket_region: Some(b.region),
                    })
                    .collect(),
            ),
            owner: Some(s3::Owner { id: Some(canonical_user_id(ctx.account())), display_name: None }),
            continuation_token: next,
            prefix: input.prefix,
        })
    }
}

impl Handler for s3::HeadBucket {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::HeadBucketRequest) -> Result<s3::HeadBucketOutput, AwsError> {
        // HEAD errors carry no body; clients see only the status.
        let b = ctx
            .get_view::<part::Listing>(&input.bucket)?
            .ok_or_else(|| AwsError::not_found("NotFound", "Not Found"))?;
        Ok(s3::HeadBucketOutput {
            bucket_arn: Some(super::bucket_arn(&b.name)),
            bucket_region: Some(b.region),
            access_point_alias: Some(false),
            ..Default::default()
        })
    }
}

impl Handler for s3::GetBucketLocation {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketLocationRequest) -> Result<s3::GetBucketLocationOutput, AwsError> {
        let b: part::Listing = bucket_part(ctx, &input.bucket)?;
        // us-east-1 buckets answer an empty constraint.
        let location_constraint = if b.region == "us-east-1" { None } else { Some(b.region) };
        Ok(s3::GetBucketLocationOutput { location_constraint })
    }
}

impl Handler for s3::DeleteBucket {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeleteBucketRequest) -> Result<Empty, AwsError> {
        bucket(ctx, &input.bucket)?;
        ctx.delete::<Bucket>(&input.bucket)?;
        Ok(Empty {})
    }
}
