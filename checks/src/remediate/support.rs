//! Resources the fixes need, created once and set up so that they pass the controls that will
//! judge them (a fix must not make new failing findings): the access-log bucket per region, the
//! CloudTrail and Config buckets, a customer-managed key with rotation, the SNS topic S3 can
//! publish to, the log groups and the service roles. Each helper looks before it creates, so a
//! second run makes no call.

use hubsim_api::model::{iam, kms, logs, s3, sns};
use hubsim_api::AwsApi;
use serde_json::json;

use super::fixer::Fixer;
use super::Failed;
use crate::snapshot::Snapshot;

/// Names of what the remediator creates.
pub mod names {
    /// The access-log bucket of `region`.
    pub fn access_logs(account: &str, region: &str) -> String {
        format!("hubsim-access-logs-{account}-{region}")
    }
    /// The CloudTrail bucket (home region).
    pub fn trail_bucket(account: &str) -> String {
        format!("hubsim-cloudtrail-{account}")
    }
    /// The AWS Config bucket of `region`.
    pub fn config_bucket(account: &str, region: &str) -> String {
        format!("hubsim-config-{account}-{region}")
    }
    /// The multi-region trail.
    pub const TRAIL: &str = "hubsim-trail";
    /// The key alias.
    pub const KEY_ALIAS: &str = "alias/hubsim-security";
    /// The SNS topic.
    pub const TOPIC: &str = "hubsim-security-events";
    /// The endpoint the CloudWatch.1–14 fixes subscribe to the topic: a placeholder the
    /// owner confirms or replaces (an email subscription awaits its owner's confirmation).
    pub const ALERT_EMAIL: &str = "security-alerts@example.com";
    /// The namespace of the CIS metrics the CloudWatch.1–14 fixes create.
    pub const METRIC_NAMESPACE: &str = "CISBenchmark";
    /// CloudTrail's log group.
    pub const TRAIL_LOG_GROUP: &str = "hubsim/cloudtrail";
    /// The flow logs' log group.
    pub const FLOW_LOG_GROUP: &str = "hubsim/vpc-flow-logs";
    /// Role CloudTrail uses to write to CloudWatch Logs.
    pub const TRAIL_ROLE: &str = "hubsim-cloudtrail-logs";
    /// Role VPC flow logs use.
    pub const FLOW_ROLE: &str = "hubsim-vpc-flow-logs";
    /// Role SNS uses for delivery-status logs.
    pub const SNS_ROLE: &str = "hubsim-sns-delivery-status";
}

fn create_bucket<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, name: &str) -> Result<bool, Failed> {
    if f.read::<s3::HeadBucket>(region, s3::HeadBucketRequest { bucket: name.into(), ..Default::default() }).is_ok() {
        return Ok(false);
    }
    let configuration = (region != "us-east-1")
        .then(|| s3::CreateBucketConfiguration { location_constraint: Some(region.to_string()), ..Default::default() });
    f.call::<s3::CreateBucket>(
        region,
        s3::CreateBucketRequest {
            bucket: name.into(),
            create_bucket_configuration: configuration,
            ..Default::default()
        },
    )?;
    Ok(true)
}

fn put_policy<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    bucket: &str,
    statements: serde_json::Value,
) -> Result<(), Failed> {
    let policy = json!({"Version": "2012-10-17", "Statement": statements});
    f.call::<s3::PutBucketPolicy>(
        region,
        s3::PutBucketPolicyRequest { bucket: bucket.into(), policy: policy.to_string(), ..Default::default() },
    )?;
    Ok(())
}

/// The access-log bucket of `region`, granting log delivery through its policy (not the
/// LogDelivery ACL, which S3.12 fails) and encrypted with SSE-S3 (S3 cannot deliver logs to
/// an SSE-KMS bucket).
pub fn access_log_bucket<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<String, Failed> {
    let name = names::access_logs(&f.account, region);
    if create_bucket(f, region, &name)? {
        let statements = json!([{
            "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{name}/*"),
            "Condition": {"StringEquals": {"aws:SourceAccount": f.account}}
        }]);
        put_policy(f, region, &name, statements)?;
    }
    Ok(name)
}

/// Turns on all four Block Public Access settings of `bucket` (S3.8's fix, and CloudTrail.6's on
/// the trail's bucket), with `note` in the transcript.
pub fn block_bucket_public_access<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    bucket: &str,
    note: Option<String>,
) -> Result<(), Failed> {
    f.call_noted::<s3::PutPublicAccessBlock>(
        region,
        s3::PutPublicAccessBlockRequest {
            bucket: bucket.into(),
            public_access_block_configuration: s3::PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ignore_public_acls: Some(true),
                block_public_policy: Some(true),
                restrict_public_buckets: Some(true),
            },
            ..Default::default()
        },
        note,
    )?;
    Ok(())
}

/// Turns on server access logging of `bucket` into the region's access-log bucket (made when
/// absent), each source under its own prefix.
pub fn log_to_access_log_bucket<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, bucket: &str) -> Result<(), Failed> {
    let target = access_log_bucket(f, region)?;
    f.call::<s3::PutBucketLogging>(
        region,
        s3::PutBucketLoggingRequest {
            bucket: bucket.into(),
            bucket_logging_status: s3::BucketLoggingStatus {
                logging_enabled: Some(s3::LoggingEnabled {
                    target_bucket: target,
                    target_prefix: format!("{bucket}/"),
                    ..Default::default()
                }),
            },
            ..Default::default()
        },
    )?;
    Ok(())
}

/// The buckets other than `bucket` whose server access logs go to `bucket`, and the load
/// balancers (as `load balancer NAME`) whose access logs do: a log sink's sources, which its
/// justification names.
pub fn log_sources(snapshot: &Snapshot, bucket: &str) -> Vec<String> {
    let buckets = snapshot
        .global
        .buckets
        .iter()
        .filter(|b| b.name != bucket && b.logging.as_ref().is_some_and(|l| l.target_bucket == bucket))
        .map(|b| b.name.clone());
    // Load balancers deliver their access logs to a bucket too (ELB.5's fix uses the
    // access-log bucket of their region).
    let balancers = snapshot.regions.iter().flat_map(|r| {
        let classic = r.elb.classic.iter().filter(|lb| {
            lb.attributes.access_log.as_ref().is_some_and(|a| a.enabled && a.s3_bucket_name.as_deref() == Some(bucket))
        });
        let v2 = r.elb.v2.iter().filter(|lb| {
            lb.attribute("access_logs.s3.enabled") == "true" && lb.attribute("access_logs.s3.bucket") == bucket
        });
        classic.map(|lb| lb.name().to_string()).chain(v2.map(|lb| lb.name().to_string()))
    });
    buckets.chain(balancers.map(|name| ["load balancer ", &name].concat())).collect()
}

/// The CloudTrail bucket, with the policy CloudTrail needs before CreateTrail.
pub fn trail_bucket<A: AwsApi>(f: &mut Fixer<'_, A>) -> Result<String, Failed> {
    let home = f.home.clone();
    let name = names::trail_bucket(&f.account);
    if create_bucket(f, &home, &name)? {
        let statements = json!([
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{name}"),
             "Condition": {"StringEquals": {"aws:SourceAccount": f.account}}},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{name}/AWSLogs/{}/*", f.account),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": f.account}}}
        ]);
        put_policy(f, &home, &name, statements)?;
    }
    Ok(name)
}

/// The AWS Config bucket of `region`, with the policy Config needs before PutDeliveryChannel.
pub fn config_bucket<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<String, Failed> {
    let name = names::config_bucket(&f.account, region);
    if create_bucket(f, region, &name)? {
        let cond = json!({"StringEquals": {"AWS:SourceAccount": f.account}});
        let statements = json!([
            {"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{name}"), "Condition": cond},
            {"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
             "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{name}"), "Condition": cond},
            {"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{name}/AWSLogs/{}/Config/*", f.account),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": f.account}}}
        ]);
        put_policy(f, region, &name, statements)?;
    }
    Ok(name)
}

/// The customer-managed key of `region` (rotation on), whose policy lets CloudTrail, S3,
/// CloudWatch and CloudWatch Logs use it. Returns its ARN.
pub fn key<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<String, Failed> {
    if let Ok(found) = f.read::<kms::DescribeKey>(
        region,
        kms::DescribeKeyRequest { key_id: names::KEY_ALIAS.into(), ..Default::default() },
    ) {
        if let Some(meta) = found.key_metadata {
            if meta.key_state.as_deref() != Some("PendingDeletion") {
                return Ok(meta.arn.unwrap_or_default());
            }
        }
    }
    let account = f.account.clone();
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "CloudTrailEncryptLogs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
             "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:aws:cloudtrail:*:{account}:trail/*")}}},
            {"Sid": "ServicesPublishEncrypted", "Effect": "Allow",
             "Principal": {"Service": ["s3.amazonaws.com", "cloudwatch.amazonaws.com"]},
             "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"},
            {"Sid": "CloudWatchLogs", "Effect": "Allow", "Principal": {"Service": format!("logs.{region}.amazonaws.com")},
             "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
             "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": format!("arn:aws:logs:{region}:{account}:*")}}}
        ]
    });
    let created = f.call::<kms::CreateKey>(
        region,
        kms::CreateKeyRequest {
            policy: Some(policy.to_string()),
            description: Some("hubsim remediation key: CloudTrail, SNS and CloudWatch Logs encryption".into()),
            ..Default::default()
        },
    )?;
    let meta = created.key_metadata.unwrap_or_default();
    f.call::<kms::EnableKeyRotation>(
        region,
        kms::EnableKeyRotationRequest { key_id: meta.key_id.clone(), rotation_period_in_days: None },
    )?;
    f.call::<kms::CreateAlias>(
        region,
        kms::CreateAliasRequest { alias_name: names::KEY_ALIAS.into(), target_key_id: meta.key_id.clone() },
    )?;
    Ok(meta.arn.unwrap_or_default())
}

/// The encrypted topic of `region` that S3 and CloudWatch alarms may publish to. Returns its ARN.
pub fn topic<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<String, Failed> {
    let arn = format!("arn:aws:sns:{region}:{}:{}", f.account, names::TOPIC);
    if f.read::<sns::GetTopicAttributes>(region, sns::GetTopicAttributesInput { topic_arn: arn.clone() }).is_ok() {
        return Ok(arn);
    }
    let key = key(f, region)?;
    let account = f.account.clone();
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OwnerManages", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
             "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
             "Resource": arn},
            {"Sid": "S3Publishes", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
             "Action": "SNS:Publish", "Resource": arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
            // CloudWatch alarms of this account (CloudWatch.1–14) publish here too
            // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
            {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
             "Action": "SNS:Publish", "Resource": arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}}
        ]
    });
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert("KmsMasterKeyId".to_string(), key);
    attributes.insert("Policy".to_string(), policy.to_string());
    let out = f.call::<sns::CreateTopic>(
        region,
        sns::CreateTopicInput { name: names::TOPIC.into(), attributes: Some(attributes), ..Default::default() },
    )?;
    Ok(out.topic_arn.unwrap_or(arn))
}

/// A role trusted by `service` with one inline policy. Returns its ARN.
pub fn role<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    name: &str,
    service: &str,
    actions: &[&str],
    resource: &str,
) -> Result<String, Failed> {
    let home = f.home.clone();
    if let Ok(found) = f.read::<iam::GetRole>(&home, iam::GetRoleRequest { role_name: name.into() }) {
        return Ok(found.role.arn);
    }
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": f.account}}}]});
    let created = f.call::<iam::CreateRole>(
        &home,
        iam::CreateRoleRequest {
            role_name: name.into(),
            assume_role_policy_document: trust.to_string(),
            ..Default::default()
        },
    )?;
    let policy =
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]});
    f.call::<iam::PutRolePolicy>(
        &home,
        iam::PutRolePolicyRequest {
            role_name: name.into(),
            policy_name: format!("{name}-policy"),
            policy_document: policy.to_string(),
        },
    )?;
    Ok(created.role.arn)
}

/// A log group in `region`. Returns its ARN with the `:*` suffix CloudTrail wants.
pub fn log_group<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, name: &str) -> Result<String, Failed> {
    let found = f
        .read::<logs::DescribeLogGroups>(
            region,
            logs::DescribeLogGroupsRequest { log_group_name_prefix: Some(name.into()), ..Default::default() },
        )
        .map_err(|e| Failed { call: "logs:DescribeLogGroups".into(), error: e })?;
    let exists = found.log_groups.unwrap_or_default().iter().any(|g| g.log_group_name.as_deref() == Some(name));
    if !exists {
        f.call::<logs::CreateLogGroup>(
            region,
            logs::CreateLogGroupRequest { log_group_name: name.into(), ..Default::default() },
        )?;
    }
    Ok(format!("arn:aws:logs:{region}:{}:log-group:{name}:*", f.account))
}
