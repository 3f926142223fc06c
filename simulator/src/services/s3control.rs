//! S3 Control: the account-level Block Public Access configuration (S3.1), access points with
//! their own Block Public Access (S3.19, `access_points`), and Multi-Region Access Points with
//! theirs (S3.24, `multi_region`).

mod access_points;
mod multi_region;

use hubsim_model::{s3control, Empty};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

/// The account's Block Public Access configuration (global; one per account).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountPublicAccessBlock {
    /// The four flags as last put.
    pub config: s3control::PublicAccessBlockConfiguration,
}

impl Resource for AccountPublicAccessBlock {
    const KIND: &'static str = "s3control:public-access-block";
    const GLOBAL: bool = true;
}

const ID: &str = "account";

/// Registers S3 Control's operations.
pub fn register(r: &mut Registrar) {
    r.add::<s3control::GetPublicAccessBlock>()
        .add::<s3control::PutPublicAccessBlock>()
        .add::<s3control::DeletePublicAccessBlock>();
    access_points::register(r);
    multi_region::register(r);
}

/// The account's configuration, if one was put.
pub fn account_block(ctx: &Ctx<'_>) -> Result<Option<s3control::PublicAccessBlockConfiguration>, AwsError> {
    Ok(ctx.get::<AccountPublicAccessBlock>(ID)?.map(|b| b.config))
}

/// Whether the account-level `BlockPublicPolicy` flag is on.
pub fn account_blocks_public_policy(ctx: &Ctx<'_>) -> Result<bool, AwsError> {
    Ok(account_block(ctx)?.and_then(|c| c.block_public_policy).unwrap_or(false))
}

/// The Block Public Access an access point (or Multi-Region Access Point) is created with: every
/// setting on without a configuration, and the settings a given configuration leaves out off, as
/// S3 stores them. They cannot change afterwards.
fn creation_block(
    given: Option<&s3control::PublicAccessBlockConfiguration>,
) -> s3control::PublicAccessBlockConfiguration {
    let flag = |set: Option<bool>| Some(given.is_none() || set.unwrap_or(false));
    s3control::PublicAccessBlockConfiguration {
        block_public_acls: flag(given.and_then(|c| c.block_public_acls)),
        ignore_public_acls: flag(given.and_then(|c| c.ignore_public_acls)),
        block_public_policy: flag(given.and_then(|c| c.block_public_policy)),
        restrict_public_buckets: flag(given.and_then(|c| c.restrict_public_buckets)),
    }
}

fn check_account(ctx: &Ctx<'_>, account_id: &str) -> Result<(), AwsError> {
    if account_id != ctx.account() {
        return Err(AwsError::new("AccessDenied", 403, format!("Access Denied for account {account_id}")));
    }
    Ok(())
}

impl Handler for s3control::GetPublicAccessBlock {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::GetPublicAccessBlockRequest,
    ) -> Result<s3control::GetPublicAccessBlockOutput, AwsError> {
        check_account(ctx, &input.account_id)?;
        match account_block(ctx)? {
            Some(config) => {
                Ok(s3control::GetPublicAccessBlockOutput { public_access_block_configuration: Some(config) })
            }
            None => Err(AwsError::not_found(
                "NoSuchPublicAccessBlockConfiguration",
                "The public access block configuration was not found",
            )),
        }
    }
}

impl Handler for s3control::PutPublicAccessBlock {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3control::PutPublicAccessBlockRequest) -> Result<Empty, AwsError> {
        check_account(ctx, &input.account_id)?;
        let c = input.public_access_block_configuration;
        // S3 stores absent flags as false.
        let config = s3control::PublicAccessBlockConfiguration {
            block_public_acls: Some(c.block_public_acls.unwrap_or(false)),
            ignore_public_acls: Some(c.ignore_public_acls.unwrap_or(false)),
            block_public_policy: Some(c.block_public_policy.unwrap_or(false)),
            restrict_public_buckets: Some(c.restrict_public_buckets.unwrap_or(false)),
        };
        ctx.put(ID, &AccountPublicAccessBlock { config })?;
        Ok(Empty {})
    }
}

impl Handler for s3control::DeletePublicAccessBlock {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3control::DeletePublicAccessBlockRequest) -> Result<Empty, AwsError> {
        check_account(ctx, &input.account_id)?;
        ctx.delete::<AccountPublicAccessBlock>(ID)?;
        Ok(Empty {})
    }
}
