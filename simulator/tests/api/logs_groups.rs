//! CloudWatch Logs: log groups, retention, tags, metric filters and the empty reads.

use std::collections::BTreeMap;

use hubsim_simulator::model::{kms, logs};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};
use serde_json::json;

const REGION: &str = "eu-central-1";
const OTHER: &str = "us-west-2";

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn create(sim: &Simulator, name: &str) {
    sim.call::<logs::CreateLogGroup>(
        REGION,
        logs::CreateLogGroupRequest { log_group_name: name.into(), ..Default::default() },
    )
    .unwrap();
}

fn describe(sim: &Simulator, region: &str, req: logs::DescribeLogGroupsRequest) -> Vec<logs::LogGroup> {
    sim.call::<logs::DescribeLogGroups>(region, req).unwrap().log_groups.unwrap()
}

fn names(groups: &[logs::LogGroup]) -> Vec<String> {
    groups.iter().map(|g| g.log_group_name.clone().unwrap()).collect()
}

fn filter(group: &str, name: &str, pattern: &str) -> logs::PutMetricFilterRequest {
    logs::PutMetricFilterRequest {
        log_group_name: group.into(),
        filter_name: name.into(),
        filter_pattern: pattern.into(),
        metric_transformations: vec![logs::MetricTransformation {
            metric_name: name.into(),
            metric_namespace: "CISBenchmark".into(),
            metric_value: "1".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn create_describe_delete_log_group() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    assert_eq!(describe(&sim, REGION, Default::default()), vec![]);
    create(&sim, "CloudTrail/main");
    let groups = describe(&sim, REGION, Default::default());
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.log_group_name.as_deref(), Some("CloudTrail/main"));
    assert_eq!(g.arn.as_deref(), Some(format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:CloudTrail/main:*").as_str()));
    assert_eq!(
        g.log_group_arn.as_deref(),
        Some(format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:CloudTrail/main").as_str())
    );
    assert_eq!(g.retention_in_days, None);
    assert_eq!(g.metric_filter_count, Some(0));
    assert_eq!(g.stored_bytes, Some(0));
    assert_eq!(g.log_group_class.as_deref(), Some("STANDARD"));
    // creationTime is epoch milliseconds (a 2020s date is > 1.5e12 ms).
    assert!(g.creation_time.unwrap() > 1_500_000_000_000);
    assert_eq!(describe(&sim, OTHER, Default::default()), vec![], "log groups are regional");

    let dup = sim.call::<logs::CreateLogGroup>(
        REGION,
        logs::CreateLogGroupRequest { log_group_name: "CloudTrail/main".into(), ..Default::default() },
    );
    assert_eq!(code(dup), "ResourceAlreadyExistsException");
    for bad in ["has space", "colon:name", "aws/reserved", &"x".repeat(513)] {
        let r = sim.call::<logs::CreateLogGroup>(
            REGION,
            logs::CreateLogGroupRequest { log_group_name: bad.to_string(), ..Default::default() },
        );
        assert_eq!(code(r), "InvalidParameterException", "{bad}");
    }
    assert_eq!(describe(&sim, REGION, Default::default()).len(), 1, "failed creates stored nothing");

    sim.call::<logs::DeleteLogGroup>(REGION, logs::DeleteLogGroupRequest { log_group_name: "CloudTrail/main".into() })
        .unwrap();
    assert_eq!(describe(&sim, REGION, Default::default()), vec![]);
    let again = sim
        .call::<logs::DeleteLogGroup>(REGION, logs::DeleteLogGroupRequest { log_group_name: "CloudTrail/main".into() });
    assert_eq!(code(again), "ResourceNotFoundException");
}

#[test]
fn create_log_group_with_kms_key() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let key = sim.call::<kms::CreateKey>(REGION, Default::default()).unwrap().key_metadata.unwrap();
    let arn = key.arn.unwrap();
    let with_key = |name: &str, key: &str| {
        sim.call::<logs::CreateLogGroup>(
            REGION,
            logs::CreateLogGroupRequest {
                log_group_name: name.into(),
                kms_key_id: Some(key.into()),
                ..Default::default()
            },
        )
    };
    assert_eq!(code(with_key("a", &key.key_id)), "InvalidParameterException", "a bare key id is not an ARN");
    let missing = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assert_eq!(code(with_key("a", &missing)), "InvalidParameterException");
    assert_eq!(describe(&sim, REGION, Default::default()), vec![]);
    with_key("a", &arn).unwrap();
    assert_eq!(describe(&sim, REGION, Default::default())[0].kms_key_id.as_deref(), Some(arn.as_str()));
    // A key pending deletion cannot be used.
    sim.call::<kms::ScheduleKeyDeletion>(
        REGION,
        kms::ScheduleKeyDeletionRequest { key_id: arn.clone(), pending_window_in_days: Some(7) },
    )
    .unwrap();
    assert_eq!(code(with_key("b", &arn)), "InvalidParameterException");
}

#[test]
fn describe_log_groups_filters_and_paginates() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in ["app/web", "CloudTrail/org", "CloudTrail/main", "vpc-flow"] {
        create(&sim, n);
    }
    let all = names(&describe(&sim, REGION, Default::default()));
    assert_eq!(all, vec!["CloudTrail/main", "CloudTrail/org", "app/web", "vpc-flow"]);
    let prefixed = describe(
        &sim,
        REGION,
        logs::DescribeLogGroupsRequest { log_group_name_prefix: Some("CloudTrail/".into()), ..Default::default() },
    );
    assert_eq!(names(&prefixed), vec!["CloudTrail/main", "CloudTrail/org"]);
    let pattern = describe(
        &sim,
        REGION,
        logs::DescribeLogGroupsRequest { log_group_name_pattern: Some("TRAIL/M".into()), ..Default::default() },
    );
    assert_eq!(names(&pattern), vec!["CloudTrail/main"]);
    let both = sim.call::<logs::DescribeLogGroups>(
        REGION,
        logs::DescribeLogGroupsRequest {
            log_group_name_prefix: Some("a".into()),
            log_group_name_pattern: Some("b".into()),
            ..Default::default()
        },
    );
    assert_eq!(code(both), "InvalidParameterException");
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let r = sim
            .call::<logs::DescribeLogGroups>(
                REGION,
                logs::DescribeLogGroupsRequest { limit: Some(3), next_token: token.clone(), ..Default::default() },
            )
            .unwrap();
        seen.extend(names(&r.log_groups.unwrap()));
        match r.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, all);
    let json_sim = sim;
    let bad_limit = json_sim.call_json(REGION, "logs", "DescribeLogGroups", json!({"limit": 51}));
    assert_eq!(code(bad_limit), "InvalidParameterException");
}

#[test]
fn retention_policy_values() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "g");
    let put = |group: &str, days: i32| {
        sim.call::<logs::PutRetentionPolicy>(
            REGION,
            logs::PutRetentionPolicyRequest { log_group_name: group.into(), retention_in_days: days },
        )
    };
    for bad in [0, 2, 364, 366, 3654] {
        assert_eq!(code(put("g", bad)), "InvalidParameterException", "{bad}");
    }
    assert_eq!(describe(&sim, REGION, Default::default())[0].retention_in_days, None);
    assert_eq!(code(put("missing", 365)), "ResourceNotFoundException");
    put("g", 365).unwrap();
    assert_eq!(describe(&sim, REGION, Default::default())[0].retention_in_days, Some(365));
    put("g", 3653).unwrap();
    assert_eq!(describe(&sim, REGION, Default::default())[0].retention_in_days, Some(3653));
}

#[test]
fn tags_by_name_and_arn() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let tags: BTreeMap<String, String> = [("team".to_string(), "sec".to_string())].into();
    sim.call::<logs::CreateLogGroup>(
        REGION,
        logs::CreateLogGroupRequest { log_group_name: "t".into(), tags: Some(tags.clone()), ..Default::default() },
    )
    .unwrap();
    let bad_tags: BTreeMap<String, String> = [("aws:x".to_string(), "v".to_string())].into();
    let r = sim.call::<logs::CreateLogGroup>(
        REGION,
        logs::CreateLogGroupRequest { log_group_name: "u".into(), tags: Some(bad_tags), ..Default::default() },
    );
    assert_eq!(code(r), "InvalidParameterException");
    let by_name =
        sim.call::<logs::ListTagsLogGroup>(REGION, logs::ListTagsLogGroupRequest { log_group_name: "t".into() });
    assert_eq!(by_name.unwrap().tags, Some(tags.clone()));
    let arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:t");
    let by_arn = sim.call::<logs::ListTagsForResource>(REGION, logs::ListTagsForResourceRequest { resource_arn: arn });
    assert_eq!(by_arn.unwrap().tags, Some(tags));
    let missing =
        sim.call::<logs::ListTagsLogGroup>(REGION, logs::ListTagsLogGroupRequest { log_group_name: "nope".into() });
    assert_eq!(code(missing), "ResourceNotFoundException");
    let missing_arn = sim.call::<logs::ListTagsForResource>(
        REGION,
        logs::ListTagsForResourceRequest { resource_arn: format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:nope") },
    );
    assert_eq!(code(missing_arn), "ResourceNotFoundException");
    let not_arn =
        sim.call::<logs::ListTagsForResource>(REGION, logs::ListTagsForResourceRequest { resource_arn: "t".into() });
    assert_eq!(code(not_arn), "InvalidParameterException");
}

#[test]
fn metric_filters_put_describe_delete() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let put = |req: logs::PutMetricFilterRequest| sim.call::<logs::PutMetricFilter>(REGION, req);
    let unauthorized = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;
    assert_eq!(code(put(filter("ct", "Unauthorized", unauthorized))), "ResourceNotFoundException");
    create(&sim, "ct");
    for bad in [r#"{ ($.errorCode = "x" }"#, r#"{ "unterminated }"#, "{ nothing }", "[a, b"] {
        assert_eq!(code(put(filter("ct", "Bad", bad))), "InvalidParameterException", "{bad}");
    }
    let mut bad_value = filter("ct", "Bad", "ERROR");
    bad_value.metric_transformations[0].metric_value = "one".into();
    assert_eq!(code(put(bad_value)), "InvalidParameterException");
    let mut both = filter("ct", "Bad", "ERROR");
    both.metric_transformations[0].default_value = Some(0.0);
    both.metric_transformations[0].dimensions = Some([("k".to_string(), "$.v".to_string())].into());
    assert_eq!(code(put(both)), "InvalidParameterException");
    let listed = sim.call::<logs::DescribeMetricFilters>(REGION, Default::default()).unwrap();
    assert_eq!(listed.metric_filters, Some(vec![]), "failed puts stored nothing");

    put(filter("ct", "Unauthorized", unauthorized)).unwrap();
    put(filter("ct", "RootUsage", r#"{ $.userIdentity.type = "Root" }"#)).unwrap();
    put(filter("ct", "RootUsage", r#"{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }"#)).unwrap();
    create(&sim, "other");
    put(filter("other", "Errors", "ERROR")).unwrap();

    let all = sim.call::<logs::DescribeMetricFilters>(REGION, Default::default()).unwrap().metric_filters.unwrap();
    assert_eq!(all.len(), 3);
    let on_ct = sim
        .call::<logs::DescribeMetricFilters>(
            REGION,
            logs::DescribeMetricFiltersRequest { log_group_name: Some("ct".into()), ..Default::default() },
        )
        .unwrap()
        .metric_filters
        .unwrap();
    let names: Vec<_> = on_ct.iter().map(|f| f.filter_name.clone().unwrap()).collect();
    assert_eq!(names, vec!["RootUsage", "Unauthorized"]);
    assert!(on_ct[0].filter_pattern.as_deref().unwrap().contains("AwsServiceEvent"), "put replaced the filter");
    assert_eq!(on_ct[0].log_group_name.as_deref(), Some("ct"));
    assert_eq!(on_ct[0].metric_transformations.as_ref().unwrap()[0].metric_namespace, "CISBenchmark");
    assert!(on_ct[0].creation_time.is_some());
    let by_metric = sim
        .call::<logs::DescribeMetricFilters>(
            REGION,
            logs::DescribeMetricFiltersRequest {
                metric_name: Some("Errors".into()),
                metric_namespace: Some("CISBenchmark".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .metric_filters
        .unwrap();
    assert_eq!(by_metric.len(), 1);
    assert_eq!(by_metric[0].log_group_name.as_deref(), Some("other"));
    let half = sim.call::<logs::DescribeMetricFilters>(
        REGION,
        logs::DescribeMetricFiltersRequest { metric_name: Some("Errors".into()), ..Default::default() },
    );
    assert_eq!(code(half), "InvalidParameterException");
    let prefix_only = sim.call::<logs::DescribeMetricFilters>(
        REGION,
        logs::DescribeMetricFiltersRequest { filter_name_prefix: Some("R".into()), ..Default::default() },
    );
    assert_eq!(code(prefix_only), "InvalidParameterException");
    let page1 = sim
        .call::<logs::DescribeMetricFilters>(
            REGION,
            logs::DescribeMetricFiltersRequest { limit: Some(2), ..Default::default() },
        )
        .unwrap();
    assert_eq!(page1.metric_filters.unwrap().len(), 2);
    let page2 = sim
        .call::<logs::DescribeMetricFilters>(
            REGION,
            logs::DescribeMetricFiltersRequest { limit: Some(2), next_token: page1.next_token, ..Default::default() },
        )
        .unwrap();
    assert_eq!(page2.metric_filters.unwrap().len(), 1);
    assert_eq!(page2.next_token, None);
    assert_eq!(describe(&sim, REGION, Default::default())[0].metric_filter_count, Some(2));

    let del = |g: &str, f: &str| {
        sim.call::<logs::DeleteMetricFilter>(
            REGION,
            logs::DeleteMetricFilterRequest { log_group_name: g.into(), filter_name: f.into() },
        )
    };
    assert_eq!(code(del("ct", "Nope")), "ResourceNotFoundException");
    assert_eq!(code(del("nope", "Unauthorized")), "ResourceNotFoundException");
    del("ct", "Unauthorized").unwrap();
    // Deleting a group deletes its filters.
    sim.call::<logs::DeleteLogGroup>(REGION, logs::DeleteLogGroupRequest { log_group_name: "other".into() }).unwrap();
    let left = sim.call::<logs::DescribeMetricFilters>(REGION, Default::default()).unwrap().metric_filters.unwrap();
    assert_eq!(left.iter().map(|f| f.filter_name.clone().unwrap()).collect::<Vec<_>>(), vec!["RootUsage"]);
    let gone = sim.call::<logs::DescribeMetricFilters>(
        REGION,
        logs::DescribeMetricFiltersRequest { log_group_name: Some("other".into()), ..Default::default() },
    );
    assert_eq!(code(gone), "ResourceNotFoundException");
}

#[test]
fn empty_reads() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let pol = sim.call::<logs::DescribeResourcePolicies>(REGION, Default::default()).unwrap();
    assert_eq!(pol.resource_policies, Some(vec![]));
    let missing = sim.call::<logs::FilterLogEvents>(
        REGION,
        logs::FilterLogEventsRequest { log_group_name: Some("g".into()), ..Default::default() },
    );
    assert_eq!(code(missing), "ResourceNotFoundException");
    create(&sim, "g");
    let ev = sim
        .call::<logs::FilterLogEvents>(
            REGION,
            logs::FilterLogEventsRequest { log_group_name: Some("g".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(ev.events, Some(vec![]));
    let by_arn = sim
        .call_json(
            REGION,
            "logs",
            "FilterLogEvents",
            json!({"logGroupIdentifier": format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:g:*")}),
        )
        .unwrap();
    assert_eq!(by_arn["events"], json!([]));
    let neither = sim.call::<logs::FilterLogEvents>(REGION, Default::default());
    assert_eq!(code(neither), "InvalidParameterException");
}

#[test]
fn json_create_and_describe() {
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call_json(REGION, "logs", "CreateLogGroup", json!({"logGroupName": "j"})).unwrap();
    let out = sim.call_json(REGION, "logs", "DescribeLogGroups", json!({"logGroupNamePrefix": "j"})).unwrap();
    assert_eq!(out["logGroups"][0]["logGroupName"], "j");
    assert!(out["logGroups"][0]["creationTime"].is_i64());
    let bad = sim.call_json(REGION, "logs", "CreateLogGroup", json!({"logGroupName": "bad name"}));
    assert_eq!(code(bad), "InvalidParameterException");
}

#[test]
fn a_pattern_cloudwatch_logs_refuses_leaves_the_filter_as_it_was() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "ct");
    let root =
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#;
    sim.call::<logs::PutMetricFilter>(REGION, filter("ct", "Root", root)).unwrap();
    // Balanced but not the grammar
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
    for (bad, why) in [
        ("{ $.userIdentity.type = }", "needs a value"),
        (r#"{ $.a = "x" $.b = "y" }"#, "'&&', '||' or ')'"),
        (r#"{ $.latency > "slow" }"#, "needs a number"),
        ("{ userIdentity.type = Root }", "not a selector"),
        ("{ $.a IS MISSING }", "not an operator"),
        ("[ip, , status]", "field 2 is empty"),
    ] {
        let err = sim.call::<logs::PutMetricFilter>(REGION, filter("ct", "Root", bad)).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException", "{bad}");
        assert!(err.message.contains(why), "{bad}: {}", err.message);
    }
    let on_ct = sim.call::<logs::DescribeMetricFilters>(REGION, Default::default()).unwrap().metric_filters.unwrap();
    assert_eq!(on_ct.len(), 1);
    assert_eq!(on_ct[0].filter_pattern.as_deref(), Some(root));
}
