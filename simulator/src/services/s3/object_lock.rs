//! PutObjectLockConfiguration: Object Lock and its default retention
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html>).
//!
//! A bucket created with Object Lock takes a default retention rule at any time. Turning Object
//! Lock on for an existing bucket needs versioning Enabled, and has been possible only since
//! November 2023 (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html>):
//! in era 2022 S3 refuses it for a bucket created without Object Lock.

use hubsim_model::s3;

use super::{bucket, invalid_argument, malformed_xml};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::settings::Era;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::PutObjectLockConfiguration>();
}

/// Checks a default retention rule: a mode and exactly one positive period.
fn check_rule(rule: &s3::ObjectLockRule) -> Result<(), AwsError> {
    let Some(d) = &rule.default_retention else { return Err(malformed_xml()) };
    if d.mode.is_none() {
        return Err(malformed_xml());
    }
    let period = match (d.days, d.years) {
        (Some(n), None) | (None, Some(n)) => n,
        _ => return Err(malformed_xml()),
    };
    if period <= 0 {
        return Err(invalid_argument("Default retention period must be a positive integer value"));
    }
    Ok(())
}

impl Handler for s3::PutObjectLockConfiguration {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::PutObjectLockConfigurationRequest,
    ) -> Result<s3::PutObjectLockConfigurationOutput, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let config = input.object_lock_configuration.ok_or_else(malformed_xml)?;
        if config.object_lock_enabled.as_deref() != Some("Enabled") {
            return Err(malformed_xml());
        }
        if let Some(rule) = &config.rule {
            check_rule(rule)?;
        }
        if !b.object_lock_enabled {
            if ctx.era() == Era::Y2022 {
                return Err(AwsError::conflict(
                    "InvalidBucketState",
                    "Object Lock configuration cannot be enabled on existing buckets",
                ));
            }
            let versioned = b.versioning.as_ref().and_then(|v| v.status.as_deref()) == Some("Enabled");
            if !versioned {
                return Err(AwsError::conflict(
                    "InvalidBucketState",
                    "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
                ));
            }
        }
        b.object_lock_enabled = true;
        b.object_lock_rule = config.rule;
        ctx.put(&input.bucket, &b)?;
        Ok(s3::PutObjectLockConfigurationOutput::default())
    }
}
