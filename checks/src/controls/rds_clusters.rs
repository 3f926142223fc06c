//! The RDS DB cluster controls: RDS.7, RDS.12, RDS.14, RDS.15, RDS.16, RDS.24, RDS.27, RDS.34
//! and RDS.35 (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html>;
//! each rule's page: `https://docs.aws.amazon.com/config/latest/developerguide/<rule>.html`).
//!
//! Every control judges the clusters DescribeDBClusters lists; a cluster an engine-specific
//! rule does not cover gets no verdict (AWS Config's NOT_APPLICABLE).

use hubsim_api::model::rds;

use super::rds::DEFAULT_ADMIN_USERNAMES;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "RDS.7",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-deletion-protection-enabled"),
        parameters: &[],
        choices: "A DB cluster (Aurora or Multi-AZ) fails when DeletionProtection is false.",
        evaluate: rds_7,
    },
    Control {
        id: "RDS.12",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-iam-authentication-enabled"),
        parameters: &[],
        choices: "A DB cluster fails when IAMDatabaseAuthenticationEnabled is false, whatever its engine (every \
                  cluster engine hubsim simulates takes IAM database authentication).",
        evaluate: rds_12,
    },
    Control {
        id: "RDS.14",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("aurora-mysql-backtracking-enabled"),
        parameters: &[],
        choices: "Judges Aurora MySQL clusters only (the rule's NON_COMPLIANT case is a MySQL-compatible Aurora \
                  cluster): fails when BacktrackWindow is absent or 0. Other engines get no verdict; the rule's \
                  optional BacktrackWindowInHours is not set by Security Hub, so any window passes.",
        evaluate: rds_14,
    },
    Control {
        id: "RDS.15",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-multi-az-enabled"),
        parameters: &[],
        choices: "A DB cluster fails when its MultiAZ property is false. A Multi-AZ DB cluster always passes; an \
                  Aurora cluster passes when its instances span zones, and hubsim does not simulate an Aurora \
                  cluster's instances, so it always fails [I].",
        evaluate: rds_15,
    },
    Control {
        id: "RDS.16",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-copy-tags-to-snapshots-enabled"),
        parameters: &[],
        choices: "A DB cluster fails when CopyTagsToSnapshot is false.",
        evaluate: rds_16,
    },
    Control {
        id: "RDS.24",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-default-admin-check"),
        parameters: &[],
        choices: "A DB cluster fails when its master username is one of the engines' defaults, \"admin\" or \
                  \"postgres\" (compared case-sensitively; the rule's validAdminUserNames is not set).",
        evaluate: rds_24,
    },
    Control {
        id: "RDS.27",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-encrypted-at-rest"),
        parameters: &[],
        choices: "A DB cluster fails when StorageEncrypted is false; any KMS key passes.",
        evaluate: rds_27,
    },
    Control {
        id: "RDS.34",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-aurora-mysql-audit-logging-enabled"),
        parameters: &[],
        choices: "Judges Aurora MySQL clusters only: fails unless EnabledCloudwatchLogsExports holds \"audit\". \
                  Publishing through the server_audit_logs_upload cluster parameter is not simulated (hubsim has \
                  no cluster parameter groups) [I].",
        evaluate: rds_34,
    },
    Control {
        id: "RDS.35",
        resource_type: "AWS::RDS::DBCluster",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("rds-cluster-auto-minor-version-upgrade-enable"),
        parameters: &[],
        choices: "Judges Multi-AZ DB clusters only (the rule checks \"Amazon RDS Multi-AZ cluster deployments\"): \
                  fails when AutoMinorVersionUpgrade is false. Aurora clusters get no verdict [I].",
        evaluate: rds_35,
    },
];

/// The finding resource of a DB cluster.
pub fn cluster_ref(c: &rds::DBCluster) -> ResourceRef {
    let id = c.db_cluster_arn.clone().or_else(|| c.db_cluster_identifier.clone()).unwrap_or_default();
    ResourceRef { id, kind: "AwsRdsDbCluster" }
}

fn name(c: &rds::DBCluster) -> &str {
    c.db_cluster_identifier.as_deref().unwrap_or("?")
}

/// Whether `c` is an Aurora MySQL cluster (RDS.14, RDS.34).
pub fn aurora_mysql(c: &rds::DBCluster) -> bool {
    c.engine.as_deref() == Some("aurora-mysql")
}

/// Whether `c` is a Multi-AZ DB cluster (not Aurora: RDS.35).
pub fn multi_az_cluster(c: &rds::DBCluster) -> bool {
    !c.engine.as_deref().unwrap_or_default().starts_with("aurora")
}

/// One verdict per cluster `judged` selects, by `ok`, with reasons built from its name.
fn each(
    input: &Input<'_>,
    judged: impl Fn(&rds::DBCluster) -> bool,
    ok: impl Fn(&rds::DBCluster) -> bool,
    pass: impl Fn(&str) -> String,
    fail: impl Fn(&str) -> String,
) -> Vec<Verdict> {
    input
        .region
        .rds
        .clusters
        .iter()
        .filter(|c| judged(c))
        .map(|c| Verdict::check(cluster_ref(c), ok(c), pass(name(c)), fail(name(c))))
        .collect()
}

fn rds_7(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |_| true,
        |c| c.deletion_protection == Some(true),
        |n| format!("DB cluster {n} has deletion protection on"),
        |n| format!("DB cluster {n} has deletion protection off"),
    )
}

fn rds_12(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |_| true,
        |c| c.iam_database_authentication_enabled == Some(true),
        |n| format!("DB cluster {n} has IAM database authentication on"),
        |n| format!("DB cluster {n} has IAM database authentication off"),
    )
}

fn rds_14(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        aurora_mysql,
        |c| c.backtrack_window.unwrap_or(0) > 0,
        |n| format!("Aurora MySQL cluster {n} has backtracking on"),
        |n| format!("Aurora MySQL cluster {n} has backtracking off (no backtrack window)"),
    )
}

fn rds_15(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |_| true,
        |c| c.multi_az == Some(true),
        |n| format!("DB cluster {n} spans several Availability Zones"),
        |n| format!("DB cluster {n} runs in a single Availability Zone (MultiAZ is false)"),
    )
}

fn rds_16(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |_| true,
        |c| c.copy_tags_to_snapshot == Some(true),
        |n| format!("DB cluster {n} copies its tags to snapshots"),
        |n| format!("DB cluster {n} does not copy its tags to snapshots"),
    )
}

fn rds_24(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .rds
        .clusters
        .iter()
        .map(|c| {
            let user = c.master_username.as_deref().unwrap_or_default();
            Verdict::check(
                cluster_ref(c),
                !DEFAULT_ADMIN_USERNAMES.contains(&user),
                format!("DB cluster {}'s master username {user} is not a default one", name(c)),
                format!("DB cluster {}'s master username is the default {user}", name(c)),
            )
        })
        .collect()
}

fn rds_27(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        |_| true,
        |c| c.storage_encrypted == Some(true),
        |n| format!("DB cluster {n} is encrypted at rest"),
        |n| format!("DB cluster {n} is not encrypted at rest"),
    )
}

/// Whether cluster `c` exports its audit log to CloudWatch Logs (RDS.34).
pub fn exports_audit(c: &rds::DBCluster) -> bool {
    c.enabled_cloudwatch_logs_exports.iter().flatten().any(|l| l == "audit")
}

fn rds_34(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        aurora_mysql,
        exports_audit,
        |n| format!("Aurora MySQL cluster {n} publishes its audit log to CloudWatch Logs"),
        |n| format!("Aurora MySQL cluster {n} does not publish its audit log to CloudWatch Logs"),
    )
}

fn rds_35(i: &Input<'_>) -> Vec<Verdict> {
    each(
        i,
        multi_az_cluster,
        |c| c.auto_minor_version_upgrade == Some(true),
        |n| format!("Multi-AZ DB cluster {n} takes automatic minor version upgrades"),
        |n| format!("Multi-AZ DB cluster {n} has automatic minor version upgrades off"),
    )
}
