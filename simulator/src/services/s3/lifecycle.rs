//! Lifecycle rules: Get/PutBucketLifecycleConfiguration, DeleteBucketLifecycle.

use hubsim_model::{s3, Empty};

use super::{bucket, bucket_part, invalid_argument, malformed_xml, part};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketLifecycleConfiguration>()
        .add::<s3::PutBucketLifecycleConfiguration>()
        .add::<s3::DeleteBucketLifecycle>();
}

/// The most rules one configuration may hold.
const MAX_RULES: usize = 1000;
/// S3's default for `TransitionDefaultMinimumObjectSize` (since September 2024).
const DEFAULT_MIN_SIZE: &str = "all_storage_classes_128K";

fn no_lifecycle() -> AwsError {
    AwsError::not_found("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
}

/// Checks one rule as S3 does.
fn check_rule(rule: &s3::LifecycleRule) -> Result<(), AwsError> {
    if rule.id.as_deref().is_some_and(|id| id.chars().count() > 255) {
        return Err(invalid_argument("ID length should not exceed allowed limit of 255"));
    }
    if !matches!(rule.status.as_str(), "Enabled" | "Disabled") {
        return Err(malformed_xml());
    }
    // Exactly one of the legacy Prefix and Filter; a Filter holds at most one condition.
    match (&rule.prefix, &rule.filter) {
        (Some(_), Some(_)) | (None, None) => return Err(malformed_xml()),
        (None, Some(f)) => {
            let set = [f.prefix.is_some(), f.tag.is_some(), f.and.is_some()].iter().filter(|x| **x).count()
                + usize::from(f.object_size_greater_than.is_some() || f.object_size_less_than.is_some());
            if set > 1 {
                return Err(malformed_xml());
            }
        }
        (Some(_), None) => {}
    }
    let has_action = rule.expiration.is_some()
        || rule.transitions.as_ref().is_some_and(|t| !t.is_empty())
        || rule.noncurrent_version_transitions.as_ref().is_some_and(|t| !t.is_empty())
        || rule.noncurrent_version_expiration.is_some()
        || rule.abort_incomplete_multipart_upload.is_some();
    if !has_action {
        return Err(malformed_xml());
    }
    if let Some(e) = &rule.expiration {
        let given = [e.date.is_some(), e.days.is_some(), e.expired_object_delete_marker.is_some()];
        if given.iter().filter(|x| **x).count() != 1 {
            return Err(malformed_xml());
        }
        if e.days.is_some_and(|d| d <= 0) {
            return Err(invalid_argument("'Days' for Expiration action must be a positive integer"));
        }
    }
    for t in rule.transitions.iter().flatten() {
        if t.days.is_some() == t.date.is_some() {
            return Err(malformed_xml());
        }
        if t.days.is_some_and(|d| d < 0) {
            return Err(invalid_argument("'Days' in Transition action must be nonnegative"));
        }
        let class = t.storage_class.as_deref().unwrap_or("");
        if matches!(class, "STANDARD_IA" | "ONEZONE_IA") && t.days.is_some_and(|d| d < 30) {
            return Err(invalid_argument(format!(
                "'Days' in Transition action must be greater than or equal to 30 for storageClass '{class}'"
            )));
        }
    }
    for t in rule.noncurrent_version_transitions.iter().flatten() {
        if t.noncurrent_days.is_some_and(|d| d < 0) {
            return Err(invalid_argument("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative"));
        }
    }
    if let Some(e) = &rule.noncurrent_version_expiration {
        if e.noncurrent_days.is_none_or(|d| d <= 0) {
            return Err(invalid_argument(
                "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
            ));
        }
    }
    if let Some(a) = &rule.abort_incomplete_multipart_upload {
        if a.days_after_initiation.is_none_or(|d| d <= 0) {
            return Err(invalid_argument(
                "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
            ));
        }
    }
    Ok(())
}

impl Handler for s3::GetBucketLifecycleConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketLifecycleConfigurationRequest,
    ) -> Result<s3::GetBucketLifecycleConfigurationOutput, AwsError> {
        let b: part::Lifecycle = bucket_part(ctx, &input.bucket)?;
        let rules = b.lifecycle.ok_or_else(no_lifecycle)?;
        Ok(s3::GetBucketLifecycleConfigurationOutput {
            rules: Some(rules),
            transition_default_minimum_object_size: Some(
                b.lifecycle_min_size.unwrap_or_else(|| DEFAULT_MIN_SIZE.to_string()),
            ),
        })
    }
}

impl Handler for s3::PutBucketLifecycleConfiguration {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::PutBucketLifecycleConfigurationRequest,
    ) -> Result<s3::PutBucketLifecycleConfigurationOutput, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let rules = input.lifecycle_configuration.map(|c| c.rules).unwrap_or_default();
        if rules.is_empty() {
            return Err(malformed_xml());
        }
        if rules.len() > MAX_RULES {
            return Err(invalid_argument("Configuration exceeds the maximum of 1000 rules"));
        }
        for (i, rule) in rules.iter().enumerate() {
            check_rule(rule)?;
            if let Some(id) = &rule.id {
                if rules[..i].iter().any(|r| r.id.as_ref() == Some(id)) {
                    return Err(invalid_argument("Rule ID must be unique. Found same ID for more than one rule"));
                }
            }
        }
        // S3 names rules put without an ID.
        let rules: Vec<s3::LifecycleRule> = rules
            .into_iter()
            .map(|mut r| {
                if r.id.is_none() {
                    r.id = Some(ctx.ids().upper(48));
                }
                r
            })
            .collect();
        let min_size = input.transition_default_minimum_object_size.unwrap_or_else(|| DEFAULT_MIN_SIZE.to_string());
        b.lifecycle = Some(rules);
        b.lifecycle_min_size = Some(min_size.clone());
        ctx.put(&input.bucket, &b)?;
        Ok(s3::PutBucketLifecycleConfigurationOutput { transition_default_minimum_object_size: Some(min_size) })
    }
}

impl Handler for s3::DeleteBucketLifecycle {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeleteBucketLifecycleRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        b.lifecycle = None;
        b.lifecycle_min_size = None;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
