//! The RDS fixes (<https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html>,
//! each control's "Remediation"): a setting of a DB instance turned on through
//! ModifyDBInstance with `ApplyImmediately` (so a change RDS would otherwise keep for the
//! maintenance window is in force when the round re-evaluates), or public restore access
//! taken off a snapshot. Nothing is deleted or recreated: what RDS fixes only at creation
//! (encryption, the master username) or what would break the instance's clients (its port) is
//! justified.

use hubsim_api::model::rds;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::rds::{missing_logs, BACKUP_RETENTION_DEFAULT, CRITICAL_EVENTS, MONITORING_INTERVALS};
use crate::remediate::fixer::Fixer;
use crate::remediate::{support, Failed, Justification};

/// The role Enhanced Monitoring publishes OS metrics with (RDS.6).
pub const MONITORING_ROLE: &str = "hubsim-rds-monitoring";

/// What ModifyDBInstance needs to fix an instance.
const MODIFY: &[&str] = &["rds:ModifyDBInstance"];

/// The RDS fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let modify = |control: &'static str, how: super::Apply<A>| Fix {
        control,
        iam_actions: MODIFY,
        scope: Scope::Resource,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(how),
    };
    vec![
        Fix {
            control: "RDS.1",
            iam_actions: &["rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(rds_1),
        },
        modify("RDS.2", rds_2),
        Fix {
            control: "RDS.3",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::RdsEncryptionAtCreation),
        },
        Fix {
            control: "RDS.4",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::RdsSnapshotUnencrypted),
        },
        modify("RDS.5", rds_5),
        Fix {
            control: "RDS.6",
            iam_actions: &[
                "rds:ModifyDBInstance",
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:PassRole",
                // Read: whether the role exists.
                "iam:GetRole",
            ],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(rds_6),
        },
        modify("RDS.8", rds_8),
        modify("RDS.9", rds_9),
        modify("RDS.10", rds_10),
        modify("RDS.11", rds_11),
        modify("RDS.13", rds_13),
        modify("RDS.17", rds_17),
        events("RDS.19", rds_19),
        events("RDS.20", rds_20),
        events("RDS.21", rds_21),
        events("RDS.22", rds_22),
        Fix {
            control: "RDS.23",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::RdsDefaultPort),
        },
        Fix {
            control: "RDS.25",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::RdsDefaultAdminUsername),
        },
    ]
}

/// RDS.19–22's fix: once per region, an event subscription for the control's source type and
/// critical categories onto the region's shared encrypted topic (SNS.1 passes on it).
fn events<A: AwsApi>(control: &'static str, how: super::Apply<A>) -> Fix<A> {
    Fix {
        control,
        iam_actions: &[
            "rds:CreateEventSubscription",
            "sns:CreateTopic",
            "kms:CreateKey",
            "kms:EnableKeyRotation",
            "kms:CreateAlias",
            // Reads: whether the topic and key exist.
            "sns:GetTopicAttributes",
            "kms:DescribeKey",
        ],
        scope: Scope::Region,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(how),
    }
}

/// The name of the subscription RDS.19–22's fix creates for `source`.
pub fn subscription_name(source: &str) -> String {
    format!("hubsim-{source}-critical")
}

fn rds_19<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    critical_events(f, target, "RDS.19")
}

fn rds_20<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    critical_events(f, target, "RDS.20")
}

fn rds_21<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    critical_events(f, target, "RDS.21")
}

fn rds_22<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    critical_events(f, target, "RDS.22")
}

fn critical_events<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>, control: &str) -> Result<Done, Failed> {
    let Some((_, source, categories)) = CRITICAL_EVENTS.iter().find(|(c, _, _)| *c == control) else {
        return Ok(Done::Applied);
    };
    let topic = support::topic(f, target.region)?;
    f.call::<rds::CreateEventSubscription>(
        target.region,
        rds::CreateEventSubscriptionMessage {
            subscription_name: subscription_name(source),
            sns_topic_arn: topic,
            source_type: Some(source.to_string()),
            event_categories: Some(categories.iter().map(|c| c.to_string()).collect()),
            enabled: Some(true),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

/// The DB instance the finding is about, from the snapshot the round judged.
fn instance<'s>(target: &Target<'s>) -> Option<&'s rds::DBInstance> {
    target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.rds.instances.iter())
        .find(|i| i.db_instance_arn.as_deref() == Some(target.resource))
}

/// ModifyDBInstance on the finding's instance with `change` set, applied immediately.
fn modify<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    target: &Target<'_>,
    change: rds::ModifyDBInstanceMessage,
) -> Result<Done, Failed> {
    let Some(id) = instance(target).and_then(|i| i.db_instance_identifier.clone()) else { return Ok(Done::Applied) };
    f.call::<rds::ModifyDBInstance>(
        target.region,
        rds::ModifyDBInstanceMessage { db_instance_identifier: id, apply_immediately: Some(true), ..change },
    )?;
    Ok(Done::Applied)
}

/// Takes `all` off the (DB or DB cluster) snapshot's restore attribute; the accounts it is
/// shared with keep their access.
fn rds_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let mut views = target.snapshot.regions.iter().filter(|r| r.name == target.region).map(|r| &r.rds);
    let Some(view) = views.next() else { return Ok(Done::Applied) };
    let snapshot = view.snapshots.iter().find(|s| s.arn() == target.resource);
    if let Some(id) = snapshot.and_then(|s| s.snapshot.db_snapshot_identifier.clone()) {
        f.call::<rds::ModifyDBSnapshotAttribute>(
            target.region,
            rds::ModifyDBSnapshotAttributeMessage {
                db_snapshot_identifier: id,
                attribute_name: "restore".into(),
                values_to_add: None,
                values_to_remove: Some(vec!["all".into()]),
            },
        )?;
        return Ok(Done::Applied);
    }
    let cluster_snapshot = view.cluster_snapshots.iter().find(|s| s.arn() == target.resource);
    if let Some(id) = cluster_snapshot.and_then(|s| s.snapshot.db_cluster_snapshot_identifier.clone()) {
        f.call::<rds::ModifyDBClusterSnapshotAttribute>(
            target.region,
            rds::ModifyDBClusterSnapshotAttributeMessage {
                db_cluster_snapshot_identifier: id,
                attribute_name: "restore".into(),
                values_to_add: None,
                values_to_remove: Some(vec!["all".into()]),
            },
        )?;
    }
    Ok(Done::Applied)
}

fn rds_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBInstanceMessage { publicly_accessible: Some(false), ..Default::default() })
}

fn rds_5<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBInstanceMessage { multi_az: Some(true), ..Default::default() })
}

/// Enhanced Monitoring at the control's interval (60 s when unset), through a role trusted by
/// `monitoring.rds.amazonaws.com` with the permissions of AWS's AmazonRDSEnhancedMonitoringRole
/// (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html>).
fn rds_6<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let interval = target.params.int("monitoringInterval").filter(|i| MONITORING_INTERVALS.contains(i)).unwrap_or(60);
    let role = support::role(
        f,
        MONITORING_ROLE,
        "monitoring.rds.amazonaws.com",
        &[
            "logs:CreateLogGroup",
            "logs:PutRetentionPolicy",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogStreams",
            "logs:GetLogEvents",
        ],
        "arn:aws:logs:*:*:log-group:RDSOSMetrics:*",
    )?;
    modify(
        f,
        target,
        rds::ModifyDBInstanceMessage {
            monitoring_interval: Some(i32::try_from(interval).unwrap_or(60)),
            monitoring_role_arn: Some(role),
            ..Default::default()
        },
    )
}

fn rds_8<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBInstanceMessage { deletion_protection: Some(true), ..Default::default() })
}

/// Exports the log types the control requires that the instance does not export yet.
fn rds_9<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let missing: Vec<String> =
        instance(target).map(missing_logs).unwrap_or_default().into_iter().map(String::from).collect();
    if missing.is_empty() {
        return Ok(Done::Applied);
    }
    modify(
        f,
        target,
        rds::ModifyDBInstanceMessage {
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(missing),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    )
}

fn rds_10<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(
        f,
        target,
        rds::ModifyDBInstanceMessage { enable_iam_database_authentication: Some(true), ..Default::default() },
    )
}

/// Keeps automated backups for the control's minimum (7 days by default).
fn rds_11<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let days = target.params.int("backupRetentionMinimum").unwrap_or(BACKUP_RETENTION_DEFAULT);
    modify(
        f,
        target,
        rds::ModifyDBInstanceMessage {
            backup_retention_period: Some(i32::try_from(days).unwrap_or(7)),
            ..Default::default()
        },
    )
}

fn rds_13<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBInstanceMessage { auto_minor_version_upgrade: Some(true), ..Default::default() })
}

fn rds_17<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBInstanceMessage { copy_tags_to_snapshot: Some(true), ..Default::default() })
}
