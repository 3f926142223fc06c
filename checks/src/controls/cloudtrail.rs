//! CloudTrail.1, CloudTrail.2, CloudTrail.4, CloudTrail.5
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html).

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::TrailView;

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
];

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
