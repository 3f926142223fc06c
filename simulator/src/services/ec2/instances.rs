//! EC2 instances: RunInstances, DescribeInstances, Start/Stop/TerminateInstances and
//! ModifyInstanceMetadataOptions
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html).
//!
//! An instance is stored without what other resources hold: its network interfaces (and so
//! its addresses and security groups) are ENIs attached to it, its block devices are volumes
//! attached to it; DescribeInstances assembles them. A launch creates a primary interface in
//! the subnet (the default subnet of the zone when none is named), a public IPv4 address when
//! the subnet's MapPublicIpOnLaunch or the interface's AssociatePublicIpAddress says so
//! (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html), and a volume per
//! EBS mapping of the image, encrypted when the mapping or the region's encryption by default
//! says so. Metadata options follow AWS's precedence: the launch's own, then the image's
//! `ImdsSupport: v2.0` (HttpTokens required, hop limit 2), then EC2's defaults (optional, 1)
//! (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html).

use hubsim_model::{ec2, Timestamp};
use serde::{Deserialize, Serialize};

use super::filters::{one, opt, page, Filters};
use super::images::image;
use super::network_interfaces::{self as enis, groups_in_vpc, public_address, public_dns, NewInterface};
use super::regions::zones_of;
use super::security_groups::SgDoc;
use super::subnets::subnet;
use super::tags::{add_tags, check_tags, tag_list, tags_of};
use super::volumes::{self, check_type_and_size, valid_device, NewVolume};
use super::{dry_run, invalid, missing, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::RunInstances>()
        .add::<ec2::DescribeInstances>()
        .add::<ec2::StartInstances>()
        .add::<ec2::StopInstances>()
        .add::<ec2::TerminateInstances>()
        .add::<ec2::ModifyInstanceMetadataOptions>();
}

/// The most instances one RunInstances call launches here (AWS's limit is the account's
/// vCPU quota; hubsim keeps launches small).
const MAX_PER_CALL: i32 = 20;

/// One instance as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InstanceDoc {
    /// The instance without interfaces, addresses, groups, block devices and tags.
    pub instance: ec2::Instance,
    /// Its reservation (one per RunInstances call).
    pub reservation_id: String,
    /// Whether its primary interface gets an Amazon public IPv4 address when it starts.
    pub public_ip_on_launch: bool,
}

impl Resource for InstanceDoc {
    const KIND: &'static str = "ec2:instance";
}

impl InstanceDoc {
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down` or `terminated`.
    pub fn state_name(&self) -> &str {
        self.instance.state.as_ref().and_then(|s| s.name.as_deref()).unwrap_or("pending")
    }
}

/// EC2's state with its code.
fn state(name: &str) -> ec2::InstanceState {
    let code = match name {
        "pending" => 0,
        "running" => 16,
        "shutting-down" => 32,
        "terminated" => 48,
        "stopping" => 64,
        _ => 80,
    };
    ec2::InstanceState { code: Some(code), name: Some(name.to_string()) }
}

/// Reads instance `id` or answers `InvalidInstanceID.NotFound` (`InvalidInstanceID.Malformed`
/// for a string that is no instance id).
pub(crate) fn instance(ctx: &Ctx<'_>, id: &str) -> Result<InstanceDoc, AwsError> {
    if !id.starts_with("i-") || id.len() < 3 {
        return Err(AwsError::bad_request(
            "InvalidInstanceID.Malformed",
            format!("Invalid id: \"{id}\" (expecting \"i-...\")"),
        ));
    }
    ctx.get::<InstanceDoc>(id)?.ok_or_else(|| not_found("InvalidInstanceID.NotFound", "instance", &[id]))
}

/// 400 `IncorrectInstanceState`.
pub(crate) fn incorrect_state(id: &str, state: &str) -> AwsError {
    AwsError::bad_request(
        "IncorrectInstanceState",
        format!("The instance '{id}' is not in a state from which the request can be performed (it is {state})."),
    )
}

/// `2026-12-07 18:33:13 GMT`, as StateTransitionReason writes times.
fn gmt(t: Timestamp) -> String {
    let iso = t.to_iso8601();
    let base = iso.get(..19).unwrap_or(&iso);
    format!("{} GMT", base.replacen('T', " ", 1))
}

/// The instance families hubsim knows, their architecture and whether they run paravirtual
/// images (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html; PV only
/// on previous-generation types, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/virtualization_types.html).
const FAMILIES: &[(&str, &str, bool, bool)] = &[
    // (family, architecture, runs paravirtual, runs HVM)
    ("t1", "x86_64", true, false),
    ("m1", "x86_64", true, false),
    ("m3", "x86_64", true, true),
    ("c3", "x86_64", true, true),
    ("t2", "x86_64", false, true),
    ("t3", "x86_64", false, true),
    ("t3a", "x86_64", false, true),
    ("m5", "x86_64", false, true),
    ("m6i", "x86_64", false, true),
    ("m7i", "x86_64", false, true),
    ("c5", "x86_64", false, true),
    ("c6i", "x86_64", false, true),
    ("r5", "x86_64", false, true),
    ("t4g", "arm64", false, true),
    ("m6g", "arm64", false, true),
    ("m7g", "arm64", false, true),
    ("c6g", "arm64", false, true),
    ("c7g", "arm64", false, true),
    ("r6g", "arm64", false, true),
];

const SIZES: &[&str] =
    &["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];

/// Checks an instance type against the image: it must exist, have the image's architecture
/// and support its virtualization type.
fn check_type(instance_type: &str, img: &ec2::Image) -> Result<(), AwsError> {
    let known = instance_type
        .split_once('.')
        .and_then(|(fam, size)| FAMILIES.iter().find(|f| f.0 == fam).filter(|_| SIZES.contains(&size)));
    let Some((_, arch, pv, hvm)) = known else {
        return Err(invalid(format!("Invalid value '{instance_type}' for InstanceType.")));
    };
    let image_arch = img.architecture.as_deref().unwrap_or("x86_64");
    if *arch != image_arch {
        return Err(invalid(format!(
            "The architecture '{arch}' of the specified instance type does not match the architecture '{image_arch}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again."
        )));
    }
    let virt = img.virtualization_type.as_deref().unwrap_or("hvm");
    if (virt == "paravirtual" && !pv) || (virt == "hvm" && !hvm) {
        return Err(AwsError::bad_request(
            "InvalidParameterCombination",
            format!("Virtualization type '{virt}' is required for instances of type '{instance_type}'."),
        ));
    }
    Ok(())
}

/// The metadata options of a launch: its own, else the image's, else EC2's defaults.
fn metadata_options(
    req: Option<&ec2::InstanceMetadataOptionsRequest>,
    img: &ec2::Image,
) -> Result<ec2::InstanceMetadataOptionsResponse, AwsError> {
    let v2_image = img.imds_support.as_deref() == Some("v2.0");
    let mut out = ec2::InstanceMetadataOptionsResponse {
        state: Some("applied".into()),
        http_tokens: Some(if v2_image { "required" } else { "optional" }.into()),
        http_put_response_hop_limit: Some(if v2_image { 2 } else { 1 }),
        http_endpoint: Some("enabled".into()),
        http_protocol_ipv6: Some("disabled".into()),
        instance_metadata_tags: Some("disabled".into()),
    };
    if let Some(r) = req {
        apply_metadata(
            &mut out,
            r.http_tokens.as_deref(),
            r.http_put_response_hop_limit,
            r.http_endpoint.as_deref(),
            r.http_protocol_ipv6.as_deref(),
            r.instance_metadata_tags.as_deref(),
        )?;
    }
    Ok(out)
}

/// Checks and applies metadata options as RunInstances and ModifyInstanceMetadataOptions take
/// them (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataOptions.html).
fn apply_metadata(
    out: &mut ec2::InstanceMetadataOptionsResponse,
    tokens: Option<&str>,
    hops: Option<i32>,
    endpoint: Option<&str>,
    ipv6: Option<&str>,
    tags: Option<&str>,
) -> Result<(), AwsError> {
    let one_of = |name: &str, v: Option<&str>, allowed: &[&str]| -> Result<Option<String>, AwsError> {
        match v {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
            Some(v) => Err(invalid(format!(
                "Value ({v}) for parameter {name} is invalid. Valid values: {}",
                allowed.join(", ")
            ))),
        }
    };
    let tokens = one_of("HttpTokens", tokens, &["optional", "required"])?;
    let endpoint = one_of("HttpEndpoint", endpoint, &["enabled", "disabled"])?;
    let ipv6 = one_of("HttpProtocolIpv6", ipv6, &["enabled", "disabled"])?;
    let tags = one_of("InstanceMetadataTags", tags, &["enabled", "disabled"])?;
    if let Some(h) = hops.filter(|h| !(1..=64).contains(h)) {
        return Err(invalid(format!(
            "Value ({h}) for parameter HttpPutResponseHopLimit is invalid. It must be between 1 and 64."
        )));
    }
    out.http_tokens = tokens.or(out.http_tokens.take());
    out.http_endpoint = endpoint.or(out.http_endpoint.take());
    out.http_protocol_ipv6 = ipv6.or(out.http_protocol_ipv6.take());
    out.instance_metadata_tags = tags.or(out.instance_metadata_tags.take());
    out.http_put_response_hop_limit = hops.or(out.http_put_response_hop_limit);
    Ok(())
}

/// The tags a launch puts on instances, volumes and interfaces.
#[derive(Default)]
struct LaunchTags {
    instance: Vec<ec2::Tag>,
    volume: Vec<ec2::Tag>,
    interface: Vec<ec2::Tag>,
}

fn launch_tags(specs: &Option<Vec<ec2::TagSpecification>>) -> Result<LaunchTags, AwsError> {
    let mut out = LaunchTags::default();
    for spec in specs.iter().flatten() {
        let tags = spec.tags.clone().unwrap_or_default();
        check_tags(&tags)?;
        match spec.resource_type.as_deref().unwrap_or("") {
            "instance" => out.instance.extend(tags),
            "volume" => out.volume.extend(tags),
            "network-interface" => out.interface.extend(tags),
            other => {
                return Err(invalid(format!("'{other}' is not a valid taggable resource type for this operation.")))
            }
        }
    }
    Ok(out)
}

/// One EBS volume a launch creates.
struct PlannedVolume {
    device: String,
    size: i32,
    volume_type: String,
    snapshot_id: Option<String>,
    encrypted: bool,
    kms_key_id: Option<String>,
    delete_on_termination: bool,
}

/// The image's mappings with the launch's overrides and additions.
fn plan_volumes(img: &ec2::Image, req: &[ec2::BlockDeviceMapping]) -> Result<Vec<PlannedVolume>, AwsError> {
    let mut out: Vec<PlannedVolume> = Vec::new();
    for m in img.block_device_mappings.iter().flatten() {
        let Some(e) = &m.ebs else { continue };
        out.push(PlannedVolume {
            device: m.device_name.clone().unwrap_or_default(),
            size: e.volume_size.unwrap_or(8),
            volume_type: e.volume_type.clone().unwrap_or_else(|| "gp3".into()),
            snapshot_id: e.snapshot_id.clone(),
            encrypted: e.encrypted == Some(true),
            kms_key_id: None,
            delete_on_termination: e.delete_on_termination.unwrap_or(true),
        });
    }
    for m in req {
        let device = m.device_name.clone().ok_or_else(|| missing("BlockDeviceMapping.DeviceName"))?;
        if !valid_device(&device) {
            return Err(AwsError::bad_request("InvalidBlockDeviceMapping", format!("Invalid device name {device}")));
        }
        if m.no_device.is_some() {
            out.retain(|p| p.device != device);
            continue;
        }
        let Some(e) = &m.ebs else { continue };
        match out.iter_mut().find(|p| p.device == device) {
            Some(p) => {
                if let Some(size) = e.volume_size {
                    if size < p.size {
                        return Err(AwsError::bad_request(
                            "InvalidBlockDeviceMapping",
                            format!(
                                "Volume of size {size}GB is smaller than snapshot '{}', expect size >= {}GB",
                                p.snapshot_id.clone().unwrap_or_default(),
                                p.size
                            ),
                        ));
                    }
                    p.size = size;
                }
                if let Some(t) = &e.volume_type {
                    p.volume_type = t.clone();
                }
                p.encrypted = p.encrypted || e.encrypted == Some(true);
                p.kms_key_id = e.kms_key_id.clone();
                if let Some(d) = e.delete_on_termination {
                    p.delete_on_termination = d;
                }
            }
            None => {
                if e.snapshot_id.is_some() {
                    return Err(AwsError::bad_request(
                        "InvalidBlockDeviceMapping",
                        format!("hubsim launches additional volumes from no snapshot: device {device} names one"),
                    ));
                }
                let size = e.volume_size.ok_or_else(|| {
                    AwsError::bad_request(
                        "InvalidBlockDeviceMapping",
                        format!("The device {device} needs a volume size when no snapshot is given"),
                    )
                })?;
                out.push(PlannedVolume {
                    device,
                    size,
                    volume_type: e.volume_type.clone().unwrap_or_else(|| "gp3".into()),
                    snapshot_id: None,
                    encrypted: e.encrypted == Some(true),
                    kms_key_id: e.kms_key_id.clone(),
                    delete_on_termination: e.delete_on_termination.unwrap_or(true),
                });
            }
        }
    }
    for p in &out {
        check_type_and_size(&p.volume_type, p.size)?;
    }
    Ok(out)
}

/// One interface a launch creates.
struct PlannedInterface {
    subnet_id: String,
    groups: Vec<ec2::GroupIdentifier>,
    description: String,
    device_index: i32,
    delete_on_termination: bool,
}

/// The groups a launch names (ids and names, the latter resolved in the subnet's VPC); the
/// VPC's default group when none.
fn launch_groups(
    ctx: &Ctx<'_>,
    ids: &[String],
    names: &[String],
    vpc_id: &str,
    subnet_id: &str,
) -> Result<Vec<ec2::GroupIdentifier>, AwsError> {
    let mut all: Vec<String> = ids.to_vec();
    for name in names {
        let found = ctx
            .list::<SgDoc>()?
            .into_iter()
            .find(|(_, g)| g.vpc_id == vpc_id && g.name == *name)
            .map(|(id, _)| id)
            .ok_or_else(|| {
                AwsError::bad_request(
                    "InvalidGroup.NotFound",
                    format!("The security group '{name}' does not exist in VPC '{vpc_id}'"),
                )
            })?;
        all.push(found);
    }
    if all.is_empty() {
        all.extend(enis::default_group_of(ctx, vpc_id)?);
    }
    groups_in_vpc(ctx, &all, vpc_id, subnet_id)
}

/// The subnet a launch goes to: the one named, else the default subnet of the placement's
/// zone, else the first default subnet.
fn launch_subnet(ctx: &Ctx<'_>, named: Option<&str>, zone: Option<&str>) -> Result<ec2::Subnet, AwsError> {
    if let Some(id) = named {
        let s = subnet(ctx, id)?;
        if let Some(z) = zone.filter(|z| s.availability_zone.as_deref() != Some(*z)) {
            return Err(invalid(format!(
                "Value ({z}) for parameter availabilityZone is invalid. Subnet '{id}' is in availability zone '{}'",
                s.availability_zone.clone().unwrap_or_default()
            )));
        }
        return Ok(s);
    }
    let defaults: Vec<ec2::Subnet> =
        ctx.list::<ec2::Subnet>()?.into_iter().map(|(_, s)| s).filter(|s| s.default_for_az == Some(true)).collect();
    if defaults.is_empty() {
        return Err(AwsError::bad_request(
            "VPCIdNotSpecified",
            "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
        ));
    }
    let order: Vec<&str> = zones_of(ctx.region()).iter().map(|z| z.name).collect();
    let mut defaults = defaults;
    defaults
        .sort_by_key(|s| order.iter().position(|z| Some(*z) == s.availability_zone.as_deref()).unwrap_or(usize::MAX));
    match zone {
        Some(z) => defaults.into_iter().find(|s| s.availability_zone.as_deref() == Some(z)).ok_or_else(|| {
            invalid(format!(
                "Value ({z}) for parameter availabilityZone is invalid. {z} is not a valid availability zone."
            ))
        }),
        None => defaults.into_iter().next().ok_or_else(|| AwsError::internal("no default subnet")),
    }
}

/// Gives an interface an Amazon public IPv4 address.
pub(crate) fn assign_public_ip(ctx: &mut Ctx<'_>, eni_id: &str) -> Result<(), AwsError> {
    let mut eni = enis::interface(ctx, eni_id)?;
    let ip = public_address(ctx);
    let region = ctx.region().to_string();
    eni.association = Some(ec2::NetworkInterfaceAssociation {
        public_ip: Some(ip.clone()),
        public_dns_name: Some(public_dns(&region, &ip)),
        ip_owner_id: Some("amazon".into()),
        ..Default::default()
    });
    ctx.put(eni_id, &eni)
}

/// Drops an interface's Amazon public address (an Elastic IP stays).
fn release_public_ip(ctx: &mut Ctx<'_>, mut eni: ec2::NetworkInterface) -> Result<(), AwsError> {
    if eni.association.as_ref().is_some_and(|a| a.allocation_id.is_none()) {
        eni.association = None;
        let id = eni.network_interface_id.clone().unwrap_or_default();
        ctx.put(&id, &eni)?;
    }
    Ok(())
}

/// The instance as DescribeInstances answers it.
pub(crate) fn view(ctx: &Ctx<'_>, doc: &InstanceDoc) -> Result<ec2::Instance, AwsError> {
    let mut i = doc.instance.clone();
    let id = i.instance_id.clone().unwrap_or_default();
    let nics = enis::attached_to(ctx, &id)?;
    let mut interfaces = Vec::new();
    for n in &nics {
        let att = n.attachment.clone().unwrap_or_default();
        interfaces.push(ec2::InstanceNetworkInterface {
            association: n.association.as_ref().map(|a| ec2::InstanceNetworkInterfaceAssociation {
                public_ip: a.public_ip.clone(),
                public_dns_name: a.public_dns_name.clone(),
                ip_owner_id: a.ip_owner_id.clone(),
                ..Default::default()
            }),
            attachment: Some(ec2::InstanceNetworkInterfaceAttachment {
                attach_time: att.attach_time,
                attachment_id: att.attachment_id,
                delete_on_termination: att.delete_on_termination,
                device_index: att.device_index,
                status: att.status,
                network_card_index: Some(0),
                ..Default::default()
            }),
            description: n.description.clone(),
            groups: n.groups.clone(),
            ipv6_addresses: Some(vec![]),
            mac_address: n.mac_address.clone(),
            network_interface_id: n.network_interface_id.clone(),
            owner_id: n.owner_id.clone(),
            private_dns_name: n.private_dns_name.clone(),
            private_ip_address: n.private_ip_address.clone(),
            source_dest_check: n.source_dest_check,
            status: n.status.clone(),
            subnet_id: n.subnet_id.clone(),
            vpc_id: n.vpc_id.clone(),
            interface_type: n.interface_type.clone(),
            ..Default::default()
        });
    }
    if let Some(primary) = nics.first() {
        i.security_groups = primary.groups.clone();
        i.private_ip_address = primary.private_ip_address.clone();
        i.private_dns_name = primary.private_dns_name.clone();
        i.public_ip_address = primary.association.as_ref().and_then(|a| a.public_ip.clone());
        i.public_dns_name =
            Some(primary.association.as_ref().and_then(|a| a.public_dns_name.clone()).unwrap_or_default());
    } else {
        i.security_groups = Some(vec![]);
        i.public_dns_name = Some(String::new());
    }
    i.network_interfaces = Some(interfaces);
    let mut devices = Vec::new();
    for v in volumes::attached_to(ctx, &id)? {
        for a in v.attachments.iter().flatten() {
            devices.push(ec2::InstanceBlockDeviceMapping {
                device_name: a.device.clone(),
                ebs: Some(ec2::EbsInstanceBlockDevice {
                    attach_time: a.attach_time,
                    delete_on_termination: a.delete_on_termination,
                    status: a.state.clone(),
                    volume_id: v.volume_id.clone(),
                    ..Default::default()
                }),
            });
        }
    }
    devices.sort_by(|a, b| a.device_name.cmp(&b.device_name));
    i.block_device_mappings = Some(devices);
    i.tags = tag_list(tags_of(ctx, &id)?);
    Ok(i)
}

impl Handler for ec2::RunInstances {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::RunInstancesRequest) -> Result<ec2::Reservation, AwsError> {
        if input.launch_template.is_some() && input.image_id.is_none() {
            return Err(invalid(
                "hubsim launches instances from an ImageId; launch templates are not read by RunInstances yet.",
            ));
        }
        let image_id = input.image_id.clone().ok_or_else(|| missing("ImageId"))?;
        let img = image(ctx, &image_id)?;
        if input.min_count < 1 {
            return Err(invalid(format!(
                "Value ({}) for parameter minCount is invalid. Expected a positive value.",
                input.min_count
            )));
        }
        if input.max_count < input.min_count {
            return Err(invalid(format!(
                "Value ({}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount ({}).",
                input.max_count, input.min_count
            )));
        }
        if input.min_count > MAX_PER_CALL {
            return Err(AwsError::bad_request(
                "InstanceLimitExceeded",
                format!("You have requested more instances ({}) than your current instance limit of {MAX_PER_CALL} allows for the specified instance type.", input.min_count),
            ));
        }
        let count = input.max_count.min(MAX_PER_CALL);
        // AWS's default type (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html).
        let instance_type = input.instance_type.clone().unwrap_or_else(|| "m1.small".into());
        check_type(&instance_type, &img)?;
        if let Some(k) = &input.key_name {
            // hubsim holds no key pairs.
            return Err(AwsError::bad_request("InvalidKeyPair.NotFound", format!("The key pair '{k}' does not exist")));
        }
        let meta = metadata_options(input.metadata_options.as_ref(), &img)?;
        let planned_volumes = plan_volumes(&img, input.block_device_mappings.as_deref().unwrap_or(&[]))?;
        let tags = launch_tags(&input.tag_specifications)?;
        let zone_wanted = input.placement.as_ref().and_then(|p| p.availability_zone.clone());
        // Interfaces: the NetworkInterfaces given, else one from the instance-level subnet and groups.
        let specs = input.network_interfaces.clone().unwrap_or_default();
        let mut planned: Vec<PlannedInterface> = Vec::new();
        let public_ip;
        if specs.is_empty() {
            let s = launch_subnet(ctx, input.subnet_id.as_deref(), zone_wanted.as_deref())?;
            let (sid, vpc) = (s.subnet_id.clone().unwrap_or_default(), s.vpc_id.clone().unwrap_or_default());
            let groups = launch_groups(
                ctx,
                input.security_group_ids.as_deref().unwrap_or(&[]),
                input.security_groups.as_deref().unwrap_or(&[]),
                &vpc,
                &sid,
            )?;
            public_ip = s.map_public_ip_on_launch == Some(true);
            planned.push(PlannedInterface {
                subnet_id: sid,
                groups,
                description: String::new(),
                device_index: 0,
                delete_on_termination: true,
            });
        } else {
            if input.subnet_id.is_some() || input.security_group_ids.is_some() || input.security_groups.is_some() {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "Network interfaces and an instance-level subnet ID or security groups may not be specified on the same request",
                ));
            }
            if specs.len() > 1 && specs.iter().any(|s| s.associate_public_ip_address.is_some()) {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.",
                ));
            }
            let mut primary_public = None;
            let mut zone: Option<String> = None;
            for (n, spec) in specs.iter().enumerate() {
                if spec.network_interface_id.is_some() {
                    return Err(invalid("hubsim launches instances with new network interfaces only (NetworkInterfaceId is not supported)."));
                }
                let index = spec.device_index.unwrap_or(i32::try_from(n).unwrap_or(0));
                if planned.iter().any(|p| p.device_index == index) {
                    return Err(invalid(format!(
                        "Each network interface requires a unique device index: {index} is given twice."
                    )));
                }
                let s = launch_subnet(ctx, spec.subnet_id.as_deref(), zone.as_deref().or(zone_wanted.as_deref()))?;
                zone = s.availability_zone.clone();
                let (sid, vpc) = (s.subnet_id.clone().unwrap_or_default(), s.vpc_id.clone().unwrap_or_default());
                let groups = launch_groups(ctx, spec.groups.as_deref().unwrap_or(&[]), &[], &vpc, &sid)?;
                if index == 0 {
                    primary_public =
                        Some(spec.associate_public_ip_address.unwrap_or(s.map_public_ip_on_launch == Some(true)));
                }
                planned.push(PlannedInterface {
                    subnet_id: sid,
                    groups,
                    description: spec.description.clone().unwrap_or_default(),
                    device_index: index,
                    delete_on_termination: spec.delete_on_termination.unwrap_or(true),
                });
            }
            public_ip = primary_public
                .ok_or_else(|| invalid("The network interfaces of a launch must include one at device index 0."))?;
            planned.sort_by_key(|p| p.device_index);
        }
        let first = subnet(ctx, &planned[0].subnet_id)?;
        let (zone_name, zone_id) = (
            first.availability_zone.clone().unwrap_or_default(),
            first.availability_zone_id.clone().unwrap_or_default(),
        );
        let vpc_id = first.vpc_id.clone().unwrap_or_default();
        dry_run(input.dry_run)?;

        let reservation_id = ctx.ids().ec2("r");
        let now = ctx.now();
        let mut launched = Vec::new();
        for launch_index in 0..count {
            let id = ctx.ids().ec2("i");
            let inst = ec2::Instance {
                instance_id: Some(id.clone()),
                image_id: Some(image_id.clone()),
                instance_type: Some(instance_type.clone()),
                ami_launch_index: Some(launch_index),
                architecture: img.architecture.clone(),
                virtualization_type: img.virtualization_type.clone(),
                hypervisor: Some("xen".into()),
                ena_support: img.ena_support,
                ebs_optimized: Some(input.ebs_optimized.unwrap_or(false)),
                root_device_name: img.root_device_name.clone(),
                root_device_type: Some("ebs".into()),
                launch_time: Some(now),
                state: Some(state("running")),
                state_transition_reason: Some(String::new()),
                placement: Some(ec2::Placement {
                    availability_zone: Some(zone_name.clone()),
                    availability_zone_id: Some(zone_id.clone()),
                    group_name: Some(String::new()),
                    tenancy: Some("default".into()),
                    ..Default::default()
                }),
                monitoring: Some(ec2::Monitoring { state: Some("disabled".into()) }),
                subnet_id: Some(planned[0].subnet_id.clone()),
                vpc_id: Some(vpc_id.clone()),
                source_dest_check: Some(true),
                product_codes: Some(vec![]),
                client_token: input.client_token.clone(),
                metadata_options: Some(meta.clone()),
                platform_details: Some("Linux/UNIX".into()),
                usage_operation: Some("RunInstances".into()),
                usage_operation_update_time: Some(now),
                boot_mode: img.boot_mode.clone(),
                current_instance_boot_mode: Some(
                    if img.virtualization_type.as_deref() == Some("hvm") { "uefi" } else { "legacy-bios" }.into(),
                ),
                hibernation_options: Some(ec2::HibernationOptions { configured: Some(false) }),
                enclave_options: Some(ec2::EnclaveOptions { enabled: Some(false) }),
                ..Default::default()
            };
            ctx.put(
                &id,
                &InstanceDoc { instance: inst, reservation_id: reservation_id.clone(), public_ip_on_launch: public_ip },
            )?;
            for p in &planned {
                let eni = enis::create_interface(
                    ctx,
                    NewInterface {
                        subnet_id: p.subnet_id.clone(),
                        groups: p.groups.clone(),
                        description: p.description.clone(),
                        requester: None,
                        interface_type: "interface".into(),
                    },
                )?;
                let eni_id = eni.network_interface_id.clone().unwrap_or_default();
                enis::attach(ctx, eni, &id, p.device_index, p.delete_on_termination)?;
                add_tags(ctx, &eni_id, "network-interface", &tags.interface)?;
                if p.device_index == 0 && public_ip {
                    assign_public_ip(ctx, &eni_id)?;
                }
            }
            for pv in &planned_volumes {
                let v = volumes::create_volume(
                    ctx,
                    NewVolume {
                        zone: zone_name.clone(),
                        zone_id: zone_id.clone(),
                        size: pv.size,
                        volume_type: pv.volume_type.clone(),
                        snapshot_id: pv.snapshot_id.clone(),
                        encrypted: pv.encrypted,
                        kms_key_id: pv.kms_key_id.clone(),
                    },
                )?;
                let vol_id = v.volume_id.clone().unwrap_or_default();
                volumes::attach(ctx, v, &id, &pv.device, pv.delete_on_termination)?;
                add_tags(ctx, &vol_id, "volume", &tags.volume)?;
            }
            add_tags(ctx, &id, "instance", &tags.instance)?;
            let doc = instance(ctx, &id)?;
            let mut shown = view(ctx, &doc)?;
            // AWS answers while the instances are still starting.
            shown.state = Some(state("pending"));
            launched.push(shown);
        }
        Ok(ec2::Reservation {
            reservation_id: Some(reservation_id),
            owner_id: Some(ctx.account().to_string()),
            requester_id: None,
            groups: Some(vec![]),
            instances: Some(launched),
        })
    }
}

impl Handler for ec2::DescribeInstances {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeInstancesRequest,
    ) -> Result<ec2::DescribeInstancesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "availability-zone",
                "iam-instance-profile.arn",
                "image-id",
                "instance-id",
                "instance-state-code",
                "instance-state-name",
                "instance-type",
                "instance.group-id",
                "instance.group-name",
                "group-id",
                "group-name",
                "ip-address",
                "metadata-options.http-tokens",
                "metadata-options.http-endpoint",
                "network-interface.network-interface-id",
                "private-ip-address",
                "reservation-id",
                "root-device-type",
                "subnet-id",
                "virtualization-type",
                "vpc-id",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<InstanceDoc>()?;
        if let Some(ids) = &input.instance_ids {
            for id in ids {
                if !id.starts_with("i-") {
                    instance(ctx, id)?;
                }
            }
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidInstanceID.NotFound", "instance", &missing));
            }
        }
        let mut matched: Vec<(String, ec2::Instance)> = Vec::new();
        for (id, doc) in all {
            if input.instance_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let i = view(ctx, &doc)?;
            let tags = i.tags.clone().unwrap_or_default();
            let groups: Vec<&ec2::GroupIdentifier> = i.security_groups.iter().flatten().collect();
            let meta = i.metadata_options.clone().unwrap_or_default();
            let st = i.state.clone().unwrap_or_default();
            let ok = filters.matches(&tags, |name| match name {
                "availability-zone" => i.placement.as_ref().map(|p| opt(&p.availability_zone)).unwrap_or_default(),
                "image-id" => opt(&i.image_id),
                "instance-id" => one(id.clone()),
                "instance-state-code" => st.code.map(|c| c.to_string()).into_iter().collect(),
                "instance-state-name" => opt(&st.name),
                "instance-type" => opt(&i.instance_type),
                "instance.group-id" | "group-id" => groups.iter().filter_map(|g| g.group_id.clone()).collect(),
                "instance.group-name" | "group-name" => groups.iter().filter_map(|g| g.group_name.clone()).collect(),
                "ip-address" => opt(&i.public_ip_address),
                "metadata-options.http-tokens" => opt(&meta.http_tokens),
                "metadata-options.http-endpoint" => opt(&meta.http_endpoint),
                "network-interface.network-interface-id" => {
                    i.network_interfaces.iter().flatten().filter_map(|n| n.network_interface_id.clone()).collect()
                }
                "private-ip-address" => opt(&i.private_ip_address),
                "reservation-id" => one(doc.reservation_id.clone()),
                "root-device-type" => opt(&i.root_device_type),
                "subnet-id" => opt(&i.subnet_id),
                "virtualization-type" => opt(&i.virtualization_type),
                "vpc-id" => opt(&i.vpc_id),
                _ => Vec::new(),
            });
            if ok {
                matched.push((doc.reservation_id.clone(), i));
            }
        }
        // One reservation per launch, in launch order.
        let mut reservations: Vec<ec2::Reservation> = Vec::new();
        let account = ctx.account().to_string();
        for (rid, i) in matched {
            match reservations.iter_mut().find(|r| r.reservation_id.as_deref() == Some(rid.as_str())) {
                Some(r) => r.instances.get_or_insert_with(Vec::new).push(i),
                None => reservations.push(ec2::Reservation {
                    reservation_id: Some(rid),
                    owner_id: Some(account.clone()),
                    requester_id: None,
                    groups: Some(vec![]),
                    instances: Some(vec![i]),
                }),
            }
        }
        let (items, next_token) = page(reservations, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeInstancesResult { reservations: Some(items), next_token })
    }
}

/// Reads every instance of a Start/Stop/Terminate call before any changes (a call naming an
/// unknown instance changes nothing).
fn all_of(ctx: &Ctx<'_>, ids: &[String]) -> Result<Vec<InstanceDoc>, AwsError> {
    if ids.is_empty() {
        return Err(missing("InstanceId"));
    }
    let mut missing_ids = Vec::new();
    let mut out = Vec::new();
    for id in ids {
        match instance(ctx, id) {
            Ok(doc) => out.push(doc),
            Err(e) if e.code == "InvalidInstanceID.NotFound" => missing_ids.push(id.as_str()),
            Err(e) => return Err(e),
        }
    }
    if !missing_ids.is_empty() {
        return Err(not_found("InvalidInstanceID.NotFound", "instance", &missing_ids));
    }
    Ok(out)
}

fn change(doc: &InstanceDoc, previous: &str) -> ec2::InstanceStateChange {
    ec2::InstanceStateChange {
        instance_id: doc.instance.instance_id.clone(),
        previous_state: Some(state(previous)),
        current_state: doc.instance.state.clone(),
    }
}

fn save(ctx: &mut Ctx<'_>, doc: &InstanceDoc) -> Result<(), AwsError> {
    let id = doc.instance.instance_id.clone().unwrap_or_default();
    ctx.put(&id, doc)
}

impl Handler for ec2::StopInstances {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::StopInstancesRequest) -> Result<ec2::StopInstancesResult, AwsError> {
        let docs = all_of(ctx, &input.instance_ids)?;
        for d in &docs {
            if matches!(d.state_name(), "terminated" | "shutting-down") {
                let id = d.instance.instance_id.clone().unwrap_or_default();
                return Err(AwsError::bad_request(
                    "IncorrectInstanceState",
                    format!("This instance '{id}' is not in a state from which it can be stopped."),
                ));
            }
        }
        if input.hibernate == Some(true) {
            return Err(AwsError::bad_request(
                "UnsupportedHibernationConfiguration",
                "The instance was not launched with hibernation enabled.",
            ));
        }
        dry_run(input.dry_run)?;
        let mut out = Vec::new();
        for mut d in docs {
            let previous = d.state_name().to_string();
            if previous != "stopped" {
                let now = ctx.now();
                d.instance.state = Some(state("stopped"));
                // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html (StateTransitionReason)
                d.instance.state_transition_reason = Some(format!("User initiated ({})", gmt(now)));
                d.instance.state_reason = Some(ec2::StateReason {
                    code: Some("Client.UserInitiatedShutdown".into()),
                    message: Some("Client.UserInitiatedShutdown: User initiated shutdown".into()),
                });
                save(ctx, &d)?;
                let id = d.instance.instance_id.clone().unwrap_or_default();
                for eni in enis::attached_to(ctx, &id)? {
                    release_public_ip(ctx, eni)?;
                }
            }
            let mut c = change(&d, &previous);
            if previous != "stopped" {
                c.current_state = Some(state("stopping"));
            }
            out.push(c);
        }
        Ok(ec2::StopInstancesResult { stopping_instances: Some(out) })
    }
}

impl Handler for ec2::StartInstances {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::StartInstancesRequest) -> Result<ec2::StartInstancesResult, AwsError> {
        let docs = all_of(ctx, &input.instance_ids)?;
        for d in &docs {
            if matches!(d.state_name(), "terminated" | "shutting-down" | "stopping") {
                let id = d.instance.instance_id.clone().unwrap_or_default();
                return Err(AwsError::bad_request(
                    "IncorrectInstanceState",
                    format!("The instance '{id}' is not in a state from which it can be started."),
                ));
            }
        }
        dry_run(input.dry_run)?;
        let mut out = Vec::new();
        for mut d in docs {
            let previous = d.state_name().to_string();
            if previous == "stopped" {
                d.instance.state = Some(state("running"));
                d.instance.state_transition_reason = Some(String::new());
                d.instance.state_reason = None;
                save(ctx, &d)?;
                let id = d.instance.instance_id.clone().unwrap_or_default();
                if d.public_ip_on_launch {
                    if let Some(primary) = enis::attached_to(ctx, &id)?.into_iter().next() {
                        if primary.association.is_none() {
                            assign_public_ip(ctx, primary.network_interface_id.as_deref().unwrap_or(""))?;
                        }
                    }
                }
            }
            let mut c = change(&d, &previous);
            if previous == "stopped" {
                c.current_state = Some(state("pending"));
            }
            out.push(c);
        }
        Ok(ec2::StartInstancesResult { starting_instances: Some(out) })
    }
}

impl Handler for ec2::TerminateInstances {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::TerminateInstancesRequest,
    ) -> Result<ec2::TerminateInstancesResult, AwsError> {
        let docs = all_of(ctx, &input.instance_ids)?;
        dry_run(input.dry_run)?;
        let mut out = Vec::new();
        for mut d in docs {
            let previous = d.state_name().to_string();
            if previous != "terminated" {
                let now = ctx.now();
                let id = d.instance.instance_id.clone().unwrap_or_default();
                d.instance.state = Some(state("terminated"));
                d.instance.state_transition_reason = Some(format!("User initiated ({})", gmt(now)));
                d.instance.state_reason = Some(ec2::StateReason {
                    code: Some("Client.UserInitiatedShutdown".into()),
                    message: Some("Client.UserInitiatedShutdown: User initiated shutdown".into()),
                });
                save(ctx, &d)?;
                for v in volumes::attached_to(ctx, &id)? {
                    let delete = v.attachments.iter().flatten().any(|a| a.delete_on_termination == Some(true));
                    volumes::release(ctx, v, delete)?;
                }
                for eni in enis::attached_to(ctx, &id)? {
                    let eni_id = eni.network_interface_id.clone().unwrap_or_default();
                    super::addresses::disassociate_interface(ctx, &eni_id)?;
                    let eni = enis::interface(ctx, &eni_id)?;
                    if eni.attachment.as_ref().and_then(|a| a.delete_on_termination) == Some(true) {
                        enis::remove(ctx, &eni_id)?;
                    } else {
                        release_public_ip(ctx, eni.clone())?;
                        enis::detach(ctx, enis::interface(ctx, &eni_id)?)?;
                    }
                }
            }
            let mut c = change(&d, &previous);
            if previous != "terminated" {
                c.current_state = Some(state("shutting-down"));
            }
            out.push(c);
        }
        Ok(ec2::TerminateInstancesResult { terminating_instances: Some(out) })
    }
}

impl Handler for ec2::ModifyInstanceMetadataOptions {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ModifyInstanceMetadataOptionsRequest,
    ) -> Result<ec2::ModifyInstanceMetadataOptionsResult, AwsError> {
        let mut d = instance(ctx, &input.instance_id)?;
        if matches!(d.state_name(), "terminated" | "shutting-down") {
            return Err(incorrect_state(&input.instance_id, d.state_name()));
        }
        let mut meta = d.instance.metadata_options.clone().unwrap_or_default();
        apply_metadata(
            &mut meta,
            input.http_tokens.as_deref(),
            input.http_put_response_hop_limit,
            input.http_endpoint.as_deref(),
            input.http_protocol_ipv6.as_deref(),
            input.instance_metadata_tags.as_deref(),
        )?;
        dry_run(input.dry_run)?;
        meta.state = Some("applied".into());
        d.instance.metadata_options = Some(meta.clone());
        save(ctx, &d)?;
        // AWS answers before the change is applied.
        meta.state = Some("pending".into());
        Ok(ec2::ModifyInstanceMetadataOptionsResult {
            instance_id: Some(input.instance_id),
            instance_metadata_options: Some(meta),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_time_reads_like_ec2s() {
        assert_eq!(gmt(Timestamp(1_796_000_000_000)), "2026-11-30 00:53:20 GMT");
    }
}
