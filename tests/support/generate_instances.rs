//! EC2 instances for the property tests: instances with or without a public IPv4 address,
//! IMDSv1 allowed or IMDSv2 required, stopped or running, paravirtual or HVM, with a second
//! network interface or an Elastic IP; extra volumes attached or not; snapshots public, shared
//! with one account or private. And what of them the account holds, read back through the API,
//! so that (d) can prove remediation deletes no instance, volume, snapshot, interface or
//! address, only shrinks snapshot permissions, and deletes a security group only when no
//! interface carried it and the transcript says why; and (b) can check the EC2
//! justifications' preconditions.

use std::collections::{BTreeMap, BTreeSet};

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A failed expectation, as text (as in `state.rs`; this file stands alone so that the
/// evaluation bench, which includes the generator by path, can include it too).
pub type R<T> = Result<T, String>;

fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

/// A snapshot of an instance's extra volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    Private,
    OneAccount,
    Public,
}

/// One generated instance.
#[derive(Debug, Clone)]
pub struct InstancePlan {
    /// Index into the account's regions.
    pub region: usize,
    /// Launched with a public IPv4 address (the default subnet's MapPublicIpOnLaunch), else
    /// with AssociatePublicIpAddress=false.
    pub public: bool,
    /// Launched with HttpTokens required.
    pub imds_required: bool,
    /// Stopped after the launch.
    pub stopped: bool,
    /// The paravirtual image on m1.small, else Amazon Linux 2 on t3.micro.
    pub paravirtual: bool,
    /// A second interface attached at device index 1.
    pub second_eni: bool,
    /// An Elastic IP associated (only without a second interface: EC2 then needs the interface
    /// named).
    pub eip: bool,
    /// An extra volume: attached or not, and a snapshot of it.
    pub volume: Option<(bool, Option<Share>)>,
}

/// The instances of a generated account.
#[derive(Debug, Clone)]
pub struct InstancesPlan {
    pub instances: Vec<InstancePlan>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = InstancesPlan> {
    let share = prop_oneof![Just(Share::Private), Just(Share::OneAccount), Just(Share::Public)];
    let instance =
        (
            (0usize..3, any::<bool>(), any::<bool>(), any::<bool>()),
            (prop::bool::weighted(0.2), prop::bool::weighted(0.3), prop::bool::weighted(0.3)),
            prop::option::of((any::<bool>(), prop::option::of(share))),
        )
            .prop_map(|((region, public, imds_required, stopped), (paravirtual, second_eni, eip), volume)| {
                InstancePlan { region, public, imds_required, stopped, paravirtual, second_eni, eip, volume }
            });
    prop::collection::vec(instance, 0..=3).prop_map(|instances| InstancesPlan { instances })
}

fn step(call: &str, region: &str, input: Value, capture: Option<&str>) -> Step {
    Step {
        call: call.into(),
        region: Some(region.to_string()),
        input,
        capture: capture.map(str::to_string),
        expect_error: None,
        note: None,
    }
}

impl InstancesPlan {
    /// The steps, in `regions` (index modulo their number).
    pub fn steps(&self, regions: &[String]) -> Vec<Step> {
        let mut out = Vec::new();
        for (n, p) in self.instances.iter().enumerate() {
            let r = regions[p.region % regions.len()].as_str();
            let (image, itype) =
                if p.paravirtual { ("amzn-ami-pv*", "m1.small") } else { ("amzn2-ami-kernel-5.10-hvm*", "t3.micro") };
            let ami = format!("uinst{n}ami");
            out.push(step(
                "ec2:DescribeImages",
                r,
                json!({"Owners": ["amazon"], "Filters": [{"Name": "name", "Values": [image]}]}),
                Some(&ami),
            ));
            let mut run = json!({"ImageId": format!("${{{ami}.Images[0].ImageId}}"), "InstanceType": itype,
                "MinCount": 1, "MaxCount": 1});
            if !p.public {
                run["NetworkInterfaces"] = json!([{"DeviceIndex": 0, "AssociatePublicIpAddress": false}]);
            }
            if p.imds_required {
                run["MetadataOptions"] = json!({"HttpTokens": "required"});
            }
            let inst = format!("uinst{n}");
            out.push(step("ec2:RunInstances", r, run, Some(&inst)));
            let id = format!("${{{inst}.Instances[0].InstanceId}}");
            let zone = format!("${{{inst}.Instances[0].Placement.AvailabilityZone}}");
            let subnet = format!("${{{inst}.Instances[0].SubnetId}}");
            if p.second_eni {
                let eni = format!("uinst{n}eni");
                out.push(step("ec2:CreateNetworkInterface", r, json!({"SubnetId": subnet}), Some(&eni)));
                out.push(step(
                    "ec2:AttachNetworkInterface",
                    r,
                    json!({"NetworkInterfaceId": format!("${{{eni}.NetworkInterface.NetworkInterfaceId}}"),
                        "InstanceId": id, "DeviceIndex": 1}),
                    None,
                ));
            } else if p.eip {
                let eip = format!("uinst{n}eip");
                out.push(step("ec2:AllocateAddress", r, json!({"Domain": "vpc"}), Some(&eip)));
                out.push(step(
                    "ec2:AssociateAddress",
                    r,
                    json!({"AllocationId": format!("${{{eip}.AllocationId}}"), "InstanceId": id}),
                    None,
                ));
            }
            if let Some((attached, share)) = p.volume {
                let vol = format!("uinst{n}vol");
                out.push(step("ec2:CreateVolume", r, json!({"AvailabilityZone": zone, "Size": 4}), Some(&vol)));
                let vol_id = format!("${{{vol}.VolumeId}}");
                if attached {
                    out.push(step(
                        "ec2:AttachVolume",
                        r,
                        json!({"VolumeId": vol_id, "InstanceId": id, "Device": "/dev/sdf"}),
                        None,
                    ));
                }
                if let Some(share) = share {
                    let snap = format!("uinst{n}snap");
                    out.push(step("ec2:CreateSnapshot", r, json!({"VolumeId": vol_id}), Some(&snap)));
                    let mut modify = json!({"SnapshotId": format!("${{{snap}.SnapshotId}}"),
                        "Attribute": "createVolumePermission", "OperationType": "add"});
                    match share {
                        Share::Private => {}
                        Share::OneAccount => modify["UserIds"] = json!(["111122223333"]),
                        Share::Public => modify["GroupNames"] = json!(["all"]),
                    }
                    if share != Share::Private {
                        out.push(step("ec2:ModifySnapshotAttribute", r, modify, None));
                    }
                }
            }
            if p.stopped {
                out.push(step("ec2:StopInstances", r, json!({"InstanceIds": [id]}), None));
            }
        }
        out
    }
}

/// One instance as read back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstanceState {
    pub state: String,
    pub public_ip: bool,
    pub virtualization: String,
    pub tokens: String,
}

/// The instance resources of every region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Instances {
    /// Instance id → its state.
    pub instances: BTreeMap<String, InstanceState>,
    /// Volume id → (encrypted, attached).
    pub volumes: BTreeMap<String, (bool, bool)>,
    /// Snapshot id → its createVolumePermission entries (JSON text).
    pub snapshots: BTreeMap<String, BTreeSet<String>>,
    /// Interface ids.
    pub interfaces: BTreeSet<String>,
    /// Elastic IP allocation ids.
    pub addresses: BTreeSet<String>,
    /// Security groups some interface carries.
    pub carried_groups: BTreeSet<String>,
}

fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Reads the instance resources of `region` into `s`.
pub fn read(sim: &Simulator, region: &str, s: &mut Instances) -> R<()> {
    for r in list(&call(sim, region, "ec2", "DescribeInstances", json!({}))?, "Reservations") {
        for i in list(&r, "Instances") {
            s.instances.insert(
                text(&i, "InstanceId"),
                InstanceState {
                    state: i.get("State").map(|st| text(st, "Name")).unwrap_or_default(),
                    public_ip: i.get("PublicIpAddress").is_some(),
                    virtualization: text(&i, "VirtualizationType"),
                    tokens: i.get("MetadataOptions").map(|m| text(m, "HttpTokens")).unwrap_or_default(),
                },
            );
        }
    }
    for v in list(&call(sim, region, "ec2", "DescribeVolumes", json!({}))?, "Volumes") {
        let encrypted = v.get("Encrypted").and_then(Value::as_bool).unwrap_or(false);
        s.volumes.insert(text(&v, "VolumeId"), (encrypted, !list(&v, "Attachments").is_empty()));
    }
    for snap in list(&call(sim, region, "ec2", "DescribeSnapshots", json!({"OwnerIds": ["self"]}))?, "Snapshots") {
        let id = text(&snap, "SnapshotId");
        let attr = call(
            sim,
            region,
            "ec2",
            "DescribeSnapshotAttribute",
            json!({"SnapshotId": id, "Attribute": "createVolumePermission"}),
        )?;
        s.snapshots.insert(id, list(&attr, "CreateVolumePermissions").iter().map(Value::to_string).collect());
    }
    for n in list(&call(sim, region, "ec2", "DescribeNetworkInterfaces", json!({}))?, "NetworkInterfaces") {
        s.interfaces.insert(text(&n, "NetworkInterfaceId"));
        s.carried_groups.extend(list(&n, "Groups").iter().map(|g| text(g, "GroupId")));
    }
    for a in list(&call(sim, region, "ec2", "DescribeAddresses", json!({}))?, "Addresses") {
        s.addresses.insert(text(&a, "AllocationId"));
    }
    Ok(())
}

/// (d): no instance terminated or gone, no volume, snapshot, interface or address gone, and
/// snapshot permissions only shrink.
pub fn check_kept(before: &Instances, after: &Instances) -> R<()> {
    for (id, was) in &before.instances {
        let Some(now) = after.instances.get(id) else { return Err(format!("instance {id} was deleted")) };
        if now.state == "terminated" && was.state != "terminated" {
            return Err(format!("instance {id} was terminated"));
        }
    }
    for id in before.volumes.keys() {
        if !after.volumes.contains_key(id) {
            return Err(format!("volume {id} was deleted"));
        }
    }
    for (id, perms) in &before.snapshots {
        let Some(now) = after.snapshots.get(id) else { return Err(format!("snapshot {id} was deleted")) };
        let new: Vec<&String> = now.difference(perms).collect();
        if !new.is_empty() {
            return Err(format!("snapshot {id} gained createVolumePermission {new:?}"));
        }
    }
    let gone: Vec<&String> = before.interfaces.difference(&after.interfaces).collect();
    if !gone.is_empty() {
        return Err(format!("network interfaces deleted: {gone:?}"));
    }
    let gone: Vec<&String> = before.addresses.difference(&after.addresses).collect();
    if !gone.is_empty() {
        return Err(format!("Elastic IPs released: {gone:?}"));
    }
    Ok(())
}

/// Whether deleting security group `id` was allowed: no interface carried it before
/// remediation, and the transcript's DeleteSecurityGroup says it is unused.
pub fn deletion_allowed(before: &Instances, id: &str, deletions: &[(String, Option<String>)]) -> R<()> {
    if before.carried_groups.contains(id) {
        return Err(format!("security group {id} was deleted although an interface carried it"));
    }
    let said = deletions.iter().any(|(detail, note)| {
        detail.contains(id) && note.as_deref().is_some_and(|n| n.contains("is unused: no network interface carries it"))
    });
    if !said {
        return Err(format!("security group {id} was deleted without a transcript step saying why it is unused"));
    }
    Ok(())
}

/// (b) for the EC2 instance justifications: `Some(check)` when `note` is one of them.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &Instances) -> Option<R<()>> {
    let id = resource.rsplit('/').next().unwrap_or(resource);
    let inst = after.instances.get(id);
    let (want, holds) = if note.starts_with("EC2.9 cannot be fixed in place") {
        ("EC2.9", inst.is_some_and(|i| i.public_ip))
    } else if note.starts_with("EC2.3 cannot be fixed in place") {
        ("EC2.3", after.volumes.get(id).is_some_and(|(encrypted, attached)| !encrypted && *attached))
    } else if note.starts_with("EC2.4 is not fixed automatically") {
        ("EC2.4", inst.is_some_and(|i| i.state == "stopped"))
    } else if note.starts_with("EC2.24 cannot be fixed in place") {
        ("EC2.24", inst.is_some_and(|i| i.virtualization == "paravirtual"))
    } else if note.starts_with("Security group ") && note.contains("is attached to no network interface") {
        ("EC2.22", !after.carried_groups.contains(id))
    } else {
        return None;
    };
    Some(if control != want {
        Err(format!("{want}'s justification on {control}"))
    } else if !holds {
        Err(format!("{want}'s justification on {resource}, whose precondition does not hold"))
    } else {
        Ok(())
    })
}
