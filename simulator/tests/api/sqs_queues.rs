//! SQS queues through the typed API: creation with attributes and AWS's validation, URLs,
//! listing, attributes (encryption per era, policy), tags, permissions, deletion.

use std::collections::BTreeMap;

use hubsim_simulator::model::sqs;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn create(sim: &Simulator, name: &str, attrs: &[(&str, &str)]) -> Result<String, hubsim_simulator::AwsError> {
    sim.call::<sqs::CreateQueue>(
        REGION,
        sqs::CreateQueueRequest {
            queue_name: name.into(),
            attributes: (!attrs.is_empty()).then(|| map(attrs)),
            tags: None,
        },
    )
    .map(|r| r.queue_url.unwrap())
}

fn attrs(sim: &Simulator, url: &str, names: &[&str]) -> BTreeMap<String, String> {
    sim.call::<sqs::GetQueueAttributes>(
        REGION,
        sqs::GetQueueAttributesRequest {
            queue_url: url.into(),
            attribute_names: Some(names.iter().map(|s| s.to_string()).collect()),
        },
    )
    .unwrap()
    .attributes
    .unwrap_or_default()
}

fn set(sim: &Simulator, url: &str, pairs: &[(&str, &str)]) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<sqs::SetQueueAttributes>(
        REGION,
        sqs::SetQueueAttributesRequest { queue_url: url.into(), attributes: map(pairs) },
    )
    .map(drop)
}

fn list(sim: &Simulator, prefix: Option<&str>) -> Vec<String> {
    sim.call::<sqs::ListQueues>(
        REGION,
        sqs::ListQueuesRequest { queue_name_prefix: prefix.map(str::to_string), ..Default::default() },
    )
    .unwrap()
    .queue_urls
    .unwrap_or_default()
}

#[test]
fn create_queue_defaults_url_arn_and_encryption_by_era() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let url = create(&sim, "orders", &[]).unwrap();
    assert_eq!(url, format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/orders"));
    let a = attrs(&sim, &url, &["All"]);
    assert_eq!(a["QueueArn"], format!("arn:aws:sqs:{REGION}:{ACCOUNT}:orders"));
    assert_eq!(a["SqsManagedSseEnabled"], "true");
    assert_eq!(a["VisibilityTimeout"], "30");
    assert_eq!(a["MessageRetentionPeriod"], "345600");
    assert_eq!(a["ApproximateNumberOfMessages"], "0");
    assert!(!a.contains_key("KmsMasterKeyId") && !a.contains_key("Policy") && !a.contains_key("FifoQueue"));
    // No names asked: no attributes.
    assert!(attrs(&sim, &url, &[]).is_empty());
    assert_eq!(attrs(&sim, &url, &["QueueArn"]).len(), 1);

    let old = fresh_account(Era::Y2022, &[REGION]);
    let url = create(&old, "orders", &[]).unwrap();
    assert_eq!(attrs(&old, &url, &["SqsManagedSseEnabled"])["SqsManagedSseEnabled"], "false");
}

#[test]
fn create_queue_refuses_bad_names_fifo_mismatches_and_out_of_range_attributes() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for bad in ["", "has space", "dot.name", &"x".repeat(81)] {
        assert_eq!(code(create(&sim, bad, &[])), "InvalidParameterValue", "{bad:?}");
    }
    assert_eq!(code(create(&sim, "jobs", &[("FifoQueue", "true")])), "InvalidParameterValue");
    assert_eq!(code(create(&sim, "jobs.fifo", &[])), "InvalidParameterValue");
    assert_eq!(
        code(create(&sim, &format!("{}.fifo", "x".repeat(76)), &[("FifoQueue", "true")])),
        "InvalidParameterValue"
    );
    for (k, v) in [
        ("VisibilityTimeout", "43201"),
        ("DelaySeconds", "-1"),
        ("MessageRetentionPeriod", "59"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("MaximumMessageSize", "1023"),
        ("KmsDataKeyReusePeriodSeconds", "59"),
        ("SqsManagedSseEnabled", "yes"),
        ("Policy", "not json"),
    ] {
        assert_eq!(code(create(&sim, "q", &[(k, v)])), "InvalidAttributeValue", "{k}={v}");
    }
    assert_eq!(code(create(&sim, "q", &[("Colour", "blue")])), "InvalidAttributeName");
    // FIFO-only attributes on a standard queue are unknown there.
    assert_eq!(code(create(&sim, "q", &[("ContentBasedDeduplication", "true")])), "InvalidAttributeName");
    assert_eq!(
        code(create(&sim, "q", &[("KmsMasterKeyId", "alias/aws/sqs"), ("SqsManagedSseEnabled", "true")])),
        "InvalidAttributeValue"
    );
    assert!(list(&sim, None).is_empty(), "nothing was created");

    let fifo = create(&sim, "jobs.fifo", &[("FifoQueue", "true"), ("ContentBasedDeduplication", "true")]).unwrap();
    let a = attrs(&sim, &fifo, &["All"]);
    assert_eq!((a["FifoQueue"].as_str(), a["ContentBasedDeduplication"].as_str()), ("true", "true"));
    assert_eq!(create(&sim, &"y".repeat(80), &[]).map(|u| u.len() > 80), Ok(true));
}

#[test]
fn create_is_idempotent_for_the_same_attributes_and_refuses_different_ones() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let url = create(&sim, "orders", &[("VisibilityTimeout", "60")]).unwrap();
    assert_eq!(create(&sim, "orders", &[("VisibilityTimeout", "60")]).unwrap(), url);
    assert_eq!(create(&sim, "orders", &[]).unwrap(), url);
    assert_eq!(code(create(&sim, "orders", &[("VisibilityTimeout", "61")])), "QueueNameExists");
    assert_eq!(attrs(&sim, &url, &["VisibilityTimeout"])["VisibilityTimeout"], "60");
}

#[test]
fn get_queue_url_list_queues_and_missing_queues() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in ["orders", "orders-dlq", "billing"] {
        create(&sim, n, &[]).unwrap();
    }
    let url = sim
        .call::<sqs::GetQueueUrl>(
            REGION,
            sqs::GetQueueUrlRequest { queue_name: "billing".into(), ..Default::default() },
        )
        .unwrap()
        .queue_url
        .unwrap();
    assert!(url.ends_with(&format!("/{ACCOUNT}/billing")));
    let missing = sim
        .call::<sqs::GetQueueUrl>(REGION, sqs::GetQueueUrlRequest { queue_name: "nope".into(), ..Default::default() });
    assert_eq!(code(missing), "QueueDoesNotExist");
    assert_eq!(list(&sim, None).len(), 3);
    assert_eq!(list(&sim, Some("orders")).len(), 2);
    assert!(list(&sim, Some("x")).is_empty());
    // Paging needs MaxResults.
    let page = sim
        .call::<sqs::ListQueues>(REGION, sqs::ListQueuesRequest { max_results: Some(2), ..Default::default() })
        .unwrap();
    assert_eq!(page.queue_urls.map(|u| u.len()), Some(2));
    let rest = sim
        .call::<sqs::ListQueues>(
            REGION,
            sqs::ListQueuesRequest { max_results: Some(2), next_token: page.next_token, ..Default::default() },
        )
        .unwrap();
    assert_eq!((rest.queue_urls.map(|u| u.len()), rest.next_token), (Some(1), None));
    let zero =
        sim.call::<sqs::ListQueues>(REGION, sqs::ListQueuesRequest { max_results: Some(0), ..Default::default() });
    assert_eq!(code(zero), "InvalidParameterValue");
    // Another account's queue, or a URL without an account, is refused.
    let other = format!("https://sqs.{REGION}.amazonaws.com/210987654321/orders");
    let r = sim.call::<sqs::GetQueueAttributes>(
        REGION,
        sqs::GetQueueAttributesRequest { queue_url: other, attribute_names: None },
    );
    assert_eq!(code(r), "QueueDoesNotExist");
    let r = sim.call::<sqs::GetQueueAttributes>(
        REGION,
        sqs::GetQueueAttributesRequest { queue_url: "orders".into(), attribute_names: None },
    );
    assert_eq!(code(r), "InvalidAddress");
}

#[test]
fn set_queue_attributes_switches_encryption_and_policy() {
    let sim = fresh_account(Era::Y2022, &[REGION]);
    let url = create(&sim, "orders", &[]).unwrap();
    set(&sim, &url, &[("SqsManagedSseEnabled", "true")]).unwrap();
    assert_eq!(attrs(&sim, &url, &["All"])["SqsManagedSseEnabled"], "true");
    // A KMS key replaces SSE-SQS, with the default reuse period.
    set(&sim, &url, &[("KmsMasterKeyId", "alias/aws/sqs")]).unwrap();
    let a = attrs(&sim, &url, &["All"]);
    assert_eq!(
        (a["KmsMasterKeyId"].as_str(), a["SqsManagedSseEnabled"].as_str(), a["KmsDataKeyReusePeriodSeconds"].as_str()),
        ("alias/aws/sqs", "false", "300")
    );
    assert_eq!(code(set(&sim, &url, &[("SqsManagedSseEnabled", "true")])), "InvalidAttributeValue");
    // Clearing the key and asking for SSE-SQS in one call is fine.
    set(&sim, &url, &[("KmsMasterKeyId", ""), ("SqsManagedSseEnabled", "true")]).unwrap();
    let a = attrs(&sim, &url, &["All"]);
    assert!(!a.contains_key("KmsMasterKeyId") && !a.contains_key("KmsDataKeyReusePeriodSeconds"));
    assert_eq!(a["SqsManagedSseEnabled"], "true");
    // The queue type cannot change; read-only attributes cannot be set; nothing changes.
    assert_eq!(code(set(&sim, &url, &[("FifoQueue", "true")])), "InvalidAttributeName");
    assert_eq!(code(set(&sim, &url, &[("QueueArn", "x")])), "InvalidAttributeName");
    assert_eq!(code(set(&sim, &url, &[("VisibilityTimeout", "10"), ("DelaySeconds", "901")])), "InvalidAttributeValue");
    assert_eq!(attrs(&sim, &url, &["VisibilityTimeout"])["VisibilityTimeout"], "30");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#;
    set(&sim, &url, &[("Policy", policy)]).unwrap();
    assert_eq!(attrs(&sim, &url, &["Policy"])["Policy"], policy);
    set(&sim, &url, &[("Policy", "")]).unwrap();
    assert!(!attrs(&sim, &url, &["All"]).contains_key("Policy"));
    let unknown = sim.call::<sqs::GetQueueAttributes>(
        REGION,
        sqs::GetQueueAttributesRequest { queue_url: url, attribute_names: Some(vec!["Colour".into()]) },
    );
    assert_eq!(code(unknown), "InvalidAttributeName");
}

#[test]
fn tags_and_permissions() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let url = create(&sim, "orders", &[]).unwrap();
    let tag = |pairs: &[(&str, &str)]| {
        sim.call::<sqs::TagQueue>(REGION, sqs::TagQueueRequest { queue_url: url.clone(), tags: map(pairs) })
    };
    let tags = || {
        sim.call::<sqs::ListQueueTags>(REGION, sqs::ListQueueTagsRequest { queue_url: url.clone() })
            .unwrap()
            .tags
            .unwrap_or_default()
    };
    assert!(tags().is_empty());
    tag(&[("team", "a"), ("env", "prod")]).unwrap();
    assert_eq!(code(tag(&[("aws:x", "1")])), "InvalidParameterValue");
    let many: Vec<(String, String)> = (0..49).map(|i| (format!("k{i}"), "v".to_string())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(code(tag(&many)), "InvalidParameterValue");
    assert_eq!(tags(), map(&[("env", "prod"), ("team", "a")]));
    sim.call::<sqs::UntagQueue>(
        REGION,
        sqs::UntagQueueRequest { queue_url: url.clone(), tag_keys: vec!["team".into()] },
    )
    .unwrap();
    assert_eq!(tags(), map(&[("env", "prod")]));

    let add = |label: &str, accounts: &[&str], actions: &[&str]| {
        sim.call::<sqs::AddPermission>(
            REGION,
            sqs::AddPermissionRequest {
                queue_url: url.clone(),
                label: label.into(),
                aws_account_ids: accounts.iter().map(|s| s.to_string()).collect(),
                actions: actions.iter().map(|s| s.to_string()).collect(),
            },
        )
    };
    add("partner", &["210987654321"], &["SendMessage"]).unwrap();
    assert_eq!(code(add("partner", &["210987654321"], &["SendMessage"])), "InvalidParameterValue");
    assert_eq!(code(add("bad label", &["210987654321"], &["SendMessage"])), "InvalidParameterValue");
    assert_eq!(code(add("x", &["12"], &["SendMessage"])), "InvalidParameterValue");
    assert_eq!(code(add("x", &["210987654321"], &["Fly"])), "InvalidParameterValue");
    let policy: serde_json::Value = serde_json::from_str(&attrs(&sim, &url, &["Policy"])["Policy"]).unwrap();
    let st = &policy["Statement"][0];
    assert_eq!(st["Sid"], "partner");
    assert_eq!(st["Principal"]["AWS"], "arn:aws:iam::210987654321:root");
    assert_eq!(st["Action"], "SQS:SendMessage");
    assert_eq!(st["Resource"], format!("arn:aws:sqs:{REGION}:{ACCOUNT}:orders"));
    assert_eq!(policy["Statement"].as_array().map(Vec::len), Some(1));
    let remove = |label: &str| {
        sim.call::<sqs::RemovePermission>(
            REGION,
            sqs::RemovePermissionRequest { queue_url: url.clone(), label: label.into() },
        )
    };
    assert_eq!(code(remove("nope")), "InvalidParameterValue");
    remove("partner").unwrap();
    assert!(!attrs(&sim, &url, &["All"]).contains_key("Policy"));
}

#[test]
fn delete_queue_then_the_name_waits_a_minute() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let url = create(&sim, "orders", &[]).unwrap();
    sim.call::<sqs::DeleteQueue>(REGION, sqs::DeleteQueueRequest { queue_url: url.clone() }).unwrap();
    assert!(list(&sim, None).is_empty());
    let again = sim.call::<sqs::DeleteQueue>(REGION, sqs::DeleteQueueRequest { queue_url: url });
    assert_eq!(code(again), "QueueDoesNotExist");
    assert_eq!(code(create(&sim, "orders", &[])), "QueueDeletedRecently");
}
