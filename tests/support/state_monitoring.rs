//! The CloudWatch.1–14 resources of an account, read back through the API: metric filters,
//! alarms and SNS subscriptions (with their confirmation state).

use std::collections::BTreeMap;

use hubsim_simulator::Simulator;
use serde_json::{json, Value};

use super::state::{call, R};

/// Metric filters, alarms and subscriptions of every region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Monitoring {
    /// `region group filter` → pattern.
    pub filters: BTreeMap<String, String>,
    /// `region alarm` → its AlarmActions.
    pub alarms: BTreeMap<String, Vec<String>>,
    /// `topic protocol endpoint` → whether it awaits confirmation.
    pub subscriptions: BTreeMap<String, bool>,
}

fn items(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn s(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// `{}` or `{key: token}`.
fn page_input(key: &str, token: &Option<String>) -> Value {
    match token {
        Some(t) => json!({ key: t }),
        None => json!({}),
    }
}

/// Reads the monitoring resources of `region` into `m` (every page).
pub fn read(sim: &Simulator, region: &str, m: &mut Monitoring) -> R<()> {
    let mut token: Option<String> = None;
    loop {
        let page = call(sim, region, "logs", "DescribeMetricFilters", page_input("nextToken", &token))?;
        for f in items(&page, "metricFilters") {
            let key = format!("{region} {} {}", s(&f, "logGroupName"), s(&f, "filterName"));
            m.filters.insert(key, s(&f, "filterPattern"));
        }
        token = page.get("nextToken").and_then(Value::as_str).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    loop {
        let page = call(sim, region, "cloudwatch", "DescribeAlarms", page_input("NextToken", &token))?;
        for a in items(&page, "MetricAlarms") {
            let actions = items(&a, "AlarmActions").iter().filter_map(|x| x.as_str().map(str::to_string)).collect();
            m.alarms.insert(format!("{region} {}", s(&a, "AlarmName")), actions);
        }
        token = page.get("NextToken").and_then(Value::as_str).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    loop {
        let page = call(sim, region, "sns", "ListSubscriptions", page_input("NextToken", &token))?;
        for x in items(&page, "Subscriptions") {
            let key = format!("{} {} {}", s(&x, "TopicArn"), s(&x, "Protocol"), s(&x, "Endpoint"));
            m.subscriptions.insert(key, s(&x, "SubscriptionArn") == "PendingConfirmation");
        }
        token = page.get("NextToken").and_then(Value::as_str).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(())
}

/// (d) for these resources: nothing the user had is gone or changed (a pending subscription
/// may have been confirmed, never the other way).
pub fn check_kept(before: &Monitoring, after: &Monitoring) -> R<()> {
    for (k, pattern) in &before.filters {
        match after.filters.get(k) {
            Some(p) if p == pattern => {}
            Some(p) => return Err(format!("metric filter {k}: pattern {pattern:?} became {p:?}")),
            None => return Err(format!("metric filter {k} was deleted")),
        }
    }
    for (k, actions) in &before.alarms {
        let Some(now) = after.alarms.get(k) else { return Err(format!("alarm {k} was deleted")) };
        for a in actions {
            if !now.contains(a) {
                return Err(format!("alarm {k} lost its action {a}"));
            }
        }
    }
    for (k, pending) in &before.subscriptions {
        match after.subscriptions.get(k) {
            Some(p) if *p && !*pending => return Err(format!("subscription {k} went back to pending")),
            Some(_) => {}
            None => return Err(format!("subscription {k} was deleted")),
        }
    }
    Ok(())
}

/// The precondition of the unconfirmed-subscription justification: `topic` has subscriptions
/// and every one awaits confirmation.
pub fn all_pending(m: &Monitoring, topic: &str) -> bool {
    let on: Vec<bool> =
        m.subscriptions.iter().filter(|(k, _)| k.starts_with(&format!("{topic} "))).map(|(_, p)| *p).collect();
    !on.is_empty() && on.iter().all(|p| *p)
}
