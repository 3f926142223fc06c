//! Amazon EC2 / VPC: regions and zones, VPCs, subnets, security groups, network ACLs, flow
//! logs, VPC endpoints, internet gateways, route tables, DHCP options, tags and the EBS
//! account settings. All state is regional.
//!
//! A fresh account holds a default VPC in every enabled region ([`seed_region`]; AWS:
//! https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc-components.html).
//! EC2 errors are dotted codes (`InvalidGroup.NotFound`), all HTTP 400 except
//! `DryRunOperation` (412).

mod addresses;
mod cidr;
mod client_vpn;
mod ebs;
mod empty;
mod endpoints;
mod filters;
mod flow_logs;
mod gateways_routes;
mod images;
mod instances;
mod launch_templates;
mod limits;
mod network_acls;
mod network_interfaces;
mod regions;
mod security_groups;
mod seed;
mod snapshots;
mod spot_fleet;
mod subnets;
mod tags;
mod transit_gateways;
mod volumes;
mod vpc_block_public_access;
mod vpcs;
mod vpn;

pub(crate) use instances::InstanceDoc;
/// Read by Lambda's VPC configuration checks.
pub(crate) use security_groups::group as security_group;
pub(crate) use security_groups::SgDoc;
pub use seed::seed_region;
/// Read by Lambda's VPC configuration checks.
pub(crate) use subnets::subnet as subnet_doc;
pub(crate) use vpcs::VpcDoc;
pub(crate) use vpn::set_tunnel_status;

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::Ctx;

/// Registers EC2's operations.
pub fn register(r: &mut Registrar) {
    regions::register(r);
    vpcs::register(r);
    subnets::register(r);
    security_groups::register(r);
    network_acls::register(r);
    flow_logs::register(r);
    ebs::register(r);
    endpoints::register(r);
    gateways_routes::register(r);
    launch_templates::register(r);
    spot_fleet::register(r);
    tags::register(r);
    images::register(r);
    instances::register(r);
    network_interfaces::register(r);
    addresses::register(r);
    volumes::register(r);
    snapshots::register(r);
    empty::register(r);
    vpc_block_public_access::register(r);
    transit_gateways::register(r);
    client_vpn::register(r);
    vpn::register(r);
}

/// 412 `DryRunOperation` when the caller asked for a dry run.
pub(crate) fn dry_run(flag: Option<bool>) -> Result<(), AwsError> {
    if flag == Some(true) {
        return Err(AwsError::new("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set."));
    }
    Ok(())
}

/// 400 `<code>` naming the missing ids the way EC2 does ("The vpc ID 'vpc-1' does not exist").
pub(crate) fn not_found(code: &str, noun: &str, ids: &[&str]) -> AwsError {
    let message = if ids.len() == 1 {
        format!("The {noun} ID '{}' does not exist", ids[0])
    } else {
        format!("The {noun} IDs '{}' do not exist", ids.join(", "))
    };
    AwsError::bad_request(code, message)
}

/// 400 `InvalidParameterValue`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterValue", message)
}

/// 400 `MissingParameter` for the wire parameter `name`.
pub(crate) fn missing(name: &str) -> AwsError {
    AwsError::bad_request("MissingParameter", format!("The request must contain the parameter {name}"))
}

/// The ARN of an EC2 resource in the call's region.
pub(crate) fn arn(ctx: &Ctx<'_>, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{}:{}:{kind}/{id}", ctx.region(), ctx.account())
}
