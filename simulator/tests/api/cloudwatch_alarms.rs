//! CloudWatch metric alarms: create/replace, listing and filters, deletion, tags, validation.

use hubsim_simulator::model::cloudwatch;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "ap-northeast-1";
const TOPIC: &str = "arn:aws:sns:ap-northeast-1:123456789012:cis-alarms";

fn alarm(name: &str, metric: &str) -> cloudwatch::PutMetricAlarmInput {
    cloudwatch::PutMetricAlarmInput {
        alarm_name: name.into(),
        metric_name: Some(metric.into()),
        namespace: Some("CISLogMetrics".into()),
        statistic: Some("Sum".into()),
        period: Some(300),
        evaluation_periods: Some(1),
        threshold: Some(1.0),
        comparison_operator: Some("GreaterThanOrEqualToThreshold".into()),
        alarm_actions: Some(vec![TOPIC.into()]),
        ..Default::default()
    }
}

fn put(sim: &Simulator, input: cloudwatch::PutMetricAlarmInput) -> Result<(), AwsError> {
    sim.call::<cloudwatch::PutMetricAlarm>(REGION, input).map(|_| ())
}

fn describe(sim: &Simulator, input: cloudwatch::DescribeAlarmsInput) -> cloudwatch::DescribeAlarmsOutput {
    sim.call::<cloudwatch::DescribeAlarms>(REGION, input).unwrap()
}

fn names(out: &cloudwatch::DescribeAlarmsOutput) -> Vec<String> {
    out.metric_alarms.iter().flatten().filter_map(|a| a.alarm_name.clone()).collect()
}

fn all_names(sim: &Simulator) -> Vec<String> {
    names(&describe(sim, Default::default()))
}

#[test]
fn fresh_account_has_no_alarms() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = describe(&sim, Default::default());
    assert_eq!(out.metric_alarms, Some(vec![]));
    assert_eq!(out.composite_alarms, Some(vec![]));
    assert_eq!(out.next_token, None);
}

#[test]
fn put_metric_alarm_creates_in_insufficient_data() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    put(&sim, alarm("unauthorized-api-calls", "UnauthorizedAPICalls")).unwrap();
    let out = describe(&sim, Default::default());
    let a = &out.metric_alarms.unwrap()[0];
    assert_eq!(
        a.alarm_arn.as_deref(),
        Some("arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:unauthorized-api-calls")
    );
    assert_eq!(a.state_value.as_deref(), Some("INSUFFICIENT_DATA"));
    assert!(a.state_updated_timestamp.is_some());
    assert_eq!(a.alarm_configuration_updated_timestamp, a.state_updated_timestamp);
    assert_eq!(a.alarm_actions, Some(vec![TOPIC.to_string()]));
    assert_eq!(a.ok_actions, Some(vec![]));
    assert_eq!(a.actions_enabled, Some(true));
    assert_eq!(a.metric_name.as_deref(), Some("UnauthorizedAPICalls"));
    assert_eq!(a.threshold, Some(1.0));
    // Alarms are regional.
    let other = sim.call::<cloudwatch::DescribeAlarms>("us-east-1", Default::default()).unwrap();
    assert_eq!(other.metric_alarms, Some(vec![]));
}

#[test]
fn put_metric_alarm_replaces_by_name_and_keeps_state_and_tags() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let mut first = alarm("root-usage", "RootAccountUsage");
    first.tags = Some(vec![cloudwatch::Tag { key: "team".into(), value: "sec".into() }]);
    put(&sim, first).unwrap();
    let before = describe(&sim, Default::default()).metric_alarms.unwrap().remove(0);
    let mut second = alarm("root-usage", "RootAccountUsage");
    second.threshold = Some(3.0);
    second.tags = Some(vec![cloudwatch::Tag { key: "ignored".into(), value: "x".into() }]);
    put(&sim, second).unwrap();
    let after = describe(&sim, Default::default()).metric_alarms.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].threshold, Some(3.0));
    assert_eq!(after[0].state_updated_timestamp, before.state_updated_timestamp);
    assert!(after[0].alarm_configuration_updated_timestamp > before.alarm_configuration_updated_timestamp);
    let tags = sim
        .call::<cloudwatch::ListTagsForResource>(
            REGION,
            cloudwatch::ListTagsForResourceInput { resource_arn: after[0].alarm_arn.clone().unwrap() },
        )
        .unwrap();
    assert_eq!(tags.tags, Some(vec![cloudwatch::Tag { key: "team".into(), value: "sec".into() }]));
}

#[test]
fn put_metric_alarm_validation_errors_write_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let cases: Vec<(cloudwatch::PutMetricAlarmInput, &str)> = vec![
        (cloudwatch::PutMetricAlarmInput { period: Some(45), ..alarm("a", "M") }, "InvalidParameterValue"),
        (
            cloudwatch::PutMetricAlarmInput { period: Some(60), evaluation_periods: Some(1441), ..alarm("a", "M") },
            "InvalidParameterValue",
        ),
        (
            cloudwatch::PutMetricAlarmInput { extended_statistic: Some("p99".into()), ..alarm("a", "M") },
            "InvalidParameterCombination",
        ),
        (cloudwatch::PutMetricAlarmInput { statistic: None, ..alarm("a", "M") }, "InvalidParameterCombination"),
        (
            cloudwatch::PutMetricAlarmInput {
                statistic: None,
                extended_statistic: Some("p101".into()),
                ..alarm("a", "M")
            },
            "InvalidParameterValue",
        ),
        (cloudwatch::PutMetricAlarmInput { evaluation_periods: None, ..alarm("a", "M") }, "MissingParameter"),
        (cloudwatch::PutMetricAlarmInput { metric_name: None, ..alarm("a", "M") }, "MissingParameter"),
        (cloudwatch::PutMetricAlarmInput { threshold: None, ..alarm("a", "M") }, "MissingParameter"),
        (
            cloudwatch::PutMetricAlarmInput {
                comparison_operator: Some("LessThanLowerThreshold".into()),
                ..alarm("a", "M")
            },
            "InvalidParameterCombination",
        ),
        (cloudwatch::PutMetricAlarmInput { datapoints_to_alarm: Some(2), ..alarm("a", "M") }, "InvalidParameterValue"),
        (
            cloudwatch::PutMetricAlarmInput { treat_missing_data: Some("sometimes".into()), ..alarm("a", "M") },
            "InvalidParameterValue",
        ),
        (
            cloudwatch::PutMetricAlarmInput { alarm_actions: Some(vec!["not-an-arn".into()]), ..alarm("a", "M") },
            "InvalidParameterValue",
        ),
        (
            cloudwatch::PutMetricAlarmInput {
                alarm_actions: Some(vec!["arn:aws:sns:eu-west-1:123456789012:t".into()]),
                ..alarm("a", "M")
            },
            "InvalidParameterValue",
        ),
        (
            cloudwatch::PutMetricAlarmInput {
                alarm_actions: Some(vec!["arn:aws:s3:::bucket".into()]),
                ..alarm("a", "M")
            },
            "InvalidParameterValue",
        ),
        (
            cloudwatch::PutMetricAlarmInput {
                tags: Some(vec![cloudwatch::Tag { key: "aws:x".into(), value: "v".into() }]),
                ..alarm("a", "M")
            },
            "InvalidParameterValue",
        ),
        (
            cloudwatch::PutMetricAlarmInput {
                metrics: Some(vec![cloudwatch::MetricDataQuery {
                    id: "e1".into(),
                    expression: Some("m1*2".into()),
                    ..Default::default()
                }]),
                ..alarm("a", "M")
            },
            "InvalidParameterCombination",
        ),
    ];
    for (input, expected) in cases {
        let err = put(&sim, input.clone()).unwrap_err();
        assert_eq!(err.code, expected, "{input:?}");
        assert_eq!(err.status, 400);
    }
    assert!(all_names(&sim).is_empty());
}

#[test]
fn put_metric_alarm_accepts_metric_math_and_high_resolution() {
    let sim = fresh_account(Era::Current, &[REGION]);
    put(&sim, cloudwatch::PutMetricAlarmInput { period: Some(10), ..alarm("hires", "M") }).unwrap();
    let math = cloudwatch::PutMetricAlarmInput {
        alarm_name: "math".into(),
        evaluation_periods: Some(1),
        threshold: Some(1.0),
        comparison_operator: Some("GreaterThanThreshold".into()),
        metrics: Some(vec![
            cloudwatch::MetricDataQuery {
                id: "m1".into(),
                metric_stat: Some(cloudwatch::MetricStat {
                    metric: cloudwatch::Metric {
                        namespace: Some("AWS/EC2".into()),
                        metric_name: Some("CPUUtilization".into()),
                        dimensions: None,
                    },
                    period: 300,
                    stat: "Average".into(),
                    unit: None,
                }),
                return_data: Some(false),
                ..Default::default()
            },
            cloudwatch::MetricDataQuery { id: "e1".into(), expression: Some("m1*2".into()), ..Default::default() },
        ]),
        ..Default::default()
    };
    put(&sim, math).unwrap();
    assert_eq!(all_names(&sim), vec!["hires", "math"]);
}

#[test]
fn describe_alarms_filters_and_paginates() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in ["cis-3.1", "cis-3.2", "cis-3.3", "other"] {
        put(&sim, alarm(n, n)).unwrap();
    }
    let mut quiet = alarm("quiet", "Q");
    quiet.alarm_actions = None;
    put(&sim, quiet).unwrap();

    let by_names = describe(
        &sim,
        cloudwatch::DescribeAlarmsInput {
            alarm_names: Some(vec!["other".into(), "nope".into()]),
            ..Default::default()
        },
    );
    assert_eq!(names(&by_names), vec!["other"]);
    let by_prefix = describe(
        &sim,
        cloudwatch::DescribeAlarmsInput { alarm_name_prefix: Some("cis-".into()), ..Default::default() },
    );
    assert_eq!(names(&by_prefix), vec!["cis-3.1", "cis-3.2", "cis-3.3"]);
    let by_action =
        describe(&sim, cloudwatch::DescribeAlarmsInput { action_prefix: Some(TOPIC.into()), ..Default::default() });
    assert_eq!(names(&by_action).len(), 4);
    let by_state =
        describe(&sim, cloudwatch::DescribeAlarmsInput { state_value: Some("ALARM".into()), ..Default::default() });
    assert!(names(&by_state).is_empty());
    let composite_only = describe(
        &sim,
        cloudwatch::DescribeAlarmsInput { alarm_types: Some(vec!["CompositeAlarm".into()]), ..Default::default() },
    );
    assert!(names(&composite_only).is_empty());

    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = describe(
            &sim,
            cloudwatch::DescribeAlarmsInput { max_records: Some(2), next_token: token.clone(), ..Default::default() },
        );
        assert!(names(&page).len() <= 2);
        seen.extend(names(&page));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, vec!["cis-3.1", "cis-3.2", "cis-3.3", "other", "quiet"]);

    let bad = sim.call::<cloudwatch::DescribeAlarms>(
        REGION,
        cloudwatch::DescribeAlarmsInput { next_token: Some("garbage!".into()), ..Default::default() },
    );
    assert_eq!(bad.unwrap_err().code, "InvalidNextToken");
    let both = sim.call::<cloudwatch::DescribeAlarms>(
        REGION,
        cloudwatch::DescribeAlarmsInput {
            alarm_names: Some(vec!["a".into()]),
            alarm_name_prefix: Some("a".into()),
            ..Default::default()
        },
    );
    assert_eq!(both.unwrap_err().code, "InvalidParameterCombination");
}

#[test]
fn describe_alarms_for_metric_matches_metric_and_filters() {
    let sim = fresh_account(Era::Current, &[REGION]);
    put(&sim, alarm("a1", "RootAccountUsage")).unwrap();
    put(&sim, cloudwatch::PutMetricAlarmInput { statistic: Some("Maximum".into()), ..alarm("a2", "RootAccountUsage") })
        .unwrap();
    put(
        &sim,
        cloudwatch::PutMetricAlarmInput {
            dimensions: Some(vec![cloudwatch::Dimension { name: "Trail".into(), value: "t".into() }]),
            ..alarm("a3", "RootAccountUsage")
        },
    )
    .unwrap();
    put(&sim, alarm("b", "ConsoleSigninFailures")).unwrap();
    let ask = |statistic: Option<&str>, dimensions: Option<Vec<cloudwatch::Dimension>>| {
        let out = sim
            .call::<cloudwatch::DescribeAlarmsForMetric>(
                REGION,
                cloudwatch::DescribeAlarmsForMetricInput {
                    metric_name: "RootAccountUsage".into(),
                    namespace: "CISLogMetrics".into(),
                    statistic: statistic.map(str::to_string),
                    dimensions,
                    ..Default::default()
                },
            )
            .unwrap();
        out.metric_alarms.unwrap().into_iter().filter_map(|a| a.alarm_name).collect::<Vec<_>>()
    };
    assert_eq!(ask(None, None), vec!["a1", "a2", "a3"]);
    assert_eq!(ask(Some("Sum"), None), vec!["a1", "a3"]);
    assert_eq!(ask(None, Some(vec![])), vec!["a1", "a2"]);
    assert_eq!(ask(None, Some(vec![cloudwatch::Dimension { name: "Trail".into(), value: "t".into() }])), vec!["a3"]);
    let other_ns = sim
        .call::<cloudwatch::DescribeAlarmsForMetric>(
            REGION,
            cloudwatch::DescribeAlarmsForMetricInput {
                metric_name: "RootAccountUsage".into(),
                namespace: "Other".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(other_ns.metric_alarms, Some(vec![]));
}

#[test]
fn delete_alarms_removes_named_and_skips_unknown() {
    let sim = fresh_account(Era::Current, &[REGION]);
    put(&sim, alarm("keep", "K")).unwrap();
    put(&sim, alarm("drop", "D")).unwrap();
    sim.call::<cloudwatch::DeleteAlarms>(
        REGION,
        cloudwatch::DeleteAlarmsInput { alarm_names: vec!["drop".into(), "never-existed".into()] },
    )
    .unwrap();
    assert_eq!(all_names(&sim), vec!["keep"]);
    // Over the model's limit of 100 names: refused by validation, nothing deleted.
    let many = (0..101).map(|i| format!("n{i}")).chain(["keep".to_string()]).collect();
    let err = sim.call::<cloudwatch::DeleteAlarms>(REGION, cloudwatch::DeleteAlarmsInput { alarm_names: many });
    assert_eq!(err.unwrap_err().code, "InvalidParameterValue");
    assert_eq!(all_names(&sim), vec!["keep"]);
}

#[test]
fn list_tags_for_resource_errors() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    put(&sim, alarm("tagged", "T")).unwrap();
    let call = |region: &str, arn: &str| {
        sim.call::<cloudwatch::ListTagsForResource>(
            region,
            cloudwatch::ListTagsForResourceInput { resource_arn: arn.into() },
        )
    };
    let arn = "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:tagged";
    assert_eq!(call(REGION, arn).unwrap().tags, Some(vec![]));
    let missing = call(REGION, "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:nope").unwrap_err();
    assert_eq!((missing.code.as_str(), missing.status), ("ResourceNotFoundException", 404));
    assert_eq!(call("us-east-1", arn).unwrap_err().code, "ResourceNotFoundException");
    assert_eq!(call(REGION, "arn:aws:sns:ap-northeast-1:123456789012:t").unwrap_err().code, "InvalidParameterValue");
}

#[test]
fn json_path_validates_against_the_model() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let ok = sim.call_json(
        REGION,
        "cloudwatch",
        "PutMetricAlarm",
        json!({"AlarmName": "j", "MetricName": "M", "Namespace": "N", "Statistic": "Sum", "Period": 60,
               "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold"}),
    );
    assert!(ok.is_ok(), "{ok:?}");
    let bad_enum = sim
        .call_json(
            REGION,
            "cloudwatch",
            "PutMetricAlarm",
            json!({"AlarmName": "k", "MetricName": "M", "Namespace": "N", "Statistic": "Sum", "Period": 60,
                   "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "Bigger"}),
        )
        .unwrap_err();
    assert_eq!(bad_enum.code, "InvalidParameterValue");
    let no_name = sim.call_json(REGION, "cloudwatch", "PutMetricAlarm", json!({})).unwrap_err();
    assert_eq!(no_name.code, "MissingParameter");
    let out = sim.call_json(REGION, "cloudwatch", "DescribeAlarms", json!({"AlarmNames": ["j"]})).unwrap();
    assert_eq!(out["MetricAlarms"][0]["AlarmName"], "j");
    assert_eq!(out["MetricAlarms"][0]["StateValue"], "INSUFFICIENT_DATA");
}
