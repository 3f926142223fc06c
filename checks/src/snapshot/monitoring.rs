//! What CloudWatch.1–14 (and IAM.20) read in a region: the metric filters, the metric
//! alarms, and the subscriptions of every SNS topic an alarm notifies
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>).

use std::collections::BTreeMap;

use hubsim_api::model::{cloudwatch, logs, sns};
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// A region's metric filters, alarms and the subscriptions of the topics the alarms notify.
#[derive(Debug, Clone, Default)]
pub struct MonitoringView {
    /// Every metric filter of the region (all log groups).
    pub metric_filters: Vec<logs::MetricFilter>,
    /// Every metric alarm of the region.
    pub alarms: Vec<cloudwatch::MetricAlarm>,
    /// For each SNS topic ARN in an alarm's `AlarmActions`: its subscriptions as
    /// `ListSubscriptionsByTopic` lists them (a pending one's ARN is `PendingConfirmation`),
    /// or the error code SNS answered (another account's topic, a deleted topic).
    pub topic_subscriptions: BTreeMap<String, Result<Vec<sns::Subscription>, String>>,
}

/// Reads the monitoring view of `region`.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<MonitoringView, FetchError> {
    let r = region;
    let mut metric_filters = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<logs::DescribeMetricFilters>(
                r,
                logs::DescribeMetricFiltersRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("metric filters", r))?;
        metric_filters.extend(page.metric_filters.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut alarms = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<cloudwatch::DescribeAlarms>(
                r,
                cloudwatch::DescribeAlarmsInput {
                    alarm_types: Some(vec!["MetricAlarm".into()]),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("alarms", r))?;
        alarms.extend(page.metric_alarms.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut topic_subscriptions = BTreeMap::new();
    let topics = alarms.iter().flat_map(|a| a.alarm_actions.iter().flatten()).filter(|a| a.starts_with("arn:aws:sns:"));
    for topic in topics {
        if topic_subscriptions.contains_key(topic) {
            continue;
        }
        topic_subscriptions.insert(topic.clone(), subscriptions(api, r, topic)?);
    }
    Ok(MonitoringView { metric_filters, alarms, topic_subscriptions })
}

/// The subscriptions of `topic`, or the error code SNS answered for a topic this account
/// cannot list (missing, another account's, another region's).
fn subscriptions<A: AwsApi>(
    api: &A,
    region: &str,
    topic: &str,
) -> Result<Result<Vec<sns::Subscription>, String>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = match api.call::<sns::ListSubscriptionsByTopic>(
            region,
            sns::ListSubscriptionsByTopicInput { topic_arn: topic.to_string(), next_token: token.clone() },
        ) {
            Ok(page) => page,
            Err(e) if matches!(e.code.as_str(), "NotFound" | "AuthorizationError" | "InvalidParameter") => {
                return Ok(Err(e.code))
            }
            Err(e) => {
                return Err(FetchError { what: format!("subscriptions of {topic}"), region: region.into(), error: e })
            }
        };
        out.extend(page.subscriptions.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(Ok(out))
}
