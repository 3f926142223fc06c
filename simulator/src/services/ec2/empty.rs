//! Calls scanners make on every run about resources hubsim never holds (instances, volumes,
//! snapshots, ...): well-formed empty answers, and the account-level defaults of block public
//! access and instance metadata.

use hubsim_model::ec2;

use super::dry_run;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::DescribeVpcPeeringConnections>()
        .add::<ec2::GetImageBlockPublicAccessState>()
        .add::<ec2::GetInstanceMetadataDefaults>();
}

/// The error a lookup of a specific id answers when nothing of the kind exists.
fn none_of(ids: &Option<Vec<String>>, code: &str, noun: &str) -> Result<(), AwsError> {
    match ids.as_deref() {
        Some(ids) if !ids.is_empty() => {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            Err(super::not_found(code, noun, &ids))
        }
        _ => Ok(()),
    }
}

/// Implements an empty Describe: dry run, unknown ids, and an empty list.
macro_rules! empty_describe {
    ($op:ident, $req:ident, $res:ident, $ids:ident, $code:expr, $noun:expr, { $($field:ident: $value:expr),* }) => {
        impl Handler for ec2::$op {
            const MUTATES: bool = false;

            fn handle(_ctx: &mut Ctx<'_>, input: ec2::$req) -> Result<ec2::$res, AwsError> {
                dry_run(input.dry_run)?;
                none_of(&input.$ids, $code, $noun)?;
                Ok(ec2::$res { $($field: $value),* })
            }
        }
    };
}

empty_describe!(DescribeVpcPeeringConnections, DescribeVpcPeeringConnectionsRequest,
    DescribeVpcPeeringConnectionsResult, vpc_peering_connection_ids,
    "InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection",
    { vpc_peering_connections: Some(vec![]), next_token: None });

impl Handler for ec2::GetImageBlockPublicAccessState {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        input: ec2::GetImageBlockPublicAccessStateRequest,
    ) -> Result<ec2::GetImageBlockPublicAccessStateResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::GetImageBlockPublicAccessStateResult {
            image_block_public_access_state: Some("unblocked".into()),
            managed_by: Some("account".into()),
        })
    }
}

impl Handler for ec2::GetInstanceMetadataDefaults {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        input: ec2::GetInstanceMetadataDefaultsRequest,
    ) -> Result<ec2::GetInstanceMetadataDefaultsResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::GetInstanceMetadataDefaultsResult {
            account_level: Some(ec2::InstanceMetadataDefaultsResponse::default()),
        })
    }
}
