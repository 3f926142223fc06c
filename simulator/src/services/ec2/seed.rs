//! The default VPC of a fresh account
//! (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc-components.html) and its EBS
//! settings (https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html).

use super::cidr::Cidr4;
use super::ebs::{save, EbsSettings};
use super::regions::zones_of;
use super::{gateways_routes, subnets, vpcs};
use crate::error::AwsError;
use crate::Ctx;

/// Seeds one region of a fresh account: the default VPC `172.31.0.0/16` (DNS support and
/// hostnames on) with the region's DHCP options, its default security group, network ACL and
/// main route table, an attached internet gateway routed as `0.0.0.0/0`, one default `/20`
/// subnet per Availability Zone in zone order (`172.31.0.0/20`, `172.31.16.0/20`, ...), and
/// EBS encryption by default off with `alias/aws/ebs` as the default key.
pub fn seed_region(ctx: &mut Ctx<'_>) -> Result<(), AwsError> {
    let region = ctx.region().to_string();
    let block = Cidr4::parse("172.31.0.0/16").ok_or_else(|| AwsError::internal("default VPC block"))?;
    let vpc_id = vpcs::create_vpc(ctx, block, true, "default")?;
    gateways_routes::attach_new_internet_gateway(ctx, &vpc_id)?;
    for (i, zone) in zones_of(&region).iter().enumerate() {
        let offset = u32::try_from(i).map_err(|_| AwsError::internal("too many zones"))? << 12;
        let cidr = Cidr4 { addr: block.addr + offset, prefix: 20 };
        subnets::create_subnet(ctx, &vpc_id, cidr, *zone, true)?;
    }
    save(ctx, &EbsSettings::default())
}
