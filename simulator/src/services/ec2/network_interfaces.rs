//! Elastic network interfaces: Create/Delete/Attach/DetachNetworkInterface and
//! DescribeNetworkInterfaces. An instance's interfaces, its private and public addresses and
//! its security groups live here; an interface VPC endpoint owns one requester-managed
//! interface per subnet (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html).

use hubsim_model::ec2;

use super::cidr::Cidr4;
use super::filters::{flag, one, opt, page, Filters};
use super::security_groups::group;
use super::subnets::subnet;
use super::tags::{add_tags, drop_tags, spec_tags, tags_of};
use super::{dry_run, invalid, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateNetworkInterface>()
        .add::<ec2::DeleteNetworkInterface>()
        .add::<ec2::AttachNetworkInterface>()
        .add::<ec2::DetachNetworkInterface>()
        .add::<ec2::DescribeNetworkInterfaces>();
}

impl Resource for ec2::NetworkInterface {
    const KIND: &'static str = "ec2:network-interface";
}

/// Reads interface `id` or answers `InvalidNetworkInterfaceID.NotFound`.
pub(crate) fn interface(ctx: &Ctx<'_>, id: &str) -> Result<ec2::NetworkInterface, AwsError> {
    if !id.starts_with("eni-") {
        return Err(AwsError::bad_request(
            "InvalidNetworkInterfaceID.Malformed",
            format!("Invalid id: \"{id}\" (expecting \"eni-...\")"),
        ));
    }
    ctx.get::<ec2::NetworkInterface>(id)?
        .ok_or_else(|| not_found("InvalidNetworkInterfaceID.NotFound", "network interface", &[id]))
}

/// The interfaces attached to `instance`, by device index.
pub(crate) fn attached_to(ctx: &Ctx<'_>, instance: &str) -> Result<Vec<ec2::NetworkInterface>, AwsError> {
    let mut out: Vec<ec2::NetworkInterface> = ctx
        .list::<ec2::NetworkInterface>()?
        .into_iter()
        .map(|(_, n)| n)
        .filter(|n| n.attachment.as_ref().and_then(|a| a.instance_id.as_deref()) == Some(instance))
        .collect();
    out.sort_by_key(|n| n.attachment.as_ref().and_then(|a| a.device_index).unwrap_or(0));
    Ok(out)
}

/// Whether any interface carries security group `id` (DeleteSecurityGroup's dependency).
pub(crate) fn uses_group(ctx: &Ctx<'_>, id: &str) -> Result<bool, AwsError> {
    Ok(ctx
        .list::<ec2::NetworkInterface>()?
        .iter()
        .any(|(_, n)| n.groups.iter().flatten().any(|g| g.group_id.as_deref() == Some(id))))
}

/// The id of `vpc_id`'s default security group, which an interface gets when none is named.
pub(crate) fn default_group_of(ctx: &Ctx<'_>, vpc_id: &str) -> Result<Option<String>, AwsError> {
    Ok(ctx
        .list::<super::security_groups::SgDoc>()?
        .into_iter()
        .find(|(_, g)| g.vpc_id == vpc_id && g.name == "default")
        .map(|(id, _)| id))
}

/// The security groups `ids` as an interface in `vpc_id` carries them: each must exist and be
/// in that VPC.
pub(crate) fn groups_in_vpc(
    ctx: &Ctx<'_>,
    ids: &[String],
    vpc_id: &str,
    subnet_id: &str,
) -> Result<Vec<ec2::GroupIdentifier>, AwsError> {
    let mut out = Vec::new();
    for id in ids {
        let g = group(ctx, id)?;
        if g.vpc_id != vpc_id {
            return Err(AwsError::bad_request(
                "InvalidParameter",
                format!("Security group {id} and subnet {subnet_id} belong to different networks."),
            ));
        }
        out.push(ec2::GroupIdentifier { group_id: Some(g.group_id), group_name: Some(g.name) });
    }
    Ok(out)
}

/// A public IPv4 address from Amazon's pool (deterministic: drawn from the id generator).
pub(crate) fn public_address(ctx: &mut Ctx<'_>) -> String {
    let h = ctx.ids().hex(6);
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    format!("54.{}.{}.{}", byte(0), byte(2), byte(4).max(1))
}

/// The public DNS name EC2 gives `ip` in `region`.
pub(crate) fn public_dns(region: &str, ip: &str) -> String {
    let dashed = ip.replace('.', "-");
    if region == "us-east-1" {
        format!("ec2-{dashed}.compute-1.amazonaws.com")
    } else {
        format!("ec2-{dashed}.{region}.compute.amazonaws.com")
    }
}

/// The private DNS name EC2 gives `ip` in `region`.
pub(crate) fn private_dns(region: &str, ip: &str) -> String {
    let dashed = ip.replace('.', "-");
    if region == "us-east-1" {
        format!("ip-{dashed}.ec2.internal")
    } else {
        format!("ip-{dashed}.{region}.compute.internal")
    }
}

/// The first free private address of `subnet` (AWS reserves the first four and the last).
fn free_address(ctx: &Ctx<'_>, subnet: &ec2::Subnet) -> Result<String, AwsError> {
    let id = subnet.subnet_id.clone().unwrap_or_default();
    let cidr = subnet
        .cidr_block
        .as_deref()
        .and_then(Cidr4::parse)
        .ok_or_else(|| AwsError::internal(format!("subnet {id} has no readable CIDR block")))?;
    let used: Vec<String> = ctx
        .list::<ec2::NetworkInterface>()?
        .into_iter()
        .filter(|(_, n)| n.subnet_id.as_deref() == Some(id.as_str()))
        .filter_map(|(_, n)| n.private_ip_address)
        .collect();
    for offset in 4..cidr.size().saturating_sub(1) {
        let ip = std::net::Ipv4Addr::from(cidr.addr.wrapping_add(u32::try_from(offset).unwrap_or(0))).to_string();
        if !used.contains(&ip) {
            return Ok(ip);
        }
    }
    Err(AwsError::bad_request(
        "InsufficientFreeAddressesInSubnet",
        format!("There are not enough free addresses in subnet '{id}' to satisfy the requested number of instances."),
    ))
}

/// What a new interface is made of.
pub(crate) struct NewInterface {
    /// Its subnet.
    pub subnet_id: String,
    /// Its security groups (already checked with [`groups_in_vpc`]).
    pub groups: Vec<ec2::GroupIdentifier>,
    /// Its description.
    pub description: String,
    /// Whether an AWS service manages it (endpoints); its requester id then.
    pub requester: Option<String>,
    /// The interface type (`interface`, `vpc_endpoint`).
    pub interface_type: String,
}

/// Creates an available interface in its subnet with the subnet's next free address.
pub(crate) fn create_interface(ctx: &mut Ctx<'_>, new: NewInterface) -> Result<ec2::NetworkInterface, AwsError> {
    let s = subnet(ctx, &new.subnet_id)?;
    let ip = free_address(ctx, &s)?;
    let id = ctx.ids().ec2("eni");
    let mac = ctx.ids().hex(10);
    let region = ctx.region().to_string();
    let mac = format!("06:{}:{}:{}:{}:{}", &mac[0..2], &mac[2..4], &mac[4..6], &mac[6..8], &mac[8..10]);
    let dns = private_dns(&region, &ip);
    let eni = ec2::NetworkInterface {
        network_interface_id: Some(id.clone()),
        availability_zone: s.availability_zone.clone(),
        availability_zone_id: s.availability_zone_id.clone(),
        description: Some(new.description),
        groups: Some(new.groups),
        interface_type: Some(new.interface_type),
        ipv6_addresses: Some(vec![]),
        mac_address: Some(mac),
        owner_id: Some(ctx.account().to_string()),
        private_dns_name: Some(dns.clone()),
        private_ip_address: Some(ip.clone()),
        private_ip_addresses: Some(vec![ec2::NetworkInterfacePrivateIpAddress {
            primary: Some(true),
            private_dns_name: Some(dns),
            private_ip_address: Some(ip),
            ..Default::default()
        }]),
        requester_managed: Some(new.requester.is_some()),
        requester_id: new.requester,
        source_dest_check: Some(true),
        status: Some("available".into()),
        subnet_id: Some(new.subnet_id),
        vpc_id: s.vpc_id.clone(),
        ..Default::default()
    };
    ctx.put(&id, &eni)?;
    Ok(eni)
}

/// Who manages an interface endpoint's interfaces (its RequesterId).
const ENDPOINT_REQUESTER: &str = "amazon-vpce";

/// Creates the interfaces of an interface endpoint, one per subnet, carrying its security
/// groups; their ids (none for other endpoint types).
pub(crate) fn endpoint_interfaces(ctx: &mut Ctx<'_>, e: &ec2::VpcEndpoint) -> Result<Vec<String>, AwsError> {
    if e.vpc_endpoint_type.as_deref() != Some("Interface") {
        return Ok(Vec::new());
    }
    let id = e.vpc_endpoint_id.clone().unwrap_or_default();
    let groups: Vec<ec2::GroupIdentifier> = e
        .groups
        .iter()
        .flatten()
        .map(|g| ec2::GroupIdentifier { group_id: g.group_id.clone(), group_name: g.group_name.clone() })
        .collect();
    let mut out = Vec::new();
    for subnet_id in e.subnet_ids.iter().flatten() {
        let eni = create_interface(
            ctx,
            NewInterface {
                subnet_id: subnet_id.clone(),
                groups: groups.clone(),
                description: format!("VPC Endpoint Interface {id}"),
                requester: Some(ENDPOINT_REQUESTER.into()),
                interface_type: "vpc_endpoint".into(),
            },
        )?;
        let mut eni = eni;
        eni.status = Some("in-use".into());
        let eni_id = eni.network_interface_id.clone().unwrap_or_default();
        ctx.put(&eni_id, &eni)?;
        out.push(eni_id);
    }
    Ok(out)
}

/// Deletes the interfaces of endpoint `id`.
pub(crate) fn remove_endpoint_interfaces(ctx: &mut Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let description = format!("VPC Endpoint Interface {id}");
    let mine: Vec<String> = ctx
        .list::<ec2::NetworkInterface>()?
        .into_iter()
        .filter(|(_, n)| n.requester_managed == Some(true) && n.description.as_deref() == Some(description.as_str()))
        .map(|(eni_id, _)| eni_id)
        .collect();
    for eni_id in mine {
        remove(ctx, &eni_id)?;
    }
    Ok(())
}

/// Attaches an available interface to `instance` at `index` (no checks: callers make them).
pub(crate) fn attach(
    ctx: &mut Ctx<'_>,
    mut eni: ec2::NetworkInterface,
    instance: &str,
    index: i32,
    delete_on_termination: bool,
) -> Result<String, AwsError> {
    let attachment_id = ctx.ids().ec2("eni-attach");
    eni.attachment = Some(ec2::NetworkInterfaceAttachment {
        attach_time: Some(ctx.now()),
        attachment_id: Some(attachment_id.clone()),
        delete_on_termination: Some(delete_on_termination),
        device_index: Some(index),
        network_card_index: Some(0),
        instance_id: Some(instance.to_string()),
        instance_owner_id: Some(ctx.account().to_string()),
        status: Some("attached".into()),
        ..Default::default()
    });
    eni.status = Some("in-use".into());
    let id = eni.network_interface_id.clone().unwrap_or_default();
    ctx.put(&id, &eni)?;
    Ok(attachment_id)
}

/// Detaches an interface (no checks: callers make them).
pub(crate) fn detach(ctx: &mut Ctx<'_>, mut eni: ec2::NetworkInterface) -> Result<(), AwsError> {
    eni.attachment = None;
    eni.status = Some("available".into());
    let id = eni.network_interface_id.clone().unwrap_or_default();
    ctx.put(&id, &eni)
}

/// Deletes an interface and its tags.
pub(crate) fn remove(ctx: &mut Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete::<ec2::NetworkInterface>(id)?;
    drop_tags(ctx, id)
}

fn view(ctx: &Ctx<'_>, mut n: ec2::NetworkInterface) -> Result<ec2::NetworkInterface, AwsError> {
    n.tag_set = Some(tags_of(ctx, n.network_interface_id.as_deref().unwrap_or(""))?);
    Ok(n)
}

impl Handler for ec2::CreateNetworkInterface {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateNetworkInterfaceRequest,
    ) -> Result<ec2::CreateNetworkInterfaceResult, AwsError> {
        let s = subnet(ctx, &input.subnet_id)?;
        let vpc_id = s.vpc_id.clone().unwrap_or_default();
        let ids = match input.groups.clone().filter(|g| !g.is_empty()) {
            Some(ids) => ids,
            None => default_group_of(ctx, &vpc_id)?.into_iter().collect(),
        };
        let groups = groups_in_vpc(ctx, &ids, &vpc_id, &input.subnet_id)?;
        if let Some(t) = input.interface_type.as_deref().filter(|t| *t != "interface") {
            return Err(invalid(format!("Value ({t}) for parameter interfaceType is invalid. hubsim creates interfaces of type 'interface' only.")));
        }
        let tags = spec_tags(&input.tag_specifications, "network-interface")?;
        dry_run(input.dry_run)?;
        let eni = create_interface(
            ctx,
            NewInterface {
                subnet_id: input.subnet_id,
                groups,
                description: input.description.unwrap_or_default(),
                requester: None,
                interface_type: "interface".into(),
            },
        )?;
        let id = eni.network_interface_id.clone().unwrap_or_default();
        add_tags(ctx, &id, "network-interface", &tags)?;
        Ok(ec2::CreateNetworkInterfaceResult {
            network_interface: Some(view(ctx, eni)?),
            client_token: input.client_token,
        })
    }
}

impl Handler for ec2::DeleteNetworkInterface {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteNetworkInterfaceRequest) -> Result<hubsim_model::Empty, AwsError> {
        let id = input.network_interface_id;
        let eni = interface(ctx, &id)?;
        if eni.attachment.is_some() {
            return Err(AwsError::bad_request(
                "InvalidNetworkInterface.InUse",
                format!("The network interface '{id}' is currently in use."),
            ));
        }
        if eni.requester_managed == Some(true) {
            return Err(AwsError::bad_request(
                "OperationNotPermitted",
                format!("You are not allowed to manage '{}' attachments.", eni.interface_type.unwrap_or_default()),
            ));
        }
        if eni.association.as_ref().is_some_and(|a| a.allocation_id.is_some()) {
            return Err(AwsError::bad_request(
                "InvalidNetworkInterface.InUse",
                format!("The network interface '{id}' has an Elastic IP address associated with it."),
            ));
        }
        dry_run(input.dry_run)?;
        remove(ctx, &id)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::AttachNetworkInterface {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::AttachNetworkInterfaceRequest,
    ) -> Result<ec2::AttachNetworkInterfaceResult, AwsError> {
        let eni = interface(ctx, &input.network_interface_id)?;
        let inst = super::instances::instance(ctx, &input.instance_id)?;
        let state = inst.state_name();
        if !matches!(state, "running" | "stopped") {
            return Err(super::instances::incorrect_state(&input.instance_id, state));
        }
        if eni.attachment.is_some() || eni.requester_managed == Some(true) {
            return Err(AwsError::bad_request(
                "InvalidNetworkInterface.InUse",
                format!("Interface: [{}] in use.", input.network_interface_id),
            ));
        }
        if eni.availability_zone != inst.instance.placement.as_ref().and_then(|p| p.availability_zone.clone()) {
            return Err(AwsError::bad_request(
                "InvalidParameterCombination",
                "You may not attach a network interface to an instance if they are not in the same availability zone",
            ));
        }
        if eni.vpc_id != inst.instance.vpc_id {
            return Err(AwsError::bad_request(
                "InvalidParameterCombination",
                format!(
                    "The network interface '{}' and instance '{}' are in different VPCs.",
                    input.network_interface_id, input.instance_id
                ),
            ));
        }
        if input.device_index < 1 {
            return Err(invalid(format!(
                "Instance '{}' already has an interface attached at device index '{}'.",
                input.instance_id, input.device_index
            )));
        }
        let taken = attached_to(ctx, &input.instance_id)?
            .iter()
            .any(|n| n.attachment.as_ref().and_then(|a| a.device_index) == Some(input.device_index));
        if taken {
            return Err(invalid(format!(
                "Instance '{}' already has an interface attached at device index '{}'.",
                input.instance_id, input.device_index
            )));
        }
        dry_run(input.dry_run)?;
        let attachment_id = attach(ctx, eni, &input.instance_id, input.device_index, false)?;
        Ok(ec2::AttachNetworkInterfaceResult { attachment_id: Some(attachment_id), network_card_index: Some(0) })
    }
}

impl Handler for ec2::DetachNetworkInterface {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DetachNetworkInterfaceRequest) -> Result<hubsim_model::Empty, AwsError> {
        let id = input.attachment_id;
        let eni = ctx
            .list::<ec2::NetworkInterface>()?
            .into_iter()
            .map(|(_, n)| n)
            .find(|n| n.attachment.as_ref().and_then(|a| a.attachment_id.as_deref()) == Some(id.as_str()))
            .ok_or_else(|| not_found("InvalidAttachmentID.NotFound", "network interface attachment", &[&id]))?;
        if eni.attachment.as_ref().and_then(|a| a.device_index) == Some(0) {
            return Err(AwsError::bad_request(
                "OperationNotPermitted",
                "The network interface at device index 0 cannot be detached.",
            ));
        }
        dry_run(input.dry_run)?;
        detach(ctx, eni)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::DescribeNetworkInterfaces {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeNetworkInterfacesRequest,
    ) -> Result<ec2::DescribeNetworkInterfacesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "association.allocation-id",
                "association.association-id",
                "association.public-ip",
                "attachment.attachment-id",
                "attachment.device-index",
                "attachment.instance-id",
                "attachment.status",
                "availability-zone",
                "description",
                "group-id",
                "group-name",
                "interface-type",
                "network-interface-id",
                "owner-id",
                "private-ip-address",
                "requester-id",
                "requester-managed",
                "status",
                "subnet-id",
                "vpc-id",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::NetworkInterface>()?;
        if let Some(ids) = &input.network_interface_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidNetworkInterfaceID.NotFound", "network interface", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, n) in all {
            if input.network_interface_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let tags = tags_of(ctx, &id)?;
            let att = n.attachment.clone().unwrap_or_default();
            let assoc = n.association.clone().unwrap_or_default();
            let groups = n.groups.clone().unwrap_or_default();
            let ok = filters.matches(&tags, |name| match name {
                "association.allocation-id" => opt(&assoc.allocation_id),
                "association.association-id" => opt(&assoc.association_id),
                "association.public-ip" => opt(&assoc.public_ip),
                "attachment.attachment-id" => opt(&att.attachment_id),
                "attachment.device-index" => att.device_index.map(|i| i.to_string()).into_iter().collect(),
                "attachment.instance-id" => opt(&att.instance_id),
                "attachment.status" => opt(&att.status),
                "availability-zone" => opt(&n.availability_zone),
                "description" => opt(&n.description),
                "group-id" => groups.iter().filter_map(|g| g.group_id.clone()).collect(),
                "group-name" => groups.iter().filter_map(|g| g.group_name.clone()).collect(),
                "interface-type" => opt(&n.interface_type),
                "network-interface-id" => one(id.clone()),
                "owner-id" => opt(&n.owner_id),
                "private-ip-address" => opt(&n.private_ip_address),
                "requester-id" => opt(&n.requester_id),
                "requester-managed" => flag(n.requester_managed),
                "status" => opt(&n.status),
                "subnet-id" => opt(&n.subnet_id),
                "vpc-id" => opt(&n.vpc_id),
                _ => Vec::new(),
            });
            if ok {
                out.push(view(ctx, n)?);
            }
        }
        let (items, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeNetworkInterfacesResult { network_interfaces: Some(items), next_token })
    }
}
