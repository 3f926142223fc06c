//! VPC Block Public Access, one setting per account and region:
//! Describe/ModifyVpcBlockPublicAccessOptions
//! (https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html). A region never
//! modified answers `off` in state `default-state`; a modification completes at once
//! (`update-complete`), where AWS passes through `update-in-progress` for a while.

use hubsim_model::ec2;

use super::dry_run;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::DescribeVpcBlockPublicAccessOptions>().add::<ec2::ModifyVpcBlockPublicAccessOptions>();
}

/// The id the region's single options document is stored under.
const ID: &str = "default";

/// The modes `InternetGatewayBlockMode` takes
/// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcBlockPublicAccessOptions.html).
const MODES: &[&str] = &["off", "block-bidirectional", "block-ingress"];

impl Resource for ec2::VpcBlockPublicAccessOptions {
    const KIND: &'static str = "ec2:vpc-block-public-access-options";
}

/// The region's options: as stored, or the never-modified default (`off`).
fn options(ctx: &Ctx<'_>) -> Result<ec2::VpcBlockPublicAccessOptions, AwsError> {
    Ok(ctx.get::<ec2::VpcBlockPublicAccessOptions>(ID)?.unwrap_or_else(|| ec2::VpcBlockPublicAccessOptions {
        aws_account_id: Some(ctx.account().to_string()),
        aws_region: Some(ctx.region().to_string()),
        state: Some("default-state".into()),
        internet_gateway_block_mode: Some("off".into()),
        managed_by: Some("account".into()),
        exclusions_allowed: Some("allowed".into()),
        ..Default::default()
    }))
}

impl Handler for ec2::DescribeVpcBlockPublicAccessOptions {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeVpcBlockPublicAccessOptionsRequest,
    ) -> Result<ec2::DescribeVpcBlockPublicAccessOptionsResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::DescribeVpcBlockPublicAccessOptionsResult { vpc_block_public_access_options: Some(options(ctx)?) })
    }
}

impl Handler for ec2::ModifyVpcBlockPublicAccessOptions {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ModifyVpcBlockPublicAccessOptionsRequest,
    ) -> Result<ec2::ModifyVpcBlockPublicAccessOptionsResult, AwsError> {
        let mode = input.internet_gateway_block_mode;
        if !MODES.contains(&mode.as_str()) {
            return Err(AwsError::bad_request(
                "InvalidParameterValue",
                format!(
                    "Value ({mode}) for parameter InternetGatewayBlockMode is invalid. Valid values: {}",
                    MODES.join(", ")
                ),
            ));
        }
        dry_run(input.dry_run)?;
        let mut o = options(ctx)?;
        o.internet_gateway_block_mode = Some(mode);
        o.state = Some("update-complete".into());
        o.last_update_timestamp = Some(ctx.now());
        ctx.put(ID, &o)?;
        Ok(ec2::ModifyVpcBlockPublicAccessOptionsResult { vpc_block_public_access_options: Some(o) })
    }
}
