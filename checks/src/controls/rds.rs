//! The RDS DB instance, DB snapshot and DB cluster snapshot (RDS.1, RDS.4) and event subscription
//! controls: RDS.1–RDS.6, RDS.8–RDS.11, RDS.13, RDS.17, RDS.19–RDS.23 and RDS.25
//! (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html>;
//! each rule's page: `https://docs.aws.amazon.com/config/latest/developerguide/<rule>.html`).
//!
//! Every instance control judges the instances DescribeDBInstances lists (hubsim's instances
//! are always `available`, the only state the rules evaluate besides backing-up and
//! storage-full); an instance an engine-specific rule does not cover gets no verdict
//! (AWS Config's NOT_APPLICABLE).

use hubsim_api::model::rds;

use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use crate::snapshot::{DbClusterSnapshotView, DbSnapshotView};

/// The backup retention RDS.11 asks for by default (its `backupRetentionMinimum`).
pub const BACKUP_RETENTION_DEFAULT: i64 = 7;

/// Enhanced Monitoring intervals (seconds) RDS accepts.
pub const MONITORING_INTERVALS: &[i64] = &[1, 5, 10, 15, 30, 60];

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "RDS.1",
        resource_type: "AWS::RDS::DBSnapshot",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-snapshots-public-prohibited"),
        parameters: &[],
        choices: "A manual DB snapshot or DB cluster snapshot (the rule covers both types) fails when its restore \
                  attribute holds \"all\"; a snapshot shared with named accounts only passes. Automated snapshots \
                  cannot be shared and hubsim takes none.",
        evaluate: rds_1,
    },
    Control {
        id: "RDS.2",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-instance-public-access-check"),
        parameters: &[],
        choices: "An instance fails when PubliclyAccessible is true, whatever its subnets' routes and security \
                  groups (the rule reads the flag alone). An instance created without the flag is public when its \
                  VPC has an internet gateway, as CreateDBInstance documents.",
        evaluate: rds_2,
    },
    Control {
        id: "RDS.3",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-storage-encrypted"),
        parameters: &[],
        choices: "An instance fails when StorageEncrypted is false; any KMS key (the AWS managed aws/rds key \
                  included) passes (the rule's optional kmsKeyId is not set by Security Hub).",
        evaluate: rds_3,
    },
    Control {
        id: "RDS.4",
        resource_type: "AWS::RDS::DBClusterSnapshot",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-snapshot-encrypted"),
        parameters: &[],
        choices: "Judges DB snapshots and DB cluster snapshots (the rule covers both): a snapshot fails when \
                  Encrypted (StorageEncrypted for a cluster snapshot) is false. Runs when AWS Config records \
                  AWS::RDS::DBClusterSnapshot, the type the catalogue lists [I].",
        evaluate: rds_4,
    },
    Control {
        id: "RDS.5",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-multi-az-support"),
        parameters: &[],
        choices: "An instance fails when MultiAZ is false; a Multi-AZ change pending for the maintenance window \
                  does not count until it is applied.",
        evaluate: rds_5,
    },
    Control {
        id: "RDS.6",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-enhanced-monitoring-enabled"),
        parameters: &[Parameter {
            name: "monitoringInterval",
            kind: ParamKind::Int { min: 1, max: 60 },
            default: None,
            doc: "the interval (1, 5, 10, 15, 30 or 60 seconds) an instance must use; any non-zero interval passes when unset",
        }],
        choices: "An instance fails when MonitoringInterval is 0 (Enhanced Monitoring off), or differs from \
                  monitoringInterval when that is set.",
        evaluate: rds_6,
    },
    Control {
        id: "RDS.8",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-instance-deletion-protection-enabled"),
        parameters: &[],
        choices: "An instance fails when DeletionProtection is false, whatever its engine.",
        evaluate: rds_8,
    },
    Control {
        id: "RDS.9",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-logging-enabled"),
        parameters: &[],
        choices: "An instance fails unless it exports every log type the control lists for its engine: MySQL and \
                  MariaDB audit, error, general, slowquery; PostgreSQL postgresql, upgrade; Oracle alert, audit, \
                  trace, listener; SQL Server error, agent. Db2, which the control does not list, gets no verdict \
                  [I].",
        evaluate: rds_9,
    },
    Control {
        id: "RDS.10",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-instance-iam-authentication-enabled"),
        parameters: &[],
        choices: "Judges the engines that support IAM database authentication (MySQL, MariaDB, PostgreSQL): \
                  fails when IAMDatabaseAuthenticationEnabled is false. Other engines get no verdict.",
        evaluate: rds_10,
    },
    Control {
        id: "RDS.11",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("db-instance-backup-enabled"),
        parameters: &[Parameter {
            name: "backupRetentionMinimum",
            kind: ParamKind::Int { min: 7, max: 35 },
            default: Some("7"),
            doc: "the fewest days of automated backups that pass",
        }],
        choices: "An instance fails when BackupRetentionPeriod is below backupRetentionMinimum (7 days by \
                  default: RDS's own default of 1 day fails); a change pending for the maintenance window does \
                  not count until applied.",
        evaluate: rds_11,
    },
    Control {
        id: "RDS.13",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-automatic-minor-version-upgrade-enabled"),
        parameters: &[],
        choices: "An instance fails when AutoMinorVersionUpgrade is false.",
        evaluate: rds_13,
    },
    Control {
        id: "RDS.17",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-instance-copy-tags-to-snapshots-enabled"),
        parameters: &[],
        choices: "An instance fails when CopyTagsToSnapshot is false.",
        evaluate: rds_17,
    },
    Control {
        id: "RDS.19",
        resource_type: "AWS::RDS::EventSubscription",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-event-notifications-configured"),
        parameters: &[],
        choices: EVENT_CHOICES,
        evaluate: rds_19,
    },
    Control {
        id: "RDS.20",
        resource_type: "AWS::RDS::EventSubscription",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-instance-event-notifications-configured"),
        parameters: &[],
        choices: EVENT_CHOICES,
        evaluate: rds_20,
    },
    Control {
        id: "RDS.21",
        resource_type: "AWS::RDS::EventSubscription",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-pg-event-notifications-configured"),
        parameters: &[],
        choices: EVENT_CHOICES,
        evaluate: rds_21,
    },
    Control {
        id: "RDS.22",
        resource_type: "AWS::RDS::EventSubscription",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-sg-event-notifications-configured"),
        parameters: &[],
        choices: EVENT_CHOICES,
        evaluate: rds_22,
    },
    Control {
        id: "RDS.23",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-no-default-ports"),
        parameters: &[],
        choices: "An instance fails when its endpoint port is its engine's default (MySQL, MariaDB 3306; \
                  PostgreSQL 5432; Oracle 1521; SQL Server 1433; Db2 50000) [U: the rule's name is Security \
                  Hub's own].",
        evaluate: rds_23,
    },
    Control {
        id: "RDS.25",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-instance-default-admin-check"),
        parameters: &[],
        choices: "An instance fails when its master username is one of the engines' defaults, \"admin\" or \
                  \"postgres\" (compared case-sensitively, as the rule's default validAdminUserNames is not set).",
        evaluate: rds_25,
    },
];

/// How RDS.19–22 read the region's event subscriptions.
const EVENT_CHOICES: &str = "Judged only where the region has event subscriptions (the rule is triggered by changes \
     to AWS::RDS::EventSubscription; a region with none gets no verdict). Then every subscription gets one \
     verdict: PASSED when some enabled subscription of the region covers the control's source type (its \
     SourceType, or none: every source) and its critical categories (listed, or none: every category), FAILED \
     otherwise [I].";

/// The source type and critical event categories RDS.19–22 ask a subscription to cover.
pub const CRITICAL_EVENTS: &[(&str, &str, &[&str])] = &[
    ("RDS.19", "db-cluster", &["failure", "maintenance"]),
    ("RDS.20", "db-instance", &["maintenance", "configuration change", "failure"]),
    ("RDS.21", "db-parameter-group", &["configuration change"]),
    ("RDS.22", "db-security-group", &["configuration change", "failure"]),
];

/// Whether `sub` is enabled and covers `source` events of every category in `categories`.
pub fn covers(sub: &rds::EventSubscription, source: &str, categories: &[&str]) -> bool {
    let source_ok = sub.source_type.as_deref().is_none_or(|t| t == source);
    let listed = sub.event_categories_list.clone().unwrap_or_default();
    let categories_ok = listed.is_empty() || categories.iter().all(|c| listed.iter().any(|l| l == c));
    sub.enabled == Some(true) && source_ok && categories_ok
}

fn critical_events(i: &Input<'_>, control: &str) -> Vec<Verdict> {
    let Some((_, source, categories)) = CRITICAL_EVENTS.iter().find(|(c, _, _)| *c == control) else {
        return Vec::new();
    };
    let subs = &i.region.rds.subscriptions;
    let covering = subs.iter().find(|s| covers(s, source, categories));
    subs.iter()
        .map(|s| {
            let resource = ResourceRef {
                id: s.event_subscription_arn.clone().or_else(|| s.cust_subscription_id.clone()).unwrap_or_default(),
                kind: "AwsRdsEventSubscription",
            };
            match covering {
                Some(c) => Verdict::pass(
                    resource,
                    format!(
                        "event subscription {} notifies {source} events ({})",
                        c.cust_subscription_id.as_deref().unwrap_or("?"),
                        categories.join(", ")
                    ),
                ),
                None => Verdict::fail(
                    resource,
                    format!(
                        "no enabled event subscription in {} notifies {source} events ({})",
                        i.region.name,
                        categories.join(", ")
                    ),
                ),
            }
        })
        .collect()
}

fn rds_19(i: &Input<'_>) -> Vec<Verdict> {
    critical_events(i, "RDS.19")
}

fn rds_20(i: &Input<'_>) -> Vec<Verdict> {
    critical_events(i, "RDS.20")
}

fn rds_21(i: &Input<'_>) -> Vec<Verdict> {
    critical_events(i, "RDS.21")
}

fn rds_22(i: &Input<'_>) -> Vec<Verdict> {
    critical_events(i, "RDS.22")
}

/// The finding resource of a DB instance.
pub fn instance_ref(i: &rds::DBInstance) -> ResourceRef {
    let id = i.db_instance_arn.clone().or_else(|| i.db_instance_identifier.clone()).unwrap_or_default();
    ResourceRef { id, kind: "AwsRdsDbInstance" }
}

fn name(i: &rds::DBInstance) -> &str {
    i.db_instance_identifier.as_deref().unwrap_or("?")
}

fn engine(i: &rds::DBInstance) -> &str {
    i.engine.as_deref().unwrap_or_default()
}

/// One verdict per instance by `ok`, with the reasons built from the instance's name.
fn each(
    input: &Input<'_>,
    ok: impl Fn(&rds::DBInstance) -> bool,
    pass: impl Fn(&str) -> String,
    fail: impl Fn(&str) -> String,
) -> Vec<Verdict> {
    input
        .region
        .rds
        .instances
        .iter()
        .map(|i| Verdict::check(instance_ref(i), ok(i), pass(name(i)), fail(name(i))))
        .collect()
}

fn snapshot_ref(s: &DbSnapshotView, kind: &'static str) -> ResourceRef {
    ResourceRef { id: s.arn(), kind }
}

fn rds_1(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .snapshots
        .iter()
        .map(|s| {
            let id = s.snapshot.db_snapshot_identifier.as_deref().unwrap_or("?");
            Verdict::check(
                snapshot_ref(s, "AwsRdsDbSnapshot"),
                !s.public(),
                format!("DB snapshot {id} is not public (restore: {})", s.restore.join(", ")),
                format!("DB snapshot {id} is public: its restore attribute includes \"all\""),
            )
        })
        .chain(i.region.rds.cluster_snapshots.iter().map(|s| {
            let id = s.snapshot.db_cluster_snapshot_identifier.as_deref().unwrap_or("?");
            Verdict::check(
                cluster_snapshot_ref(s),
                !s.public(),
                format!("DB cluster snapshot {id} is not public (restore: {})", s.restore.join(", ")),
                format!("DB cluster snapshot {id} is public: its restore attribute includes \"all\""),
            )
        }))
        .collect()
}

fn cluster_snapshot_ref(s: &DbClusterSnapshotView) -> ResourceRef {
    ResourceRef { id: s.arn(), kind: "AwsRdsDbClusterSnapshot" }
}

fn rds_2(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |d| d.publicly_accessible != Some(true),
        |n| format!("DB instance {n} is not publicly accessible"),
        |n| format!("DB instance {n} is publicly accessible (PubliclyAccessible is true)"),
    )
}

fn rds_3(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |d| d.storage_encrypted == Some(true),
        |n| format!("DB instance {n}'s storage is encrypted"),
        |n| format!("DB instance {n}'s storage is not encrypted at rest"),
    )
}

fn rds_4(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .snapshots
        .iter()
        .map(|s| {
            let id = s.snapshot.db_snapshot_identifier.as_deref().unwrap_or("?");
            Verdict::check(
                snapshot_ref(s, "AwsRdsDbSnapshot"),
                s.snapshot.encrypted == Some(true),
                format!("DB snapshot {id} is encrypted"),
                format!("DB snapshot {id} is not encrypted at rest"),
            )
        })
        .chain(i.region.rds.cluster_snapshots.iter().map(|s| {
            let id = s.snapshot.db_cluster_snapshot_identifier.as_deref().unwrap_or("?");
            Verdict::check(
                cluster_snapshot_ref(s),
                s.snapshot.storage_encrypted == Some(true),
                format!("DB cluster snapshot {id} is encrypted"),
                format!("DB cluster snapshot {id} is not encrypted at rest"),
            )
        }))
        .collect()
}

fn rds_5(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |d| d.multi_az == Some(true),
        |n| format!("DB instance {n} is Multi-AZ"),
        |n| format!("DB instance {n} runs in a single Availability Zone (MultiAZ is false)"),
    )
}

fn rds_6(i: &Input<'_>) -> Vec<Verdict> {
    let wanted = i.params.int("monitoringInterval");
    i.region
        .rds
        .instances
        .iter()
        .map(|d| {
            let n = name(d);
            let interval = i64::from(d.monitoring_interval.unwrap_or(0));
            let verdict = match wanted {
                _ if interval == 0 => {
                    Err(format!("DB instance {n} has Enhanced Monitoring off (MonitoringInterval 0)"))
                }
                Some(w) if w != interval => {
                    Err(format!("DB instance {n} monitors every {interval} s, not every {w} s as required"))
                }
                _ => Ok(format!("DB instance {n} has Enhanced Monitoring every {interval} s")),
            };
            match verdict {
                Ok(why) => Verdict::pass(instance_ref(d), why),
                Err(why) => Verdict::fail(instance_ref(d), why),
            }
        })
        .collect()
}

fn rds_8(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |d| d.deletion_protection == Some(true),
        |n| format!("DB instance {n} has deletion protection on"),
        |n| format!("DB instance {n} has deletion protection off"),
    )
}

/// The log types RDS.9 requires of `engine`; `None` for an engine it does not judge.
pub fn required_logs(engine: &str) -> Option<&'static [&'static str]> {
    match engine {
        "mysql" | "mariadb" => Some(&["audit", "error", "general", "slowquery"]),
        "postgres" => Some(&["postgresql", "upgrade"]),
        e if e.starts_with("oracle") => Some(&["alert", "audit", "trace", "listener"]),
        e if e.starts_with("sqlserver") => Some(&["error", "agent"]),
        _ => None,
    }
}

/// The log types of `required_logs` instance `d` does not export.
pub fn missing_logs(d: &rds::DBInstance) -> Vec<&'static str> {
    let exported = d.enabled_cloudwatch_logs_exports.clone().unwrap_or_default();
    required_logs(engine(d)).unwrap_or_default().iter().copied().filter(|l| !exported.iter().any(|e| e == l)).collect()
}

fn rds_9(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .instances
        .iter()
        .filter(|d| required_logs(engine(d)).is_some())
        .map(|d| {
            let missing = missing_logs(d);
            Verdict::check(
                instance_ref(d),
                missing.is_empty(),
                format!("DB instance {} exports every required log type to CloudWatch Logs", name(d)),
                format!("DB instance {} does not export {} to CloudWatch Logs", name(d), missing.join(", ")),
            )
        })
        .collect()
}

/// Whether RDS.10 judges `engine` (it supports IAM database authentication).
pub fn iam_auth_engine(engine: &str) -> bool {
    matches!(engine, "mysql" | "mariadb" | "postgres")
}

fn rds_10(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .instances
        .iter()
        .filter(|d| iam_auth_engine(engine(d)))
        .map(|d| {
            Verdict::check(
                instance_ref(d),
                d.iam_database_authentication_enabled == Some(true),
                format!("DB instance {} has IAM database authentication on", name(d)),
                format!("DB instance {} has IAM database authentication off", name(d)),
            )
        })
        .collect()
}

fn rds_11(i: &Input<'_>) -> Vec<Verdict> {
    let minimum = i.params.int("backupRetentionMinimum").unwrap_or(BACKUP_RETENTION_DEFAULT);
    i.region
        .rds
        .instances
        .iter()
        .map(|d| {
            let days = i64::from(d.backup_retention_period.unwrap_or(0));
            let n = name(d);
            Verdict::check(
                instance_ref(d),
                days >= minimum,
                format!("DB instance {n} keeps automated backups for {days} days (at least {minimum})"),
                match days {
                    0 => format!("DB instance {n} has automated backups off (BackupRetentionPeriod 0)"),
                    1 => format!("DB instance {n} keeps automated backups for 1 day, fewer than {minimum}"),
                    _ => format!("DB instance {n} keeps automated backups for {days} days, fewer than {minimum}"),
                },
            )
        })
        .collect()
}

fn rds_13(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |d| d.auto_minor_version_upgrade == Some(true),
        |n| format!("DB instance {n} takes automatic minor version upgrades"),
        |n| format!("DB instance {n} has automatic minor version upgrades off"),
    )
}

fn rds_17(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |d| d.copy_tags_to_snapshot == Some(true),
        |n| format!("DB instance {n} copies its tags to snapshots"),
        |n| format!("DB instance {n} does not copy its tags to snapshots"),
    )
}

/// The default port of `engine`, if hubsim knows it.
pub fn default_port(engine: &str) -> Option<i32> {
    match engine {
        "mysql" | "mariadb" => Some(3306),
        "postgres" => Some(5432),
        e if e.starts_with("oracle") => Some(1521),
        e if e.starts_with("sqlserver") => Some(1433),
        e if e.starts_with("db2") => Some(50000),
        _ => None,
    }
}

fn rds_23(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .instances
        .iter()
        .map(|d| {
            let port = d.endpoint.as_ref().and_then(|e| e.port);
            let default = default_port(engine(d));
            let n = name(d);
            let shown = port.map_or("?".to_string(), |p| p.to_string());
            Verdict::check(
                instance_ref(d),
                port.is_none() || port != default,
                format!("DB instance {n} listens on port {shown}, not its engine's default"),
                format!("DB instance {n} listens on {}'s default port {shown}", engine(d)),
            )
        })
        .collect()
}

/// The master usernames RDS.25 fails.
pub const DEFAULT_ADMIN_USERNAMES: &[&str] = &["admin", "postgres"];

fn rds_25(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .instances
        .iter()
        .map(|d| {
            let user = d.master_username.as_deref().unwrap_or_default();
            Verdict::check(
                instance_ref(d),
                !DEFAULT_ADMIN_USERNAMES.contains(&user),
                format!("DB instance {}'s master username {user} is not a default one", name(d)),
                format!("DB instance {}'s master username is the default {user}", name(d)),
            )
        })
        .collect()
}
