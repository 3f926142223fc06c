//! Generated CloudWatch.1–14 resources: a multi-region trail delivering to a log group,
//! metric filters with CIS patterns (exact, re-spaced, or with an extra term), alarms on their
//! metrics with or without an SNS action, and topics with subscriptions in every state.

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Some of CIS's patterns (CloudWatch.1, .2, .6, .7), as the Security Hub page gives them
/// (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html).
const PATTERNS: &[(&str, &str)] = &[
    (
        "RootAccountUsage",
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
    ),
    ("UnauthorizedAPICalls", r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#),
    ("ConsoleSigninFailures", r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#),
    (
        "DisableOrDeleteCMK",
        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    ),
];

/// How a topic's subscription is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sub {
    None,
    /// SQS: confirmed at once.
    Sqs,
    /// Email, awaiting confirmation.
    EmailPending,
    /// Email, confirmed with the token Subscribe answered.
    EmailConfirmed,
}

/// The monitoring part of a generated account.
#[derive(Debug, Clone, Default)]
pub struct MonitoringPlan {
    /// The region (index) of a multi-region trail delivering to CloudWatch Logs, if any.
    pub trail: Option<usize>,
    /// Filters: (pattern index, variant: 0 exact, 1 re-spaced, 2 one extra term).
    pub filters: Vec<(usize, usize)>,
    /// Alarms: (filter index, topic index or none).
    pub alarms: Vec<(usize, Option<usize>)>,
    /// Topics, by the state of their subscription.
    pub topics: Vec<Sub>,
}

/// The strategy for a monitoring plan.
pub fn plan() -> impl Strategy<Value = MonitoringPlan> {
    (
        prop::option::weighted(0.6, 0usize..3),
        prop::collection::vec((0..PATTERNS.len(), 0usize..3), 0..4),
        prop::collection::vec((0usize..4, prop::option::of(0usize..3)), 0..4),
        prop::collection::vec(
            prop_oneof![Just(Sub::None), Just(Sub::Sqs), Just(Sub::EmailPending), Just(Sub::EmailConfirmed)],
            0..3,
        ),
    )
        .prop_map(|(trail, filters, alarms, topics)| MonitoringPlan { trail, filters, alarms, topics })
}

fn step(call: &str, region: &str, input: Value, capture: Option<&str>) -> Step {
    Step {
        call: call.into(),
        region: Some(region.to_string()),
        input,
        capture: capture.map(str::to_string),
        expect_error: None,
        note: None,
    }
}

impl MonitoringPlan {
    /// The steps, in `regions` (index modulo their number) of account `acct`.
    pub fn steps(&self, regions: &[String], acct: &str) -> Vec<Step> {
        let mut out = Vec::new();
        let region = regions[self.trail.unwrap_or(0) % regions.len()].clone();
        let r = region.as_str();
        let group = "usr-cloudtrail-logs";
        out.push(step("logs:CreateLogGroup", r, json!({"logGroupName": group}), None));
        if self.trail.is_some() {
            let bucket = format!("umon-trail-{acct}");
            let create = if r == "us-east-1" {
                json!({"Bucket": bucket})
            } else {
                json!({"Bucket": bucket, "CreateBucketConfiguration": {"LocationConstraint": r}})
            };
            out.push(step("s3:CreateBucket", r, create, None));
            let policy = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")},
                {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{acct}/*"),
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]});
            out.push(step("s3:PutBucketPolicy", r, json!({"Bucket": bucket, "Policy": policy.to_string()}), None));
            let trail = json!({"Name": "usr-monitored-trail", "S3BucketName": bucket, "IsMultiRegionTrail": true});
            out.push(step("cloudtrail:CreateTrail", r, trail, Some("montrail")));
            out.push(step("cloudtrail:StartLogging", r, json!({"Name": "${montrail.TrailARN}"}), None));
            let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
            let role = json!({"RoleName": "usr-cloudtrail-to-logs", "AssumeRolePolicyDocument": trust.to_string()});
            out.push(step("iam:CreateRole", r, role, Some("monrole")));
            out.push(step(
                "cloudtrail:UpdateTrail",
                r,
                json!({"Name": "${montrail.TrailARN}",
                       "CloudWatchLogsLogGroupArn": format!("arn:aws:logs:{r}:{acct}:log-group:{group}:*"),
                       "CloudWatchLogsRoleArn": "${monrole.Role.Arn}"}),
                None,
            ));
        }
        for (i, sub) in self.topics.iter().enumerate() {
            let name = format!("montopic{i}");
            out.push(step("sns:CreateTopic", r, json!({"Name": format!("usr-alarms-{i}")}), Some(&name)));
            let topic = format!("${{{name}.TopicArn}}");
            match sub {
                Sub::None => {}
                Sub::Sqs => out.push(step(
                    "sns:Subscribe",
                    r,
                    json!({"TopicArn": topic, "Protocol": "sqs", "Endpoint": format!("arn:aws:sqs:{r}:{acct}:q{i}")}),
                    None,
                )),
                Sub::EmailPending | Sub::EmailConfirmed => {
                    let token = format!("monsub{i}");
                    out.push(step(
                        "sns:Subscribe",
                        r,
                        json!({"TopicArn": topic, "Protocol": "email", "Endpoint": format!("ops{i}@example.com"),
                               "ReturnSubscriptionArn": true}),
                        Some(&token),
                    ));
                    if *sub == Sub::EmailConfirmed {
                        out.push(step(
                            "sns:ConfirmSubscription",
                            r,
                            json!({"TopicArn": topic, "Token": format!("${{{token}.SubscriptionArn}}")}),
                            None,
                        ));
                    }
                }
            }
        }
        let mut metrics = Vec::new();
        for (i, (p, variant)) in self.filters.iter().enumerate() {
            let (metric, pattern) = PATTERNS[*p % PATTERNS.len()];
            let pattern = match variant {
                0 => pattern.to_string(),
                1 => pattern.replace("&&", " && ").replace("||", "  ||  ").replace('(', "( "),
                _ => format!("{} && ($.awsRegion = \"{r}\")}}", pattern.trim_end_matches('}')),
            };
            let metric = format!("{metric}{i}");
            out.push(step(
                "logs:PutMetricFilter",
                r,
                json!({"logGroupName": group, "filterName": format!("usr-filter-{i}"), "filterPattern": pattern,
                       "metricTransformations": [{"metricName": metric, "metricNamespace": "UserMetrics", "metricValue": "1"}]}),
                None,
            ));
            metrics.push(metric);
        }
        for (i, (f, topic)) in self.alarms.iter().enumerate() {
            if metrics.is_empty() {
                break;
            }
            let metric = &metrics[*f % metrics.len()];
            let mut input = json!({"AlarmName": format!("usr-alarm-{i}"), "MetricName": metric, "Namespace": "UserMetrics",
                "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold"});
            if let (Some(t), false) = (topic, self.topics.is_empty()) {
                input["AlarmActions"] = json!([format!("${{montopic{}.TopicArn}}", t % self.topics.len())]);
            }
            out.push(step("cloudwatch:PutMetricAlarm", r, input, None));
        }
        out
    }
}
