//! S3 access points (Create/Get/Delete/ListAccessPoints), each with Block Public Access
//! settings of its own that cannot change after creation
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html>),
//! named by S3's rules
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-restrictions-limitations.html>).

use hubsim_model::{s3control, Empty, Timestamp};
use serde::{Deserialize, Serialize};

use super::check_account;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::s3::Bucket;
use crate::store::Resource;
use crate::Ctx;

/// One access point, kept in its region under its name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessPoint {
    /// Name (unique per account and region).
    pub name: String,
    /// The bucket it serves.
    pub bucket: String,
    /// Its VPC, when it accepts requests from that VPC only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    /// Its Block Public Access settings, fixed at creation.
    pub block: s3control::PublicAccessBlockConfiguration,
    /// Its bucket-style alias.
    pub alias: String,
    /// Creation time.
    pub created: Timestamp,
}

impl Resource for AccessPoint {
    const KIND: &'static str = "s3control:access-point";
    const GLOBAL: bool = false;
}

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3control::CreateAccessPoint>()
        .add::<s3control::GetAccessPoint>()
        .add::<s3control::DeleteAccessPoint>()
        .add::<s3control::ListAccessPoints>();
}

/// S3's naming rules for access points (and Multi-Region Access Points, which share them):
/// 3–50 characters of lowercase letters, digits and hyphens, beginning with a letter or a
/// digit, not ending with a hyphen, nor with the alias suffix `-s3alias`.
pub(super) fn check_name(name: &str, what: &str) -> Result<(), AwsError> {
    let b = name.as_bytes();
    let ok = (3..=50).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.first().is_some_and(|c| c.is_ascii_alphanumeric())
        && b.last().is_some_and(|c| c.is_ascii_alphanumeric())
        && !name.ends_with("-s3alias");
    if ok {
        Ok(())
    } else {
        // The same code the model's own length check gives for a name under 3 characters.
        Err(AwsError::bad_request(
            "InvalidArgument",
            format!(
                "{what} name {name:?} is not valid: 3 to 50 lowercase letters, digits or hyphens, beginning and ending \
                 with a letter or digit"
            ),
        ))
    }
}

fn no_such_access_point(name: &str) -> AwsError {
    AwsError::not_found("NoSuchAccessPoint", format!("The specified accesspoint does not exist: {name}"))
}

fn arn(ctx: &Ctx<'_>, name: &str) -> String {
    format!("arn:aws:s3:{}:{}:accesspoint/{name}", ctx.region(), ctx.account())
}

fn network_origin(ap: &AccessPoint) -> &'static str {
    if ap.vpc.is_some() {
        "VPC"
    } else {
        "Internet"
    }
}

impl Handler for s3control::CreateAccessPoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::CreateAccessPointRequest,
    ) -> Result<s3control::CreateAccessPointResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        check_name(&input.name, "Access point")?;
        if input.bucket_account_id.as_deref().is_some_and(|a| a != ctx.account()) {
            return Err(AwsError::bad_request(
                "InvalidRequest",
                "hubsim simulates one account: BucketAccountId must be the caller's account",
            ));
        }
        let bucket =
            ctx.get::<Bucket>(&input.bucket)?.ok_or_else(|| crate::services::s3::no_such_bucket(&input.bucket))?;
        if bucket.region != ctx.region() {
            return Err(AwsError::bad_request(
                "InvalidRequest",
                format!(
                    "Bucket {} is in {}: an access point must be created in its bucket's region",
                    input.bucket, bucket.region
                ),
            ));
        }
        if let Some(vpc) = &input.vpc_configuration {
            if !vpc.vpc_id.starts_with("vpc-") {
                return Err(AwsError::bad_request("InvalidRequest", format!("VpcId {:?} is not a VPC id", vpc.vpc_id)));
            }
        }
        if ctx.get::<AccessPoint>(&input.name)?.is_some() {
            return Err(AwsError::conflict(
                "AccessPointAlreadyOwnedByYou",
                format!(
                    "Your previous request to create the named accesspoint {} succeeded and you already own it",
                    input.name
                ),
            ));
        }
        let block = super::creation_block(input.public_access_block_configuration.as_ref());
        let alias = format!("{}-{}-s3alias", input.name, ctx.ids().hex(26));
        let ap = AccessPoint {
            name: input.name.clone(),
            bucket: input.bucket,
            vpc: input.vpc_configuration.map(|v| v.vpc_id),
            block,
            alias: alias.clone(),
            created: ctx.now(),
        };
        ctx.put(&input.name, &ap)?;
        Ok(s3control::CreateAccessPointResult { access_point_arn: Some(arn(ctx, &input.name)), alias: Some(alias) })
    }
}

impl Handler for s3control::GetAccessPoint {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::GetAccessPointRequest,
    ) -> Result<s3control::GetAccessPointResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        let ap = ctx.get::<AccessPoint>(&input.name)?.ok_or_else(|| no_such_access_point(&input.name))?;
        Ok(s3control::GetAccessPointResult {
            name: Some(ap.name.clone()),
            bucket: Some(ap.bucket.clone()),
            network_origin: Some(network_origin(&ap).into()),
            vpc_configuration: ap.vpc.clone().map(|vpc_id| s3control::VpcConfiguration { vpc_id }),
            public_access_block_configuration: Some(ap.block.clone()),
            creation_date: Some(ap.created),
            alias: Some(ap.alias.clone()),
            access_point_arn: Some(arn(ctx, &ap.name)),
            bucket_account_id: Some(ctx.account().to_string()),
            ..Default::default()
        })
    }
}

impl Handler for s3control::DeleteAccessPoint {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3control::DeleteAccessPointRequest) -> Result<Empty, AwsError> {
        check_account(ctx, &input.account_id)?;
        if !ctx.delete::<AccessPoint>(&input.name)? {
            return Err(no_such_access_point(&input.name));
        }
        Ok(Empty {})
    }
}

impl Handler for s3control::ListAccessPoints {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::ListAccessPointsRequest,
    ) -> Result<s3control::ListAccessPointsResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        let max = match input.max_results {
            None => 1000,
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(AwsError::bad_request("InvalidArgument", format!("MaxResults {n} must be from 1 to 1000")))
            }
        };
        let mut all: Vec<AccessPoint> = ctx.list::<AccessPoint>()?.into_iter().map(|(_, ap)| ap).collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(bucket) = &input.bucket {
            all.retain(|ap| &ap.bucket == bucket);
        }
        if let Some(token) = &input.next_token {
            all.retain(|ap| ap.name.as_str() > token.as_str());
        }
        let next_token = (all.len() > max).then(|| all[max - 1].name.clone());
        all.truncate(max);
        let access_point_list = all
            .into_iter()
            .map(|ap| s3control::AccessPoint {
                network_origin: network_origin(&ap).into(),
                vpc_configuration: ap.vpc.clone().map(|vpc_id| s3control::VpcConfiguration { vpc_id }),
                access_point_arn: Some(arn(ctx, &ap.name)),
                alias: Some(ap.alias),
                bucket_account_id: Some(ctx.account().to_string()),
                name: ap.name,
                bucket: ap.bucket,
                ..Default::default()
            })
            .collect();
        Ok(s3control::ListAccessPointsResult { access_point_list: Some(access_point_list), next_token })
    }
}
