//! Server access logging: Get/PutBucketLogging.
//!
//! S3 checks the target when logging is turned on: it must exist, be owned by the same account,
//! live in the same region, and let the logging service write. The current method is a target
//! bucket policy for the service principal `logging.s3.amazonaws.com`; the legacy one is an ACL
//! grant to the `LogDelivery` group (only possible while the target has ACLs enabled).

use hubsim_model::{s3, Empty};

use super::{bucket, bucket_arn, bucket_part, part, Bucket, LOG_DELIVERY_GROUP};
use crate::error::AwsError;
use crate::policy::Policy;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketLogging>().add::<s3::PutBucketLogging>();
}

/// The service principal that delivers server access logs.
pub const LOGGING_SERVICE: &str = "logging.s3.amazonaws.com";

fn invalid_target(message: &str) -> AwsError {
    AwsError::bad_request("InvalidTargetBucketForLogging", message)
}

/// Whether `target` lets S3 deliver logs under `prefix`: a bucket policy statement for
/// the logging service, or (ACLs enabled) a WRITE grant to the LogDelivery group.
fn grants_log_delivery(target: &Bucket, prefix: &str) -> bool {
    let object = format!("{}/{prefix}log-object", bucket_arn(&target.name));
    let by_policy = target
        .policy
        .as_deref()
        .and_then(|text| Policy::parse(text, true).ok())
        .is_some_and(|p| p.service_may(LOGGING_SERVICE, "s3:PutObject", &object));
    let by_acl = !target.acls_disabled()
        && target.grants.iter().any(|g| {
            g.grantee.as_ref().and_then(|e| e.uri.as_deref()) == Some(LOG_DELIVERY_GROUP)
                && matches!(g.permission.as_deref(), Some("WRITE" | "FULL_CONTROL"))
        });
    by_policy || by_acl
}

impl Handler for s3::GetBucketLogging {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketLoggingRequest) -> Result<s3::GetBucketLoggingOutput, AwsError> {
        let b: part::Logging = bucket_part(ctx, &input.bucket)?;
        Ok(s3::GetBucketLoggingOutput { logging_enabled: b.logging })
    }
}

impl Handler for s3::PutBucketLogging {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketLoggingRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let Some(enabled) = input.bucket_logging_status.logging_enabled else {
            // An empty BucketLoggingStatus turns logging off.
            b.logging = None;
            ctx.put(&input.bucket, &b)?;
            return Ok(Empty {});
        };
        // A bucket may log to itself: read the target from what we already hold.
        let target =
            if enabled.target_bucket == b.name { Some(b.clone()) } else { ctx.get::<Bucket>(&enabled.target_bucket)? };
        let Some(target) = target else {
            return Err(invalid_target("The target bucket for logging does not exist"));
        };
        if target.region != b.region {
            return Err(AwsError::new(
                "CrossLocationLoggingProhibitted",
                403,
                "Cross S3 location logging not allowed.",
            ));
        }
        let has_target_grants = enabled.target_grants.as_ref().is_some_and(|g| !g.is_empty());
        if has_target_grants && target.acls_disabled() {
            return Err(invalid_target(
                "Target grants are not supported when the target bucket has the bucket owner enforced setting for Object Ownership",
            ));
        }
        if let Some(grants) = &enabled.target_grants {
            for g in grants {
                super::acl::check_grantee(g.grantee.as_ref())?;
            }
        }
        if !grants_log_delivery(&target, &enabled.target_prefix) {
            return Err(invalid_target(
                "You must give the log-delivery group WRITE and READ_ACP permissions to the target bucket",
            ));
        }
        b.logging = Some(enabled);
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
