//! CreateDBClusterSnapshot, DescribeDBClusterSnapshots, DescribeDBClusterSnapshotAttributes,
//! ModifyDBClusterSnapshotAttribute, DeleteDBClusterSnapshot
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBClusterSnapshot.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBClusterSnapshotAttribute.html>).
//! Only manual cluster snapshots exist: hubsim takes no automated backups.

use hubsim_model::rds;
use serde::{Deserialize, Serialize};

use super::clusters::locate_cluster;
use super::tags::check_tags;
use super::{arn, check_identifier, identifier_of, invalid_value, page, page_bounds, read_filters};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateDBClusterSnapshot>()
        .add::<rds::DescribeDBClusterSnapshots>()
        .add::<rds::DescribeDBClusterSnapshotAttributes>()
        .add::<rds::ModifyDBClusterSnapshotAttribute>()
        .add::<rds::DeleteDBClusterSnapshot>();
}

/// One manual DB cluster snapshot as stored (id: its identifier).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterSnapshotDoc {
    /// The snapshot as `DescribeDBClusterSnapshots` shows it (tags in `TagList`).
    pub snapshot: rds::DBClusterSnapshot,
    /// The `restore` attribute: account ids, or `all` for a public snapshot.
    #[serde(default)]
    pub restore: Vec<String>,
}

impl Resource for ClusterSnapshotDoc {
    const KIND: &'static str = "rds:cluster-snapshot";
}

/// The most accounts a manual cluster snapshot can be shared with
/// (<https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-share-snapshot.html>).
const MAX_SHARED_ACCOUNTS: usize = 20;

/// 404 `DBClusterSnapshotNotFoundFault`.
pub(crate) fn cluster_snapshot_not_found(id: &str) -> AwsError {
    AwsError::not_found("DBClusterSnapshotNotFoundFault", format!("DBClusterSnapshot {id} not found."))
}

/// The cluster snapshot a caller named (identifier or ARN).
pub(crate) fn locate_cluster_snapshot(ctx: &Ctx<'_>, named: &str) -> Result<(String, ClusterSnapshotDoc), AwsError> {
    let id = identifier_of(ctx, "cluster-snapshot", named);
    let doc = ctx.get::<ClusterSnapshotDoc>(&id)?.ok_or_else(|| cluster_snapshot_not_found(named))?;
    Ok((id, doc))
}

/// A manual snapshot `id` of `cluster`, taken now. Its tags are `tags` when given, else the
/// cluster's when the cluster copies tags to snapshots.
pub(super) fn cluster_snapshot_of(
    ctx: &Ctx<'_>,
    cluster: &rds::DBCluster,
    id: &str,
    tags: Option<Vec<rds::Tag>>,
) -> rds::DBClusterSnapshot {
    let tags = match tags {
        Some(t) if !t.is_empty() => t,
        _ if cluster.copy_tags_to_snapshot == Some(true) => cluster.tag_list.clone().unwrap_or_default(),
        _ => Vec::new(),
    };
    rds::DBClusterSnapshot {
        db_cluster_snapshot_identifier: Some(id.to_string()),
        db_cluster_identifier: cluster.db_cluster_identifier.clone(),
        availability_zones: cluster.availability_zones.clone(),
        snapshot_create_time: Some(ctx.now()),
        engine: cluster.engine.clone(),
        engine_mode: cluster.engine_mode.clone(),
        engine_version: cluster.engine_version.clone(),
        allocated_storage: cluster.allocated_storage,
        storage_type: cluster.storage_type.clone(),
        status: Some("available".into()),
        port: cluster.port,
        cluster_create_time: cluster.cluster_create_time,
        master_username: cluster.master_username.clone(),
        license_model: Some(if cluster.engine.as_deref() == Some("aurora-postgresql") {
            "postgresql-license".into()
        } else {
            "general-public-license".into()
        }),
        snapshot_type: Some("manual".into()),
        percent_progress: Some(100),
        storage_encrypted: Some(cluster.storage_encrypted.unwrap_or(false)),
        kms_key_id: cluster.kms_key_id.clone(),
        db_cluster_snapshot_arn: Some(arn(ctx, "cluster-snapshot", id)),
        iam_database_authentication_enabled: cluster.iam_database_authentication_enabled,
        tag_list: Some(tags),
        ..Default::default()
    }
}

impl Handler for rds::CreateDBClusterSnapshot {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::CreateDBClusterSnapshotMessage,
    ) -> Result<rds::CreateDBClusterSnapshotResult, AwsError> {
        check_identifier("DBClusterSnapshotIdentifier", &input.db_cluster_snapshot_identifier)?;
        let id = input.db_cluster_snapshot_identifier.to_ascii_lowercase();
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, &[])?;
        let (_, cluster) = locate_cluster(ctx, &input.db_cluster_identifier)?;
        if ctx.get::<ClusterSnapshotDoc>(&id)?.is_some() {
            return Err(AwsError::bad_request(
                "DBClusterSnapshotAlreadyExistsFault",
                format!("Cannot create the cluster snapshot because one with the identifier {id} already exists."),
            ));
        }
        let snapshot = cluster_snapshot_of(ctx, &cluster, &id, Some(tags));
        ctx.put(&id, &ClusterSnapshotDoc { snapshot: snapshot.clone(), restore: Vec::new() })?;
        Ok(rds::CreateDBClusterSnapshotResult { db_cluster_snapshot: Some(snapshot) })
    }
}

/// The filters `DescribeDBClusterSnapshots` takes.
const SNAPSHOT_FILTERS: &[&str] = &["db-cluster-id", "db-cluster-snapshot-id", "snapshot-type", "engine"];

impl Handler for rds::DescribeDBClusterSnapshots {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeDBClusterSnapshotsMessage,
    ) -> Result<rds::DBClusterSnapshotMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        let mut filters = read_filters(input.filters, SNAPSHOT_FILTERS)?;
        if let Some(t) = &input.snapshot_type {
            if !["automated", "manual", "shared", "public", "awsbackup"].contains(&t.as_str()) {
                return Err(invalid_value(format!("Invalid snapshot type: {t}")));
            }
            filters.push(("snapshot-type".into(), vec![t.clone()]));
        }
        if let Some(c) = &input.db_cluster_identifier {
            filters.push(("db-cluster-id".into(), vec![identifier_of(ctx, "cluster", c)]));
        }
        let all: Vec<rds::DBClusterSnapshot> = match &input.db_cluster_snapshot_identifier {
            Some(named) => vec![locate_cluster_snapshot(ctx, named)?.1.snapshot],
            None => ctx.list::<ClusterSnapshotDoc>()?.into_iter().map(|(_, d)| d.snapshot).collect(),
        };
        let chosen: Vec<rds::DBClusterSnapshot> = all
            .into_iter()
            .filter(|s| {
                filters.iter().all(|(name, values)| {
                    let field = match name.as_str() {
                        "db-cluster-id" => s.db_cluster_identifier.clone(),
                        "db-cluster-snapshot-id" => {
                            let id = s.db_cluster_snapshot_identifier.clone().unwrap_or_default();
                            return values.iter().any(|v| identifier_of(ctx, "cluster-snapshot", v) == id);
                        }
                        "snapshot-type" => s.snapshot_type.clone(),
                        "engine" => s.engine.clone(),
                        _ => None,
                    };
                    field.is_some_and(|f| values.contains(&f))
                })
            })
            .collect();
        let (items, marker) = page(chosen, start, size);
        Ok(rds::DBClusterSnapshotMessage { marker, db_cluster_snapshots: Some(items) })
    }
}

/// The attributes result of cluster snapshot `id` (`restore` only, listed even when empty).
fn attributes(id: &str, doc: &ClusterSnapshotDoc) -> rds::DBClusterSnapshotAttributesResult {
    rds::DBClusterSnapshotAttributesResult {
        db_cluster_snapshot_identifier: Some(id.to_string()),
        db_cluster_snapshot_attributes: Some(vec![rds::DBClusterSnapshotAttribute {
            attribute_name: Some("restore".into()),
            attribute_values: Some(doc.restore.clone()),
        }]),
    }
}

impl Handler for rds::DescribeDBClusterSnapshotAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeDBClusterSnapshotAttributesMessage,
    ) -> Result<rds::DescribeDBClusterSnapshotAttributesResult, AwsError> {
        let (id, doc) = locate_cluster_snapshot(ctx, &input.db_cluster_snapshot_identifier)?;
        Ok(rds::DescribeDBClusterSnapshotAttributesResult {
            db_cluster_snapshot_attributes_result: Some(attributes(&id, &doc)),
        })
    }
}

impl Handler for rds::ModifyDBClusterSnapshotAttribute {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::ModifyDBClusterSnapshotAttributeMessage,
    ) -> Result<rds::ModifyDBClusterSnapshotAttributeResult, AwsError> {
        let (id, mut doc) = locate_cluster_snapshot(ctx, &input.db_cluster_snapshot_identifier)?;
        if input.attribute_name != "restore" {
            return Err(invalid_value(format!(
                "Invalid AttributeName {}: the only attribute a DB cluster snapshot has is restore.",
                input.attribute_name
            )));
        }
        let add = input.values_to_add.unwrap_or_default();
        let remove = input.values_to_remove.unwrap_or_default();
        let shaped = |v: &str| v == "all" || (v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()));
        if let Some(bad) = add.iter().chain(&remove).find(|v| !shaped(v)) {
            return Err(invalid_value(format!("Invalid restore value {bad}: an AWS account id or all.")));
        }
        if add.iter().any(|v| v == "all") && doc.snapshot.storage_encrypted == Some(true) {
            return Err(invalid_value(format!(
                "Encrypted cluster snapshot {id} cannot be made public: share it with accounts instead."
            )));
        }
        // A snapshot encrypted with the AWS managed key cannot be shared at all
        // (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-share-snapshot.html).
        let managed_key = doc.snapshot.kms_key_id.as_deref().is_some_and(|k| k.ends_with(":alias/aws/rds"));
        if managed_key && !add.is_empty() {
            return Err(invalid_value(format!(
                "Cluster snapshot {id} is encrypted with the AWS managed key aws/rds and cannot be shared."
            )));
        }
        let mut values = doc.restore.clone();
        values.retain(|v| !remove.contains(v));
        for v in add {
            if !values.contains(&v) {
                values.push(v);
            }
        }
        if values.iter().filter(|v| *v != "all").count() > MAX_SHARED_ACCOUNTS {
            return Err(AwsError::bad_request(
                "SharedSnapshotQuotaExceeded",
                format!("A manual DB cluster snapshot can be shared with at most {MAX_SHARED_ACCOUNTS} accounts."),
            ));
        }
        doc.restore = values;
        ctx.put(&id, &doc)?;
        Ok(rds::ModifyDBClusterSnapshotAttributeResult {
            db_cluster_snapshot_attributes_result: Some(attributes(&id, &doc)),
        })
    }
}

impl Handler for rds::DeleteDBClusterSnapshot {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DeleteDBClusterSnapshotMessage,
    ) -> Result<rds::DeleteDBClusterSnapshotResult, AwsError> {
        let (id, doc) = locate_cluster_snapshot(ctx, &input.db_cluster_snapshot_identifier)?;
        ctx.delete::<ClusterSnapshotDoc>(&id)?;
        let mut snapshot = doc.snapshot;
        snapshot.status = Some("deleted".into());
        Ok(rds::DeleteDBClusterSnapshotResult { db_cluster_snapshot: Some(snapshot) })
    }
}
