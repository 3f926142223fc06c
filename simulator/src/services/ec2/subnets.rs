//! Subnets: CreateSubnet, DeleteSubnet, DescribeSubnets, ModifySubnetAttribute.

use hubsim_model::{ec2, Empty};

use super::cidr::Cidr4;
use super::filters::{flag, one, opt, page, Filters};
use super::regions::{zone, zones_of, Zone};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::vpcs::vpc;
use super::{arn, dry_run, flow_logs, gateways_routes, invalid, missing, network_acls, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateSubnet>()
        .add::<ec2::DeleteSubnet>()
        .add::<ec2::DescribeSubnets>()
        .add::<ec2::ModifySubnetAttribute>();
}

impl Resource for ec2::Subnet {
    const KIND: &'static str = "ec2:subnet";
}

/// Reads subnet `id` or answers `InvalidSubnetID.NotFound`.
pub(crate) fn subnet(ctx: &Ctx<'_>, id: &str) -> Result<ec2::Subnet, AwsError> {
    ctx.get::<ec2::Subnet>(id)?.ok_or_else(|| not_found("InvalidSubnetID.NotFound", "subnet", &[id]))
}

/// Creates a subnet and associates it with its VPC's default network ACL. Returns its id.
pub(crate) fn create_subnet(
    ctx: &mut Ctx<'_>,
    vpc_id: &str,
    cidr: Cidr4,
    zone: Zone,
    default_for_az: bool,
) -> Result<String, AwsError> {
    let id = ctx.ids().ec2("subnet");
    let available = i32::try_from(cidr.size().saturating_sub(5)).unwrap_or(i32::MAX);
    let subnet = ec2::Subnet {
        availability_zone_id: Some(zone.id.into()),
        map_customer_owned_ip_on_launch: Some(false),
        owner_id: Some(ctx.account().to_string()),
        assign_ipv6_address_on_creation: Some(false),
        ipv6_cidr_block_association_set: Some(vec![]),
        subnet_arn: Some(arn(ctx, "subnet", &id)),
        enable_dns64: Some(false),
        ipv6_native: Some(false),
        private_dns_name_options_on_launch: Some(ec2::PrivateDnsNameOptionsOnLaunch {
            hostname_type: Some("ip-name".into()),
            enable_resource_name_dns_a_record: Some(false),
            enable_resource_name_dns_aaaa_record: Some(false),
        }),
        block_public_access_states: Some(ec2::BlockPublicAccessStates {
            internet_gateway_block_mode: Some("off".into()),
        }),
        subnet_id: Some(id.clone()),
        state: Some("available".into()),
        vpc_id: Some(vpc_id.to_string()),
        cidr_block: Some(cidr.to_string()),
        available_ip_address_count: Some(available),
        availability_zone: Some(zone.name.into()),
        default_for_az: Some(default_for_az),
        map_public_ip_on_launch: Some(default_for_az),
        ..Default::default()
    };
    ctx.put(&id, &subnet)?;
    network_acls::associate_default(ctx, vpc_id, &id)?;
    Ok(id)
}

fn view(ctx: &Ctx<'_>, mut s: ec2::Subnet) -> Result<ec2::Subnet, AwsError> {
    s.tags = tag_list(tags_of(ctx, s.subnet_id.as_deref().unwrap_or(""))?);
    Ok(s)
}

impl Handler for ec2::CreateSubnet {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateSubnetRequest) -> Result<ec2::CreateSubnetResult, AwsError> {
        let vpc_doc = vpc(ctx, &input.vpc_id)?;
        let text = input.cidr_block.as_deref().ok_or_else(|| missing("cidrBlock"))?;
        let cidr = Cidr4::parse(text).filter(Cidr4::is_network).ok_or_else(|| {
            invalid(format!("Value ({text}) for parameter cidrBlock is invalid. This is not a valid CIDR block."))
        })?;
        let inside = vpc_doc
            .vpc
            .cidr_block_association_set
            .iter()
            .flatten()
            .filter_map(|a| a.cidr_block.as_deref().and_then(Cidr4::parse))
            .any(|block| block.contains(&cidr));
        if !(16..=28).contains(&cidr.prefix) || !inside {
            return Err(AwsError::bad_request("InvalidSubnet.Range", format!("The CIDR '{text}' is invalid.")));
        }
        let conflict = ctx.list::<ec2::Subnet>()?.into_iter().any(|(_, s)| {
            s.vpc_id.as_deref() == Some(input.vpc_id.as_str())
                && s.cidr_block.as_deref().and_then(Cidr4::parse).is_some_and(|c| c.overlaps(&cidr))
        });
        if conflict {
            return Err(AwsError::bad_request(
                "InvalidSubnet.Conflict",
                format!("The CIDR '{text}' conflicts with another subnet"),
            ));
        }
        let region = ctx.region().to_string();
        let zones = zones_of(&region);
        let names: Vec<&str> = zones.iter().map(|z| z.name).collect();
        let bad_zone = |param: &str, v: &str| {
            invalid(format!(
                "Value ({v}) for parameter {param} is invalid. Subnets can currently only be created in the following availability zones: {}.",
                names.join(", ")
            ))
        };
        let chosen = match (&input.availability_zone, &input.availability_zone_id) {
            (Some(_), Some(_)) => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "Only one of availabilityZone or availabilityZoneId may be specified",
                ))
            }
            (Some(n), None) => {
                zone(&region, n).filter(|z| z.name == n).ok_or_else(|| bad_zone("availabilityZone", n))?
            }
            (None, Some(i)) => {
                zone(&region, i).filter(|z| z.id == i).ok_or_else(|| bad_zone("availabilityZoneId", i))?
            }
            (None, None) => *zones.first().ok_or_else(|| invalid(format!("No availability zones in {region}")))?,
        };
        let tags = spec_tags(&input.tag_specifications, "subnet")?;
        dry_run(input.dry_run)?;
        let id = create_subnet(ctx, &input.vpc_id, cidr, chosen, false)?;
        add_tags(ctx, &id, "subnet", &tags)?;
        let s = subnet(ctx, &id)?;
        Ok(ec2::CreateSubnetResult { subnet: Some(view(ctx, s)?) })
    }
}

impl Handler for ec2::DeleteSubnet {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteSubnetRequest) -> Result<Empty, AwsError> {
        let id = input.subnet_id;
        subnet(ctx, &id)?;
        let used = ctx
            .list::<ec2::VpcEndpoint>()?
            .into_iter()
            .any(|(_, e)| e.subnet_ids.iter().flatten().any(|s| *s == id))
            || ctx.list::<ec2::NetworkInterface>()?.iter().any(|(_, n)| n.subnet_id.as_deref() == Some(id.as_str()));
        if used {
            return Err(AwsError::bad_request(
                "DependencyViolation",
                format!("The subnet '{id}' has dependencies and cannot be deleted."),
            ));
        }
        dry_run(input.dry_run)?;
        network_acls::disassociate_subnet(ctx, &id)?;
        gateways_routes::disassociate_subnet(ctx, &id)?;
        flow_logs::remove_for_resource(ctx, &id)?;
        ctx.delete::<ec2::Subnet>(&id)?;
        drop_tags(ctx, &id)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::DescribeSubnets {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeSubnetsRequest) -> Result<ec2::DescribeSubnetsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "availability-zone",
                "availability-zone-id",
                "availabilityZone",
                "available-ip-address-count",
                "cidr",
                "cidr-block",
                "cidrBlock",
                "default-for-az",
                "defaultForAz",
                "map-public-ip-on-launch",
                "owner-id",
                "state",
                "subnet-arn",
                "subnet-id",
                "vpc-id",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::Subnet>()?;
        if let Some(ids) = &input.subnet_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidSubnetID.NotFound", "subnet", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, s) in all {
            if input.subnet_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let s = view(ctx, s)?;
            let keep = filters.matches(s.tags.as_deref().unwrap_or(&[]), |name| match name {
                "availability-zone" | "availabilityZone" => opt(&s.availability_zone),
                "availability-zone-id" => opt(&s.availability_zone_id),
                "available-ip-address-count" => s.available_ip_address_count.iter().map(|n| n.to_string()).collect(),
                "cidr" | "cidr-block" | "cidrBlock" => opt(&s.cidr_block),
                "default-for-az" | "defaultForAz" => flag(s.default_for_az),
                "map-public-ip-on-launch" => flag(s.map_public_ip_on_launch),
                "owner-id" => opt(&s.owner_id),
                "state" => opt(&s.state),
                "subnet-arn" => opt(&s.subnet_arn),
                "subnet-id" => one(id.as_str()),
                "vpc-id" => opt(&s.vpc_id),
                _ => vec![],
            });
            if keep {
                out.push(s);
            }
        }
        let (subnets, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeSubnetsResult { subnets: Some(subnets), next_token })
    }
}

impl Handler for ec2::ModifySubnetAttribute {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::ModifySubnetAttributeRequest) -> Result<Empty, AwsError> {
        let mut s = subnet(ctx, &input.subnet_id)?;
        let bools = [
            ("MapPublicIpOnLaunch", &input.map_public_ip_on_launch),
            ("AssignIpv6AddressOnCreation", &input.assign_ipv6_address_on_creation),
            ("MapCustomerOwnedIpOnLaunch", &input.map_customer_owned_ip_on_launch),
            ("EnableDns64", &input.enable_dns64),
            ("EnableResourceNameDnsARecordOnLaunch", &input.enable_resource_name_dns_a_record_on_launch),
            ("EnableResourceNameDnsAAAARecordOnLaunch", &input.enable_resource_name_dns_aaaa_record_on_launch),
            ("DisableLniAtDeviceIndex", &input.disable_lni_at_device_index),
        ];
        let mut given: Vec<&str> = bools.iter().filter(|(_, v)| v.is_some()).map(|(n, _)| *n).collect();
        if input.private_dns_hostname_type_on_launch.is_some() {
            given.push("PrivateDnsHostnameTypeOnLaunch");
        }
        if input.enable_lni_at_device_index.is_some() {
            given.push("EnableLniAtDeviceIndex");
        }
        if given.len() > 1 {
            return Err(AwsError::bad_request(
                "InvalidParameterCombination",
                format!("Fields for multiple attribute types specified: {}", given.join(", ")),
            ));
        }
        let Some(&name) = given.first() else {
            return Err(missing("an attribute to modify (for example MapPublicIpOnLaunch)"));
        };
        let value = bools.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.as_ref().map(|a| a.value));
        let flag_value = match value {
            Some(Some(v)) => Some(v),
            Some(None) => return Err(missing(&format!("{name}.Value"))),
            None => None,
        };
        match (name, flag_value) {
            ("MapPublicIpOnLaunch", Some(v)) => s.map_public_ip_on_launch = Some(v),
            ("AssignIpv6AddressOnCreation", Some(v)) => {
                if v && s.ipv6_cidr_block_association_set.as_ref().is_none_or(Vec::is_empty) {
                    return Err(invalid(format!(
                        "Invalid value 'true' for assignIpv6AddressOnCreation. Cannot set assignIpv6AddressOnCreation to true unless the subnet ({}) has an IPv6 CIDR block associated with it.",
                        input.subnet_id
                    )));
                }
                s.assign_ipv6_address_on_creation = Some(v)
            }
            ("MapCustomerOwnedIpOnLaunch", Some(v)) => {
                if v {
                    return Err(invalid("MapCustomerOwnedIpOnLaunch is only supported for subnets on an Outpost"));
                }
                s.map_customer_owned_ip_on_launch = Some(v)
            }
            ("EnableDns64", Some(v)) => s.enable_dns64 = Some(v),
            ("EnableResourceNameDnsARecordOnLaunch", Some(v)) => {
                if let Some(o) = s.private_dns_name_options_on_launch.as_mut() {
                    o.enable_resource_name_dns_a_record = Some(v)
                }
            }
            ("EnableResourceNameDnsAAAARecordOnLaunch", Some(v)) => {
                if let Some(o) = s.private_dns_name_options_on_launch.as_mut() {
                    o.enable_resource_name_dns_aaaa_record = Some(v)
                }
            }
            ("PrivateDnsHostnameTypeOnLaunch", _) => {
                if let Some(o) = s.private_dns_name_options_on_launch.as_mut() {
                    o.hostname_type = input.private_dns_hostname_type_on_launch.clone()
                }
            }
            _ => {
                return Err(invalid(format!("{name} is only supported for subnets on an Outpost")));
            }
        }
        ctx.put(&input.subnet_id, &s)?;
        Ok(Empty {})
    }
}
