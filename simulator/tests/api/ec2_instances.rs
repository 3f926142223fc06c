//! EC2 instances, ENIs, Elastic IPs, EBS volumes and snapshots through the typed API:
//! launches into the default subnets, state rules, metadata options, attachments, sharing,
//! and that every refusal leaves the account as it was.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn filter(name: &str, values: &[&str]) -> ec2::Filter {
    ec2::Filter { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

/// The catalogue image called `prefix…`.
fn ami(sim: &Simulator, prefix: &str) -> String {
    let req = ec2::DescribeImagesRequest {
        owners: Some(vec!["amazon".into()]),
        filters: Some(vec![filter("name", &[&format!("{prefix}*")])]),
        ..Default::default()
    };
    let images = sim.call::<ec2::DescribeImages>(REGION, req).unwrap().images.unwrap();
    assert_eq!(images.len(), 1, "one catalogue image named {prefix}*");
    images[0].image_id.clone().unwrap()
}

fn run(sim: &Simulator, image: &str, instance_type: &str) -> Result<ec2::Reservation, hubsim_simulator::AwsError> {
    sim.call::<ec2::RunInstances>(
        REGION,
        ec2::RunInstancesRequest {
            image_id: Some(image.into()),
            instance_type: Some(instance_type.into()),
            min_count: 1,
            max_count: 1,
            ..Default::default()
        },
    )
}

fn launch(sim: &Simulator, image: &str) -> String {
    run(sim, image, "t3.micro").unwrap().instances.unwrap()[0].instance_id.clone().unwrap()
}

fn describe(sim: &Simulator, id: &str) -> ec2::Instance {
    let req = ec2::DescribeInstancesRequest { instance_ids: Some(vec![id.into()]), ..Default::default() };
    let r = sim.call::<ec2::DescribeInstances>(REGION, req).unwrap().reservations.unwrap();
    r[0].instances.clone().unwrap()[0].clone()
}

fn instance_count(sim: &Simulator) -> usize {
    let r = sim.call::<ec2::DescribeInstances>(REGION, Default::default()).unwrap().reservations.unwrap();
    r.iter().map(|r| r.instances.as_ref().map_or(0, Vec::len)).sum()
}

fn volumes(sim: &Simulator) -> Vec<ec2::Volume> {
    sim.call::<ec2::DescribeVolumes>(REGION, Default::default()).unwrap().volumes.unwrap()
}

fn interfaces(sim: &Simulator, filters: Vec<ec2::Filter>) -> Vec<ec2::NetworkInterface> {
    let req = ec2::DescribeNetworkInterfacesRequest { filters: Some(filters), ..Default::default() };
    sim.call::<ec2::DescribeNetworkInterfaces>(REGION, req).unwrap().network_interfaces.unwrap()
}

#[test]
fn images_cover_the_catalogue_and_refuse_unknown_ids() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let all = sim.call::<ec2::DescribeImages>(REGION, Default::default()).unwrap().images.unwrap();
    let virt: Vec<&str> = all.iter().filter_map(|i| i.virtualization_type.as_deref()).collect();
    assert!(virt.contains(&"hvm") && virt.contains(&"paravirtual"));
    let arm =
        ec2::DescribeImagesRequest { filters: Some(vec![filter("architecture", &["arm64"])]), ..Default::default() };
    assert_eq!(sim.call::<ec2::DescribeImages>(REGION, arm).unwrap().images.unwrap().len(), 1);
    let mine = ec2::DescribeImagesRequest { owners: Some(vec!["self".into()]), ..Default::default() };
    assert_eq!(sim.call::<ec2::DescribeImages>(REGION, mine).unwrap().images.unwrap().len(), 0);
    let unknown =
        ec2::DescribeImagesRequest { image_ids: Some(vec!["ami-0123456789abcdef0".into()]), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::DescribeImages>(REGION, unknown)), "InvalidAMIID.NotFound");
    let bad = ec2::DescribeImagesRequest { image_ids: Some(vec!["image-1".into()]), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::DescribeImages>(REGION, bad)), "InvalidAMIID.Malformed");
}

#[test]
fn a_launch_into_the_default_subnet_gets_a_public_address_interface_and_root_volume() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let al2 = ami(&sim, "amzn2-ami");
    let id = launch(&sim, &al2);
    let i = describe(&sim, &id);
    assert_eq!(i.state.as_ref().unwrap().name.as_deref(), Some("running"));
    assert!(i.public_ip_address.is_some(), "the default subnet maps public IPs on launch");
    assert_eq!(i.metadata_options.as_ref().unwrap().http_tokens.as_deref(), Some("optional"));
    assert_eq!(i.virtualization_type.as_deref(), Some("hvm"));
    let subnet = i.subnet_id.clone().unwrap();
    let default_subnet = sim
        .call::<ec2::DescribeSubnets>(
            REGION,
            ec2::DescribeSubnetsRequest { subnet_ids: Some(vec![subnet.clone()]), ..Default::default() },
        )
        .unwrap()
        .subnets
        .unwrap()[0]
        .clone();
    assert_eq!(default_subnet.default_for_az, Some(true));
    assert_eq!(default_subnet.availability_zone.as_deref(), Some("ap-northeast-1a"));
    let nics = i.network_interfaces.clone().unwrap();
    assert_eq!(nics.len(), 1);
    let group = i.security_groups.clone().unwrap()[0].group_name.clone();
    assert_eq!(group.as_deref(), Some("default"));
    let root = i.block_device_mappings.clone().unwrap();
    assert_eq!(root[0].device_name.as_deref(), Some("/dev/xvda"));
    let vols = volumes(&sim);
    assert_eq!(vols.len(), 1);
    assert_eq!((vols[0].size, vols[0].encrypted, vols[0].volume_type.as_deref()), (Some(8), Some(false), Some("gp3")));
    assert_eq!(vols[0].attachments.as_ref().unwrap()[0].instance_id.as_deref(), Some(id.as_str()));
    // Filters a scanner uses.
    for (name, value, n) in [
        ("instance-state-name", "running", 1),
        ("instance-state-name", "stopped", 0),
        ("subnet-id", subnet.as_str(), 1),
        ("metadata-options.http-tokens", "optional", 1),
    ] {
        let req = ec2::DescribeInstancesRequest { filters: Some(vec![filter(name, &[value])]), ..Default::default() };
        let got = sim.call::<ec2::DescribeInstances>(REGION, req).unwrap().reservations.unwrap().len();
        assert_eq!(got, n, "{name}={value}");
    }
    let by_instance = interfaces(&sim, vec![filter("attachment.instance-id", &[&id])]);
    assert_eq!(by_instance.len(), 1);
    // Amazon Linux 2023 declares ImdsSupport v2.0: its instances require tokens.
    let al2023 = ami(&sim, "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64");
    let v2 = describe(&sim, &launch(&sim, &al2023));
    assert_eq!(v2.metadata_options.as_ref().unwrap().http_tokens.as_deref(), Some("required"));
    assert_eq!(v2.metadata_options.as_ref().unwrap().http_put_response_hop_limit, Some(2));
}

#[test]
fn root_volumes_follow_ebs_encryption_by_default_at_launch_only() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let al2 = ami(&sim, "amzn2-ami");
    let before = launch(&sim, &al2);
    sim.call::<ec2::EnableEbsEncryptionByDefault>(REGION, Default::default()).unwrap();
    let after = launch(&sim, &al2);
    let encrypted = |id: &str| {
        volumes(&sim)
            .into_iter()
            .find(|v| v.attachments.iter().flatten().any(|a| a.instance_id.as_deref() == Some(id)))
            .unwrap()
            .encrypted
    };
    assert_eq!(encrypted(&before), Some(false), "turning the default on changes no existing volume");
    assert_eq!(encrypted(&after), Some(true));
}

#[test]
fn bad_launches_are_refused_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let al2 = ami(&sim, "amzn2-ami");
    let arm = ami(&sim, "al2023-ami-2023.6.20241212.0-kernel-6.1-arm64");
    let pv = ami(&sim, "amzn-ami-pv");
    assert_eq!(code(run(&sim, "ami-0123456789abcdef0", "t3.micro")), "InvalidAMIID.NotFound");
    assert_eq!(code(run(&sim, "not-an-ami", "t3.micro")), "InvalidAMIID.Malformed");
    assert_eq!(code(run(&sim, &al2, "t3.enormous")), "InvalidParameterValue");
    assert_eq!(code(run(&sim, &arm, "t3.micro")), "InvalidParameterValue", "architecture mismatch");
    assert_eq!(code(run(&sim, &pv, "t3.micro")), "InvalidParameterCombination", "PV needs an old type");
    let counts =
        ec2::RunInstancesRequest { image_id: Some(al2.clone()), min_count: 2, max_count: 1, ..Default::default() };
    assert_eq!(code(sim.call::<ec2::RunInstances>(REGION, counts)), "InvalidParameterValue");
    let zero =
        ec2::RunInstancesRequest { image_id: Some(al2.clone()), min_count: 0, max_count: 1, ..Default::default() };
    assert_eq!(code(sim.call::<ec2::RunInstances>(REGION, zero)), "InvalidParameterValue");
    let tokens = ec2::RunInstancesRequest {
        image_id: Some(al2.clone()),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        metadata_options: Some(ec2::InstanceMetadataOptionsRequest {
            http_tokens: Some("sometimes".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::RunInstances>(REGION, tokens)), "InvalidParameterValue");
    let unknown_sg = ec2::RunInstancesRequest {
        image_id: Some(al2.clone()),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        security_group_ids: Some(vec!["sg-0123456789abcdef0".into()]),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::RunInstances>(REGION, unknown_sg)), "InvalidGroup.NotFound");
    // m1.small, AWS's default type, cannot run an HVM image.
    let default_type =
        ec2::RunInstancesRequest { image_id: Some(al2.clone()), min_count: 1, max_count: 1, ..Default::default() };
    assert_eq!(code(sim.call::<ec2::RunInstances>(REGION, default_type)), "InvalidParameterCombination");
    let dry = ec2::RunInstancesRequest {
        image_id: Some(al2),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        dry_run: Some(true),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::RunInstances>(REGION, dry)), "DryRunOperation");
    assert_eq!(instance_count(&sim), 0);
    assert!(volumes(&sim).is_empty());
    assert!(interfaces(&sim, vec![]).is_empty());
    // The paravirtual image runs on a previous-generation type.
    assert_eq!(
        describe(&sim, &run(&sim, &pv, "m1.small").unwrap().instances.unwrap()[0].instance_id.clone().unwrap())
            .virtualization_type
            .as_deref(),
        Some("paravirtual")
    );
}

#[test]
fn stop_start_terminate_follow_the_state_rules() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let al2 = ami(&sim, "amzn2-ami");
    let id = launch(&sim, &al2);
    let ids = vec![id.clone()];
    let stop = || {
        sim.call::<ec2::StopInstances>(
            REGION,
            ec2::StopInstancesRequest { instance_ids: ids.clone(), ..Default::default() },
        )
    };
    let start = || {
        sim.call::<ec2::StartInstances>(
            REGION,
            ec2::StartInstancesRequest { instance_ids: ids.clone(), ..Default::default() },
        )
    };
    let change = stop().unwrap().stopping_instances.unwrap()[0].clone();
    assert_eq!(change.previous_state.unwrap().name.as_deref(), Some("running"));
    let stopped = describe(&sim, &id);
    assert_eq!(stopped.state.as_ref().unwrap().code, Some(80));
    let reason = stopped.state_transition_reason.clone().unwrap();
    assert!(reason.starts_with("User initiated (") && reason.ends_with(" GMT)"), "{reason}");
    assert_eq!(stopped.public_ip_address, None, "a stopped instance gives its public address back");
    start().unwrap();
    let restarted = describe(&sim, &id);
    assert_eq!(restarted.state.as_ref().unwrap().name.as_deref(), Some("running"));
    assert!(restarted.public_ip_address.is_some(), "and gets a new one when it starts");
    assert_eq!(restarted.state_transition_reason.as_deref(), Some(""));
    let unknown = ec2::StopInstancesRequest {
        instance_ids: vec![id.clone(), "i-0123456789abcdef0".into()],
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::StopInstances>(REGION, unknown)), "InvalidInstanceID.NotFound");
    assert_eq!(describe(&sim, &id).state.unwrap().name.as_deref(), Some("running"), "a refused stop stops none");

    sim.call::<ec2::TerminateInstances>(
        REGION,
        ec2::TerminateInstancesRequest { instance_ids: ids.clone(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(describe(&sim, &id).state.unwrap().name.as_deref(), Some("terminated"));
    assert!(volumes(&sim).is_empty(), "the root volume is deleted on termination");
    assert!(interfaces(&sim, vec![]).is_empty(), "and the primary interface");
    assert_eq!(code(stop()), "IncorrectInstanceState");
    assert_eq!(code(start()), "IncorrectInstanceState");
    let meta = ec2::ModifyInstanceMetadataOptionsRequest {
        instance_id: id,
        http_tokens: Some("required".into()),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifyInstanceMetadataOptions>(REGION, meta)), "IncorrectInstanceState");
}

#[test]
fn metadata_options_are_checked_and_applied() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim, &ami(&sim, "amzn2-ami"));
    let req = |tokens: &str, hops: Option<i32>| ec2::ModifyInstanceMetadataOptionsRequest {
        instance_id: id.clone(),
        http_tokens: Some(tokens.into()),
        http_put_response_hop_limit: hops,
        ..Default::default()
    };
    assert_eq!(
        code(sim.call::<ec2::ModifyInstanceMetadataOptions>(REGION, req("always", None))),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(sim.call::<ec2::ModifyInstanceMetadataOptions>(REGION, req("required", Some(65)))),
        "InvalidParameterValue"
    );
    assert_eq!(describe(&sim, &id).metadata_options.unwrap().http_tokens.as_deref(), Some("optional"));
    let out = sim.call::<ec2::ModifyInstanceMetadataOptions>(REGION, req("required", None)).unwrap();
    assert_eq!(out.instance_metadata_options.unwrap().state.as_deref(), Some("pending"));
    let m = describe(&sim, &id).metadata_options.unwrap();
    assert_eq!((m.http_tokens.as_deref(), m.http_put_response_hop_limit), (Some("required"), Some(1)));
    let missing =
        ec2::ModifyInstanceMetadataOptionsRequest { instance_id: "i-0123456789abcdef0".into(), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::ModifyInstanceMetadataOptions>(REGION, missing)), "InvalidInstanceID.NotFound");
}

#[test]
fn volumes_attach_detach_and_refuse_what_ebs_refuses() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim, &ami(&sim, "amzn2-ami"));
    let create = |az: &str, size: Option<i32>| {
        sim.call::<ec2::CreateVolume>(
            REGION,
            ec2::CreateVolumeRequest { availability_zone: Some(az.into()), size, ..Default::default() },
        )
    };
    assert_eq!(code(create("ap-northeast-1a", None)), "MissingParameter");
    assert_eq!(code(create("ap-northeast-1a", Some(20_000))), "InvalidParameterValue");
    assert_eq!(code(create("us-east-1a", Some(10))), "InvalidParameterValue");
    assert_eq!(volumes(&sim).len(), 1, "refused creates made nothing");
    let vol = create("ap-northeast-1a", Some(10)).unwrap();
    assert_eq!(
        (vol.state.as_deref(), vol.volume_type.as_deref(), vol.encrypted),
        (Some("creating"), Some("gp2"), Some(false))
    );
    let vol = vol.volume_id.unwrap();
    let other_zone = create("ap-northeast-1c", Some(10)).unwrap().volume_id.unwrap();
    let attach = |v: &str, device: &str| {
        sim.call::<ec2::AttachVolume>(
            REGION,
            ec2::AttachVolumeRequest {
                device: device.into(),
                instance_id: id.clone(),
                volume_id: v.into(),
                ..Default::default()
            },
        )
    };
    assert_eq!(code(attach(&other_zone, "/dev/sdf")), "InvalidVolume.ZoneMismatch");
    assert_eq!(code(attach(&vol, "/dev/xvda")), "InvalidParameterValue", "the root device is taken");
    assert_eq!(code(attach(&vol, "disk0")), "InvalidParameterValue");
    assert_eq!(attach(&vol, "/dev/sdf").unwrap().state.as_deref(), Some("attaching"));
    assert_eq!(code(attach(&vol, "/dev/sdg")), "VolumeInUse");
    let delete = |v: &str| {
        sim.call::<ec2::DeleteVolume>(REGION, ec2::DeleteVolumeRequest { volume_id: v.into(), ..Default::default() })
    };
    assert_eq!(code(delete(&vol)), "VolumeInUse");
    let filtered = ec2::DescribeVolumesRequest {
        filters: Some(vec![filter("attachment.instance-id", &[&id]), filter("encrypted", &["false"])]),
        ..Default::default()
    };
    assert_eq!(sim.call::<ec2::DescribeVolumes>(REGION, filtered).unwrap().volumes.unwrap().len(), 2);
    let root = describe(&sim, &id)
        .block_device_mappings
        .unwrap()
        .into_iter()
        .find(|m| m.device_name.as_deref() == Some("/dev/xvda"))
        .and_then(|m| m.ebs)
        .and_then(|e| e.volume_id)
        .unwrap();
    let detach = |v: &str| {
        sim.call::<ec2::DetachVolume>(REGION, ec2::DetachVolumeRequest { volume_id: v.into(), ..Default::default() })
    };
    assert_eq!(code(detach(&root)), "OperationNotPermitted", "a running instance keeps its root volume");
    detach(&vol).unwrap();
    assert_eq!(code(detach(&vol)), "IncorrectState");
    delete(&vol).unwrap();
    assert_eq!(code(delete(&vol)), "InvalidVolume.NotFound");
}

#[test]
fn snapshots_are_shared_and_unshared_through_create_volume_permission() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vol = sim
        .call::<ec2::CreateVolume>(
            REGION,
            ec2::CreateVolumeRequest {
                availability_zone: Some("ap-northeast-1a".into()),
                size: Some(8),
                ..Default::default()
            },
        )
        .unwrap()
        .volume_id
        .unwrap();
    let snap = sim
        .call::<ec2::CreateSnapshot>(
            REGION,
            ec2::CreateSnapshotRequest { volume_id: vol.clone(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(snap.state.as_deref(), Some("pending"));
    let snap = snap.snapshot_id.unwrap();
    let modify = |op: &str, groups: Option<Vec<&str>>, users: Option<Vec<&str>>| {
        sim.call::<ec2::ModifySnapshotAttribute>(
            REGION,
            ec2::ModifySnapshotAttributeRequest {
                snapshot_id: snap.clone(),
                attribute: Some("createVolumePermission".into()),
                operation_type: Some(op.into()),
                group_names: groups.map(|g| g.into_iter().map(String::from).collect()),
                user_ids: users.map(|u| u.into_iter().map(String::from).collect()),
                ..Default::default()
            },
        )
    };
    let perms = || {
        sim.call::<ec2::DescribeSnapshotAttribute>(
            REGION,
            ec2::DescribeSnapshotAttributeRequest {
                attribute: "createVolumePermission".into(),
                snapshot_id: snap.clone(),
                ..Default::default()
            },
        )
        .unwrap()
        .create_volume_permissions
        .unwrap()
    };
    let public = || {
        let req = ec2::DescribeSnapshotsRequest {
            owner_ids: Some(vec!["self".into()]),
            restorable_by_user_ids: Some(vec!["all".into()]),
            ..Default::default()
        };
        sim.call::<ec2::DescribeSnapshots>(REGION, req).unwrap().snapshots.unwrap().len()
    };
    assert_eq!(code(modify("add", Some(vec!["everyone"]), None)), "InvalidParameterValue");
    assert_eq!(code(modify("add", None, Some(vec!["12345"]))), "InvalidParameterValue");
    assert_eq!(code(modify("share", Some(vec!["all"]), None)), "InvalidParameterValue");
    assert!(perms().is_empty(), "refusals changed nothing");
    modify("add", Some(vec!["all"]), Some(vec!["111122223333"])).unwrap();
    assert_eq!(perms().len(), 2);
    assert_eq!(public(), 1);
    // Blocking all sharing hides the snapshot but leaves its attribute, and refuses new sharing.
    sim.call::<ec2::EnableSnapshotBlockPublicAccess>(
        REGION,
        ec2::EnableSnapshotBlockPublicAccessRequest { state: "block-all-sharing".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(public(), 0);
    assert_eq!(perms().len(), 2);
    let state = sim.call::<ec2::GetSnapshotBlockPublicAccessState>(REGION, Default::default()).unwrap().state;
    assert_eq!(state.as_deref(), Some("block-all-sharing"));
    sim.call::<ec2::DisableSnapshotBlockPublicAccess>(REGION, Default::default()).unwrap();
    modify("remove", Some(vec!["all"]), None).unwrap();
    assert_eq!(perms(), vec![ec2::CreateVolumePermission { user_id: Some("111122223333".into()), group: None }]);
    assert_eq!(public(), 0);
    sim.call::<ec2::ResetSnapshotAttribute>(
        REGION,
        ec2::ResetSnapshotAttributeRequest {
            attribute: "createVolumePermission".into(),
            snapshot_id: snap.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(perms().is_empty());
    // Encrypted snapshots cannot be made public.
    sim.call::<ec2::EnableEbsEncryptionByDefault>(REGION, Default::default()).unwrap();
    let enc_vol = sim
        .call::<ec2::CreateVolume>(
            REGION,
            ec2::CreateVolumeRequest {
                availability_zone: Some("ap-northeast-1a".into()),
                size: Some(8),
                ..Default::default()
            },
        )
        .unwrap()
        .volume_id
        .unwrap();
    let enc = sim
        .call::<ec2::CreateSnapshot>(REGION, ec2::CreateSnapshotRequest { volume_id: enc_vol, ..Default::default() })
        .unwrap()
        .snapshot_id
        .unwrap();
    let share = ec2::ModifySnapshotAttributeRequest {
        snapshot_id: enc,
        operation_type: Some("add".into()),
        group_names: Some(vec!["all".into()]),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ModifySnapshotAttribute>(REGION, share)), "InvalidParameterValue");
    let unknown = ec2::DeleteSnapshotRequest { snapshot_id: "snap-0123456789abcdef0".into(), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::DeleteSnapshot>(REGION, unknown)), "InvalidSnapshot.NotFound");
}

#[test]
fn interfaces_attach_detach_and_keep_their_groups_in_use() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim, &ami(&sim, "amzn2-ami"));
    let i = describe(&sim, &id);
    let (subnet, vpc) = (i.subnet_id.clone().unwrap(), i.vpc_id.clone().unwrap());
    let sg = sim
        .call::<ec2::CreateSecurityGroup>(
            REGION,
            ec2::CreateSecurityGroupRequest {
                group_name: "app".into(),
                description: "app".into(),
                vpc_id: Some(vpc),
                ..Default::default()
            },
        )
        .unwrap()
        .group_id
        .unwrap();
    let eni = sim
        .call::<ec2::CreateNetworkInterface>(
            REGION,
            ec2::CreateNetworkInterfaceRequest {
                subnet_id: subnet,
                groups: Some(vec![sg.clone()]),
                ..Default::default()
            },
        )
        .unwrap()
        .network_interface
        .unwrap()
        .network_interface_id
        .unwrap();
    let delete_sg = || {
        sim.call::<ec2::DeleteSecurityGroup>(
            REGION,
            ec2::DeleteSecurityGroupRequest { group_id: Some(sg.clone()), ..Default::default() },
        )
    };
    assert_eq!(code(delete_sg()), "DependencyViolation", "an interface uses the group");
    let attach = |index: i32| {
        sim.call::<ec2::AttachNetworkInterface>(
            REGION,
            ec2::AttachNetworkInterfaceRequest {
                network_interface_id: eni.clone(),
                instance_id: id.clone(),
                device_index: index,
                ..Default::default()
            },
        )
    };
    assert_eq!(code(attach(0)), "InvalidParameterValue");
    let attachment = attach(1).unwrap().attachment_id.unwrap();
    assert_eq!(code(attach(2)), "InvalidNetworkInterface.InUse");
    assert_eq!(describe(&sim, &id).network_interfaces.unwrap().len(), 2);
    assert_eq!(interfaces(&sim, vec![filter("group-id", &[&sg])]).len(), 1);
    let primary = describe(&sim, &id).network_interfaces.unwrap()[0].attachment.clone().unwrap().attachment_id.unwrap();
    let detach = |a: &str| {
        sim.call::<ec2::DetachNetworkInterface>(
            REGION,
            ec2::DetachNetworkInterfaceRequest { attachment_id: a.into(), ..Default::default() },
        )
    };
    assert_eq!(code(detach(&primary)), "OperationNotPermitted");
    let delete_eni = || {
        sim.call::<ec2::DeleteNetworkInterface>(
            REGION,
            ec2::DeleteNetworkInterfaceRequest { network_interface_id: eni.clone(), ..Default::default() },
        )
    };
    assert_eq!(code(delete_eni()), "InvalidNetworkInterface.InUse");
    detach(&attachment).unwrap();
    assert_eq!(code(detach(&attachment)), "InvalidAttachmentID.NotFound");
    assert_eq!(describe(&sim, &id).network_interfaces.unwrap().len(), 1);
    delete_eni().unwrap();
    delete_sg().unwrap();
}

#[test]
fn elastic_ips_replace_and_return_the_public_address() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim, &ami(&sim, "amzn2-ami"));
    let pool_ip = describe(&sim, &id).public_ip_address.unwrap();
    let eip = sim.call::<ec2::AllocateAddress>(REGION, Default::default()).unwrap();
    let (alloc, eip_ip) = (eip.allocation_id.unwrap(), eip.public_ip.unwrap());
    let assoc = sim
        .call::<ec2::AssociateAddress>(
            REGION,
            ec2::AssociateAddressRequest {
                allocation_id: Some(alloc.clone()),
                instance_id: Some(id.clone()),
                ..Default::default()
            },
        )
        .unwrap()
        .association_id
        .unwrap();
    assert_eq!(describe(&sim, &id).public_ip_address.as_deref(), Some(eip_ip.as_str()));
    let release = || {
        sim.call::<ec2::ReleaseAddress>(
            REGION,
            ec2::ReleaseAddressRequest { allocation_id: Some(alloc.clone()), ..Default::default() },
        )
    };
    assert_eq!(code(release()), "InvalidIPAddress.InUse");
    let by_instance =
        ec2::DescribeAddressesRequest { filters: Some(vec![filter("instance-id", &[&id])]), ..Default::default() };
    assert_eq!(sim.call::<ec2::DescribeAddresses>(REGION, by_instance).unwrap().addresses.unwrap().len(), 1);
    sim.call::<ec2::DisassociateAddress>(
        REGION,
        ec2::DisassociateAddressRequest { association_id: Some(assoc.clone()), ..Default::default() },
    )
    .unwrap();
    let back = describe(&sim, &id).public_ip_address.unwrap();
    assert_ne!(back, eip_ip, "an instance launched with a public address gets a new one");
    assert_ne!(back, pool_ip);
    let again = ec2::DisassociateAddressRequest { association_id: Some(assoc), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::DisassociateAddress>(REGION, again)), "InvalidAssociationID.NotFound");
    release().unwrap();
    assert!(sim.call::<ec2::DescribeAddresses>(REGION, Default::default()).unwrap().addresses.unwrap().is_empty());
}

#[test]
fn interface_endpoints_own_requester_managed_interfaces() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let vpc =
        sim.call::<ec2::DescribeVpcs>(REGION, Default::default()).unwrap().vpcs.unwrap()[0].vpc_id.clone().unwrap();
    let subnet = sim.call::<ec2::DescribeSubnets>(REGION, Default::default()).unwrap().subnets.unwrap()[0]
        .subnet_id
        .clone()
        .unwrap();
    let e = sim
        .call::<ec2::CreateVpcEndpoint>(
            REGION,
            ec2::CreateVpcEndpointRequest {
                vpc_id: vpc,
                service_name: Some(format!("com.amazonaws.{REGION}.ec2")),
                vpc_endpoint_type: Some("Interface".into()),
                subnet_ids: Some(vec![subnet]),
                ..Default::default()
            },
        )
        .unwrap()
        .vpc_endpoint
        .unwrap();
    let ids = e.network_interface_ids.clone().unwrap();
    assert_eq!(ids.len(), 1);
    let managed = interfaces(&sim, vec![filter("requester-managed", &["true"])]);
    assert_eq!(managed.len(), 1);
    assert_eq!(
        managed[0].groups,
        Some(
            e.groups
                .clone()
                .unwrap()
                .into_iter()
                .map(|g| ec2::GroupIdentifier { group_id: g.group_id, group_name: g.group_name })
                .collect()
        )
    );
    let del = ec2::DeleteNetworkInterfaceRequest { network_interface_id: ids[0].clone(), ..Default::default() };
    assert_eq!(code(sim.call::<ec2::DeleteNetworkInterface>(REGION, del)), "OperationNotPermitted");
    sim.call::<ec2::DeleteVpcEndpoints>(
        REGION,
        ec2::DeleteVpcEndpointsRequest { vpc_endpoint_ids: vec![e.vpc_endpoint_id.unwrap()], ..Default::default() },
    )
    .unwrap();
    assert!(interfaces(&sim, vec![]).is_empty());
}

#[test]
fn launches_are_deterministic() {
    let ids = || {
        let sim = fresh_account(Era::Current, &[REGION]);
        let id = launch(&sim, &ami(&sim, "amzn2-ami"));
        let i = describe(&sim, &id);
        (id, i.public_ip_address, i.private_ip_address, volumes(&sim)[0].volume_id.clone())
    };
    assert_eq!(ids(), ids());
}
