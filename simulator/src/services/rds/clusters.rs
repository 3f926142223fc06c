//! CreateDBCluster, DescribeDBClusters, ModifyDBCluster, DeleteDBCluster for Aurora DB clusters
//! (`aurora-mysql`, `aurora-postgresql`) and Multi-AZ DB clusters (`mysql`, `postgres`)
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html>).
//!
//! hubsim's readings: a cluster is `available` at once and every modification applies at once
//! (hubsim has no maintenance window); an Aurora cluster has no member instances (hubsim does
//! not simulate them), so its `MultiAZ` is false, while a Multi-AZ DB cluster's is true
//! (its writer and two readers are in three zones).

use hubsim_model::rds;

use super::cluster_engines::{self, ClusterEngine};
use super::cluster_snapshots::{cluster_snapshot_of, ClusterSnapshotDoc};
use super::instances::{check_class, check_port, check_retention, encryption_key, has_internet_gateway, placement};
use super::tags::check_tags;
use super::{
    arn, check_identifier, identifier_of, invalid_combination, invalid_value, page, page_bounds, read_filters,
};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateDBCluster>()
        .add::<rds::DescribeDBClusters>()
        .add::<rds::ModifyDBCluster>()
        .add::<rds::DeleteDBCluster>();
}

/// The longest backtrack window, in seconds (72 hours).
const MAX_BACKTRACK: i64 = 259_200;

/// 404 `DBClusterNotFoundFault`.
pub(crate) fn cluster_not_found(id: &str) -> AwsError {
    AwsError::not_found("DBClusterNotFoundFault", format!("DBCluster {id} not found."))
}

/// The cluster a caller named (identifier or ARN): `(id, cluster)`, or `DBClusterNotFoundFault`.
pub(crate) fn locate_cluster(ctx: &Ctx<'_>, named: &str) -> Result<(String, rds::DBCluster), AwsError> {
    let id = identifier_of(ctx, "cluster", named);
    let cluster = ctx.get::<rds::DBCluster>(&id)?.ok_or_else(|| cluster_not_found(named))?;
    Ok((id, cluster))
}

fn engine_named(name: &str) -> Result<&'static ClusterEngine, AwsError> {
    cluster_engines::find(name).ok_or_else(|| {
        invalid_value(format!(
            "Invalid DB engine for a DB cluster: {name}. Valid engines: aurora-mysql, aurora-postgresql, mysql, postgres."
        ))
    })
}

fn check_backtrack(engine: &ClusterEngine, window: Option<i64>) -> Result<(), AwsError> {
    match window {
        None => Ok(()),
        Some(_) if !engine.backtrack => Err(invalid_combination(format!(
            "BacktrackWindow is valid for Aurora MySQL DB clusters only, not for engine {}.",
            engine.name
        ))),
        Some(w) if !(0..=MAX_BACKTRACK).contains(&w) => Err(invalid_value(format!(
            "Invalid BacktrackWindow {w}: it must be from 0 to {MAX_BACKTRACK} seconds (72 hours)."
        ))),
        Some(_) => Ok(()),
    }
}

fn check_log_types(engine: &ClusterEngine, types: &[String]) -> Result<(), AwsError> {
    if let Some(bad) = types.iter().find(|t| !engine.log_types.contains(&t.as_str())) {
        return Err(invalid_combination(format!(
            "You cannot use the log type {bad} with engine {}. Valid log types: {}.",
            engine.name,
            engine.log_types.join(", ")
        )));
    }
    Ok(())
}

impl Handler for rds::CreateDBCluster {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::CreateDBClusterMessage) -> Result<rds::CreateDBClusterResult, AwsError> {
        check_identifier("DBClusterIdentifier", &input.db_cluster_identifier)?;
        let id = input.db_cluster_identifier.to_ascii_lowercase();
        let engine = engine_named(&input.engine)?;
        // Every check first: a refused call changes nothing.
        match (&input.db_cluster_instance_class, engine.aurora) {
            (Some(_), true) => {
                return Err(invalid_combination(
                    "DBClusterInstanceClass is valid for Multi-AZ DB clusters only, not for Aurora DB clusters.",
                ))
            }
            (Some(c), false) => check_class(c)?,
            (None, false) => {
                return Err(invalid_value(
                    "The parameter DBClusterInstanceClass must be provided to create a Multi-AZ DB cluster.",
                ))
            }
            (None, true) => {}
        }
        if !engine.aurora && input.allocated_storage.is_none() {
            return Err(invalid_value(
                "The parameter AllocatedStorage must be provided to create a Multi-AZ DB cluster.",
            ));
        }
        let username = input
            .master_username
            .clone()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| invalid_value("The parameter MasterUsername must be provided and must not be blank."))?;
        let managed_password = input.manage_master_user_password.unwrap_or(false);
        match (&input.master_user_password, managed_password) {
            (Some(_), true) => {
                return Err(invalid_combination("Cannot specify both MasterUserPassword and ManageMasterUserPassword."))
            }
            (None, false) => {
                return Err(invalid_value("The parameter MasterUserPassword must be provided and must not be blank."))
            }
            (Some(p), false) if p.len() < 8 => {
                return Err(invalid_value(
                    "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.",
                ))
            }
            _ => {}
        }
        let retention = input.backup_retention_period.unwrap_or(1);
        if retention < 1 {
            return Err(invalid_value(format!(
                "Invalid backup retention period: {retention}. A DB cluster keeps automated backups from 1 to 35 days."
            )));
        }
        check_retention(retention)?;
        let port = input.port.unwrap_or(engine.default_port);
        check_port(port)?;
        check_backtrack(engine, input.backtrack_window)?;
        let logs = input.enable_cloudwatch_logs_exports.clone().unwrap_or_default();
        check_log_types(engine, &logs)?;
        // Unencrypted unless StorageEncrypted is true, as CreateDBCluster defaults it.
        let encrypted = input.storage_encrypted.unwrap_or(false);
        if input.kms_key_id.is_some() && !encrypted {
            return Err(invalid_combination("KmsKeyId requires StorageEncrypted to be true."));
        }
        let kms_key = if encrypted { Some(encryption_key(ctx, input.kms_key_id.as_deref())?) } else { None };
        let tags = input.tags.clone().unwrap_or_default();
        check_tags(&tags, &[])?;
        let (group, vpc, azs) = placement(ctx, input.db_subnet_group_name.as_deref())?;
        if let Some(bad) = input.availability_zones.iter().flatten().find(|a| !azs.contains(a)) {
            return Err(invalid_value(format!("Availability zone {bad} is not covered by the DB subnet group.")));
        }
        if ctx.get::<rds::DBCluster>(&id)?.is_some() {
            return Err(AwsError::bad_request("DBClusterAlreadyExistsFault", "DB Cluster already exists"));
        }
        let public = match (engine.aurora, input.publicly_accessible) {
            (true, _) => None,
            (false, Some(p)) => Some(p),
            (false, None) => Some(has_internet_gateway(ctx, &vpc)?),
        };
        let resource_id = format!("cluster-{}", ctx.ids().upper(26));
        let host = ctx.ids().hex(12);
        let zones: Vec<String> = match input.availability_zones.clone() {
            Some(z) if !z.is_empty() => z,
            _ => azs.iter().take(3).cloned().collect(),
        };
        let now = ctx.now();
        let cluster = rds::DBCluster {
            db_cluster_identifier: Some(id.clone()),
            db_cluster_arn: Some(arn(ctx, "cluster", &id)),
            db_cluster_resource_id: Some(resource_id),
            engine: Some(engine.name.to_string()),
            engine_version: Some(input.engine_version.unwrap_or_else(|| engine.default_version.to_string())),
            engine_mode: Some("provisioned".into()),
            status: Some("available".into()),
            master_username: Some(username),
            database_name: input.database_name,
            endpoint: Some(format!("{id}.cluster-{host}.{}.rds.amazonaws.com", ctx.region())),
            reader_endpoint: Some(format!("{id}.cluster-ro-{host}.{}.rds.amazonaws.com", ctx.region())),
            port: Some(port),
            availability_zones: Some(zones),
            multi_az: Some(!engine.aurora),
            backup_retention_period: Some(retention),
            preferred_backup_window: Some(input.preferred_backup_window.unwrap_or_else(|| "03:00-03:30".into())),
            preferred_maintenance_window: Some(
                input.preferred_maintenance_window.unwrap_or_else(|| "sun:05:00-sun:05:30".into()),
            ),
            db_cluster_parameter_group: Some(
                input.db_cluster_parameter_group_name.unwrap_or_else(|| format!("default.{}", engine.name)),
            ),
            db_subnet_group: Some(group.and_then(|g| g.db_subnet_group_name).unwrap_or_else(|| "default".into())),
            db_cluster_members: Some(Vec::new()),
            vpc_security_groups: Some(
                input
                    .vpc_security_group_ids
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| rds::VpcSecurityGroupMembership {
                        vpc_security_group_id: Some(g),
                        status: Some("active".into()),
                    })
                    .collect(),
            ),
            hosted_zone_id: Some("Z2R2ITUGPM61AM".into()),
            storage_encrypted: Some(encrypted),
            kms_key_id: kms_key,
            iam_database_authentication_enabled: Some(input.enable_iam_database_authentication.unwrap_or(false)),
            cluster_create_time: Some(now),
            backtrack_window: input.backtrack_window.filter(|w| *w > 0),
            enabled_cloudwatch_logs_exports: (!logs.is_empty()).then_some(logs),
            db_cluster_instance_class: input.db_cluster_instance_class,
            allocated_storage: Some(input.allocated_storage.unwrap_or(1)),
            storage_type: Some(
                input.storage_type.unwrap_or_else(|| if engine.aurora { "aurora" } else { "io1" }.into()),
            ),
            iops: input.iops,
            publicly_accessible: public,
            auto_minor_version_upgrade: Some(input.auto_minor_version_upgrade.unwrap_or(true)),
            deletion_protection: Some(input.deletion_protection.unwrap_or(false)),
            copy_tags_to_snapshot: Some(input.copy_tags_to_snapshot.unwrap_or(false)),
            http_endpoint_enabled: Some(false),
            cross_account_clone: Some(false),
            tag_list: Some(tags),
            network_type: Some("IPV4".into()),
            ..Default::default()
        };
        ctx.put(&id, &cluster)?;
        Ok(rds::CreateDBClusterResult { db_cluster: Some(cluster) })
    }
}

/// The filters `DescribeDBClusters` takes.
const CLUSTER_FILTERS: &[&str] = &["db-cluster-id", "db-cluster-resource-id", "engine"];

impl Handler for rds::DescribeDBClusters {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DescribeDBClustersMessage) -> Result<rds::DBClusterMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        let filters = read_filters(input.filters, CLUSTER_FILTERS)?;
        let all: Vec<rds::DBCluster> = match &input.db_cluster_identifier {
            Some(named) => vec![locate_cluster(ctx, named)?.1],
            None => ctx.list::<rds::DBCluster>()?.into_iter().map(|(_, c)| c).collect(),
        };
        let chosen: Vec<rds::DBCluster> = all
            .into_iter()
            .filter(|c| {
                filters.iter().all(|(name, values)| {
                    let field = match name.as_str() {
                        "db-cluster-id" => {
                            let id = c.db_cluster_identifier.clone().unwrap_or_default();
                            return values.iter().any(|v| identifier_of(ctx, "cluster", v) == id);
                        }
                        "db-cluster-resource-id" => c.db_cluster_resource_id.clone(),
                        "engine" => c.engine.clone(),
                        _ => None,
                    };
                    field.is_some_and(|f| values.contains(&f))
                })
            })
            .collect();
        let (items, marker) = page(chosen, start, size);
        Ok(rds::DBClusterMessage { marker, db_clusters: Some(items) })
    }
}

impl Handler for rds::ModifyDBCluster {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::ModifyDBClusterMessage) -> Result<rds::ModifyDBClusterResult, AwsError> {
        let (id, mut cluster) = locate_cluster(ctx, &input.db_cluster_identifier)?;
        if cluster.status.as_deref() != Some("available") {
            return Err(AwsError::bad_request(
                "InvalidDBClusterStateFault",
                format!(
                    "DB cluster {id} is not in the available state: it is {}.",
                    cluster.status.clone().unwrap_or_default()
                ),
            ));
        }
        let engine = engine_named(cluster.engine.as_deref().unwrap_or_default())?;
        // Every check first: a refused call changes nothing.
        if let Some(r) = input.backup_retention_period {
            if r < 1 {
                return Err(invalid_value(format!(
                    "Invalid backup retention period: {r}. A DB cluster keeps automated backups from 1 to 35 days."
                )));
            }
            check_retention(r)?;
        }
        if let Some(p) = input.port {
            check_port(p)?;
        }
        check_backtrack(engine, input.backtrack_window)?;
        // Backtracking is turned on only when a cluster is created; once off, never again
        // (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html).
        if input.backtrack_window.is_some_and(|w| w > 0) && cluster.backtrack_window.unwrap_or(0) == 0 {
            return Err(invalid_combination(format!(
                "Backtrack is not enabled for DB cluster {id}: it can be turned on only when a cluster is created."
            )));
        }
        if let Some(c) = &input.db_cluster_instance_class {
            if engine.aurora {
                return Err(invalid_combination(
                    "DBClusterInstanceClass is valid for Multi-AZ DB clusters only, not for Aurora DB clusters.",
                ));
            }
            check_class(c)?;
        }
        if let Some(cfg) = &input.cloudwatch_logs_export_configuration {
            let enable = cfg.enable_log_types.clone().unwrap_or_default();
            let disable = cfg.disable_log_types.clone().unwrap_or_default();
            check_log_types(engine, &enable)?;
            check_log_types(engine, &disable)?;
            if let Some(both) = enable.iter().find(|t| disable.contains(t)) {
                return Err(invalid_combination(format!(
                    "Log type {both} cannot be both enabled and disabled in one CloudwatchLogsExportConfiguration."
                )));
            }
        }
        if let Some(p) = &input.master_user_password {
            if p.len() < 8 {
                return Err(invalid_value(
                    "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.",
                ));
            }
        }
        if input.new_db_cluster_identifier.is_some() {
            return Err(invalid_value("NewDBClusterIdentifier: renaming a DB cluster is not simulated by hubsim."));
        }
        if let Some(v) = input.deletion_protection {
            cluster.deletion_protection = Some(v);
        }
        if let Some(v) = input.copy_tags_to_snapshot {
            cluster.copy_tags_to_snapshot = Some(v);
        }
        if let Some(v) = input.auto_minor_version_upgrade {
            cluster.auto_minor_version_upgrade = Some(v);
        }
        if let Some(v) = input.enable_iam_database_authentication {
            cluster.iam_database_authentication_enabled = Some(v);
        }
        if let Some(v) = input.backup_retention_period {
            cluster.backup_retention_period = Some(v);
        }
        if let Some(v) = input.port {
            cluster.port = Some(v);
        }
        if let Some(w) = input.backtrack_window {
            cluster.backtrack_window = Some(w);
        }
        if let Some(v) = input.db_cluster_instance_class {
            cluster.db_cluster_instance_class = Some(v);
        }
        if let Some(v) = input.engine_version {
            cluster.engine_version = Some(v);
        }
        if let Some(v) = input.preferred_backup_window {
            cluster.preferred_backup_window = Some(v);
        }
        if let Some(v) = input.preferred_maintenance_window {
            cluster.preferred_maintenance_window = Some(v);
        }
        if let Some(cfg) = input.cloudwatch_logs_export_configuration {
            let mut logs = cluster.enabled_cloudwatch_logs_exports.take().unwrap_or_default();
            let disable = cfg.disable_log_types.unwrap_or_default();
            logs.retain(|l| !disable.contains(l));
            for t in cfg.enable_log_types.unwrap_or_default() {
                if !logs.contains(&t) {
                    logs.push(t);
                }
            }
            cluster.enabled_cloudwatch_logs_exports = (!logs.is_empty()).then_some(logs);
        }
        ctx.put(&id, &cluster)?;
        Ok(rds::ModifyDBClusterResult { db_cluster: Some(cluster) })
    }
}

impl Handler for rds::DeleteDBCluster {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DeleteDBClusterMessage) -> Result<rds::DeleteDBClusterResult, AwsError> {
        let (id, mut cluster) = locate_cluster(ctx, &input.db_cluster_identifier)?;
        if cluster.deletion_protection == Some(true) {
            return Err(AwsError::bad_request(
                "InvalidDBClusterStateFault",
                "Cannot delete protected Cluster, please disable deletion protection and try again.",
            ));
        }
        let skip = input.skip_final_snapshot.unwrap_or(false);
        let final_snapshot = match (skip, input.final_db_snapshot_identifier) {
            (true, Some(_)) => return Err(invalid_combination(
                "FinalDBSnapshotIdentifier cannot be specified when deleting a cluster with SkipFinalSnapshot=true.",
            )),
            (false, None) => {
                return Err(invalid_combination(
                    "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.",
                ))
            }
            (true, None) => None,
            (false, Some(s)) => {
                check_identifier("FinalDBSnapshotIdentifier", &s)?;
                let sid = s.to_ascii_lowercase();
                if ctx.get::<ClusterSnapshotDoc>(&sid)?.is_some() {
                    return Err(AwsError::bad_request(
                        "DBClusterSnapshotAlreadyExistsFault",
                        format!(
                            "Cannot create the cluster snapshot because one with the identifier {sid} already exists."
                        ),
                    ));
                }
                Some(sid)
            }
        };
        if let Some(sid) = final_snapshot {
            let snapshot = cluster_snapshot_of(ctx, &cluster, &sid, None);
            ctx.put(&sid, &ClusterSnapshotDoc { snapshot, restore: Vec::new() })?;
        }
        if !ctx.delete::<rds::DBCluster>(&id)? {
            return Err(cluster_not_found(&id));
        }
        cluster.status = Some("deleting".into());
        Ok(rds::DeleteDBClusterResult { db_cluster: Some(cluster) })
    }
}
