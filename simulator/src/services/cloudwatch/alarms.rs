//! Metric alarms: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms,
//! ListTagsForResource.

use hubsim_model::{cloudwatch, Empty};

use super::{alarm_arn, invalid_combination, invalid_value, next_token, token_name, validate, Alarm};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<cloudwatch::PutMetricAlarm>()
        .add::<cloudwatch::DescribeAlarms>()
        .add::<cloudwatch::DescribeAlarmsForMetric>()
        .add::<cloudwatch::DeleteAlarms>()
        .add::<cloudwatch::ListTagsForResource>();
}

/// Every alarm of the call's region, by name (the order AWS lists them in).
fn sorted_alarms(ctx: &Ctx<'_>) -> Result<Vec<Alarm>, AwsError> {
    let mut all: Vec<Alarm> = ctx.list::<Alarm>()?.into_iter().map(|(_, a)| a).collect();
    all.sort_by(|a, b| a.alarm.alarm_name.cmp(&b.alarm.alarm_name));
    Ok(all)
}

impl Handler for cloudwatch::PutMetricAlarm {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: cloudwatch::PutMetricAlarmInput) -> Result<Empty, AwsError> {
        let region = ctx.region().to_string();
        validate::check(&input, &region)?;
        let name = input.alarm_name.clone();
        let now = ctx.now();
        let existing = ctx.get::<Alarm>(&name)?;
        let alarm = cloudwatch::MetricAlarm {
            alarm_name: Some(name.clone()),
            alarm_arn: Some(alarm_arn(&region, ctx.account(), &name)),
            alarm_description: input.alarm_description,
            alarm_configuration_updated_timestamp: Some(now),
            actions_enabled: Some(input.actions_enabled.unwrap_or(true)),
            ok_actions: Some(input.ok_actions.unwrap_or_default()),
            alarm_actions: Some(input.alarm_actions.unwrap_or_default()),
            insufficient_data_actions: Some(input.insufficient_data_actions.unwrap_or_default()),
            metric_name: input.metric_name,
            namespace: input.namespace,
            statistic: input.statistic,
            extended_statistic: input.extended_statistic,
            dimensions: if input.metrics.is_some() { None } else { Some(input.dimensions.unwrap_or_default()) },
            period: input.period,
            unit: input.unit,
            evaluation_periods: input.evaluation_periods,
            datapoints_to_alarm: input.datapoints_to_alarm,
            threshold: input.threshold,
            comparison_operator: input.comparison_operator,
            treat_missing_data: input.treat_missing_data,
            evaluate_low_sample_count_percentile: input.evaluate_low_sample_count_percentile,
            metrics: input.metrics,
            threshold_metric_id: input.threshold_metric_id,
            ..Default::default()
        };
        let doc = match existing {
            // An update keeps the alarm's state and its tags (AWS ignores Tags on update).
            Some(old) => Alarm {
                alarm: cloudwatch::MetricAlarm {
                    state_value: old.alarm.state_value,
                    state_reason: old.alarm.state_reason,
                    state_reason_data: old.alarm.state_reason_data,
                    state_updated_timestamp: old.alarm.state_updated_timestamp,
                    state_transitioned_timestamp: old.alarm.state_transitioned_timestamp,
                    ..alarm
                },
                tags: old.tags,
            },
            None => Alarm {
                alarm: cloudwatch::MetricAlarm {
                    state_value: Some("INSUFFICIENT_DATA".into()),
                    state_reason: Some("Unchecked: Initial alarm creation".into()),
                    state_updated_timestamp: Some(now),
                    state_transitioned_timestamp: Some(now),
                    ..alarm
                },
                tags: input.tags.unwrap_or_default(),
            },
        };
        ctx.put(&name, &doc)?;
        Ok(Empty {})
    }
}

/// Whether `alarm` has an action starting with `prefix`.
fn has_action_prefix(alarm: &cloudwatch::MetricAlarm, prefix: &str) -> bool {
    [&alarm.alarm_actions, &alarm.ok_actions, &alarm.insufficient_data_actions]
        .into_iter()
        .flat_map(|l| l.iter().flatten())
        .any(|a| a.starts_with(prefix))
}

impl Handler for cloudwatch::DescribeAlarms {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: cloudwatch::DescribeAlarmsInput,
    ) -> Result<cloudwatch::DescribeAlarmsOutput, AwsError> {
        if input.alarm_names.as_ref().is_some_and(|n| !n.is_empty()) && input.alarm_name_prefix.is_some() {
            return Err(invalid_combination("AlarmNames and AlarmNamePrefix cannot be specified together."));
        }
        if input.children_of_alarm_name.is_some() || input.parents_of_alarm_name.is_some() {
            // Only composite alarms have children or parents; hubsim has none.
            return Ok(cloudwatch::DescribeAlarmsOutput {
                composite_alarms: Some(Vec::new()),
                metric_alarms: Some(Vec::new()),
                next_token: None,
            });
        }
        let types = input.alarm_types.unwrap_or_default();
        if let Some(bad) = types.iter().find(|t| *t != "MetricAlarm" && *t != "CompositeAlarm") {
            return Err(invalid_value(format!("Invalid AlarmType: {bad}")));
        }
        if let Some(s) = input.state_value.as_deref() {
            if !["OK", "ALARM", "INSUFFICIENT_DATA"].contains(&s) {
                return Err(invalid_value(format!("Invalid StateValue: {s}")));
            }
        }
        let max = match input.max_records {
            None => 50,
            Some(m) if (1..=100).contains(&m) => m as usize,
            Some(m) => {
                return Err(invalid_value(format!("The parameter MaxRecords must be between 1 and 100, not {m}.")))
            }
        };
        let after = input.next_token.as_deref().map(token_name).transpose()?;
        // Without AlarmTypes only metric alarms are returned (AWS's documented default).
        let want_metric = types.is_empty() || types.iter().any(|t| t == "MetricAlarm");
        let mut alarms: Vec<cloudwatch::MetricAlarm> =
            if want_metric { sorted_alarms(ctx)?.into_iter().map(|a| a.alarm).collect() } else { Vec::new() };
        let name_of = |a: &cloudwatch::MetricAlarm| a.alarm_name.clone().unwrap_or_default();
        if let Some(names) = input.alarm_names.as_ref().filter(|n| !n.is_empty()) {
            alarms.retain(|a| names.contains(&name_of(a)));
        }
        if let Some(prefix) = &input.alarm_name_prefix {
            alarms.retain(|a| name_of(a).starts_with(prefix.as_str()));
        }
        if let Some(state) = &input.state_value {
            alarms.retain(|a| a.state_value.as_ref() == Some(state));
        }
        if let Some(prefix) = &input.action_prefix {
            alarms.retain(|a| has_action_prefix(a, prefix));
        }
        if let Some(after) = &after {
            alarms.retain(|a| name_of(a).as_str() > after.as_str());
        }
        let mut next = None;
        if alarms.len() > max {
            alarms.truncate(max);
            next = alarms.last().map(|a| next_token(&name_of(a)));
        }
        Ok(cloudwatch::DescribeAlarmsOutput {
            composite_alarms: Some(Vec::new()),
            metric_alarms: Some(alarms),
            next_token: next,
        })
    }
}

/// The same dimensions, in any order.
fn same_dimensions(a: &[cloudwatch::Dimension], b: &[cloudwatch::Dimension]) -> bool {
    let key = |d: &[cloudwatch::Dimension]| {
        let mut v: Vec<(String, String)> = d.iter().map(|x| (x.name.clone(), x.value.clone())).collect();
        v.sort();
        v
    };
    key(a) == key(b)
}

impl Handler for cloudwatch::DescribeAlarmsForMetric {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: cloudwatch::DescribeAlarmsForMetricInput,
    ) -> Result<cloudwatch::DescribeAlarmsForMetricOutput, AwsError> {
        let alarms = sorted_alarms(ctx)?
            .into_iter()
            .map(|a| a.alarm)
            .filter(|a| {
                a.metric_name.as_ref() == Some(&input.metric_name)
                    && a.namespace.as_ref() == Some(&input.namespace)
                    && input.statistic.as_ref().is_none_or(|s| a.statistic.as_ref() == Some(s))
                    && input.extended_statistic.as_ref().is_none_or(|s| a.extended_statistic.as_ref() == Some(s))
                    && input.period.is_none_or(|p| a.period == Some(p))
                    && input.unit.as_ref().is_none_or(|u| a.unit.as_ref() == Some(u))
                    && input
                        .dimensions
                        .as_ref()
                        .is_none_or(|d| same_dimensions(d, a.dimensions.as_deref().unwrap_or_default()))
            })
            .collect();
        Ok(cloudwatch::DescribeAlarmsForMetricOutput { metric_alarms: Some(alarms) })
    }
}

impl Handler for cloudwatch::DeleteAlarms {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: cloudwatch::DeleteAlarmsInput) -> Result<Empty, AwsError> {
        if input.alarm_names.len() > 100 {
            return Err(invalid_value("The collection AlarmNames must not have a size greater than 100."));
        }
        // Names that do not exist are skipped (module doc).
        for name in &input.alarm_names {
            ctx.delete::<Alarm>(name)?;
        }
        Ok(Empty {})
    }
}

impl Handler for cloudwatch::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: cloudwatch::ListTagsForResourceInput,
    ) -> Result<cloudwatch::ListTagsForResourceOutput, AwsError> {
        let arn = input.resource_arn;
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        if parts.len() < 6 || parts[0] != "arn" || parts[2] != "cloudwatch" {
            return Err(invalid_value(format!("Invalid resource ARN: {arn}")));
        }
        let not_found = || {
            AwsError::not_found("ResourceNotFoundException", format!("The specified resource {arn} does not exist."))
        };
        let (region, account, kind) = (parts[3], parts[4], parts[5]);
        if kind != "alarm" || parts.len() != 7 || region != ctx.region() || account != ctx.account() {
            return Err(not_found());
        }
        let alarm = ctx.get::<Alarm>(parts[6])?.ok_or_else(not_found)?;
        Ok(cloudwatch::ListTagsForResourceOutput { tags: Some(alarm.tags) })
    }
}
