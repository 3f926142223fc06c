//! CloudWatch.1–CloudWatch.14 and IAM.20: in the region where the multi-region trail is homed,
//! a metric filter with CIS's pattern on the trail's log group, an alarm on its metric that
//! notifies the remediator's encrypted topic (the one S3.11's fix uses, so SNS.1 holds), and a
//! subscription on the topic
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>, whose
//! remediation for each control is these four steps).
//!
//! The subscription is an email one (`names::ALERT_EMAIL`), and an email subscription awaits
//! the confirmation only the mailbox's owner can give: no API call of the remediator can. So,
//! unless the scenario counts pending subscriptions (`hubsim:PendingSubscriptionCounts`), the
//! fix makes every call it can and then answers the `SubscriptionUnconfirmed` justification,
//! whose precondition it checks: the topic's subscriptions all await confirmation. A topic
//! that already has a confirmed subscription needs no new one.

use hubsim_api::model::{cloudwatch, logs, sns};
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::{pattern_set, Item};
use crate::remediate::fixer::Fixer;
use crate::remediate::support::{self, names};
use crate::remediate::{Failed, Justification};
use crate::snapshot::TrailView;

/// What every one of these fixes calls and reads.
const ACTIONS: &[&str] = &[
    "logs:PutMetricFilter",
    "cloudwatch:PutMetricAlarm",
    "sns:CreateTopic",
    "sns:Subscribe",
    "kms:CreateKey",
    "kms:EnableKeyRotation",
    "kms:CreateAlias",
    // Reads: the filters and alarms already there, whether the topic and key exist, the
    // topic's subscriptions.
    "logs:DescribeMetricFilters",
    "cloudwatch:DescribeAlarms",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "kms:DescribeKey",
];

/// The trail's log group must exist first: CloudTrail.1 creates the multi-region trail with
/// it, CloudTrail.5 adds it to an existing trail.
const AFTER: &[&str] = &["CloudTrail.1", "CloudTrail.5"];

macro_rules! fixes {
    ($($f:ident => $id:literal),* $(,)?) => {
        /// The CIS monitoring fixes.
        pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
            vec![$(Fix {
                control: $id,
                iam_actions: ACTIONS,
                // One account-level finding, in the trail's home region.
                scope: Scope::Region,
                after: AFTER,
                how: How::Calls($f),
            }),*]
        }
        $(fn $f<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
            monitor(f, target, $id)
        })*
    };
}

fixes! {
    fix_1 => "CloudWatch.1", fix_2 => "CloudWatch.2", fix_3 => "CloudWatch.3", fix_4 => "CloudWatch.4",
    fix_5 => "CloudWatch.5", fix_6 => "CloudWatch.6", fix_7 => "CloudWatch.7", fix_8 => "CloudWatch.8",
    fix_9 => "CloudWatch.9", fix_10 => "CloudWatch.10", fix_11 => "CloudWatch.11", fix_12 => "CloudWatch.12",
    fix_13 => "CloudWatch.13", fix_14 => "CloudWatch.14", fix_iam_20 => "IAM.20",
}

/// The log group of a trail homed in `region` that can feed the controls (multi-region,
/// logging, delivering to CloudWatch Logs), if there is one.
fn trail_group<'s>(trails: &'s [TrailView], region: &str, account: &str) -> Option<&'s str> {
    trails
        .iter()
        .filter(|t| t.trail.home_region.as_deref() == Some(region))
        .filter(|t| t.trail.trail_arn.as_deref().is_some_and(|a| a.split(':').nth(4) == Some(account)))
        .filter(|t| t.trail.is_multi_region_trail == Some(true) && t.status.is_logging == Some(true))
        .find_map(|t| t.trail.cloud_watch_logs_log_group_arn.as_deref())
        .and_then(|arn| arn.split_once(":log-group:"))
        .map(|(_, rest)| rest.strip_suffix(":*").unwrap_or(rest))
}

fn read_failed(call: &str) -> impl FnOnce(hubsim_api::AwsError) -> Failed + '_ {
    move |error| Failed { call: call.to_string(), error }
}

/// The metric (namespace, name) of a filter with the item's pattern on `group`, made if none.
fn filter<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, group: &str, item: &Item) -> Result<(String, String), Failed> {
    let mut token = None;
    loop {
        let page = f
            .read::<logs::DescribeMetricFilters>(
                region,
                logs::DescribeMetricFiltersRequest {
                    log_group_name: Some(group.into()),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(read_failed("logs:DescribeMetricFilters"))?;
        for existing in page.metric_filters.unwrap_or_default() {
            if existing.filter_pattern.as_deref().is_some_and(|p| crate::controls::matches(item, p)) {
                if let Some(m) = existing.metric_transformations.unwrap_or_default().into_iter().next() {
                    return Ok((m.metric_namespace, m.metric_name));
                }
            }
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    f.call::<logs::PutMetricFilter>(
        region,
        logs::PutMetricFilterRequest {
            log_group_name: group.into(),
            filter_name: format!("hubsim-cis-{}", item.metric),
            filter_pattern: item.patterns[0].into(),
            metric_transformations: vec![logs::MetricTransformation {
                metric_name: item.metric.into(),
                metric_namespace: names::METRIC_NAMESPACE.into(),
                metric_value: "1".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )?;
    Ok((names::METRIC_NAMESPACE.to_string(), item.metric.to_string()))
}

/// Makes sure an alarm on (namespace, metric) notifies `topic`; the user's alarms are left as
/// they are (one of ours is added beside them).
fn alarm<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    (namespace, metric): (&str, &str),
    topic: &str,
) -> Result<(), Failed> {
    let mut token = None;
    loop {
        let page = f
            .read::<cloudwatch::DescribeAlarms>(
                region,
                cloudwatch::DescribeAlarmsInput {
                    alarm_types: Some(vec!["MetricAlarm".into()]),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(read_failed("cloudwatch:DescribeAlarms"))?;
        let notifies = page.metric_alarms.unwrap_or_default().into_iter().any(|a| {
            a.metric_name.as_deref() == Some(metric)
                && a.namespace.as_deref() == Some(namespace)
                && a.alarm_actions.iter().flatten().any(|x| x == topic)
        });
        if notifies {
            return Ok(());
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    // The alarm AWS's Automated Security Response creates for these controls: a Sum of 1 or
    // more in 5 minutes, missing data not breaching.
    f.call::<cloudwatch::PutMetricAlarm>(
        region,
        cloudwatch::PutMetricAlarmInput {
            alarm_name: format!("hubsim-cis-{metric}"),
            alarm_description: Some(format!("CIS monitoring: {namespace}/{metric} counted at least one event")),
            metric_name: Some(metric.into()),
            namespace: Some(namespace.into()),
            statistic: Some("Sum".into()),
            period: Some(300),
            evaluation_periods: Some(1),
            threshold: Some(1.0),
            comparison_operator: Some("GreaterThanOrEqualToThreshold".into()),
            treat_missing_data: Some("notBreaching".into()),
            alarm_actions: Some(vec![topic.to_string()]),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// The topic's subscriptions as ListSubscriptionsByTopic lists them.
fn subscriptions<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, topic: &str) -> Result<Vec<sns::Subscription>, Failed> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = f
            .read::<sns::ListSubscriptionsByTopic>(
                region,
                sns::ListSubscriptionsByTopicInput { topic_arn: topic.into(), next_token: token.clone() },
            )
            .map_err(read_failed("sns:ListSubscriptionsByTopic"))?;
        out.extend(page.subscriptions.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

fn monitor<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>, control: &str) -> Result<Done, Failed> {
    let Some(item) = pattern_set(control) else { return Ok(Done::Unfixable(Justification::NoFix)) };
    let region = target.region;
    let Some(here) = target.snapshot.regions.iter().find(|r| r.name == region) else { return Ok(Done::Applied) };
    let account = f.account.clone();
    // Without a usable trail homed here, CloudTrail.1 and CloudTrail.5's fixes (which run
    // first) make or mend it; this fix acts in the next round, on the trail they left.
    let Some(group) = trail_group(&here.trails, region, &account) else { return Ok(Done::Applied) };
    let group = group.to_string();
    let metric = filter(f, region, &group, item)?;
    let topic = support::topic(f, region)?;
    alarm(f, region, (&metric.0, &metric.1), &topic)?;
    let mut subs = subscriptions(f, region, &topic)?;
    if subs.is_empty() {
        f.call::<sns::Subscribe>(
            region,
            sns::SubscribeInput {
                topic_arn: topic.clone(),
                protocol: "email".into(),
                endpoint: Some(names::ALERT_EMAIL.into()),
                ..Default::default()
            },
        )?;
        subs = subscriptions(f, region, &topic)?;
    }
    let pending_counts = target.params.bool(crate::controls::PENDING_COUNTS, false);
    let confirmed = subs.iter().any(|s| s.subscription_arn.as_deref() != Some("PendingConfirmation"));
    if confirmed || pending_counts {
        return Ok(Done::Applied);
    }
    Ok(Done::Unfixable(Justification::SubscriptionUnconfirmed {
        topic,
        endpoints: subs.into_iter().filter_map(|s| s.endpoint).collect(),
    }))
}
