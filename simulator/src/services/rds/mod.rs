//! Amazon RDS: DB instances, DB clusters, DB subnet groups, DB snapshots and DB cluster
//! snapshots (with their `restore` attribute), DB parameter groups, event subscriptions and the
//! tags of each, over the query protocol
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/Welcome.html>).
//!
//! Resources are regional and stored under their identifier, lower-cased as RDS stores it
//! ("stored as a lowercase string",
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html>).
//! State is deterministic: an instance is `available` as soon as it is created, and a
//! modification applies at once or waits in `PendingModifiedValues` (see `instances.rs`).
//! Aurora instances (a cluster's members), DB cluster parameter groups, option groups and
//! automated snapshots are not simulated.

mod cluster_engines;
mod cluster_snapshots;
mod clusters;
mod engines;
mod events;
mod instances;
mod parameter_groups;
mod parameters;
mod snapshots;
mod subnet_groups;
mod tags;

use hubsim_model::rds;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers RDS's operations.
pub fn register(r: &mut Registrar) {
    instances::register(r);
    clusters::register(r);
    cluster_snapshots::register(r);
    parameter_groups::register(r);
    subnet_groups::register(r);
    snapshots::register(r);
    tags::register(r);
    events::register(r);
}

/// A DB instance is stored as `DescribeDBInstances` shows it (id: its identifier).
impl Resource for rds::DBInstance {
    const KIND: &'static str = "rds:db";
}

/// A DB cluster is stored as `DescribeDBClusters` shows it (id: its identifier).
impl Resource for rds::DBCluster {
    const KIND: &'static str = "rds:cluster";
}

/// One DB subnet group as stored (id: its name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubnetGroupDoc {
    /// The group as `DescribeDBSubnetGroups` shows it.
    pub group: rds::DBSubnetGroup,
    /// Its tags.
    #[serde(default)]
    pub tags: Vec<rds::Tag>,
}

impl Resource for SubnetGroupDoc {
    const KIND: &'static str = "rds:subgrp";
}

/// One manual DB snapshot as stored (id: its identifier).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapshotDoc {
    /// The snapshot as `DescribeDBSnapshots` shows it (tags in `TagList`).
    pub snapshot: rds::DBSnapshot,
    /// The `restore` attribute: account ids, or `all` for a public snapshot.
    #[serde(default)]
    pub restore: Vec<String>,
}

impl Resource for SnapshotDoc {
    const KIND: &'static str = "rds:snapshot";
}

/// `arn:aws:rds:<region>:<account>:<kind>:<name>` (`kind`: `db`, `cluster`, `subgrp`, `snapshot`,
/// `cluster-snapshot`).
pub(crate) fn arn(ctx: &Ctx<'_>, kind: &str, name: &str) -> String {
    format!("arn:aws:rds:{}:{}:{kind}:{name}", ctx.region(), ctx.account())
}

/// 400 `InvalidParameterValue`.
pub(crate) fn invalid_value(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterValue", message)
}

/// 400 `InvalidParameterCombination`.
pub(crate) fn invalid_combination(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterCombination", message)
}

/// 404 `DBInstanceNotFound`.
pub(crate) fn instance_not_found(id: &str) -> AwsError {
    AwsError::not_found("DBInstanceNotFound", format!("DBInstance {id} not found."))
}

/// 404 `DBSnapshotNotFound`.
pub(crate) fn snapshot_not_found(id: &str) -> AwsError {
    AwsError::not_found("DBSnapshotNotFound", format!("DBSnapshot {id} not found."))
}

/// 404 `DBSubnetGroupNotFoundFault`.
pub(crate) fn subnet_group_not_found(name: &str) -> AwsError {
    AwsError::not_found("DBSubnetGroupNotFoundFault", format!("DB subnet group '{name}' not found."))
}

/// Checks an instance or snapshot identifier: 1–63 letters, digits and hyphens, starting
/// with a letter, not ending with a hyphen, without two consecutive hyphens. `what` names the
/// parameter in the error.
pub(crate) fn check_identifier(what: &str, id: &str) -> Result<(), AwsError> {
    let ok = (1..=63).contains(&id.len())
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !id.ends_with('-')
        && !id.contains("--");
    if ok {
        Ok(())
    } else {
        Err(invalid_value(format!(
            "The parameter {what} is not a valid identifier. Identifiers must begin with a letter; must contain only \
             ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens."
        )))
    }
}

/// The identifier a caller named, by identifier or by ARN of `kind`, lower-cased.
pub(crate) fn identifier_of(ctx: &Ctx<'_>, kind: &str, named: &str) -> String {
    let prefix = format!("arn:aws:rds:{}:{}:{kind}:", ctx.region(), ctx.account());
    named.strip_prefix(&prefix).unwrap_or(named).to_ascii_lowercase()
}

/// The instance a caller named (identifier or ARN): `(id, instance)`, or `DBInstanceNotFound`.
pub(crate) fn locate_instance(ctx: &Ctx<'_>, named: &str) -> Result<(String, rds::DBInstance), AwsError> {
    let id = identifier_of(ctx, "db", named);
    let inst = ctx.get::<rds::DBInstance>(&id)?.ok_or_else(|| instance_not_found(named))?;
    Ok((id, inst))
}

/// The snapshot a caller named (identifier or ARN): `(id, snapshot)`, or `DBSnapshotNotFound`.
pub(crate) fn locate_snapshot(ctx: &Ctx<'_>, named: &str) -> Result<(String, SnapshotDoc), AwsError> {
    let id = identifier_of(ctx, "snapshot", named);
    let snap = ctx.get::<SnapshotDoc>(&id)?.ok_or_else(|| snapshot_not_found(named))?;
    Ok((id, snap))
}

/// Reads `MaxRecords` (20–100, default 100) and `Marker` (an offset hubsim wrote).
pub(crate) fn page_bounds(max_records: Option<i32>, marker: Option<&str>) -> Result<(usize, usize), AwsError> {
    let size = match max_records {
        None => 100,
        Some(n @ 20..=100) => n as usize,
        Some(n) => return Err(invalid_value(format!("Invalid value {n} for MaxRecords. Must be between 20 and 100"))),
    };
    let start = match marker {
        None => 0,
        Some(m) => m.parse::<usize>().map_err(|_| invalid_value(format!("Invalid marker: {m}")))?,
    };
    Ok((start, size))
}

/// One page of `items` from `start`, and the marker of the next page if there is one.
pub(crate) fn page<T>(items: Vec<T>, start: usize, size: usize) -> (Vec<T>, Option<String>) {
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let next = (start.saturating_add(out.len()) < total).then(|| (start + out.len()).to_string());
    (out, next)
}

/// The values of filter `name`s present in `filters`, each checked against `known`; an
/// unknown filter name is `InvalidParameterValue`.
pub(crate) fn read_filters(
    filters: Option<Vec<rds::Filter>>,
    known: &[&str],
) -> Result<Vec<(String, Vec<String>)>, AwsError> {
    let mut out = Vec::new();
    for f in filters.unwrap_or_default() {
        if !known.contains(&f.name.as_str()) {
            return Err(invalid_value(format!("Unrecognized filter name: {}", f.name)));
        }
        out.push((f.name, f.values));
    }
    Ok(out)
}
