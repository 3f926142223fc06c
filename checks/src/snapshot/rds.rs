//! A region's RDS DB instances and DB clusters, manual DB snapshots and DB cluster snapshots
//! (with each snapshot's `restore` attribute) and event subscriptions, as the RDS controls read
//! them: DescribeDBInstances, DescribeDBClusters, DescribeDBSnapshots,
//! DescribeDBSnapshotAttributes, DescribeDBClusterSnapshots,
//! DescribeDBClusterSnapshotAttributes, DescribeEventSubscriptions, and the parameters of the DB
//! parameter groups the instances use (DescribeDBParameters).

use std::collections::BTreeMap;

use hubsim_api::model::rds;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One manual DB snapshot and who may restore it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DbSnapshotView {
    /// The snapshot.
    pub snapshot: rds::DBSnapshot,
    /// Its `restore` attribute: account ids, or `all` for a public snapshot.
    pub restore: Vec<String>,
}

impl DbSnapshotView {
    /// Whether anyone may restore it.
    pub fn public(&self) -> bool {
        self.restore.iter().any(|v| v == "all")
    }

    /// Its ARN (else its identifier).
    pub fn arn(&self) -> String {
        self.snapshot
            .db_snapshot_arn
            .clone()
            .or_else(|| self.snapshot.db_snapshot_identifier.clone())
            .unwrap_or_default()
    }
}

/// One manual DB cluster snapshot and who may restore it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DbClusterSnapshotView {
    /// The snapshot.
    pub snapshot: rds::DBClusterSnapshot,
    /// Its `restore` attribute: account ids, or `all` for a public snapshot.
    pub restore: Vec<String>,
}

impl DbClusterSnapshotView {
    /// Whether anyone may restore it.
    pub fn public(&self) -> bool {
        self.restore.iter().any(|v| v == "all")
    }

    /// Its ARN (else its identifier).
    pub fn arn(&self) -> String {
        self.snapshot
            .db_cluster_snapshot_arn
            .clone()
            .or_else(|| self.snapshot.db_cluster_snapshot_identifier.clone())
            .unwrap_or_default()
    }
}

/// The RDS resources of one region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RdsView {
    /// DB instances.
    pub instances: Vec<rds::DBInstance>,
    /// DB clusters.
    pub clusters: Vec<rds::DBCluster>,
    /// Manual DB snapshots.
    pub snapshots: Vec<DbSnapshotView>,
    /// Manual DB cluster snapshots.
    pub cluster_snapshots: Vec<DbClusterSnapshotView>,
    /// Event subscriptions.
    pub subscriptions: Vec<rds::EventSubscription>,
    /// The parameters of each DB parameter group an instance uses, by group name.
    pub parameters: BTreeMap<String, Vec<rds::Parameter>>,
}

impl RdsView {
    /// The value of parameter `name` in group `group`, as the region's snapshot read it.
    pub fn parameter(&self, group: &str, name: &str) -> Option<&rds::Parameter> {
        self.parameters.get(group)?.iter().find(|p| p.parameter_name.as_deref() == Some(name))
    }
}

/// Reads the region's RDS resources.
pub(super) fn fetch<A: AwsApi>(api: &A, r: &str) -> Result<RdsView, FetchError> {
    let mut instances = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<rds::DescribeDBInstances>(
                r,
                rds::DescribeDBInstancesMessage { marker: marker.clone(), ..Default::default() },
            )
            .map_err(fail("DB instances", r))?;
        instances.extend(page.db_instances.unwrap_or_default());
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    let mut snapshots = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<rds::DescribeDBSnapshots>(
                r,
                rds::DescribeDBSnapshotsMessage {
                    snapshot_type: Some("manual".into()),
                    marker: marker.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("DB snapshots", r))?;
        for snapshot in page.db_snapshots.unwrap_or_default() {
            let id = snapshot.db_snapshot_identifier.clone().unwrap_or_default();
            let restore = api
                .call::<rds::DescribeDBSnapshotAttributes>(
                    r,
                    rds::DescribeDBSnapshotAttributesMessage { db_snapshot_identifier: id.clone() },
                )
                .map_err(fail(&format!("DB snapshot {id} attributes"), r))?
                .db_snapshot_attributes_result
                .and_then(|a| a.db_snapshot_attributes)
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.attribute_name.as_deref() == Some("restore"))
                .flat_map(|a| a.attribute_values.unwrap_or_default())
                .collect();
            snapshots.push(DbSnapshotView { snapshot, restore });
        }
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    let mut clusters = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<rds::DescribeDBClusters>(
                r,
                rds::DescribeDBClustersMessage { marker: marker.clone(), ..Default::default() },
            )
            .map_err(fail("DB clusters", r))?;
        clusters.extend(page.db_clusters.unwrap_or_default());
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    let cluster_snapshots = fetch_cluster_snapshots(api, r)?;
    let mut parameters = BTreeMap::new();
    let groups = instances.iter().flat_map(|i| i.db_parameter_groups.iter().flatten());
    for name in groups.filter_map(|g| g.db_parameter_group_name.clone()) {
        if let std::collections::btree_map::Entry::Vacant(slot) = parameters.entry(name) {
            let list = fetch_parameters(api, r, slot.key())?;
            slot.insert(list);
        }
    }
    let mut subscriptions = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<rds::DescribeEventSubscriptions>(
                r,
                rds::DescribeEventSubscriptionsMessage { marker: marker.clone(), ..Default::default() },
            )
            .map_err(fail("RDS event subscriptions", r))?;
        subscriptions.extend(page.event_subscriptions_list.unwrap_or_default());
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    Ok(RdsView { instances, clusters, snapshots, cluster_snapshots, subscriptions, parameters })
}

/// The region's manual DB cluster snapshots, each with its `restore` attribute.
fn fetch_cluster_snapshots<A: AwsApi>(api: &A, r: &str) -> Result<Vec<DbClusterSnapshotView>, FetchError> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<rds::DescribeDBClusterSnapshots>(
                r,
                rds::DescribeDBClusterSnapshotsMessage {
                    snapshot_type: Some("manual".into()),
                    marker: marker.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("DB cluster snapshots", r))?;
        for snapshot in page.db_cluster_snapshots.unwrap_or_default() {
            let id = snapshot.db_cluster_snapshot_identifier.clone().unwrap_or_default();
            let restore = api
                .call::<rds::DescribeDBClusterSnapshotAttributes>(
                    r,
                    rds::DescribeDBClusterSnapshotAttributesMessage { db_cluster_snapshot_identifier: id.clone() },
                )
                .map_err(fail(&format!("DB cluster snapshot {id} attributes"), r))?
                .db_cluster_snapshot_attributes_result
                .and_then(|a| a.db_cluster_snapshot_attributes)
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.attribute_name.as_deref() == Some("restore"))
                .flat_map(|a| a.attribute_values.unwrap_or_default())
                .collect();
            out.push(DbClusterSnapshotView { snapshot, restore });
        }
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    Ok(out)
}

/// The parameters of DB parameter group `group`.
fn fetch_parameters<A: AwsApi>(api: &A, r: &str, group: &str) -> Result<Vec<rds::Parameter>, FetchError> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<rds::DescribeDBParameters>(
                r,
                rds::DescribeDBParametersMessage {
                    db_parameter_group_name: group.to_string(),
                    marker: marker.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail(&format!("DB parameter group {group} parameters"), r))?;
        out.extend(page.parameters.unwrap_or_default());
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    Ok(out)
}
