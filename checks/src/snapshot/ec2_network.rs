//! The region's network settings the EC2 network controls read beyond VPCs, groups and ACLs:
//! VPC Block Public Access (EC2.172), transit gateways (EC2.23), Client VPN endpoints (EC2.51) and
//! Site-to-Site VPN connections (EC2.20, EC2.171).

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One region's network settings.
#[derive(Debug, Clone, Default)]
pub struct NetworkView {
    /// VPC Block Public Access (`DescribeVpcBlockPublicAccessOptions`); `None` when EC2 answered
    /// without options.
    pub vpc_block_public_access: Option<ec2::VpcBlockPublicAccessOptions>,
    /// Transit gateways, deleted ones included (as `DescribeTransitGateways` lists them).
    pub transit_gateways: Vec<ec2::TransitGateway>,
    /// Client VPN endpoints with their connection logging.
    pub client_vpn_endpoints: Vec<ec2::ClientVpnEndpoint>,
    /// Site-to-Site VPN connections with their tunnels' status and logging, deleted ones
    /// included (as `DescribeVpnConnections` lists them; it does not page).
    pub vpn_connections: Vec<ec2::VpnConnection>,
}

/// Reads the region's network settings.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<NetworkView, FetchError> {
    let vpc_block_public_access = api
        .call::<ec2::DescribeVpcBlockPublicAccessOptions>(region, Default::default())
        .map_err(fail("VPC Block Public Access options", region))?
        .vpc_block_public_access_options;
    let mut transit_gateways = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = api
            .call::<ec2::DescribeTransitGateways>(
                region,
                ec2::DescribeTransitGatewaysRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("transit gateways", region))?;
        transit_gateways.extend(page.transit_gateways.unwrap_or_default());
        token = page.next_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    let mut client_vpn_endpoints = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = api
            .call::<ec2::DescribeClientVpnEndpoints>(
                region,
                ec2::DescribeClientVpnEndpointsRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("Client VPN endpoints", region))?;
        client_vpn_endpoints.extend(page.client_vpn_endpoints.unwrap_or_default());
        token = page.next_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    let vpn_connections = api
        .call::<ec2::DescribeVpnConnections>(region, Default::default())
        .map_err(fail("VPN connections", region))?
        .vpn_connections
        .unwrap_or_default();
    Ok(NetworkView { vpc_block_public_access, transit_gateways, client_vpn_endpoints, vpn_connections })
}
