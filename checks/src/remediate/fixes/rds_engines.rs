//! The fixes of the engine-specific RDS log controls (RDS.36, RDS.37, RDS.40, RDS.42): the log
//! types the control asks for exported to CloudWatch Logs through ModifyDBInstance or
//! ModifyDBCluster (`CloudwatchLogsExportConfiguration`, applied at once), keeping the exports
//! already on (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html>).

use hubsim_api::model::rds;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::rds_engines::{aurora_postgres_unlogged, missing_engine_logs};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;

/// The engine log fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let instance = |control: &'static str, how: super::Apply<A>| Fix {
        control,
        iam_actions: &["rds:ModifyDBInstance"],
        scope: Scope::Resource,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(how),
    };
    vec![
        instance("RDS.36", rds_36),
        Fix {
            control: "RDS.37",
            iam_actions: &["rds:ModifyDBCluster"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(rds_37),
        },
        instance("RDS.40", rds_40),
        instance("RDS.42", rds_42),
    ]
}

fn rds_36<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    export_instance_logs(f, target, "RDS.36")
}

fn rds_40<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    export_instance_logs(f, target, "RDS.40")
}

fn rds_42<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    export_instance_logs(f, target, "RDS.42")
}

/// Exports the log types `control` asks of the finding's instance that it does not export yet.
fn export_instance_logs<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>, control: &str) -> Result<Done, Failed> {
    let instance = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.rds.instances.iter())
        .find(|i| i.db_instance_arn.as_deref() == Some(target.resource));
    let Some(d) = instance else { return Ok(Done::Applied) };
    let missing: Vec<String> =
        missing_engine_logs(control, d).unwrap_or_default().into_iter().map(String::from).collect();
    let Some(id) = d.db_instance_identifier.clone().filter(|_| !missing.is_empty()) else {
        return Ok(Done::Applied);
    };
    f.call::<rds::ModifyDBInstance>(
        target.region,
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: id,
            apply_immediately: Some(true),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(missing),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

/// Exports the Aurora PostgreSQL cluster's `postgresql` log.
fn rds_37<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let cluster = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.rds.clusters.iter())
        .find(|c| c.db_cluster_arn.as_deref() == Some(target.resource));
    let Some(id) = cluster.filter(|c| aurora_postgres_unlogged(c)).and_then(|c| c.db_cluster_identifier.clone()) else {
        return Ok(Done::Applied);
    };
    f.call::<rds::ModifyDBCluster>(
        target.region,
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: id,
            apply_immediately: Some(true),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(vec!["postgresql".into()]),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}
