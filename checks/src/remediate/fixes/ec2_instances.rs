//! EC2.1, EC2.3, EC2.4, EC2.8, EC2.9, EC2.17, EC2.22, EC2.24: what the remediator does about
//! snapshots, volumes, instances and unused security groups
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>).
//!
//! Instances, volumes and snapshots are never deleted: public snapshots lose `Group=all`
//! (EC2.1), instances get IMDSv2 required (EC2.8), their extra interfaces are detached and
//! kept (EC2.17), an Elastic IP is disassociated and kept (EC2.9). What only a relaunch, a
//! volume swap or the owner's decision can fix is justified (EC2.3, EC2.4, EC2.9, EC2.24). A
//! security group is deleted (EC2.22) only when no interface carries it and no rule refers to
//! it, read just before, and the transcript says so.

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{id_after, Done, Fix, How, Scope, Target};
use crate::controls::ec2_instances::stopped_at;
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::{Region, Snapshot};

/// The fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "EC2.1",
            iam_actions: &["ec2:ModifySnapshotAttribute"],
            // One finding per region for all of its snapshots.
            scope: Scope::Region,
            // Keeps the established order (no AWS dependency): instance resources after the
            // account's network fixes.
            after: &["EC2.10"],
            how: How::Calls(ec2_1),
        },
        Fix {
            control: "EC2.3",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::EncryptedVolumeSwap),
        },
        Fix {
            control: "EC2.4",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::StoppedInstanceKept),
        },
        Fix {
            control: "EC2.8",
            iam_actions: &["ec2:ModifyInstanceMetadataOptions"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): instance resources after the
            // account's network fixes.
            after: &["EC2.10"],
            how: How::Calls(ec2_8),
        },
        Fix {
            control: "EC2.9",
            // DescribeInstances reads whether the instance still has a public address after its
            // Elastic IP is gone.
            iam_actions: &["ec2:DisassociateAddress", "ec2:DescribeInstances"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): instance resources after the
            // account's network fixes.
            after: &["EC2.10"],
            how: How::Calls(ec2_9),
        },
        Fix {
            control: "EC2.17",
            iam_actions: &["ec2:DetachNetworkInterface"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): instance resources after the
            // account's network fixes.
            after: &["EC2.10"],
            how: How::Calls(ec2_17),
        },
        Fix {
            control: "EC2.22",
            // The reads: whether an interface carries the group, whether a rule refers to it.
            iam_actions: &["ec2:DeleteSecurityGroup", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups"],
            scope: Scope::Resource,
            // EC2.10's fix creates the endpoint's group and the interfaces that carry it in the
            // same round; deciding after it reads them.
            after: &["EC2.10"],
            how: How::Calls(ec2_22),
        },
        Fix {
            control: "EC2.24",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::ParavirtualRelaunch),
        },
    ]
}

fn region<'s>(snapshot: &'s Snapshot, name: &str) -> Option<&'s Region> {
    snapshot.regions.iter().find(|r| r.name == name)
}

fn instance<'s>(snapshot: &'s Snapshot, region_name: &str, resource: &str) -> Option<&'s ec2::Instance> {
    let id = id_after(resource, "instance/");
    region(snapshot, region_name)?.instances.instances.iter().find(|i| i.instance_id.as_deref() == Some(id))
}

fn ec2_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(r) = region(target.snapshot, target.region) else { return Ok(Done::Applied) };
    for s in r.instances.snapshots.iter().filter(|s| s.public()) {
        let id = s.snapshot.snapshot_id.clone().unwrap_or_default();
        f.call_noted::<ec2::ModifySnapshotAttribute>(
            target.region,
            ec2::ModifySnapshotAttributeRequest {
                snapshot_id: id.clone(),
                attribute: Some("createVolumePermission".into()),
                operation_type: Some("remove".into()),
                group_names: Some(vec!["all".into()]),
                ..Default::default()
            },
            Some(format!("snapshot {id} is restorable by anyone: Group=all is removed, account shares are kept")),
        )?;
    }
    Ok(Done::Applied)
}

fn ec2_8<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    f.call::<ec2::ModifyInstanceMetadataOptions>(
        target.region,
        ec2::ModifyInstanceMetadataOptionsRequest {
            instance_id: id_after(target.resource, "instance/").into(),
            http_tokens: Some("required".into()),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn ec2_9<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let id = id_after(target.resource, "instance/").to_string();
    let relaunch = Done::Unfixable(Justification::RelaunchWithoutPublicIp { instance: id.clone() });
    let Some(inst) = instance(target.snapshot, target.region, target.resource) else { return Ok(Done::Applied) };
    let Some(ip) = inst.public_ip_address.clone() else { return Ok(Done::Applied) };
    let eip = region(target.snapshot, target.region)
        .and_then(|r| r.instances.addresses.iter().find(|a| a.public_ip.as_deref() == Some(ip.as_str())));
    let Some(association) = eip.and_then(|a| a.association_id.clone()) else { return Ok(relaunch) };
    f.call_noted::<ec2::DisassociateAddress>(
        target.region,
        ec2::DisassociateAddressRequest { association_id: Some(association), ..Default::default() },
        Some(format!("Elastic IP {ip} is taken off instance {id}; the address stays allocated to the account")),
    )?;
    let now = f
        .read::<ec2::DescribeInstances>(
            target.region,
            ec2::DescribeInstancesRequest { instance_ids: Some(vec![id.clone()]), ..Default::default() },
        )
        .map_err(|error| Failed { call: "ec2:DescribeInstances".into(), error })?;
    let still_public = now
        .reservations
        .iter()
        .flatten()
        .flat_map(|r| r.instances.iter().flatten())
        .any(|i| i.public_ip_address.is_some());
    Ok(if still_public { relaunch } else { Done::Applied })
}

fn ec2_17<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(inst) = instance(target.snapshot, target.region, target.resource) else { return Ok(Done::Applied) };
    let id = inst.instance_id.clone().unwrap_or_default();
    for n in inst.network_interfaces.iter().flatten() {
        let Some(att) = &n.attachment else { continue };
        if att.device_index == Some(0) {
            continue;
        }
        let eni = n.network_interface_id.clone().unwrap_or_default();
        f.call_noted::<ec2::DetachNetworkInterface>(
            target.region,
            ec2::DetachNetworkInterfaceRequest {
                attachment_id: att.attachment_id.clone().unwrap_or_default(),
                ..Default::default()
            },
            Some(format!(
                "interface {eni} (device index {}) is detached from {id} and kept, available to reattach",
                att.device_index.unwrap_or(0)
            )),
        )?;
    }
    Ok(Done::Applied)
}

fn ec2_22<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let group = id_after(target.resource, "security-group/").to_string();
    let read_failed = |call: &str| {
        let call = call.to_string();
        move |error| Failed { call, error }
    };
    let users = f
        .read::<ec2::DescribeNetworkInterfaces>(
            target.region,
            ec2::DescribeNetworkInterfacesRequest {
                filters: Some(vec![ec2::Filter { name: Some("group-id".into()), values: Some(vec![group.clone()]) }]),
                ..Default::default()
            },
        )
        .map_err(read_failed("ec2:DescribeNetworkInterfaces"))?
        .network_interfaces
        .unwrap_or_default();
    if !users.is_empty() {
        // In use by now (an earlier fix of the round attached it): nothing to do.
        return Ok(Done::Applied);
    }
    let groups = f
        .read::<ec2::DescribeSecurityGroups>(target.region, Default::default())
        .map_err(read_failed("ec2:DescribeSecurityGroups"))?
        .security_groups
        .unwrap_or_default();
    if !groups.iter().any(|g| g.group_id.as_deref() == Some(group.as_str())) {
        return Ok(Done::Applied);
    }
    let refers = |perms: &Option<Vec<ec2::IpPermission>>| {
        perms
            .iter()
            .flatten()
            .any(|p| p.user_id_group_pairs.iter().flatten().any(|u| u.group_id.as_deref() == Some(group.as_str())))
    };
    let by: Vec<String> = groups
        .iter()
        .filter(|g| g.group_id.as_deref() != Some(group.as_str()))
        .filter(|g| refers(&g.ip_permissions) || refers(&g.ip_permissions_egress))
        .filter_map(|g| g.group_id.clone())
        .collect();
    if !by.is_empty() {
        return Ok(Done::Unfixable(Justification::SecurityGroupReferenced { group, by }));
    }
    f.call_noted::<ec2::DeleteSecurityGroup>(
        target.region,
        ec2::DeleteSecurityGroupRequest { group_id: Some(group.clone()), ..Default::default() },
        Some(format!(
            "security group {group} is unused: no network interface carries it and no other group's rule refers to it"
        )),
    )?;
    Ok(Done::Applied)
}

/// Whether an EC2 instance justification still holds for `resource` (others: `Ok`).
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    let (holds, what) = match j {
        Justification::EncryptedVolumeSwap => {
            let id = id_after(resource, "volume/");
            let v = snapshot
                .regions
                .iter()
                .flat_map(|r| r.instances.volumes.iter())
                .find(|v| v.volume_id.as_deref() == Some(id));
            (
                v.is_some_and(|v| v.encrypted != Some(true) && v.attachments.iter().flatten().next().is_some()),
                "the volume is attached and unencrypted",
            )
        }
        Justification::StoppedInstanceKept => (
            find_instance(snapshot, resource).is_some_and(|i| {
                i.state.as_ref().and_then(|s| s.name.as_deref()) == Some("stopped") && stopped_at(i).is_some()
            }),
            "the instance is stopped",
        ),
        Justification::ParavirtualRelaunch => (
            find_instance(snapshot, resource).is_some_and(|i| i.virtualization_type.as_deref() == Some("paravirtual")),
            "the instance is paravirtual",
        ),
        Justification::RelaunchWithoutPublicIp { .. } => (
            find_instance(snapshot, resource).is_some_and(|i| i.public_ip_address.is_some()),
            "the instance has a public IPv4 address",
        ),
        _ => (true, ""),
    };
    if holds {
        Ok(())
    } else {
        Err(format!("the justification's precondition does not hold: it needs that {what}"))
    }
}

fn find_instance<'s>(snapshot: &'s Snapshot, resource: &str) -> Option<&'s ec2::Instance> {
    let id = id_after(resource, "instance/");
    snapshot.regions.iter().flat_map(|r| r.instances.instances.iter()).find(|i| i.instance_id.as_deref() == Some(id))
}
