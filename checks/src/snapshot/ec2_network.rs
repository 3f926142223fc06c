//! The region's network settings the EC2 network controls read beyond VPCs, groups and ACLs:
//! VPC Block Public Access (EC2.172).

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One region's network settings.
#[derive(Debug, Clone, Default)]
pub struct NetworkView {
    /// VPC Block Public Access (`DescribeVpcBlockPublicAccessOptions`); `None` when EC2 answered
    /// without options.
    pub vpc_block_public_access: Option<ec2::VpcBlockPublicAccessOptions>,
}

/// Reads the region's network settings.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<NetworkView, FetchError> {
    let vpc_block_public_access = api
        .call::<ec2::DescribeVpcBlockPublicAccessOptions>(region, Default::default())
        .map_err(fail("VPC Block Public Access options", region))?
        .vpc_block_public_access_options;
    Ok(NetworkView { vpc_block_public_access })
}
