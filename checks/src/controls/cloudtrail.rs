//! CloudTrail.1, CloudTrail.2, CloudTrail.4, CloudTrail.5, CloudTrail.6, CloudTrail.7
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html).

use super::s3_public::{Access, BucketAccess};
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::{BucketView, TrailBucket, TrailView};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "CloudTrail.1",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("multi-region-cloudtrail-enabled"),
        parameters: &[],
        choices: "Needs a multi-region trail that is logging [I] and records all management events: a basic \
                  selector with IncludeManagementEvents and ReadWriteType All and no excluded event sources, or an \
                  advanced selector on eventCategory Management without a readOnly or eventSource field [U]. \
                  Shadow copies of multi-region trails count in every region.",
        evaluate: cloudtrail_1,
    },
    Control {
        id: "CloudTrail.2",
        resource_type: "AWS::CloudTrail::Trail",
        schedule: Schedule::Periodic,
        config_rule: Some("cloud-trail-encryption-enabled"),
        parameters: &[],
        choices: "Any KmsKeyId passes. A trail is judged in its home region only.",
        evaluate: cloudtrail_2,
    },
    Control {
        id: "CloudTrail.4",
        resource_type: "AWS::CloudTrail::Trail",
        schedule: Schedule::Periodic,
        config_rule: Some("cloud-trail-log-file-validation-enabled"),
        parameters: &[],
        choices: "A trail is judged in its home region only.",
        evaluate: cloudtrail_4,
    },
    Control {
        id: "CloudTrail.5",
        resource_type: "AWS::CloudTrail::Trail",
        schedule: Schedule::Periodic,
        config_rule: Some("cloud-trail-cloud-watch-logs-enabled"),
        parameters: &[],
        choices: "Only CloudWatchLogsLogGroupArn is checked; delivery recency is not (Security Hub sets no \
                  expectedDeliveryWindowAge). A trail is judged in its home region only.",
        evaluate: cloudtrail_5,
    },
    Control {
        id: "CloudTrail.6",
        resource_type: "AWS::S3::Bucket",
        // Periodic and change triggered; a custom Security Hub check, so no recording is needed.
        schedule: Schedule::Periodic,
        config_rule: None,
        parameters: &[],
        choices: "Each bucket a trail of the account delivers to (from every region's trails) is judged once, in the \
                  bucket's home region, by S3's public read and write logic (the rules s3-bucket-public-read-prohibited \
                  and s3-bucket-public-write-prohibited): its ACL counts unless IgnorePublicAcls (bucket or account) is \
                  on or ACLs are disabled, its policy unless RestrictPublicBuckets (bucket or account) is on. A bucket \
                  in another account gets no finding anywhere, and the trail's other regions none: No data, in both \
                  eras.",
        evaluate: cloudtrail_6,
    },
    Control {
        id: "CloudTrail.7",
        resource_type: "AWS::S3::Bucket",
        schedule: Schedule::Periodic,
        config_rule: None,
        parameters: &[],
        choices: "Each bucket a trail delivers to is judged once, in its home region, as S3.9 judges buckets: a target \
                  bucket passes. A bucket in another account gets no finding anywhere, and other regions none: No \
                  data, in both eras.",
        evaluate: cloudtrail_7,
    },
];

/// The buckets of this account homed in the evaluated region that trails deliver to.
fn trail_buckets_here<'a>(i: &'a Input<'_>) -> impl Iterator<Item = (&'a TrailBucket, &'a BucketView)> {
    let region = i.region.name.clone();
    i.global.trail_buckets.iter().filter_map(move |t| {
        let b = i.global.buckets.iter().find(|b| b.name == t.bucket && b.region == region)?;
        Some((t, b))
    })
}

fn trail_names(t: &TrailBucket) -> String {
    let names: Vec<&str> = t.trails.iter().map(|a| a.rsplit_once(":trail/").map_or(a.as_str(), |(_, n)| n)).collect();
    format!("trail{} {}", if names.len() > 1 { "s" } else { "" }, names.join(", "))
}

fn bucket_resource(b: &BucketView) -> ResourceRef {
    ResourceRef { id: format!("arn:aws:s3:::{}", b.name), kind: "AwsS3Bucket" }
}

fn cloudtrail_6(i: &Input<'_>) -> Vec<Verdict> {
    trail_buckets_here(i)
        .map(|(t, b)| {
            let access = BucketAccess::of(i.global, b);
            let (read, write) = (access.exposure(Access::Read), access.exposure(Access::Write));
            let mut why = Vec::new();
            if read.is_public() {
                why.push(format!("public read: {}", read.text()));
            }
            if write.is_public() {
                why.push(format!("public write: {}", write.text()));
            }
            Verdict::check(
                bucket_resource(b),
                why.is_empty(),
                format!("bucket {}, where {} delivers, is not publicly readable or writable", b.name, trail_names(t)),
                format!("bucket {}, where {} delivers, is public ({})", b.name, trail_names(t), why.join("; ")),
            )
        })
        .collect()
}

fn cloudtrail_7(i: &Input<'_>) -> Vec<Verdict> {
    trail_buckets_here(i)
        .map(|(t, b)| {
            let target = b.logging.as_ref().map(|l| l.target_bucket.clone()).filter(|x| !x.is_empty());
            Verdict::check(
                bucket_resource(b),
                target.is_some(),
                format!(
                    "bucket {}, where {} delivers, writes server access logs to {}",
                    b.name,
                    trail_names(t),
                    target.clone().unwrap_or_default()
                ),
                format!("bucket {}, where {} delivers, has server access logging disabled", b.name, trail_names(t)),
            )
        })
        .collect()
}

/// Why a trail does not record all management events, if it does not.
pub(super) fn management_gap(t: &TrailView) -> Option<String> {
    let basic = t.selectors.event_selectors.clone().unwrap_or_default();
    let advanced = t.selectors.advanced_event_selectors.clone().unwrap_or_default();
    if basic.is_empty() && advanced.is_empty() {
        return Some("has no event selectors".into());
    }
    let basic_ok = basic.iter().any(|s| {
        s.include_management_events.unwrap_or(true)
            && s.read_write_type.as_deref().unwrap_or("All") == "All"
            && s.exclude_management_event_sources.as_ref().is_none_or(|x| x.is_empty())
    });
    let advanced_ok = advanced.iter().any(|s| {
        let management = s.field_selectors.iter().any(|f| {
            f.field == "eventCategory" && f.equals.as_ref().is_some_and(|e| e.iter().any(|v| v == "Management"))
        });
        let narrowed = s.field_selectors.iter().any(|f| f.field == "readOnly" || f.field == "eventSource");
        management && !narrowed
    });
    if basic_ok || advanced_ok {
        return None;
    }
    let kinds: Vec<String> = basic
        .iter()
        .map(|s| {
            if !s.include_management_events.unwrap_or(true) {
                "a selector without management events".to_string()
            } else if s.read_write_type.as_deref().unwrap_or("All") != "All" {
                format!("a selector recording only {} management events", s.read_write_type.clone().unwrap_or_default())
            } else {
                "a selector that excludes management event sources".to_string()
            }
        })
        .collect();
    Some(if kinds.is_empty() {
        "has no advanced selector for all management events".to_string()
    } else {
        format!("has {}", kinds.join(" and "))
    })
}

fn name(t: &TrailView) -> String {
    t.trail.name.clone().unwrap_or_default()
}

fn cloudtrail_1(i: &Input<'_>) -> Vec<Verdict> {
    let region = &i.region.name;
    let mut reasons = Vec::new();
    for t in &i.region.trails {
        if t.trail.is_multi_region_trail != Some(true) {
            reasons.push(format!("trail {} is single-region", name(t)));
            continue;
        }
        if t.status.is_logging != Some(true) {
            reasons.push(format!("multi-region trail {} is not logging", name(t)));
            continue;
        }
        match management_gap(t) {
            Some(gap) => reasons.push(format!("multi-region trail {} {gap}", name(t))),
            None => {
                return vec![Verdict::pass(
                    i.account(),
                    format!("multi-region trail {} logs all management events in {region}", name(t)),
                )]
            }
        }
    }
    let why = if reasons.is_empty() {
        format!("no trail in {region}; CloudTrail's event history does not count")
    } else {
        format!("no multi-region trail that is logging read and write management events: {}", reasons.join("; "))
    };
    vec![Verdict::fail(i.account(), why)]
}

/// The trails homed in the evaluated region, as findings about them.
fn home_trails<'a>(i: &'a Input<'_>) -> impl Iterator<Item = (ResourceRef, &'a TrailView)> {
    let region = i.region.name.clone();
    i.region
        .trails
        .iter()
        .filter(move |t| t.trail.home_region.as_deref() == Some(region.as_str()))
        .map(|t| (ResourceRef { id: t.trail.trail_arn.clone().unwrap_or_default(), kind: "AwsCloudTrailTrail" }, t))
}

fn cloudtrail_2(i: &Input<'_>) -> Vec<Verdict> {
    home_trails(i)
        .map(|(r, t)| {
            Verdict::check(
                r,
                t.trail.kms_key_id.as_ref().is_some_and(|k| !k.is_empty()),
                format!("trail {} is encrypted with {}", name(t), t.trail.kms_key_id.clone().unwrap_or_default()),
                format!("trail {} has no KmsKeyId: its logs are only SSE-S3 encrypted", name(t)),
            )
        })
        .collect()
}

fn cloudtrail_4(i: &Input<'_>) -> Vec<Verdict> {
    home_trails(i)
        .map(|(r, t)| {
            Verdict::check(
                r,
                t.trail.log_file_validation_enabled == Some(true),
                format!("trail {} validates its log files", name(t)),
                format!("trail {} has log file validation disabled", name(t)),
            )
        })
        .collect()
}

fn cloudtrail_5(i: &Input<'_>) -> Vec<Verdict> {
    home_trails(i)
        .map(|(r, t)| {
            Verdict::check(
                r,
                t.trail.cloud_watch_logs_log_group_arn.as_ref().is_some_and(|a| !a.is_empty()),
                format!(
                    "trail {} delivers to {}",
                    name(t),
                    t.trail.cloud_watch_logs_log_group_arn.clone().unwrap_or_default()
                ),
                format!("trail {} is not integrated with CloudWatch Logs (no CloudWatchLogsLogGroupArn)", name(t)),
            )
        })
        .collect()
}
