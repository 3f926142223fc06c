//! A region's instances, network interfaces, Elastic IPs, EBS volumes and snapshots, as
//! EC2.1, EC2.3, EC2.4, EC2.8, EC2.9, EC2.17, EC2.22 and EC2.24 read them: DescribeInstances
//! (terminated instances left out: AWS Config no longer records them), DescribeVolumes,
//! DescribeNetworkInterfaces, DescribeAddresses, DescribeSnapshots for the account's own
//! snapshots and each one's `createVolumePermission` (DescribeSnapshotAttribute).

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One snapshot the account owns, with who may create volumes from it.
#[derive(Debug, Clone, Default)]
pub struct SnapshotView {
    /// The snapshot.
    pub snapshot: ec2::Snapshot,
    /// Its `createVolumePermission` (`Group=all`: public).
    pub permissions: Vec<ec2::CreateVolumePermission>,
}

impl SnapshotView {
    /// Whether anyone may create a volume from it (`Group=all`).
    pub fn public(&self) -> bool {
        self.permissions.iter().any(|p| p.group.as_deref() == Some("all"))
    }
}

/// The instance resources of one region.
#[derive(Debug, Clone, Default)]
pub struct InstancesView {
    /// Instances not terminated.
    pub instances: Vec<ec2::Instance>,
    /// Every interface (instances', endpoints' and unattached ones).
    pub interfaces: Vec<ec2::NetworkInterface>,
    /// Elastic IP addresses.
    pub addresses: Vec<ec2::Address>,
    /// EBS volumes.
    pub volumes: Vec<ec2::Volume>,
    /// The account's own snapshots.
    pub snapshots: Vec<SnapshotView>,
}

/// Reads the region's instance resources.
pub(super) fn fetch<A: AwsApi>(api: &A, r: &str) -> Result<InstancesView, FetchError> {
    let mut instances = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<ec2::DescribeInstances>(
                r,
                ec2::DescribeInstancesRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("instances", r))?;
        for res in page.reservations.unwrap_or_default() {
            instances.extend(
                res.instances
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|i| i.state.as_ref().and_then(|s| s.name.as_deref()) != Some("terminated")),
            );
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let interfaces = api
        .call::<ec2::DescribeNetworkInterfaces>(r, Default::default())
        .map_err(fail("network interfaces", r))?
        .network_interfaces
        .unwrap_or_default();
    let addresses = api
        .call::<ec2::DescribeAddresses>(r, Default::default())
        .map_err(fail("Elastic IP addresses", r))?
        .addresses
        .unwrap_or_default();
    let volumes = api
        .call::<ec2::DescribeVolumes>(r, Default::default())
        .map_err(fail("volumes", r))?
        .volumes
        .unwrap_or_default();
    let own = api
        .call::<ec2::DescribeSnapshots>(
            r,
            ec2::DescribeSnapshotsRequest { owner_ids: Some(vec!["self".into()]), ..Default::default() },
        )
        .map_err(fail("snapshots", r))?
        .snapshots
        .unwrap_or_default();
    let mut snapshots = Vec::new();
    for snapshot in own {
        let id = snapshot.snapshot_id.clone().unwrap_or_default();
        let permissions = api
            .call::<ec2::DescribeSnapshotAttribute>(
                r,
                ec2::DescribeSnapshotAttributeRequest {
                    attribute: "createVolumePermission".into(),
                    snapshot_id: id,
                    dry_run: None,
                },
            )
            .map_err(fail("snapshot permissions", r))?
            .create_volume_permissions
            .unwrap_or_default();
        snapshots.push(SnapshotView { snapshot, permissions });
    }
    Ok(InstancesView { instances, interfaces, addresses, volumes, snapshots })
}
