//! The engine-specific RDS log export controls: RDS.36 (RDS for PostgreSQL), RDS.37 (Aurora
//! PostgreSQL clusters), RDS.40 (RDS for SQL Server) and RDS.42 (RDS for MariaDB)
//! (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html>; the rules:
//! <https://docs.aws.amazon.com/config/latest/developerguide/rds-postgresql-logs-to-cloudwatch.html>,
//! <https://docs.aws.amazon.com/config/latest/developerguide/mariadb-publish-logs-to-cloudwatch-logs.html>).
//!
//! Each judges only its engine's instances (or clusters); the others get no verdict. The rules'
//! optional `logTypes` is not set by Security Hub, so each asks for its rule's default types.

use hubsim_api::model::rds;

use super::rds::instance_ref;
use super::rds_clusters::cluster_ref;
use crate::control::{Control, Input, Schedule, Verdict};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "RDS.36",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-postgresql-logs-to-cloudwatch"),
        parameters: &[],
        choices: "Judges PostgreSQL DB instances: fails unless EnabledCloudwatchLogsExports holds \"postgresql\" (the \
                  rule's default logTypes).",
        evaluate: rds_36,
    },
    Control {
        id: "RDS.37",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-aurora-postgresql-logs-to-cloudwatch"),
        parameters: &[],
        choices: "Judges Aurora PostgreSQL DB clusters: fails unless the cluster's EnabledCloudwatchLogsExports holds \
                  \"postgresql\" (the rule's default logTypes).",
        evaluate: rds_37,
    },
    Control {
        id: "RDS.40",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-sqlserver-logs-to-cloudwatch"),
        parameters: &[],
        choices:
            "Judges SQL Server DB instances (every edition): fails unless EnabledCloudwatchLogsExports holds both \
                  SQL Server log types, \"error\" and \"agent\" [U: the rule's default logTypes].",
        evaluate: rds_40,
    },
    Control {
        id: "RDS.42",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::Periodic,
        config_rule: Some("mariadb-publish-logs-to-cloudwatch-logs"),
        parameters: &[],
        choices:
            "Judges MariaDB DB instances: fails unless EnabledCloudwatchLogsExports holds \"error\" and \"audit\" \
                  (the rule's default logTypes).",
        evaluate: rds_42,
    },
];

/// The log types each engine control asks for, by the engine it judges (`sqlserver` covers
/// every edition).
pub const ENGINE_LOGS: &[(&str, &str, &[&str])] = &[
    ("RDS.36", "postgres", &["postgresql"]),
    ("RDS.40", "sqlserver", &["error", "agent"]),
    ("RDS.42", "mariadb", &["error", "audit"]),
];

/// The log types of `control` that instance `d` does not export, or `None` when the control
/// does not judge its engine.
pub fn missing_engine_logs(control: &str, d: &rds::DBInstance) -> Option<Vec<&'static str>> {
    let (_, engine, wanted) = ENGINE_LOGS.iter().find(|(c, _, _)| *c == control)?;
    let own = d.engine.as_deref().unwrap_or_default();
    let judged = if *engine == "sqlserver" { own.starts_with("sqlserver") } else { own == *engine };
    if !judged {
        return None;
    }
    let exported = d.enabled_cloudwatch_logs_exports.clone().unwrap_or_default();
    Some(wanted.iter().copied().filter(|w| !exported.iter().any(|e| e == w)).collect())
}

fn engine_logs(i: &Input<'_>, control: &str) -> Vec<Verdict> {
    i.region
        .rds
        .instances
        .iter()
        .filter_map(|d| {
            let missing = missing_engine_logs(control, d)?;
            let n = d.db_instance_identifier.as_deref().unwrap_or("?");
            Some(Verdict::check(
                instance_ref(d),
                missing.is_empty(),
                format!("DB instance {n} publishes its logs to CloudWatch Logs"),
                format!("DB instance {n} does not publish {} to CloudWatch Logs", missing.join(", ")),
            ))
        })
        .collect()
}

fn rds_36(i: &Input<'_>) -> Vec<Verdict> {
    engine_logs(i, "RDS.36")
}

fn rds_40(i: &Input<'_>) -> Vec<Verdict> {
    engine_logs(i, "RDS.40")
}

fn rds_42(i: &Input<'_>) -> Vec<Verdict> {
    engine_logs(i, "RDS.42")
}

/// Whether cluster `c` is Aurora PostgreSQL and does not export its `postgresql` log (RDS.37).
pub fn aurora_postgres_unlogged(c: &rds::DBCluster) -> bool {
    c.engine.as_deref() == Some("aurora-postgresql")
        && !c.enabled_cloudwatch_logs_exports.iter().flatten().any(|l| l == "postgresql")
}

fn rds_37(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .clusters
        .iter()
        .filter(|c| c.engine.as_deref() == Some("aurora-postgresql"))
        .map(|c| {
            let n = c.db_cluster_identifier.as_deref().unwrap_or("?");
            Verdict::check(
                cluster_ref(c),
                !aurora_postgres_unlogged(c),
                format!("Aurora PostgreSQL cluster {n} publishes its postgresql log to CloudWatch Logs"),
                format!("Aurora PostgreSQL cluster {n} does not publish its postgresql log to CloudWatch Logs"),
            )
        })
        .collect()
}
