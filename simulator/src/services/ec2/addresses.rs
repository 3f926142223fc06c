//! Elastic IP addresses: AllocateAddress, AssociateAddress, DisassociateAddress,
//! ReleaseAddress, DescribeAddresses
//! (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html).
//! An association lives on the interface (its `Association`); associating an Elastic IP
//! releases the interface's Amazon public address, and disassociating it from the primary
//! interface of a running instance launched with a public address gives the instance a new
//! one ("Public IPv4 addresses",
//! https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses).

use hubsim_model::{ec2, Empty};

use super::filters::{opt, Filters};
use super::network_interfaces::{self as enis, public_address, public_dns};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, instances, missing, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::AllocateAddress>()
        .add::<ec2::AssociateAddress>()
        .add::<ec2::DisassociateAddress>()
        .add::<ec2::ReleaseAddress>()
        .add::<ec2::DescribeAddresses>();
}

impl Resource for ec2::Address {
    const KIND: &'static str = "ec2:address";
}

/// The address allocated as `allocation_id`, or `InvalidAllocationID.NotFound`.
fn address(ctx: &Ctx<'_>, allocation_id: &str) -> Result<ec2::Address, AwsError> {
    ctx.get::<ec2::Address>(allocation_id)?
        .ok_or_else(|| not_found("InvalidAllocationID.NotFound", "allocation", &[allocation_id]))
}

/// The address a call names by allocation id or by public IP.
fn named(ctx: &Ctx<'_>, allocation_id: Option<&str>, public_ip: Option<&str>) -> Result<ec2::Address, AwsError> {
    match (allocation_id, public_ip) {
        (Some(a), _) => address(ctx, a),
        (None, Some(ip)) => ctx
            .list::<ec2::Address>()?
            .into_iter()
            .map(|(_, a)| a)
            .find(|a| a.public_ip.as_deref() == Some(ip))
            .ok_or_else(|| AwsError::bad_request("InvalidAddress.NotFound", format!("Address '{ip}' not found."))),
        (None, None) => Err(missing("AllocationId")),
    }
}

/// Removes the Elastic IP association of interface `eni_id`, if it has one (termination).
pub(crate) fn disassociate_interface(ctx: &mut Ctx<'_>, eni_id: &str) -> Result<(), AwsError> {
    let mut eni = enis::interface(ctx, eni_id)?;
    let Some(alloc) = eni.association.as_ref().and_then(|a| a.allocation_id.clone()) else { return Ok(()) };
    eni.association = None;
    ctx.put(eni_id, &eni)?;
    if let Some(mut a) = ctx.get::<ec2::Address>(&alloc)? {
        a.association_id = None;
        a.instance_id = None;
        a.network_interface_id = None;
        a.network_interface_owner_id = None;
        a.private_ip_address = None;
        ctx.put(&alloc, &a)?;
    }
    Ok(())
}

impl Handler for ec2::AllocateAddress {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::AllocateAddressRequest) -> Result<ec2::AllocateAddressResult, AwsError> {
        if let Some(d) = input.domain.as_deref().filter(|d| *d != "vpc" && *d != "standard") {
            return Err(super::invalid(format!(
                "Value ({d}) for parameter domain is invalid. Valid values: vpc, standard"
            )));
        }
        if input.address.is_some() || input.public_ipv4_pool.is_some() || input.customer_owned_ipv4_pool.is_some() {
            return Err(super::invalid("hubsim allocates addresses from Amazon's pool only."));
        }
        let tags = spec_tags(&input.tag_specifications, "elastic-ip")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("eipalloc");
        let ip = public_address(ctx);
        let region = ctx.region().to_string();
        let a = ec2::Address {
            allocation_id: Some(id.clone()),
            public_ip: Some(ip.clone()),
            domain: Some("vpc".into()),
            public_ipv4_pool: Some("amazon".into()),
            network_border_group: Some(region.clone()),
            ..Default::default()
        };
        ctx.put(&id, &a)?;
        add_tags(ctx, &id, "elastic-ip", &tags)?;
        Ok(ec2::AllocateAddressResult {
            allocation_id: Some(id),
            public_ip: Some(ip),
            domain: Some("vpc".into()),
            public_ipv4_pool: Some("amazon".into()),
            network_border_group: Some(region),
            ..Default::default()
        })
    }
}

impl Handler for ec2::AssociateAddress {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::AssociateAddressRequest) -> Result<ec2::AssociateAddressResult, AwsError> {
        let mut a = named(ctx, input.allocation_id.as_deref(), input.public_ip.as_deref())?;
        let alloc = a.allocation_id.clone().unwrap_or_default();
        let (eni_id, instance_id) = match (&input.instance_id, &input.network_interface_id) {
            (Some(_), Some(_)) => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "You may specify an instance or a network interface, not both.",
                ))
            }
            (Some(i), None) => {
                let doc = instances::instance(ctx, i)?;
                if !matches!(doc.state_name(), "running" | "stopped") {
                    return Err(instances::incorrect_state(i, doc.state_name()));
                }
                let primary = enis::attached_to(ctx, i)?.into_iter().next().ok_or_else(|| {
                    AwsError::bad_request("InvalidInstanceID", format!("Instance '{i}' has no network interface"))
                })?;
                (primary.network_interface_id.clone().unwrap_or_default(), Some(i.clone()))
            }
            (None, Some(n)) => {
                let eni = enis::interface(ctx, n)?;
                (n.clone(), eni.attachment.and_then(|at| at.instance_id))
            }
            (None, None) => return Err(missing("InstanceId")),
        };
        let eni = enis::interface(ctx, &eni_id)?;
        if a.association_id.is_some() && input.allow_reassociation != Some(true) {
            return Err(AwsError::bad_request(
                "Resource.AlreadyAssociated",
                format!(
                    "resource {alloc} is already associated with associate-id {}",
                    a.association_id.clone().unwrap_or_default()
                ),
            ));
        }
        if eni.association.as_ref().is_some_and(|x| x.allocation_id.is_some())
            && input.allow_reassociation != Some(true)
        {
            return Err(AwsError::bad_request(
                "Resource.AlreadyAssociated",
                format!("the network interface {eni_id} already has an Elastic IP address associated"),
            ));
        }
        dry_run(input.dry_run)?;
        // A reassociation first takes the address off wherever it was, and the interface's
        // own Elastic IP off it.
        if let Some(old) = a.network_interface_id.clone() {
            disassociate_interface(ctx, &old)?;
        }
        disassociate_interface(ctx, &eni_id)?;
        a = address(ctx, &alloc)?;
        let mut eni = enis::interface(ctx, &eni_id)?;
        let association_id = ctx.ids().ec2("eipassoc");
        let ip = a.public_ip.clone().unwrap_or_default();
        let region = ctx.region().to_string();
        let account = ctx.account().to_string();
        eni.association = Some(ec2::NetworkInterfaceAssociation {
            allocation_id: Some(alloc.clone()),
            association_id: Some(association_id.clone()),
            ip_owner_id: Some(account.clone()),
            public_dns_name: Some(public_dns(&region, &ip)),
            public_ip: Some(ip),
            ..Default::default()
        });
        ctx.put(&eni_id, &eni)?;
        a.association_id = Some(association_id.clone());
        a.instance_id = instance_id;
        a.network_interface_id = Some(eni_id);
        a.network_interface_owner_id = Some(account);
        a.private_ip_address = eni.private_ip_address.clone();
        ctx.put(&alloc, &a)?;
        Ok(ec2::AssociateAddressResult { association_id: Some(association_id) })
    }
}

impl Handler for ec2::DisassociateAddress {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DisassociateAddressRequest) -> Result<Empty, AwsError> {
        let a = match (&input.association_id, &input.public_ip) {
            (Some(id), _) => ctx
                .list::<ec2::Address>()?
                .into_iter()
                .map(|(_, a)| a)
                .find(|a| a.association_id.as_deref() == Some(id.as_str()))
                .ok_or_else(|| not_found("InvalidAssociationID.NotFound", "association", &[id]))?,
            (None, Some(ip)) => named(ctx, None, Some(ip))?,
            (None, None) => return Err(missing("AssociationId")),
        };
        let Some(eni_id) = a.network_interface_id.clone() else {
            // Disassociating an address that is not associated succeeds and changes nothing.
            dry_run(input.dry_run)?;
            return Ok(Empty {});
        };
        dry_run(input.dry_run)?;
        disassociate_interface(ctx, &eni_id)?;
        // The primary interface of a running instance launched with a public address gets a
        // new one from Amazon's pool.
        let eni = enis::interface(ctx, &eni_id)?;
        let att = eni.attachment.clone().unwrap_or_default();
        if att.device_index == Some(0) {
            if let Some(i) = att.instance_id.as_deref() {
                let doc = instances::instance(ctx, i)?;
                if doc.public_ip_on_launch && doc.state_name() == "running" && enis::attached_to(ctx, i)?.len() == 1 {
                    instances::assign_public_ip(ctx, &eni_id)?;
                }
            }
        }
        Ok(Empty {})
    }
}

impl Handler for ec2::ReleaseAddress {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::ReleaseAddressRequest) -> Result<Empty, AwsError> {
        let a = named(ctx, input.allocation_id.as_deref(), input.public_ip.as_deref())?;
        if a.association_id.is_some() {
            return Err(AwsError::bad_request(
                "InvalidIPAddress.InUse",
                format!("Address {} is in use.", a.public_ip.clone().unwrap_or_default()),
            ));
        }
        dry_run(input.dry_run)?;
        let id = a.allocation_id.unwrap_or_default();
        ctx.delete::<ec2::Address>(&id)?;
        drop_tags(ctx, &id)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::DescribeAddresses {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeAddressesRequest,
    ) -> Result<ec2::DescribeAddressesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "allocation-id",
                "association-id",
                "domain",
                "instance-id",
                "network-border-group",
                "network-interface-id",
                "network-interface-owner-id",
                "private-ip-address",
                "public-ip",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::Address>()?;
        if let Some(ids) = &input.allocation_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidAllocationID.NotFound", "allocation", &missing));
            }
        }
        if let Some(ips) = &input.public_ips {
            if let Some(ip) =
                ips.iter().find(|ip| !all.iter().any(|(_, a)| a.public_ip.as_deref() == Some(ip.as_str())))
            {
                return Err(AwsError::bad_request("InvalidAddress.NotFound", format!("Address '{ip}' not found.")));
            }
        }
        let mut out = Vec::new();
        for (id, mut a) in all {
            if input.allocation_ids.as_ref().is_some_and(|ids| !ids.contains(&id))
                || input.public_ips.as_ref().is_some_and(|ips| !a.public_ip.as_ref().is_some_and(|p| ips.contains(p)))
            {
                continue;
            }
            let tags = tags_of(ctx, &id)?;
            let ok = filters.matches(&tags, |name| match name {
                "allocation-id" => opt(&a.allocation_id),
                "association-id" => opt(&a.association_id),
                "domain" => opt(&a.domain),
                "instance-id" => opt(&a.instance_id),
                "network-border-group" => opt(&a.network_border_group),
                "network-interface-id" => opt(&a.network_interface_id),
                "network-interface-owner-id" => opt(&a.network_interface_owner_id),
                "private-ip-address" => opt(&a.private_ip_address),
                "public-ip" => opt(&a.public_ip),
                _ => Vec::new(),
            });
            if ok {
                a.tags = tag_list(tags);
                out.push(a);
            }
        }
        Ok(ec2::DescribeAddressesResult { addresses: Some(out) })
    }
}
