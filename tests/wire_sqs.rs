//! SQS over the wire: boto3 and the aws CLI speak AWS JSON 1.0 to it (`X-Amz-Target:
//! AmazonSQS.<Op>`, `x-amzn-query-mode: true`), and its errors carry the legacy query code in
//! `x-amzn-query-error`, which botocore reports as the error code
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html>).

mod wire_support;

use std::sync::OnceLock;

use wire_support::{aws_cli, boto, have_aws_cli, have_boto3, header, raw, start, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start("sqs", &[]))
}

#[test]
fn boto3_creates_reads_and_changes_queues_and_sees_the_query_codes() {
    if !have_boto3() {
        return;
    }
    let out = boto(
        server().port,
        r#"
sqs = client("sqs", "ap-northeast-1")
url = sqs.create_queue(QueueName="wire-orders", Attributes={"VisibilityTimeout": "45"}, tags={"team": "a"})["QueueUrl"]
OUT["url"] = url
OUT["attrs"] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
OUT["kms"] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId", "SqsManagedSseEnabled"])["Attributes"]
OUT["listed"] = sqs.list_queues(QueueNamePrefix="wire-")["QueueUrls"]
OUT["tags"] = sqs.list_queue_tags(QueueUrl=url)["Tags"]
OUT["missing"] = err(sqs.get_queue_url, QueueName="wire-nope")
try:
    sqs.get_queue_url(QueueName="wire-nope")
except sqs.exceptions.QueueDoesNotExist:
    OUT["modeled"] = True
OUT["bad_attr"] = err(sqs.set_queue_attributes, QueueUrl=url, Attributes={"VisibilityTimeout": "99999"})
OUT["bad_name"] = err(sqs.create_queue, QueueName="bad name")
OUT["exists"] = err(sqs.create_queue, QueueName="wire-orders", Attributes={"VisibilityTimeout": "46"})
sqs.delete_queue(QueueUrl=url)
OUT["deleted"] = err(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])
"#,
    );
    assert_eq!(out["url"], "https://sqs.ap-northeast-1.amazonaws.com/123456789012/wire-orders");
    assert_eq!(out["attrs"]["VisibilityTimeout"], "45");
    assert_eq!(out["attrs"]["QueueArn"], "arn:aws:sqs:ap-northeast-1:123456789012:wire-orders");
    assert_eq!(out["kms"]["KmsMasterKeyId"], "alias/aws/sqs");
    assert_eq!(out["kms"]["SqsManagedSseEnabled"], "false");
    assert_eq!(out["listed"], serde_json::json!([out["url"]]));
    assert_eq!(out["tags"]["team"], "a");
    assert_eq!(out["missing"]["Code"], "AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(out["missing"]["QueryErrorCode"], "QueueDoesNotExist");
    assert_eq!(out["missing"]["Status"], 400);
    assert_eq!(out["modeled"], true);
    assert_eq!(out["bad_attr"]["Code"], "InvalidAttributeValue");
    assert_eq!(out["bad_name"]["Code"], "InvalidParameterValue");
    assert_eq!(out["exists"]["Code"], "QueueAlreadyExists");
    assert_eq!(out["deleted"]["Code"], "AWS.SimpleQueueService.NonExistentQueue");
}

#[test]
fn the_aws_cli_lists_and_reads_queues() {
    if !have_aws_cli() {
        return;
    }
    let endpoint = format!("http://127.0.0.1:{}", server().port);
    let created = aws_cli(&endpoint, "eu-west-1", &["sqs", "create-queue", "--queue-name", "cli-jobs"]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let url = created.json["QueueUrl"].as_str().unwrap_or_default().to_string();
    assert!(url.ends_with("/123456789012/cli-jobs"), "{url}");
    let got = aws_cli(
        &endpoint,
        "eu-west-1",
        &["sqs", "get-queue-attributes", "--queue-url", &url, "--attribute-names", "SqsManagedSseEnabled"],
    );
    assert_eq!(got.json["Attributes"]["SqsManagedSseEnabled"], "true", "{}", got.stderr);
    let missing = aws_cli(&endpoint, "eu-west-1", &["sqs", "get-queue-url", "--queue-name", "cli-nope"]);
    // aws CLI v1 exits 255 on a service error.
    assert_eq!(missing.code, 255, "{}", missing.stderr);
    assert!(missing.stderr.contains("AWS.SimpleQueueService.NonExistentQueue"), "{}", missing.stderr);
}

#[test]
fn raw_json_errors_name_the_shape_and_the_query_code() {
    let (status, headers, body) = raw(
        server().port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "AmazonSQS.GetQueueUrl"),
            ("x-amzn-query-mode", "true"),
        ],
        br#"{"QueueName":"raw-nope"}"#,
    );
    assert_eq!(status, 400, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(v["__type"], "QueueDoesNotExist", "{body}");
    assert_eq!(header(&headers, "x-amzn-query-error"), Some("AWS.SimpleQueueService.NonExistentQueue;Sender"));
    assert_eq!(header(&headers, "content-type"), Some("application/x-amz-json-1.0"));
}
