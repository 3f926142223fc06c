//! CreateDBSnapshot, DescribeDBSnapshots, DescribeDBSnapshotAttributes,
//! ModifyDBSnapshotAttribute, DeleteDBSnapshot
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSnapshotAttribute.html>).
//! Only manual snapshots exist: hubsim takes no automated backups.

use hubsim_model::rds;

use super::tags::check_tags;
use super::{
    arn, check_identifier, identifier_of, invalid_value, locate_instance, locate_snapshot, page, page_bounds,
    read_filters, SnapshotDoc,
};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateDBSnapshot>()
        .add::<rds::DescribeDBSnapshots>()
        .add::<rds::DescribeDBSnapshotAttributes>()
        .add::<rds::ModifyDBSnapshotAttribute>()
        .add::<rds::DeleteDBSnapshot>();
}

/// The most accounts a manual snapshot can be shared with
/// (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html>).
const MAX_SHARED_ACCOUNTS: usize = 20;

/// A manual snapshot `id` of `inst`, taken now. Its tags are `tags` when given, else the
/// instance's when the instance copies tags to snapshots.
pub(super) fn snapshot_of(
    ctx: &Ctx<'_>,
    inst: &rds::DBInstance,
    id: &str,
    tags: Option<Vec<rds::Tag>>,
) -> rds::DBSnapshot {
    let tags = match tags {
        Some(t) if !t.is_empty() => t,
        _ if inst.copy_tags_to_snapshot == Some(true) => inst.tag_list.clone().unwrap_or_default(),
        _ => Vec::new(),
    };
    rds::DBSnapshot {
        db_snapshot_identifier: Some(id.to_string()),
        db_instance_identifier: inst.db_instance_identifier.clone(),
        snapshot_create_time: Some(ctx.now()),
        original_snapshot_create_time: Some(ctx.now()),
        engine: inst.engine.clone(),
        engine_version: inst.engine_version.clone(),
        license_model: inst.license_model.clone(),
        allocated_storage: inst.allocated_storage,
        storage_type: inst.storage_type.clone(),
        iops: inst.iops,
        status: Some("available".into()),
        port: inst.endpoint.as_ref().and_then(|e| e.port),
        availability_zone: inst.availability_zone.clone(),
        vpc_id: inst.db_subnet_group.as_ref().and_then(|g| g.vpc_id.clone()),
        instance_create_time: inst.instance_create_time,
        master_username: inst.master_username.clone(),
        snapshot_type: Some("manual".into()),
        percent_progress: Some(100),
        encrypted: Some(inst.storage_encrypted.unwrap_or(false)),
        kms_key_id: inst.kms_key_id.clone(),
        db_snapshot_arn: Some(arn(ctx, "snapshot", id)),
        iam_database_authentication_enabled: inst.iam_database_authentication_enabled,
        dbi_resource_id: inst.dbi_resource_id.clone(),
        tag_list: Some(tags),
        snapshot_target: Some("region".into()),
        ..Default::default()
    }
}

impl Handler for rds::CreateDBSnapshot {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::CreateDBSnapshotMessage) -> Result<rds::CreateDBSnapshotResult, AwsError> {
        check_identifier("DBSnapshotIdentifier", &input.db_snapshot_identifier)?;
        let id = input.db_snapshot_identifier.to_ascii_lowercase();
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, &[])?;
        let (_, inst) = locate_instance(ctx, &input.db_instance_identifier)?;
        if ctx.get::<SnapshotDoc>(&id)?.is_some() {
            return Err(AwsError::bad_request(
                "DBSnapshotAlreadyExists",
                format!("Cannot create the snapshot because a snapshot with the identifier {id} already exists."),
            ));
        }
        let snapshot = snapshot_of(ctx, &inst, &id, Some(tags));
        ctx.put(&id, &SnapshotDoc { snapshot: snapshot.clone(), restore: Vec::new() })?;
        Ok(rds::CreateDBSnapshotResult { db_snapshot: Some(snapshot) })
    }
}

/// The filters `DescribeDBSnapshots` takes.
const SNAPSHOT_FILTERS: &[&str] = &["db-instance-id", "db-snapshot-id", "dbi-resource-id", "snapshot-type", "engine"];

impl Handler for rds::DescribeDBSnapshots {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DescribeDBSnapshotsMessage) -> Result<rds::DBSnapshotMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        let mut filters = read_filters(input.filters, SNAPSHOT_FILTERS)?;
        if let Some(t) = &input.snapshot_type {
            if !["automated", "manual", "shared", "public", "awsbackup"].contains(&t.as_str()) {
                return Err(invalid_value(format!("Invalid snapshot type: {t}")));
            }
            filters.push(("snapshot-type".into(), vec![t.clone()]));
        }
        if let Some(i) = &input.db_instance_identifier {
            filters.push(("db-instance-id".into(), vec![identifier_of(ctx, "db", i)]));
        }
        if let Some(r) = &input.dbi_resource_id {
            filters.push(("dbi-resource-id".into(), vec![r.clone()]));
        }
        let all: Vec<rds::DBSnapshot> = match &input.db_snapshot_identifier {
            Some(named) => vec![locate_snapshot(ctx, named)?.1.snapshot],
            None => ctx.list::<SnapshotDoc>()?.into_iter().map(|(_, d)| d.snapshot).collect(),
        };
        let chosen: Vec<rds::DBSnapshot> = all
            .into_iter()
            .filter(|s| {
                filters.iter().all(|(name, values)| {
                    let field = match name.as_str() {
                        "db-instance-id" => s.db_instance_identifier.clone(),
                        "db-snapshot-id" => {
                            let id = s.db_snapshot_identifier.clone().unwrap_or_default();
                            return values.iter().any(|v| identifier_of(ctx, "snapshot", v) == id);
                        }
                        "dbi-resource-id" => s.dbi_resource_id.clone(),
                        "snapshot-type" => s.snapshot_type.clone(),
                        "engine" => s.engine.clone(),
                        _ => None,
                    };
                    field.is_some_and(|f| values.contains(&f))
                })
            })
            .collect();
        let (items, marker) = page(chosen, start, size);
        Ok(rds::DBSnapshotMessage { marker, db_snapshots: Some(items) })
    }
}

/// The attributes result of snapshot `id` (`restore` only, as AWS lists it even when empty).
fn attributes(id: &str, doc: &SnapshotDoc) -> rds::DBSnapshotAttributesResult {
    rds::DBSnapshotAttributesResult {
        db_snapshot_identifier: Some(id.to_string()),
        db_snapshot_attributes: Some(vec![rds::DBSnapshotAttribute {
            attribute_name: Some("restore".into()),
            attribute_values: Some(doc.restore.clone()),
        }]),
    }
}

impl Handler for rds::DescribeDBSnapshotAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeDBSnapshotAttributesMessage,
    ) -> Result<rds::DescribeDBSnapshotAttributesResult, AwsError> {
        let (id, doc) = locate_snapshot(ctx, &input.db_snapshot_identifier)?;
        Ok(rds::DescribeDBSnapshotAttributesResult { db_snapshot_attributes_result: Some(attributes(&id, &doc)) })
    }
}

/// Whether `v` can be a `restore` value: a 12-digit account id or `all`.
fn restore_value_shaped(v: &str) -> bool {
    v == "all" || (v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()))
}

impl Handler for rds::ModifyDBSnapshotAttribute {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::ModifyDBSnapshotAttributeMessage,
    ) -> Result<rds::ModifyDBSnapshotAttributeResult, AwsError> {
        let (id, mut doc) = locate_snapshot(ctx, &input.db_snapshot_identifier)?;
        if input.attribute_name != "restore" {
            return Err(invalid_value(format!(
                "Invalid AttributeName {}: the only attribute a DB snapshot has is restore.",
                input.attribute_name
            )));
        }
        let add = input.values_to_add.unwrap_or_default();
        let remove = input.values_to_remove.unwrap_or_default();
        if let Some(bad) = add.iter().chain(&remove).find(|v| !restore_value_shaped(v)) {
            return Err(invalid_value(format!("Invalid restore value {bad}: an AWS account id or all.")));
        }
        if add.iter().any(|v| v == "all") && doc.snapshot.encrypted == Some(true) {
            return Err(invalid_value(format!(
                "Encrypted snapshot {id} cannot be made public: share it with accounts instead."
            )));
        }
        // A snapshot encrypted with the AWS managed key cannot be shared at all
        // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html).
        let managed_key = doc.snapshot.kms_key_id.as_deref().is_some_and(|k| k.ends_with(":alias/aws/rds"));
        if managed_key && !add.is_empty() {
            return Err(invalid_value(format!(
                "Snapshot {id} is encrypted with the AWS managed key aws/rds and cannot be shared: copy it with a customer managed key first."
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
                format!("A manual DB snapshot can be shared with at most {MAX_SHARED_ACCOUNTS} accounts."),
            ));
        }
        doc.restore = values;
        ctx.put(&id, &doc)?;
        Ok(rds::ModifyDBSnapshotAttributeResult { db_snapshot_attributes_result: Some(attributes(&id, &doc)) })
    }
}

impl Handler for rds::DeleteDBSnapshot {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DeleteDBSnapshotMessage) -> Result<rds::DeleteDBSnapshotResult, AwsError> {
        let (id, doc) = locate_snapshot(ctx, &input.db_snapshot_identifier)?;
        ctx.delete::<SnapshotDoc>(&id)?;
        let mut snapshot = doc.snapshot;
        snapshot.status = Some("deleted".into());
        Ok(rds::DeleteDBSnapshotResult { db_snapshot: Some(snapshot) })
    }
}
