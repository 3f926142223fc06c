//! The RDS DB cluster fixes (<https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html>,
//! each control's "Remediation"): a setting of a DB cluster turned on through ModifyDBCluster
//! with `ApplyImmediately` (deletion protection, IAM authentication, copying tags, the audit
//! log export, automatic minor version upgrades). Nothing is deleted or recreated: what RDS sets
//! only when a cluster is created (encryption, backtracking, the master username) or what needs
//! a new billed instance (a reader in another zone) is justified.

use hubsim_api::model::rds;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::rds_clusters::exports_audit;
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};

/// What ModifyDBCluster needs to fix a cluster.
const MODIFY: &[&str] = &["rds:ModifyDBCluster"];

/// The RDS DB cluster fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let modify = |control: &'static str, how: super::Apply<A>| Fix {
        control,
        iam_actions: MODIFY,
        scope: Scope::Resource,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(how),
    };
    let justified = |control: &'static str, why: Justification| Fix {
        control,
        iam_actions: &[],
        scope: Scope::Resource,
        after: &[],
        how: How::Justified(why),
    };
    vec![
        modify("RDS.7", rds_7),
        modify("RDS.12", rds_12),
        justified("RDS.14", Justification::RdsBacktrackAtCreation),
        justified("RDS.15", Justification::RdsClusterSingleZone),
        modify("RDS.16", rds_16),
        justified("RDS.24", Justification::RdsClusterDefaultAdminUsername),
        justified("RDS.27", Justification::RdsClusterEncryptionAtCreation),
        modify("RDS.34", rds_34),
        modify("RDS.35", rds_35),
    ]
}

/// The DB cluster the finding is about, from the snapshot the round judged.
fn cluster<'s>(target: &Target<'s>) -> Option<&'s rds::DBCluster> {
    target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.rds.clusters.iter())
        .find(|c| c.db_cluster_arn.as_deref() == Some(target.resource))
}

/// ModifyDBCluster on the finding's cluster with `change` set, applied immediately.
fn modify<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    target: &Target<'_>,
    change: rds::ModifyDBClusterMessage,
) -> Result<Done, Failed> {
    let Some(id) = cluster(target).and_then(|c| c.db_cluster_identifier.clone()) else { return Ok(Done::Applied) };
    f.call::<rds::ModifyDBCluster>(
        target.region,
        rds::ModifyDBClusterMessage { db_cluster_identifier: id, apply_immediately: Some(true), ..change },
    )?;
    Ok(Done::Applied)
}

fn rds_7<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBClusterMessage { deletion_protection: Some(true), ..Default::default() })
}

fn rds_12<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(
        f,
        target,
        rds::ModifyDBClusterMessage { enable_iam_database_authentication: Some(true), ..Default::default() },
    )
}

fn rds_16<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBClusterMessage { copy_tags_to_snapshot: Some(true), ..Default::default() })
}

/// Exports the audit log to CloudWatch Logs, keeping the exports the cluster already has.
fn rds_34<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    if cluster(target).is_none_or(exports_audit) {
        return Ok(Done::Applied);
    }
    modify(
        f,
        target,
        rds::ModifyDBClusterMessage {
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(vec!["audit".into()]),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    )
}

fn rds_35<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    modify(f, target, rds::ModifyDBClusterMessage { auto_minor_version_upgrade: Some(true), ..Default::default() })
}
