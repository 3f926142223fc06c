//! What `PutMetricAlarm` checks beyond the model (AWS's PutMetricAlarm reference).

use hubsim_model::cloudwatch::{MetricDataQuery, PutMetricAlarmInput, Tag};

use super::{invalid_combination, invalid_value, missing};
use crate::error::AwsError;

const COMPARISON_OPERATORS: [&str; 7] = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

/// The operators of anomaly-detection alarms, which compare against a band
/// (`ThresholdMetricId`) instead of a static `Threshold`.
const BAND_OPERATORS: [&str; 3] =
    ["LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"];

const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

const TREAT_MISSING_DATA: [&str; 4] = ["breaching", "notBreaching", "ignore", "missing"];

/// Services whose ARNs CloudWatch accepts as alarm actions.
const ACTION_SERVICES: [&str; 7] = ["sns", "autoscaling", "automate", "swf", "ssm", "ssm-incidents", "lambda"];

/// Checks an alarm definition; `region` is the call's region (actions must be in it).
pub(super) fn check(input: &PutMetricAlarmInput, region: &str) -> Result<(), AwsError> {
    if input.evaluation_criteria.is_some() {
        return Err(invalid_value("hubsim does not simulate PromQL alarms (EvaluationCriteria)."));
    }
    let evaluation_periods = input.evaluation_periods.ok_or_else(|| missing("EvaluationPeriods"))?;
    if evaluation_periods < 1 {
        return Err(invalid_value("The parameter EvaluationPeriods must be greater than or equal to 1."));
    }
    if let Some(m) = input.datapoints_to_alarm {
        if m < 1 || m > evaluation_periods {
            return Err(invalid_value(
                "DatapointsToAlarm must be greater than or equal to 1 and less than or equal to EvaluationPeriods.",
            ));
        }
    }
    let operator = input.comparison_operator.as_deref().ok_or_else(|| missing("ComparisonOperator"))?;
    if !COMPARISON_OPERATORS.contains(&operator) {
        return Err(invalid_value(format!("Invalid ComparisonOperator: {operator}")));
    }
    if BAND_OPERATORS.contains(&operator) {
        if input.threshold_metric_id.is_none() {
            return Err(invalid_combination(format!(
                "ComparisonOperator {operator} is only valid for alarms based on anomaly detection models (ThresholdMetricId)."
            )));
        }
    } else if input.threshold_metric_id.is_some() {
        return Err(invalid_combination(format!(
            "ThresholdMetricId cannot be used with ComparisonOperator {operator}."
        )));
    } else if input.threshold.is_none() {
        return Err(missing("Threshold"));
    }
    if let Some(t) = input.treat_missing_data.as_deref() {
        if !TREAT_MISSING_DATA.contains(&t) {
            return Err(invalid_value(format!(
                "Invalid TreatMissingData: {t}. Valid values are breaching, notBreaching, ignore and missing."
            )));
        }
    }
    if let Some(e) = input.evaluate_low_sample_count_percentile.as_deref() {
        if e != "evaluate" && e != "ignore" {
            return Err(invalid_value(format!("Invalid EvaluateLowSampleCountPercentile: {e}")));
        }
        if input.extended_statistic.is_none() {
            return Err(invalid_combination("EvaluateLowSampleCountPercentile requires ExtendedStatistic."));
        }
    }
    match &input.metrics {
        Some(metrics) => check_metrics_form(input, metrics)?,
        None => check_single_metric(input, evaluation_periods)?,
    }
    for (name, actions) in [
        ("AlarmActions", &input.alarm_actions),
        ("OKActions", &input.ok_actions),
        ("InsufficientDataActions", &input.insufficient_data_actions),
    ] {
        let actions = actions.as_deref().unwrap_or_default();
        if actions.len() > 5 {
            return Err(invalid_value(format!("The collection {name} must not have a size greater than 5.")));
        }
        for a in actions {
            check_action(a, region)?;
        }
    }
    check_tags(input.tags.as_deref().unwrap_or_default())
}

/// An alarm on one metric: namespace, name, period and exactly one statistic.
fn check_single_metric(input: &PutMetricAlarmInput, evaluation_periods: i32) -> Result<(), AwsError> {
    if input.metric_name.is_none() {
        return Err(missing("MetricName"));
    }
    if input.namespace.is_none() {
        return Err(missing("Namespace"));
    }
    match (&input.statistic, &input.extended_statistic) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(invalid_combination("Exactly one of Statistic and ExtendedStatistic must be set."));
        }
        (Some(s), None) if !STATISTICS.contains(&s.as_str()) => {
            return Err(invalid_value(format!("Invalid Statistic: {s}")));
        }
        (None, Some(e)) if !extended_statistic_ok(e) => {
            return Err(invalid_value(format!("The value {e} for parameter ExtendedStatistic is not supported.")));
        }
        _ => {}
    }
    let period = input.period.ok_or_else(|| missing("Period"))?;
    check_period(period)?;
    let total = i64::from(period) * i64::from(evaluation_periods);
    let limit = if period < 3600 { 86_400 } else { 604_800 };
    if total > limit {
        return Err(invalid_value(format!(
            "The evaluation period (Period multiplied by EvaluationPeriods) cannot exceed {limit} seconds."
        )));
    }
    Ok(())
}

/// A metric-math alarm: none of the single-metric members, exactly one query returning data.
fn check_metrics_form(input: &PutMetricAlarmInput, metrics: &[MetricDataQuery]) -> Result<(), AwsError> {
    let single_metric_members = input.metric_name.is_some()
        || input.namespace.is_some()
        || input.statistic.is_some()
        || input.extended_statistic.is_some()
        || input.dimensions.is_some()
        || input.period.is_some()
        || input.unit.is_some();
    if single_metric_members {
        return Err(invalid_combination(
            "The parameters MetricName, Namespace, Dimensions, Period, Unit, Statistic and ExtendedStatistic cannot be used together with Metrics.",
        ));
    }
    if metrics.is_empty() {
        return Err(missing("Metrics"));
    }
    let returning = metrics.iter().filter(|m| m.return_data.unwrap_or(true)).count();
    if returning != 1 {
        return Err(invalid_value("Exactly one element of the metrics list should return data."));
    }
    for m in metrics {
        match (&m.metric_stat, &m.expression) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(invalid_combination(format!(
                    "Exactly one of MetricStat and Expression must be set for metric {}.",
                    m.id
                )));
            }
            (Some(stat), None) => check_period(stat.period)?,
            (None, Some(_)) => {}
        }
    }
    Ok(())
}

/// 10, 20, 30 or a multiple of 60 seconds.
fn check_period(period: i32) -> Result<(), AwsError> {
    if matches!(period, 10 | 20 | 30) || (period > 0 && period % 60 == 0) {
        Ok(())
    } else {
        Err(invalid_value(format!(
            "The parameter Period must be 10, 20, 30 or a multiple of 60; {period} is not valid."
        )))
    }
}

/// `p0.0`–`p100` and the trimmed/winsorized forms (`tm99`, `wm(10%:90%)`, `TC(…)`, ...).
fn extended_statistic_ok(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('p') {
        return n.parse::<f64>().is_ok_and(|v| (0.0..=100.0).contains(&v));
    }
    ["tm", "wm", "tc", "ts", "pr", "iqm"].iter().any(|p| lower.starts_with(p))
}

/// An action ARN of a service CloudWatch can notify, in the alarm's region.
fn check_action(arn: &str, region: &str) -> Result<(), AwsError> {
    let invalid = || invalid_value(format!("Invalid arn syntax: {arn}"));
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[5].is_empty() {
        return Err(invalid());
    }
    let (service, arn_region, account) = (parts[2], parts[3], parts[4]);
    if !ACTION_SERVICES.contains(&service) {
        return Err(invalid());
    }
    // ssm-incidents response plans are global; every other action lives in a region.
    if service != "ssm-incidents" && arn_region != region {
        return Err(invalid_value(format!("Invalid region {arn_region} specified. Only {region} is supported.")));
    }
    let account_ok = account.len() == 12 && account.bytes().all(|c| c.is_ascii_digit());
    if service == "sns" && !account_ok {
        return Err(invalid());
    }
    Ok(())
}

/// At most 50 tags; keys 1–128 characters not starting with `aws:`, values ≤ 256.
fn check_tags(tags: &[Tag]) -> Result<(), AwsError> {
    if tags.len() > 50 {
        return Err(invalid_value("The number of tags must not exceed 50."));
    }
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 || t.value.chars().count() > 256 {
            return Err(invalid_value(format!("Invalid tag: {}", t.key)));
        }
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_value("Invalid tag key: tag keys starting with 'aws:' are reserved for AWS use."));
        }
    }
    let mut keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(invalid_value("Duplicate tag keys are not allowed."));
    }
    Ok(())
}
