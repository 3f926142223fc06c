//! CloudTrail.1, CloudTrail.2, CloudTrail.4, CloudTrail.5, CloudTrail.6, CloudTrail.7: the
//! multi-region trail, its settings and its bucket
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html>).

use hubsim_api::model::{cloudtrail, s3};
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::support::{self, names};
use crate::remediate::{Failed, Justification};

/// The CloudTrail fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "CloudTrail.1",
            iam_actions: &[
                "cloudtrail:CreateTrail",
                "cloudtrail:StartLogging",
                "cloudtrail:PutEventSelectors",
                "s3:CreateBucket",
                "s3:PutBucketPolicy",
                "kms:CreateKey",
                "kms:EnableKeyRotation",
                "kms:CreateAlias",
                "logs:CreateLogGroup",
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:PassRole",
                // Reads: whether the bucket, key, log group and role exist.
                "s3:ListBucket",
                "kms:DescribeKey",
                "logs:DescribeLogGroups",
                "iam:GetRole",
            ],
            // One multi-region trail serves every region's finding.
            scope: Scope::Account,
            // Keeps the established order (no AWS dependency): detection services after
            // GuardDuty's detector.
            after: &["GuardDuty.1"],
            how: How::Calls(cloudtrail_1),
        },
        Fix {
            control: "CloudTrail.2",
            iam_actions: &[
                "cloudtrail:UpdateTrail",
                "kms:CreateKey",
                "kms:EnableKeyRotation",
                "kms:CreateAlias",
                // Read: whether the key exists.
                "kms:DescribeKey",
            ],
            scope: Scope::Resource,
            // Updates a trail's settings after CloudTrail.1 has created (already encrypted) or
            // restarted the multi-region trail.
            after: &["CloudTrail.1"],
            how: How::Calls(cloudtrail_2),
        },
        Fix {
            control: "CloudTrail.4",
            iam_actions: &["cloudtrail:UpdateTrail"],
            scope: Scope::Resource,
            // Updates a trail's settings after CloudTrail.1 has created (already validating) or
            // restarted the multi-region trail.
            after: &["CloudTrail.1"],
            how: How::Calls(cloudtrail_4),
        },
        Fix {
            control: "CloudTrail.5",
            iam_actions: &[
                "cloudtrail:UpdateTrail",
                "logs:CreateLogGroup",
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:PassRole",
                // Reads: whether the log group and role exist.
                "logs:DescribeLogGroups",
                "iam:GetRole",
            ],
            scope: Scope::Resource,
            // Updates a trail's settings after CloudTrail.1 has created (already delivering to
            // CloudWatch Logs) or restarted the multi-region trail; reuses its log group and role.
            after: &["CloudTrail.1"],
            how: How::Calls(cloudtrail_5),
        },
        Fix {
            control: "CloudTrail.6",
            // GetPublicAccessBlock reads the bucket's setting as it is now.
            iam_actions: &["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"],
            scope: Scope::Resource,
            // S3.8's fix puts the same four flags on every bucket: read what it left rather than
            // repeat it (and, like it, after S3.5, whose policy BlockPublicPolicy could refuse).
            after: &["S3.8"],
            how: How::Calls(cloudtrail_6),
        },
        Fix {
            control: "CloudTrail.7",
            // ListBucket authorizes the HeadBucket read of whether the log bucket exists;
            // GetBucketLogging reads whether S3.9's fix already turned logging on.
            iam_actions: &[
                "s3:PutBucketLogging",
                "s3:GetBucketLogging",
                "s3:CreateBucket",
                "s3:PutBucketPolicy",
                "s3:ListBucket",
            ],
            scope: Scope::Resource,
            // S3.9's fix logs every bucket, the trail's included, to the same access-log bucket:
            // read what it left rather than repeat it.
            after: &["S3.9"],
            how: How::Calls(cloudtrail_7),
        },
    ]
}

fn bucket_name(resource: &str) -> &str {
    resource.strip_prefix("arn:aws:s3:::").unwrap_or(resource)
}

/// Turns on all four Block Public Access settings of the trail's bucket: with IgnorePublicAcls
/// and RestrictPublicBuckets S3 no longer honours a public ACL or policy, which is all
/// CloudTrail.6 asks; the ACL and the policy themselves are kept as the user wrote them (their
/// public parts no longer take effect), so nothing is deleted. This is the remediation the
/// control's page gives.
fn cloudtrail_6<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, bucket) = (target.region, bucket_name(target.resource));
    let current = f.read::<s3::GetPublicAccessBlock>(
        region,
        s3::GetPublicAccessBlockRequest { bucket: bucket.into(), ..Default::default() },
    );
    let all_on = current.ok().and_then(|c| c.public_access_block_configuration).is_some_and(|c| {
        [c.block_public_acls, c.ignore_public_acls, c.block_public_policy, c.restrict_public_buckets]
            .iter()
            .all(|v| *v == Some(true))
    });
    if all_on {
        return Ok(Done::Applied);
    }
    support::block_bucket_public_access(
        f,
        region,
        bucket,
        Some(format!(
            "CloudTrail.6 demands that the trail's bucket {bucket} not be public: S3 now ignores its public ACL \
             grants and restricts its public policy statements; both are kept as written"
        )),
    )?;
    Ok(Done::Applied)
}

/// Logs the trail's bucket to the region's access-log bucket, the one S3.9's fix uses (whose own
/// S3.9 finding is justified as a log sink). A trail bucket that is itself that access-log bucket
/// is justified the same way.
fn cloudtrail_7<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region, bucket) = (target.snapshot, target.region, bucket_name(target.resource));
    let logging = f
        .read::<s3::GetBucketLogging>(
            region,
            s3::GetBucketLoggingRequest { bucket: bucket.into(), ..Default::default() },
        )
        .map_err(|error| Failed { call: "s3:GetBucketLogging".into(), error })?;
    if logging.logging_enabled.is_some_and(|l| !l.target_bucket.is_empty()) {
        return Ok(Done::Applied);
    }
    if bucket == support::names::access_logs(&f.account, region) {
        let sources = support::log_sources(snap, bucket);
        return Ok(Done::Unfixable(Justification::LogSink { bucket: bucket.to_string(), sources }));
    }
    support::log_to_access_log_bucket(f, region, bucket)?;
    Ok(Done::Applied)
}

/// CloudTrail's log group and role in the trail's region.
fn trail_logs<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<(String, String), Failed> {
    let group = support::log_group(f, region, names::TRAIL_LOG_GROUP)?;
    let resource = format!("arn:aws:logs:{region}:{}:log-group:{}:*", f.account, names::TRAIL_LOG_GROUP);
    let role = support::role(
        f,
        names::TRAIL_ROLE,
        "cloudtrail.amazonaws.com",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        &resource,
    )?;
    Ok((group, role))
}

fn cloudtrail_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region) = (target.snapshot, target.region);
    let here = snap.regions.iter().find(|r| r.name == region);
    let multi: Vec<_> = here
        .map(|r| r.trails.iter().filter(|t| t.trail.is_multi_region_trail == Some(true)).collect())
        .unwrap_or_default();
    if let Some(t) = multi.first() {
        let arn = t.trail.trail_arn.clone().unwrap_or_default();
        let home = t.trail.home_region.clone().unwrap_or_else(|| region.to_string());
        if t.status.is_logging != Some(true) {
            f.call::<cloudtrail::StartLogging>(&home, cloudtrail::StartLoggingRequest { name: arn.clone() })?;
        }
        let basic = t.selectors.event_selectors.clone().unwrap_or_default();
        let advanced = t.selectors.advanced_event_selectors.clone().unwrap_or_default();
        if !advanced.is_empty() {
            let mut selectors = advanced;
            let management = selectors.iter().any(|s| {
                s.field_selectors.iter().any(|fs| {
                    fs.field == "eventCategory"
                        && fs.equals.as_ref().is_some_and(|e| e.contains(&"Management".to_string()))
                }) && !s.field_selectors.iter().any(|fs| fs.field == "readOnly" || fs.field == "eventSource")
            });
            if !management {
                selectors.push(cloudtrail::AdvancedEventSelector {
                    name: Some("hubsim: all management events".into()),
                    field_selectors: vec![cloudtrail::AdvancedFieldSelector {
                        field: "eventCategory".into(),
                        equals: Some(vec!["Management".into()]),
                        ..Default::default()
                    }],
                });
                f.call::<cloudtrail::PutEventSelectors>(
                    &home,
                    cloudtrail::PutEventSelectorsRequest {
                        trail_name: arn,
                        advanced_event_selectors: Some(selectors),
                        ..Default::default()
                    },
                )?;
            }
        } else {
            let ok = basic.iter().any(|s| {
                s.include_management_events.unwrap_or(true)
                    && s.read_write_type.as_deref().unwrap_or("All") == "All"
                    && s.exclude_management_event_sources.as_ref().is_none_or(|x| x.is_empty())
            });
            if !ok {
                let mut selectors = basic;
                match selectors.first_mut() {
                    Some(first) => {
                        first.include_management_events = Some(true);
                        first.read_write_type = Some("All".into());
                        first.exclude_management_event_sources = Some(Vec::new());
                    }
                    None => selectors.push(cloudtrail::EventSelector {
                        read_write_type: Some("All".into()),
                        include_management_events: Some(true),
                        ..Default::default()
                    }),
                }
                f.call::<cloudtrail::PutEventSelectors>(
                    &home,
                    cloudtrail::PutEventSelectorsRequest {
                        trail_name: arn,
                        event_selectors: Some(selectors),
                        ..Default::default()
                    },
                )?;
            }
        }
        return Ok(Done::Applied);
    }
    // No multi-region trail: create hubsim's, configured for CloudTrail.2/4/5 from the start.
    let home = f.home.clone();
    let bucket = support::trail_bucket(f)?;
    let key = support::key(f, &home)?;
    let (group, role) = trail_logs(f, &home)?;
    let created = f.call::<cloudtrail::CreateTrail>(
        &home,
        cloudtrail::CreateTrailRequest {
            name: names::TRAIL.into(),
            s3_bucket_name: bucket,
            is_multi_region_trail: Some(true),
            include_global_service_events: Some(true),
            enable_log_file_validation: Some(true),
            kms_key_id: Some(key),
            cloud_watch_logs_log_group_arn: Some(group),
            cloud_watch_logs_role_arn: Some(role),
            ..Default::default()
        },
    )?;
    let name = created.trail_arn.unwrap_or_else(|| names::TRAIL.to_string());
    f.call::<cloudtrail::StartLogging>(&home, cloudtrail::StartLoggingRequest { name })?;
    Ok(Done::Applied)
}

/// Encrypts the trail with the remediation key of its bucket's region: CloudTrail needs the key
/// and the bucket in one region (`KmsKeyNotFoundException` otherwise,
/// <https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html>), and a
/// trail may deliver to a bucket homed elsewhere.
fn cloudtrail_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let snap = target.snapshot;
    let bucket = snap
        .regions
        .iter()
        .flat_map(|r| r.trails.iter())
        .find(|t| t.trail.trail_arn.as_deref() == Some(target.resource))
        .and_then(|t| t.trail.s3_bucket_name.clone());
    let key_region = bucket
        .and_then(|b| snap.global.buckets.iter().find(|v| v.name == b).map(|v| v.region.clone()))
        .unwrap_or_else(|| target.region.to_string());
    let key = support::key(f, &key_region)?;
    f.call::<cloudtrail::UpdateTrail>(
        target.region,
        cloudtrail::UpdateTrailRequest {
            name: target.resource.to_string(),
            kms_key_id: Some(key),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn cloudtrail_4<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    f.call::<cloudtrail::UpdateTrail>(
        target.region,
        cloudtrail::UpdateTrailRequest {
            name: target.resource.to_string(),
            enable_log_file_validation: Some(true),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn cloudtrail_5<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (group, role) = trail_logs(f, target.region)?;
    f.call::<cloudtrail::UpdateTrail>(
        target.region,
        cloudtrail::UpdateTrailRequest {
            name: target.resource.to_string(),
            cloud_watch_logs_log_group_arn: Some(group),
            cloud_watch_logs_role_arn: Some(role),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}
